import { createHmac, timingSafeEqual } from 'crypto';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

const SIGNATURE_PREFIX = 'sha256=';
const DIGEST_BYTES = 32;

/**
 * The 32 bytes of a "sha256=<64 hex digits>" header (surrounding whitespace allowed, the prefix
 * and the digits in either case), or undefined when it is not one. Read on every delivery: a
 * length and a prefix check instead of a pattern; Node's hex decoding stops at the first pair
 * that is not hex, so 64 characters that give 32 bytes are all hex digits.
 */
function signatureDigest(value: string): Buffer | undefined {
	const text = value.length === SIGNATURE_PREFIX.length + 2 * DIGEST_BYTES ? value : value.trim();
	if (text.length !== SIGNATURE_PREFIX.length + 2 * DIGEST_BYTES) return undefined;
	const prefix = text.slice(0, SIGNATURE_PREFIX.length);
	if (prefix !== SIGNATURE_PREFIX && prefix.toLowerCase() !== SIGNATURE_PREFIX) return undefined;
	const digest = Buffer.from(text.slice(SIGNATURE_PREFIX.length), 'hex');
	return digest.length === DIGEST_BYTES ? digest : undefined;
}

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
	const received = signatureDigest(value);
	if (received === undefined) {
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
