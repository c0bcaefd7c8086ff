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

/** Constant-time comparison of two strings of any length (hashing evens out the lengths). */
export function sameToken(received: unknown, expected: string): boolean {
	if (typeof received !== 'string' || received === '' || expected === '') return false;
	const a = createHash('sha256').update(received).digest();
	const b = createHash('sha256').update(expected).digest();
	return timingSafeEqual(a, b);
}
