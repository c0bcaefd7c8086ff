import { createHash, createHmac, timingSafeEqual } from 'crypto';

/**
 * The token Meta echoes back when it verifies a callback URL. Derived, not stored: every n8n
 * instance and every restart computes the same value from the secret and the URL, and nobody
 * without the secret can compute it. The URL binds it to this trigger, so two triggers never share
 * a token.
 */
export function deriveVerifyToken(secret: string, webhookUrl: string): string {
	return createHmac('sha256', secret)
		.update(`n8n-nodes-whatsapp-groups:verify-token:${webhookUrl}`)
		.digest('hex');
}

/**
 * The header every 360dialog delivery must carry. 360dialog signs nothing a client could check;
 * the way it documents to authenticate deliveries is a header set with the webhook URL. Letters,
 * digits and hyphens only: 360dialog refuses "_" in webhook headers.
 */
export const D360_TOKEN_HEADER = 'X-WhatsApp-Groups-Token';

/**
 * The value of that header for a URL: derived from the 360dialog API key and the URL, like the
 * verify token, so nothing is stored, every instance computes the same value, and two triggers never
 * share one. Only who holds the key (360dialog and this n8n) can compute it.
 */
export function deriveHeaderToken(apiKey: string, webhookUrl: string): string {
	return createHmac('sha256', apiKey)
		.update(`n8n-nodes-whatsapp-groups:360dialog-header:${webhookUrl}`)
		.digest('hex');
}

/** Constant-time comparison of two strings of any length (hashing evens out the lengths). */
export function sameToken(received: unknown, expected: string): boolean {
	if (typeof received !== 'string' || received === '' || expected === '') return false;
	const a = createHash('sha256').update(received).digest();
	const b = createHash('sha256').update(expected).digest();
	return timingSafeEqual(a, b);
}
