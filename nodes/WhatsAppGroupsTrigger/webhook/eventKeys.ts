/** Redelivery keys: what makes two deliveries of the same event recognisable as one. */
import { createHash } from 'crypto';

import type { WebhookGroupItem } from '../../shared/types';
import type { EventParticipant, TriggerEvent } from './eventTypes';
import { asString, isObject } from './readers';

/**
 * JSON text of a parsed body, also for values too deeply nested for JSON.stringify's recursion
 * (a body of a few thousand nested arrays parses fine but overflows the stack when serialised):
 * those are walked with an explicit stack, giving the same text.
 */
function stableText(value: unknown): string {
	try {
		return JSON.stringify(value) ?? 'undefined';
	} catch {
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
			} else if (isObject(current)) {
				parts.push('{');
				stack.push({ text: '}' });
				const keys = Object.keys(current);
				for (let index = keys.length - 1; index >= 0; index--) {
					stack.push({ value: current[keys[index]] }, { text: `${JSON.stringify(keys[index])}:` });
					if (index > 0) stack.push({ text: ',' });
				}
			} else {
				parts.push(JSON.stringify(current) ?? 'null');
			}
		}
		return parts.join('');
	}
}

/** The fallback key of an element Meta gave nothing unique to: a hash of its content. */
export function hashOf(value: unknown): string {
	return createHash('sha256').update(stableText(value)).digest('hex').slice(0, 32);
}

/** Between the parts of a key: Meta's IDs and times never contain it. */
const SEP = '\u0000';

/** Who a group event concerns, for its key: each participant's IDs, in Meta's order. */
function peopleOf(participants: EventParticipant[] | undefined): string {
	let text = '';
	for (const person of participants ?? []) {
		text += `${person.waId ?? ''}${SEP}${person.userId ?? ''}${SEP}${person.input ?? ''}${SEP}`;
	}
	return text;
}

/**
 * A group event's redelivery key, from what Meta already makes unique: the request ID of an
 * operation the business started; for one it did not (a join, a leave, a join request, a
 * suspension), the group, the time and the people concerned. Both with the event and the business
 * number. An element with neither a request ID nor a group and a time gets a hash of its content.
 */
export function groupKey(
	context: { phoneNumberId: string | null },
	event: TriggerEvent,
	item: WebhookGroupItem,
): string {
	const phone = context.phoneNumberId ?? '';
	const requestId = asString(item.request_id);
	const groupId = asString(item.group_id);
	if (requestId !== undefined) {
		return `group${SEP}${phone}${SEP}${event.event}${SEP}${groupId ?? ''}${SEP}${requestId}`;
	}
	const time = asString(item.timestamp);
	if (groupId === undefined || time === undefined) {
		return `${event.event}:${phone}:${hashOf(item)}`;
	}
	const concerned = event as {
		participant?: EventParticipant;
		participants?: EventParticipant[];
		failedParticipants?: EventParticipant[];
	};
	const people =
		concerned.participant !== undefined
			? peopleOf([concerned.participant])
			: `${peopleOf(concerned.participants)}${SEP}${peopleOf(concerned.failedParticipants)}`;
	return `group${SEP}${phone}${SEP}${event.event}${SEP}${groupId}${SEP}${SEP}${time}${SEP}${asString(item.join_request_id) ?? ''}${SEP}${people}`;
}
