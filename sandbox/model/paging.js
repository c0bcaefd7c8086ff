// @ts-check
'use strict';

/**
 * Ordered lists and cursor paging. Cursors are opaque, signed (tampering is detected), scoped to
 * one list and stamped (they expire after cursorTtlMs, or all at once on expireCursors()).
 */
const crypto = require('node:crypto');

const { waError } = require('../http/errors');

/** @typedef {import('../state').Sandbox} Sandbox */

/**
 * First index in `list` for which `isBefore` is false (the list is ordered so that isBefore
 * is true for a prefix).
 * @template T
 * @param {T[]} list
 * @param {(item: T) => boolean} isBefore
 */
function lowerBound(list, isBefore) {
	let lo = 0;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (isBefore(list[mid])) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/**
 * @param {Sandbox} sb
 * @param {string} phoneId
 */
function sortedGroups(sb, phoneId) {
	let list = sb.sortedCache.get(phoneId);
	if (!list) {
		list = [...sb.groups.values()]
			.filter((g) => g.phone_number_id === phoneId)
			.sort((a, b) => b.creation_timestamp - a.creation_timestamp || b.seq - a.seq);
		sb.sortedCache.set(phoneId, list);
	}
	return list;
}

/**
 * @param {Sandbox} sb
 * @param {string} phoneId
 */
function invalidateSorted(sb, phoneId) {
	sb.sortedCache.delete(phoneId);
}

/**
 * An opaque cursor naming a position in a list, signed so tampering is detected, stamped so it
 * expires.
 * @param {Sandbox} sb
 * @param {string} scope
 * @param {(string | number)[]} key
 */
function makeCursor(sb, scope, key) {
	const payload = Buffer.from(
		JSON.stringify({ s: scope, k: key, e: sb.cursorEpoch, t: Date.now() }),
	).toString('base64url');
	const mac = crypto
		.createHmac('sha256', sb.cursorSecret)
		.update(payload)
		.digest('base64url')
		.slice(0, 16);
	return `${payload}.${mac}`;
}

/**
 * @param {Sandbox} sb
 * @param {string} scope
 * @param {string} cursor
 * @returns {(string | number)[]}
 */
function readCursor(sb, scope, cursor) {
	const [payload, mac] = String(cursor).split('.');
	const expected = payload
		? crypto.createHmac('sha256', sb.cursorSecret).update(payload).digest('base64url').slice(0, 16)
		: '';
	if (!payload || mac !== expected)
		throw waError(131059, 'The pagination cursor is invalid. Restart from the first page.');
	/** @type {{ s: string, k: (string | number)[], e: number, t: number }} */
	const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
	if (data.s !== scope)
		throw waError(
			131059,
			'The pagination cursor belongs to another list. Restart from the first page.',
		);
	if (data.e !== sb.cursorEpoch || Date.now() - data.t > sb.cursorTtlMs) {
		throw waError(131059, 'The pagination cursor has expired. Restart from the first page.');
	}
	return data.k;
}

/**
 * @param {Sandbox} sb
 * Makes every cursor handed out so far expire.
 */
function expireCursors(sb) {
	sb.cursorEpoch += 1;
}

/**
 * Cursor paging over an ordered list.
 * @param {Sandbox} sb
 * @template T
 * @param {T[]} list  in display order
 * @param {(item: T) => (string | number)[]} keyOf
 * @param {(a: (string | number)[], b: (string | number)[]) => number} compare  display order of keys
 * @param {string} scope
 * @param {{ limit: number, after?: string, before?: string }} query
 * @param {(params: Record<string, string>) => string} urlFor
 */
function page(sb, list, keyOf, compare, scope, query, urlFor) {
	let start = 0;
	let end = list.length;
	if (query.after) {
		const key = readCursor(sb, scope, query.after);
		start = lowerBound(list, (item) => compare(keyOf(item), key) <= 0);
		end = Math.min(list.length, start + query.limit);
	} else if (query.before) {
		const key = readCursor(sb, scope, query.before);
		end = lowerBound(list, (item) => compare(keyOf(item), key) < 0);
		start = Math.max(0, end - query.limit);
	} else {
		end = Math.min(list.length, query.limit);
	}
	const items = list.slice(start, end);
	if (items.length === 0) return { items, paging: undefined };
	const before = makeCursor(sb, scope, keyOf(items[0]));
	const after = makeCursor(sb, scope, keyOf(items[items.length - 1]));
	/** @type {import('../../nodes/shared/types').GraphPaging} */
	const paging = { cursors: { before, after } };
	if (end < list.length) paging.next = urlFor({ limit: String(query.limit), after });
	if (start > 0) paging.previous = urlFor({ limit: String(query.limit), before });
	return { items, paging };
}

module.exports = {
	lowerBound,
	sortedGroups,
	invalidateSorted,
	makeCursor,
	readCursor,
	expireCursors,
	page,
};
