import { splitList } from '../../shared/helpers/lists';
import type { ParsedEvent } from './eventTypes';

export interface DeliveryFilters {
	/** The selected event names (see readEventSelection). */
	events: Pick<ReadonlySet<string>, 'has'>;
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

const NO_IDS: ReadonlySet<string> = new Set();

/**
 * Splits "a, b\nc" into a set of IDs. IDs hold no spaces, so any whitespace separates too. An
 * empty filter (the usual case, read on every delivery) gives one shared empty set.
 */
export function parseIdList(value: unknown): ReadonlySet<string> {
	if (value === undefined || value === null || value === '') return NO_IDS;
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
