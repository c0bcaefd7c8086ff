/**
 * What every parser of a change shares: the change's context, the keys every item starts with,
 * and the item for whatever is not recognised.
 */
import type { WebhookChange, WebhookChangeValue, WebhookGroupItem } from '../../shared/types';
import type { EventCommon, ParsedEvent, TriggerEventName, UnknownEvent } from './eventTypes';
import { asString, isObject, isoTime, setOwn, unixSeconds } from './readers';

export interface ChangeContext {
	field: string | null;
	businessAccountId: string | null;
	phoneNumberId: string | null;
	displayPhoneNumber: string | null;
	change: WebhookChange | unknown;
	value: WebhookChangeValue;
	/** The change without its elements, built for its first unknown element. */
	envelope?: unknown;
}

/** The keys every item carries, in their order; `requestId` only when Meta sent one. */
export function start(
	context: ChangeContext,
	event: TriggerEventName,
	groupId: unknown,
	timestamp: unknown,
	requestId: unknown,
): EventCommon {
	const seconds = unixSeconds(timestamp);
	const iso = seconds === undefined ? null : isoTime(seconds);
	const item: EventCommon = {
		event,
		field: context.field,
		groupId: asString(groupId) ?? null,
		businessAccountId: context.businessAccountId,
		phoneNumberId: context.phoneNumberId,
		displayPhoneNumber: context.displayPhoneNumber,
		timestamp: iso,
		timestampUnix: iso === null ? null : (seconds as number),
	};
	const request = asString(requestId);
	if (request !== undefined) item.requestId = request;
	return item;
}

export function startGroup(
	context: ChangeContext,
	event: TriggerEventName,
	item: WebhookGroupItem,
): EventCommon {
	return start(context, event, item.group_id, item.timestamp, item.request_id);
}

/** Keys of a change's value that hold its elements (and their senders): never in an unknown item. */
const ELEMENT_LISTS = new Set(['groups', 'messages', 'statuses', 'contacts', 'user_id_update']);

/**
 * The change around an unknown element: every key of the change and of its value except the
 * lists of elements. An unknown item carries this and its own element, not its siblings (with
 * them, n unknown elements would carry n copies of the whole change).
 */
function envelopeOf(context: ChangeContext): unknown {
	if (context.envelope !== undefined) return context.envelope;
	const change = context.change;
	let envelope: unknown = change;
	if (isObject(change)) {
		const copy: Record<string, unknown> = {};
		for (const key of Object.keys(change)) {
			const entry = change[key];
			if (key === 'value' && isObject(entry)) {
				const value: Record<string, unknown> = {};
				for (const valueKey of Object.keys(entry)) {
					if (!ELEMENT_LISTS.has(valueKey)) setOwn(value, valueKey, entry[valueKey]);
				}
				setOwn(copy, key, value);
			} else {
				setOwn(copy, key, entry);
			}
		}
		envelope = copy;
	}
	context.envelope = envelope;
	return envelope;
}

/**
 * An item for what was not recognised: an element of a change (`element`), or a whole change,
 * entry or body (no `element`).
 */
export function unknownEvent(context: ChangeContext, element?: unknown): ParsedEvent {
	const source = isObject(element) ? element : undefined;
	const item = start(
		context,
		'unknown',
		source?.group_id,
		source?.timestamp,
		source?.request_id,
	) as UnknownEvent;
	const whole = element === undefined;
	const change = whole ? context.change : envelopeOf(context);
	if (change !== undefined) item.change = change;
	if (!whole) item.item = element;
	return { item, raw: whole ? context.change : element, oneToOne: false };
}

/** The context of an entry or body that holds no change. */
export function emptyContext(change: unknown): ChangeContext {
	const id = isObject(change) ? asString(change.id) : undefined;
	return {
		field: null,
		businessAccountId: id ?? null,
		phoneNumberId: null,
		displayPhoneNumber: null,
		change,
		value: {},
	};
}
