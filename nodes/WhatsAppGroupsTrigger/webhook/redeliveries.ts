import { createHash } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { STATUS_EVENTS } from './eventTypes';

/**
 * Ignore Redeliveries: the first step of every run a delivery starts leaves out the events an
 * earlier run already took in.
 *
 * Where and when, and why there:
 * - Not in the webhook call. Whatever the webhook call remembers must be saved before n8n answers
 *   Meta, and in n8n 2.40 a webhook call's static data is saved only if the node answers Meta
 *   itself, before n8n has created the execution; an event n8n then fails to start is lost (Meta
 *   does not resend what it got 200 for). So the webhook call remembers nothing, and n8n answers
 *   200 only once it has accepted the execution.
 * - Not in the workflow's static data. A queue-mode worker starts a run with empty static data
 *   (n8n 2.40 stores no static data with an execution) and saves it whole when the run ends, so
 *   each run would overwrite the memory, and any other node's static data, with its own keys.
 * - In n8n's deduplication store (the one behind the Remove Duplicates node): a row per workflow
 *   and node in n8n's database, read and written when the step runs. A key is recorded only by a
 *   run n8n accepted and started; a delivery n8n failed to start leaves none, and its redelivery
 *   runs.
 */

/** How many event keys the memory keeps (the newest). */
export const REDELIVERY_MEMORY_SIZE = 1000;

function text(value: unknown): string {
	return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/**
 * JSON text of a value with object keys sorted, walked with an explicit stack (an item may nest
 * Meta's unrecognised change thousands of levels deep). Sorted keys keep the key stable whatever
 * order a serialiser on the way (n8n's execution storage) gives the keys.
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

/** Length-prefixed parts, so that no two different lists of parts give the same text. */
function keyOf(parts: unknown[]): string {
	let out = '';
	for (const part of parts) {
		const value = text(part);
		out += part === undefined || part === null ? '~' : `${value.length}:${value}`;
	}
	return out;
}

/** Who a group event concerns: each participant's IDs, in Meta's order. */
function peopleOf(value: unknown): string {
	const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
	let out = '';
	for (const person of list) {
		const p = (typeof person === 'object' && person !== null ? person : {}) as IDataObject;
		out += keyOf([p.waId, p.userId, p.input]);
	}
	return out;
}

function contentHash(item: IDataObject): string {
	const rest: IDataObject = { ...item };
	delete rest.raw;
	return createHash('sha256').update(canonicalText(rest)).digest('hex');
}

/**
 * The event's key, the same for every delivery of it, computed from its item alone (the run has
 * the items, not Meta's body), from what Meta makes unique: the message ID for a message; message
 * ID, status, participant and recipient for a status; for a group event the request ID of an
 * operation the business started, otherwise the group, the time and the people concerned; a hash of
 * the whole item (without `raw`) only when there is none of these, and for unknown items.
 */
export function eventKey(item: IDataObject): string {
	const event = text(item.event);
	const phone = text(item.phoneNumberId);
	if (event === 'message_received') {
		return text(item.id) !== ''
			? `message:${phone}:${text(item.id)}`
			: `message:${phone}:${contentHash(item)}`;
	}
	if ((STATUS_EVENTS as readonly string[]).includes(event)) {
		const participant = text(item.recipientParticipantId) || text(item.recipientParticipantUserId);
		const recipient = text(item.groupId) || text(item.recipientId);
		return `status:${phone}:${text(item.messageId)}:${text(item.status)}:${participant}:${recipient}`;
	}
	const requestId = text(item.requestId);
	const groupId = text(item.groupId);
	const time = text(item.timestampUnix);
	if (event !== 'unknown' && (requestId !== '' || (groupId !== '' && time !== ''))) {
		const people =
			peopleOf(item.participants) +
			'|' +
			peopleOf(item.failedParticipants) +
			'|' +
			peopleOf(item.participant);
		return `group:${keyOf([phone, event, groupId, requestId, time, item.joinRequestId])}${people}`;
	}
	return `${event || 'item'}:${phone}:${contentHash(item)}`;
}

/** The items with their keys, the first of each key only (one delivery can repeat an event). */
function firstOfEachKey(
	items: INodeExecutionData[],
): Array<{ item: INodeExecutionData; key: string }> {
	const seen = new Set<string>();
	const out: Array<{ item: INodeExecutionData; key: string }> = [];
	for (const item of items) {
		const key = eventKey(item.json);
		if (seen.has(key)) continue;
		seen.add(key);
		out.push({ item, key });
	}
	return out;
}

const LOG_PREFIX = 'WhatsApp Groups Trigger:';

/**
 * Looks the keys up in n8n's deduplication store and records the new ones (one read and one
 * write of the node's row). Tried twice: two first runs at the same moment can both try to create
 * the row, and one of them fails.
 */
async function recordKeys(
	context: IExecuteFunctions,
	keys: string[],
): Promise<Set<string> | undefined> {
	const helpers = context.helpers as Partial<IExecuteFunctions['helpers']>;
	if (typeof helpers.checkProcessedAndRecord !== 'function') return undefined;
	let lastError: unknown;
	for (let attempt = 1; attempt <= 2; attempt++) {
		try {
			const result = await helpers.checkProcessedAndRecord(keys, 'node', {
				mode: 'entries',
				maxEntries: REDELIVERY_MEMORY_SIZE,
			});
			return new Set(result.new.map(String));
		} catch (error) {
			lastError = error;
		}
	}
	context.logger.warn(
		`${LOG_PREFIX} could not read or record the redelivery memory (${(lastError as Error)?.message ?? lastError}); the run takes in every event, so a redelivery may run twice.`,
	);
	return undefined;
}

/**
 * The trigger node's step in every run a delivery starts (n8n calls a start node's execute with
 * the webhook's items). In production runs with Ignore Redeliveries on, it passes on only the
 * events no earlier run took in, and records them. Test runs pass everything and record nothing.
 */
export async function runTriggerStep(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	if (options.ignoreRedeliveries === false || this.getMode() !== 'webhook' || items.length === 0) {
		return [items];
	}
	const keyed = firstOfEachKey(items);
	const fresh = await recordKeys(
		this,
		keyed.map(({ key }) => key),
	);
	if (fresh === undefined) return [items];
	const passed = keyed.filter(({ key }) => fresh.has(key)).map(({ item }) => item);
	if (passed.length < items.length) {
		this.logger.debug(
			`${LOG_PREFIX} ${items.length - passed.length} of ${items.length} event(s) left out: already run (redelivery).`,
		);
	}
	return [passed];
}
