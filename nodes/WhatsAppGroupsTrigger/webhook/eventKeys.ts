/**
 * Redelivery keys: what makes two deliveries of the same event recognisable as one.
 *
 * Computed from the item alone: *Ignore Redeliveries* runs in the execution (redeliveries.ts),
 * which has the items, not Meta's body. Every delivery of an event gives the same item (the item
 * is built from that event's part of the body only), so the same key; the key rests on what Meta
 * makes unique where there is such a thing, so that an event Meta sends again inside another
 * batch, or serialised differently, is still recognised. A new event type needs nothing here to be
 * correct (it falls back to a hash of its item); give it a case when Meta gives it an ID.
 */
import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { STATUS_EVENTS } from './eventTypes';

function text(value: unknown): string {
	return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** Length-prefixed parts, so that no two different lists of parts give the same key. */
function keyOf(parts: unknown[]): string {
	let out = '';
	for (const part of parts) {
		const value = text(part);
		out += part === undefined || part === null || value === '' ? '~' : `${value.length}:${value}`;
	}
	return out;
}

/**
 * JSON text of a value with object keys sorted, walked with an explicit stack (an item may nest
 * Meta's unrecognised change thousands of levels deep). Sorted keys keep the key stable whatever
 * order a serialiser on the way (n8n's execution storage, a queue) gives the keys.
 */
function canonicalText(value: unknown): string {
	const parts: string[] = [];
	const stack: Array<{ text: string } | { value: unknown }> = [{ value }];
	for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
		if ('text' in next) {
			parts.push(next.text);
			continue;
		}
		const current = next.value;
		if (Array.isArray(current)) {
			parts.push('[');
			stack.push({ text: ']' });
			for (let index = current.length - 1; index >= 0; index--) {
				stack.push({ value: current[index] });
				if (index > 0) stack.push({ text: ',' });
			}
		} else if (typeof current === 'object' && current !== null) {
			parts.push('{');
			stack.push({ text: '}' });
			const record = current as Record<string, unknown>;
			const keys = Object.keys(record)
				.filter((key) => record[key] !== undefined)
				.sort();
			for (let index = keys.length - 1; index >= 0; index--) {
				stack.push({ value: record[keys[index]] }, { text: `${JSON.stringify(keys[index])}:` });
				if (index > 0) stack.push({ text: ',' });
			}
		} else {
			parts.push(JSON.stringify(current) ?? 'null');
		}
	}
	return parts.join('');
}

/** A hash of the item's content (without `raw`, which Include Raw Object adds). */
function contentHash(item: IDataObject): string {
	const rest: IDataObject = { ...item };
	delete rest.raw;
	return createHash('sha256').update(canonicalText(rest)).digest('hex');
}

/** Who a group event concerns: each participant's IDs, in Meta's order. */
function peopleOf(value: unknown): string {
	const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
	let out = `${list.length}[`;
	for (const person of list) {
		const p = (typeof person === 'object' && person !== null ? person : {}) as IDataObject;
		out += keyOf([p.waId, p.userId, p.input]);
	}
	return `${out}]`;
}

/**
 * The event's key, the same for every delivery of it, from its item alone. Each with the event
 * and the business number:
 * - a message: its message ID;
 * - a status: message ID, status, participant and recipient (one message has a status per
 *   participant of the group);
 * - a group event with the request ID of an operation the business started, or with a group and a
 *   time: the group, the request ID, the time, the join request and the people concerned (two
 *   people joining one group in one second are two events);
 * - a changed business-scoped user ID: the previous and the new BSUID (the same for a change
 *   Meta reports both on user_id_update and as a system message);
 * - anything else (unknown items, an element with none of these): a hash of the item.
 */
export function eventKey(item: IDataObject): string {
	const event = text(item.event);
	const phone = item.phoneNumberId;
	if (event === 'message_received' && text(item.id) !== '') {
		return `message:${keyOf([phone, item.id])}`;
	}
	if ((STATUS_EVENTS as readonly string[]).includes(event) && text(item.messageId) !== '') {
		const participant = text(item.recipientParticipantId) || text(item.recipientParticipantUserId);
		const recipient = text(item.groupId) || text(item.recipientId) || text(item.recipientUserId);
		return `status:${keyOf([phone, event, item.messageId, item.status, participant, recipient])}`;
	}
	if (event === 'user_id_changed' && (text(item.previousUserId) || text(item.userId)) !== '') {
		return `user_id:${keyOf([phone, event, item.previousUserId, item.userId])}`;
	}
	const groupId = text(item.groupId);
	const requestId = text(item.requestId);
	const time = text(item.timestampUnix);
	const isMessaging = event === 'message_received' || STATUS_EVENTS.includes(event as never);
	if (
		event !== 'unknown' &&
		!isMessaging &&
		(requestId !== '' || (groupId !== '' && time !== ''))
	) {
		const people =
			peopleOf(item.participants) + peopleOf(item.failedParticipants) + peopleOf(item.participant);
		return `group:${keyOf([phone, event, groupId, requestId, time, item.joinRequestId])}${people}`;
	}
	return `${keyOf([event || 'item', phone])}#${contentHash(item)}`;
}
