/** What people type between IDs in an action parameter: commas, semicolons and new lines. */
export const LIST_SEPARATORS = /[,;\n]/;

/**
 * The entries of a list given as text ("a, b") or as an array from an expression (["a", "b"]),
 * trimmed, empty ones dropped, in order. Array elements are split too, so ["a, b"] reads like
 * "a, b". A single value is read when it is text or a number; anything else (true, an object)
 * gives no entries rather than "[object Object]".
 */
export function splitList(value: unknown, separators: RegExp = LIST_SEPARATORS): string[] {
	// The usual case of an optional filter, read on every delivery: nothing to split.
	if (value === '' || value === undefined || value === null) return [];
	let parts: string[];
	if (Array.isArray(value)) parts = value.map((element) => String(element ?? ''));
	else if (typeof value === 'string' || typeof value === 'number') parts = [String(value)];
	else parts = [];
	const entries: string[] = [];
	for (const part of parts) {
		for (const entry of part.split(separators)) {
			const trimmed = entry.trim();
			if (trimmed.length > 0) entries.push(trimmed);
		}
	}
	return entries;
}
