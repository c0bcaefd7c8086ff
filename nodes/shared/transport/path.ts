/**
 * What may stand in a request path. Every ID that goes into a path (group, phone number, business
 * account, app) is checked against this one rule where the transport builds the path
 * (`resolvePath` in ./endpoints, for both providers); fields check it earlier only to name
 * themselves in the error.
 *
 * The IDs Meta issues are digits (phone numbers, accounts, apps) or base64url-like text (groups),
 * so the rule is: ASCII letters, digits and `. _ - = ~ + :`, at most 512 characters, and not dots
 * alone. Such a segment needs no encoding, and no HTTP client or server can read it as something
 * else: `.` and `..` (which URL resolution turns into "this folder" and "the folder above", so
 * `DELETE /v27.0/..` becomes `DELETE /`), `/`, `?`, `#`, `%` (an encoded character a server may
 * decode into one of those), spaces, control characters and look-alikes from other scripts
 * (a fullwidth `／` or `．`) are all refused.
 */
export const PATH_ID_MAX_LENGTH = 512;

const PATH_ID_CHARACTERS = /^[A-Za-z0-9._~=+:-]+$/;

/** How a refused character reads in a message: `"/"`, `a space`, `U+FF0F (／)`. */
function describeCharacter(character: string): string {
	if (character === ' ') return 'a space';
	if (character === '\t') return 'a tab';
	if (character === '\n' || character === '\r') return 'a line break';
	const code = character.codePointAt(0) ?? 0;
	const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
	if (code < 0x20 || code === 0x7f) return `the control character ${hex}`;
	if (code < 0x80) return `"${character}"`;
	return `${hex} (${character}), which is not an ASCII character`;
}

/**
 * Why `value` cannot be one segment of a request path, as the end of a sentence ("it is empty");
 * undefined when it can.
 */
export function pathIdProblem(value: string): string | undefined {
	if (value.length === 0) return 'it is empty';
	if (/^\.+$/.test(value)) {
		return 'it is only dots, which a URL reads as "this folder" or "the folder above"';
	}
	if (value.length > PATH_ID_MAX_LENGTH) {
		return `it has ${value.length} characters; IDs have at most ${PATH_ID_MAX_LENGTH}`;
	}
	if (!PATH_ID_CHARACTERS.test(value)) {
		const bad = Array.from(value).find((character) => !PATH_ID_CHARACTERS.test(character)) ?? '';
		return `it contains ${describeCharacter(bad)}; IDs have only letters, digits and . _ - = ~ + :`;
	}
	return undefined;
}

export function isPathId(value: string): boolean {
	return pathIdProblem(value) === undefined;
}

/** A value shortened for a message: at most 40 characters, the rest counted. */
export function shownValue(value: string): string {
	const characters = Array.from(value);
	if (characters.length <= 40) return JSON.stringify(value);
	return `${JSON.stringify(characters.slice(0, 40).join(''))}… (${characters.length} characters)`;
}

/** The longest numeric ID accepted (Meta's phone number, account and app IDs have about 15–17 digits). */
export const NUMERIC_ID_MAX_LENGTH = 64;

/**
 * Meta's numeric IDs (business phone numbers, WhatsApp Business Accounts, apps): digits only,
 * which also makes them valid path IDs.
 */
export function isNumericId(value: string): boolean {
	return value.length <= NUMERIC_ID_MAX_LENGTH && /^[0-9]+$/.test(value);
}
