import { createHmac, timingSafeEqual } from 'crypto';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

const SIGNATURE_FORMAT = /^sha256=([0-9a-f]{64})$/i;

/**
 * Meta signs every delivery with HMAC-SHA256 of the exact bytes it sent, keyed with the app
 * secret. The check must run on the raw body: re-serialised JSON differs in spacing and escapes.
 * The comparison is constant-time so the signature cannot be guessed byte by byte.
 */
export function checkSignature(
	rawBody: Buffer | string | undefined,
	header: string | string[] | undefined,
	appSecret: string,
): SignatureCheck {
	const value = Array.isArray(header) ? header[0] : header;
	if (value === undefined || value === '') {
		return { valid: false, reason: 'the X-Hub-Signature-256 header is missing' };
	}
	const match = SIGNATURE_FORMAT.exec(value.trim());
	if (!match) {
		return {
			valid: false,
			reason: 'the X-Hub-Signature-256 header is not "sha256=<64 hex digits>"',
		};
	}
	if (rawBody === undefined) {
		return {
			valid: false,
			reason: 'n8n did not keep the raw request body, so the signature cannot be checked',
		};
	}
	const expected = createHmac('sha256', appSecret).update(rawBody).digest();
	const received = Buffer.from(match[1], 'hex');
	if (!timingSafeEqual(expected, received)) {
		return {
			valid: false,
			reason:
				'the X-Hub-Signature-256 does not match the body: the app secret in the credential is not the one of the app that sent it, or the body was altered',
		};
	}
	return { valid: true };
}

/** Signs a body the way Meta does; used to explain and to test the check above. */
export function signBody(rawBody: Buffer | string, appSecret: string): string {
	return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}
