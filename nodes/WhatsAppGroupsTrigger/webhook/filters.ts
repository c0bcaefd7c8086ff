import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import type { ParsedEvent, TriggerEventName } from './events';

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

/** Splits "a, b\nc" into a set of IDs. */
export function parseIdList(value: unknown): Set<string> {
	const text = Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : '';
	return new Set(
		text
			.split(/[\s,;]+/)
			.map((id) => id.trim())
			.filter((id) => id.length > 0),
	);
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
		else if (filters.groupIds.size > 0 && item.groupId !== null && !filters.groupIds.has(item.groupId)) {
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

/** Short, fixed-size fingerprint: the static data is saved with the workflow, so keep it small. */
export function fingerprint(dedupeKey: string): string {
	return createHash('sha256').update(dedupeKey).digest('hex').slice(0, 24);
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
	const stored = Array.isArray(staticData[SEEN_KEYS_PROPERTY])
		? (staticData[SEEN_KEYS_PROPERTY] as unknown[]).filter((key): key is string => typeof key === 'string')
		: [];
	const seen = new Set(stored);
	const fresh: ParsedEvent[] = [];
	const added: string[] = [];
	for (const parsed of events) {
		const key = fingerprint(parsed.dedupeKey);
		if (seen.has(key)) continue;
		seen.add(key);
		added.push(key);
		fresh.push(parsed);
	}
	if (added.length > 0) {
		staticData[SEEN_KEYS_PROPERTY] = [...stored, ...added].slice(-capacity);
	}
	return { fresh, repeated: events.length - fresh.length };
}
