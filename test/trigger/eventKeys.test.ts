/**
 * Redelivery keys (eventKeys.ts), computed in the run from the items: every delivery of an event
 * gives the same key however the body was written or batched, and distinct events never share one.
 */
import type { IDataObject } from 'n8n-workflow';

import { eventKey } from '../../nodes/WhatsAppGroupsTrigger/webhook/eventKeys';
import { parseDelivery } from '../../nodes/WhatsAppGroupsTrigger/webhook/events';
import { TRIGGER_EVENTS } from '../../nodes/WhatsAppGroupsTrigger/webhook/eventTypes';

const metadata = { display_phone_number: '15550001111', phone_number_id: 'PHONE_1' };

/** The items of a delivery, as the run gets them (through JSON, as n8n stores an execution). */
function itemsOf(body: unknown): IDataObject[] {
	return parseDelivery(body).map(
		({ item }) => JSON.parse(JSON.stringify(item)) as unknown as IDataObject,
	);
}

const change = (field: string, value: IDataObject) => ({
	field,
	value: { messaging_product: 'whatsapp', metadata, ...value },
});
const body = (...changes: unknown[]) => ({
	object: 'whatsapp_business_account',
	entry: [{ id: 'WABA_1', changes }],
});

describe('event keys', () => {
	it('are the same for the same event delivered alone, in another batch, with keys in another order', () => {
		const message = {
			from: '4915100000001',
			group_id: 'G1',
			id: 'wamid.1',
			timestamp: '1760000000',
			type: 'text',
			text: { body: 'hi' },
		};
		const alone = itemsOf(body(change('messages', { messages: [message] })));
		const batched = itemsOf(
			body(
				change('messages', {
					contacts: [{ wa_id: '4915100000001', profile: { name: 'Ada' } }],
					messages: [
						{ ...message, id: 'wamid.0' },
						Object.fromEntries(Object.entries(message).reverse()),
					],
				}),
			),
		);
		expect(eventKey(alone[0])).toBe(eventKey(batched[1]));
		expect(eventKey(batched[0])).not.toBe(eventKey(batched[1]));
	});

	it('tell apart the statuses of one message per participant and per status', () => {
		const status = (participant: string, value: string) => ({
			id: 'wamid.S',
			status: value,
			timestamp: '1760000000',
			recipient_id: 'G1',
			recipient_type: 'group',
			recipient_participant_id: participant,
		});
		const items = itemsOf(
			body(
				change('messages', {
					statuses: [
						status('49151', 'read'),
						status('49152', 'read'),
						status('49151', 'delivered'),
					],
				}),
			),
		);
		expect(new Set(items.map(eventKey)).size).toBe(3);
		const again = itemsOf(body(change('messages', { statuses: [status('49152', 'read')] })));
		expect(eventKey(again[0])).toBe(eventKey(items[1]));
	});

	it('tell apart two people joining one group in one second, and two operations told apart only by their request IDs', () => {
		const join = (waId: string) => ({
			timestamp: '1760000000',
			group_id: 'G1',
			type: 'group_participants_add',
			reason: 'invite_link',
			added_participants: [{ wa_id: waId }],
		});
		const joins = itemsOf(
			body(change('group_participants_update', { groups: [join('49151'), join('49152')] })),
		);
		expect(joins.map((item) => item.event)).toEqual(['participants_joined', 'participants_joined']);
		expect(eventKey(joins[0])).not.toBe(eventKey(joins[1]));
		const deletes = itemsOf(
			body(
				change('group_lifecycle_update', {
					groups: [
						{ timestamp: '1760000000', group_id: 'G1', type: 'group_delete', request_id: 'R1' },
						{ timestamp: '1760000000', group_id: 'G1', type: 'group_delete', request_id: 'R2' },
					],
				}),
			),
		);
		expect(eventKey(deletes[0])).not.toBe(eventKey(deletes[1]));
	});

	it('key a failed creation (a request ID, no group) on its request ID', () => {
		const failed = (requestId: string, subject: string) =>
			itemsOf(
				body(
					change('group_lifecycle_update', {
						groups: [
							{
								type: 'group_create',
								request_id: requestId,
								subject,
								errors: [{ code: 131000, title: 'Something went wrong' }],
							},
						],
					}),
				),
			)[0];
		expect(failed('R1', 'A').event).toBe('group_create_failed');
		expect(eventKey(failed('R1', 'A'))).toMatch(/^group:/);
		expect(eventKey(failed('R1', 'A'))).not.toBe(eventKey(failed('R2', 'A')));
	});

	it('fall back to a hash of the item, without raw, for unknown items and events Meta gave no ID', () => {
		const unknown = {
			event: 'unknown',
			phoneNumberId: 'P1',
			change: { field: 'x', value: { a: 1, b: [2] } },
		};
		const reordered = {
			phoneNumberId: 'P1',
			change: { value: { b: [2], a: 1 }, field: 'x' },
			event: 'unknown',
		};
		expect(eventKey(unknown)).toBe(eventKey(reordered));
		expect(eventKey({ ...unknown, raw: { anything: true } })).toBe(eventKey(unknown));
		expect(eventKey({ ...unknown, change: { field: 'x', value: { a: 2, b: [2] } } })).not.toBe(
			eventKey(unknown),
		);
		// A message without an ID, an event type this build does not know yet.
		const noId = { event: 'message_received', phoneNumberId: 'P1', text: 'a', timestampUnix: 1 };
		expect(eventKey(noId)).not.toBe(eventKey({ ...noId, text: 'b' }));
		const future = { event: 'user_id_update', phoneNumberId: 'P1', userId: 'U1' };
		expect(eventKey(future)).toBe(
			eventKey({ userId: 'U1', phoneNumberId: 'P1', event: 'user_id_update' }),
		);
		expect(eventKey(future)).not.toBe(eventKey({ ...future, userId: 'U2' }));
	});

	it('never let parts run into each other, and keep the business number and the event apart', () => {
		const a = { event: 'message_received', phoneNumberId: 'P1', id: '2:x' };
		const b = { event: 'message_received', phoneNumberId: 'P12', id: 'x' };
		expect(eventKey(a)).not.toBe(eventKey(b));
		const read = { event: 'message_read', phoneNumberId: 'P1', messageId: 'M', status: 'read' };
		expect(eventKey(read)).not.toBe(eventKey({ ...read, phoneNumberId: 'P2' }));
		expect(eventKey(read)).not.toBe(eventKey({ ...read, event: 'message_delivered' }));
	});

	it('are strings for every event name the trigger emits, even for an item with nothing else', () => {
		for (const event of TRIGGER_EVENTS) expect(typeof eventKey({ event })).toBe('string');
		expect(typeof eventKey({})).toBe('string');
	});

	it('hash a deeply nested unknown change without overflowing the stack', () => {
		let nested: unknown = 'x';
		for (let depth = 0; depth < 20_000; depth++) nested = [nested];
		expect(eventKey({ event: 'unknown', change: nested as IDataObject })).toMatch(/#[0-9a-f]{64}$/);
	});
});
