import * as crypto from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { splitList } from '../../shared/helpers/lists';
import type { ParsedEvent, TriggerEventName } from './eventTypes';

export interface DeliveryFilters {
	events: ReadonlySet<TriggerEventName>;
	/** Empty: every group. */
	groupIds: ReadonlySet<string>;
	/** Empty: every business phone number. */
	phoneNumberIds: ReadonlySet<string>;
	includeOneToOne: boolean;
}

export interface FilterResult {
	kept: ParsedEvent[];
	/** Why each left-out event was left out, counted, for the log line. */
	skipped: Record<string, number>;
}

/** Splits "a, b\nc" into a set of IDs. IDs hold no spaces, so any whitespace separates too. */
export function parseIdList(value: unknown): Set<string> {
	return new Set(splitList(value, /[\s,;]+/));
}

/**
 * The user's filters. An ID filter leaves out an event only when the event names a group or
 * number outside the list; events that name none (unknown changes) are kept, since they cannot be
 * attributed and dropping them would hide them.
 */
export function applyFilters(events: ParsedEvent[], filters: DeliveryFilters): FilterResult {
	const kept: ParsedEvent[] = [];
	const skipped: Record<string, number> = {};
	const skip = (reason: string) => {
		skipped[reason] = (skipped[reason] ?? 0) + 1;
	};
	for (const parsed of events) {
		const { item } = parsed;
		if (parsed.oneToOne && !filters.includeOneToOne) skip('one-to-one traffic');
		else if (!filters.events.has(item.event)) skip(`event ${item.event} not selected`);
		else if (
			filters.groupIds.size > 0 &&
			item.groupId !== null &&
			!filters.groupIds.has(item.groupId)
		) {
			skip('group not in Group IDs');
		} else if (
			filters.phoneNumberIds.size > 0 &&
			item.phoneNumberId !== null &&
			!filters.phoneNumberIds.has(item.phoneNumberId)
		) {
			skip('phone number not in Phone Number IDs');
		} else kept.push(parsed);
	}
	return { kept, skipped };
}

export const SEEN_KEYS_PROPERTY = 'seenEventKeys';
export const SEEN_KEYS_CAPACITY = 1000;

/** Node's one-shot hash (Node 20.12+, 21.7+): the same digest without a Hash object per call. */
const oneShotHash = (
	crypto as unknown as {
		hash?: (algorithm: string, data: string, outputEncoding: 'hex') => string;
	}
).hash;

/** Short, fixed-size fingerprint: the static data is saved with the workflow, so keep it small. */
export function fingerprint(dedupeKey: string): string {
	const digest =
		typeof oneShotHash === 'function'
			? oneShotHash('sha256', dedupeKey, 'hex')
			: crypto.createHash('sha256').update(dedupeKey).digest('hex');
	return digest.slice(0, 24);
}

/** How often each key occurs in a stored list (a list read from elsewhere may repeat one). */
interface SeenIndex {
	counts: Map<string, number>;
	length: number;
	last: unknown;
}

/**
 * The index of each list this function stored, so a delivery does not rebuild a set of the
 * `capacity` stored keys (the costliest step for small deliveries). A list is only ever replaced,
 * never changed in place; its length and last key are checked anyway, and a list not seen here
 * (static data loaded from the database) is indexed afresh.
 */
const seenIndexes = new WeakMap<unknown[], SeenIndex>();

function readSeen(value: unknown): { stored: string[]; counts: Map<string, number> } {
	if (Array.isArray(value)) {
		const cached = seenIndexes.get(value);
		if (cached && cached.length === value.length && cached.last === value[value.length - 1]) {
			// Handed over: the counts change below, so the old list must not find them again.
			seenIndexes.delete(value);
			return { stored: value as string[], counts: cached.counts };
		}
	}
	const stored = Array.isArray(value)
		? (value as unknown[]).filter((key): key is string => typeof key === 'string')
		: [];
	const counts = new Map<string, number>();
	for (const key of stored) counts.set(key, (counts.get(key) ?? 0) + 1);
	return { stored, counts };
}

function indexSeen(list: string[], counts: Map<string, number>): void {
	seenIndexes.set(list, { counts, length: list.length, last: list[list.length - 1] });
}

/**
 * Leaves out events whose key was already emitted, and remembers the new keys in the node's
 * static data (the newest `capacity` keys; older ones fall off). A new array is assigned rather
 * than mutated so n8n notices the change and saves it.
 */
export function dropRedeliveries(
	events: ParsedEvent[],
	staticData: IDataObject,
	capacity = SEEN_KEYS_CAPACITY,
): { fresh: ParsedEvent[]; repeated: number } {
	const current = staticData[SEEN_KEYS_PROPERTY];
	const { stored, counts } = readSeen(current);
	const fresh: ParsedEvent[] = [];
	const added: string[] = [];
	for (const parsed of events) {
		const key = fingerprint(parsed.dedupeKey);
		if (counts.has(key)) continue;
		counts.set(key, 1);
		added.push(key);
		fresh.push(parsed);
	}
	if (added.length > 0) {
		const combined = stored.concat(added);
		const kept = combined.slice(-capacity);
		for (let index = 0; index < combined.length - kept.length; index++) {
			const key = combined[index];
			const count = (counts.get(key) ?? 1) - 1;
			if (count > 0) counts.set(key, count);
			else counts.delete(key);
		}
		staticData[SEEN_KEYS_PROPERTY] = kept;
		indexSeen(kept, counts);
	} else if (Array.isArray(current) && stored.length === current.length) {
		indexSeen(current as string[], counts);
	}
	return { fresh, repeated: events.length - fresh.length };
}
