/**
 * Properties that must hold for any input, checked on generated data: the parser never throws and
 * never loses an event, timestamps read the same from strings and numbers, any change to a signed
 * body is caught, and the redelivery memory stays bounded.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { parseDelivery } from '../../nodes/WhatsAppGroupsTrigger/webhook/events';
import { parseTimestamp } from '../../nodes/WhatsAppGroupsTrigger/webhook/readers';
import { TRIGGER_EVENTS } from '../../nodes/WhatsAppGroupsTrigger/webhook/eventTypes';
import { eventKey } from '../../nodes/WhatsAppGroupsTrigger/webhook/eventKeys';
import { WhatsAppGroupsTrigger } from '../../nodes/WhatsAppGroupsTrigger/WhatsAppGroupsTrigger.node';
import { checkSignature } from '../../nodes/WhatsAppGroupsTrigger/webhook/signature';
import { metaSignature } from '../support/meta';
import { COMMON_KEYS } from '../support/deliveries';
import { createExecuteContext, MemoryDeduplicationStore } from '../support/n8n/fakeContext';

const timestampArb = fc.oneof(
	fc.integer({ min: 0, max: 4_000_000_000 }),
	fc.integer({ min: 0, max: 4_000_000_000 }).map(String),
	fc.constant('TIMESTAMP'),
);
const idArb = fc.stringMatching(/^[A-Za-z0-9_.]{1,12}$/);
const participantArb = fc.record(
	{ wa_id: idArb, user_id: idArb.map((id) => `US.${id}`), username: idArb, input: idArb },
	{ requiredKeys: [] },
);
const errorArb = fc.record({ code: fc.oneof(fc.integer(), idArb), title: idArb, message: idArb });
const groupItemArb = fc.record(
	{
		timestamp: timestampArb,
		group_id: idArb,
		type: fc.constantFrom(
			'group_create',
			'group_delete',
			'group_participants_add',
			'group_participants_remove',
			'group_join_request_created',
			'group_join_request_revoked',
			'group_settings_update',
			'group_suspend',
			'group_suspend_cleared',
			'something_new',
		),
		request_id: idArb,
		initiated_by: fc.constantFrom('business', 'participant'),
		errors: fc.array(errorArb, { maxLength: 2 }),
		added_participants: fc.array(participantArb, { maxLength: 3 }),
		removed_participants: fc.array(participantArb, { maxLength: 3 }),
		failed_participants: fc.array(participantArb, { maxLength: 3 }),
		group_subject: fc.record({ text: idArb, update_successful: fc.boolean() }),
	},
	{ requiredKeys: ['type'] },
);
const messageArb = fc.record(
	{
		from: idArb,
		group_id: idArb,
		id: idArb,
		timestamp: timestampArb,
		type: fc.constant('text'),
		text: fc.record({ body: fc.string() }),
	},
	{ requiredKeys: ['id'] },
);
const statusArb = fc.record(
	{
		id: idArb,
		status: fc.constantFrom('sent', 'delivered', 'read', 'failed', 'played'),
		timestamp: timestampArb,
		recipient_id: idArb,
		recipient_type: fc.constantFrom('group', 'individual'),
		recipient_participant_id: idArb,
	},
	{ requiredKeys: ['id', 'status'] },
);
const metadata = { display_phone_number: '1555', phone_number_id: 'P1' };
const changeArb = fc.oneof(
	fc.record({
		field: fc.constantFrom(
			'group_lifecycle_update',
			'group_participants_update',
			'group_settings_update',
			'group_status_update',
		),
		value: fc.record({
			metadata: fc.constant(metadata),
			groups: fc.array(groupItemArb, { maxLength: 4 }),
		}),
	}),
	fc.record({
		field: fc.constant('messages'),
		value: fc.record({
			metadata: fc.constant(metadata),
			messages: fc.array(messageArb, { maxLength: 3 }),
			statuses: fc.array(statusArb, { maxLength: 3 }),
		}),
	}),
	fc.record({ field: idArb, value: fc.object() }),
);
const deliveryArb = fc.record({
	object: fc.constant('whatsapp_business_account'),
	entry: fc.array(
		fc.record({ id: idArb, changes: fc.array(changeArb, { minLength: 1, maxLength: 3 }) }),
		{
			minLength: 1,
			maxLength: 3,
		},
	),
});

/** How many events a well-formed change must give: one per element, or one unknown if none. */
function expectedCount(change: { field: string; value: IDataObject }): number {
	const { value } = change;
	if (change.field === 'messages') {
		const count =
			((value.messages as unknown[]) ?? []).length + ((value.statuses as unknown[]) ?? []).length;
		return Math.max(count, 1);
	}
	if (change.field.startsWith('group_'))
		return Math.max(((value.groups as unknown[]) ?? []).length, 1);
	return 1;
}

describe('parser properties', () => {
	it('never throws, and every item carries the common keys and a known event, for any JSON', () => {
		fc.assert(
			fc.property(fc.jsonValue(), (body) => {
				const events = parseDelivery(body);
				expect(events.length).toBeGreaterThan(0);
				for (const { item } of events) {
					expect(TRIGGER_EVENTS).toContain(item.event);
					for (const key of COMMON_KEYS) expect(item).toHaveProperty(key);
				}
			}),
		);
	});

	it('emits exactly one event per group item, message and status, and never loses one', () => {
		fc.assert(
			fc.property(deliveryArb, (delivery) => {
				const events = parseDelivery(delivery);
				const changes = delivery.entry.flatMap((entry) => entry.changes);
				expect(events).toHaveLength(
					changes.reduce(
						(sum, change) => sum + expectedCount(change as { field: string; value: IDataObject }),
						0,
					),
				);
				for (const parsed of events) expect(TRIGGER_EVENTS).toContain(parsed.item.event);
			}),
		);
	});

	it('gives the same redelivery keys for a redelivery of the same payload', () => {
		fc.assert(
			fc.property(deliveryArb, (delivery) => {
				const first = parseDelivery(delivery).map((parsed) => eventKey(parsed.item as never));
				const second = parseDelivery(JSON.parse(JSON.stringify(delivery))).map((parsed) =>
					eventKey(parsed.item as never),
				);
				expect(second).toEqual(first);
			}),
		);
	});

	it('writes every time of an item as Date.prototype.toISOString does', () => {
		const seconds = fc.oneof(
			fc.integer({ min: 0, max: 8_640_000_000_000 }),
			fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }),
			fc.integer({ min: -8_640_000_000_000, max: 8_640_000_000_000 }),
			fc.double({ min: -1e13, max: 1e13, noNaN: true }),
			fc.constantFrom(0, -0, 86_399, 86_400, 253_402_300_799, 253_402_300_800, 8_640_000_000_001),
		);
		fc.assert(
			fc.property(
				fc.array(fc.tuple(seconds, fc.boolean()), { minLength: 1, maxLength: 8 }),
				(times) => {
					const groups = times.map(([value, asText], index) => ({
						type: 'group_suspend',
						group_id: `G${index}`,
						timestamp: asText ? String(value) : value,
					}));
					const items = parseDelivery({
						entry: [{ id: 'W', changes: [{ field: 'group_status_update', value: { groups } }] }],
					}).map((parsed) => parsed.item);
					const expected = groups.map((group) => {
						const value = Number(group.timestamp);
						const text = typeof group.timestamp === 'string' ? group.timestamp : undefined;
						const readable =
							text === undefined ? Number.isFinite(value) : /^\s*\d+(\.\d+)?\s*$/.test(text);
						const date = new Date(value * 1000);
						return readable && !Number.isNaN(date.getTime())
							? { timestamp: date.toISOString(), timestampUnix: value }
							: { timestamp: null, timestampUnix: null };
					});
					expect(
						items.map(({ timestamp, timestampUnix }) => ({ timestamp, timestampUnix })),
					).toEqual(expected);
				},
			),
			{ numRuns: 2000 },
		);
	});

	it("gives the execution the webhook call's keys, from items stored and read back by n8n (JSON, keys in any order, Include Raw Object on or off)", () => {
		const reversed = (value: unknown): unknown =>
			Array.isArray(value)
				? value.map(reversed)
				: typeof value === 'object' && value !== null
					? Object.fromEntries(
							Object.entries(value)
								.reverse()
								.map(([key, entry]) => [key, reversed(entry)]),
						)
					: value;
		fc.assert(
			fc.property(deliveryArb, (delivery) => {
				const parsed = parseDelivery(delivery);
				const atWebhook = parsed.map((event) => eventKey(event.item as never));
				const inExecution = parsed.map((event) =>
					eventKey(
						reversed(JSON.parse(JSON.stringify({ ...event.item, raw: event.raw }))) as never,
					),
				);
				expect(inExecution).toEqual(atWebhook);
			}),
		);
	});

	it('gives distinct events distinct keys (every message and status of a delivery has its own ID here)', () => {
		fc.assert(
			fc.property(deliveryArb, (delivery) => {
				const parsed = parseDelivery(delivery).filter((event) =>
					[
						'message_received',
						'message_sent',
						'message_delivered',
						'message_read',
						'message_failed',
					].includes(event.item.event),
				);
				const identities = new Set(
					parsed.map((event) => {
						const item = event.item as unknown as IDataObject;
						return JSON.stringify([
							item.id,
							item.messageId,
							item.status,
							item.recipientParticipantId,
						]);
					}),
				);
				expect(new Set(parsed.map((event) => eventKey(event.item as never))).size).toBe(
					identities.size,
				);
			}),
		);
	});

	it('reads a unix time the same from a number and from a string', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 8_000_000_000 }), (seconds) => {
				const fromNumber = parseTimestamp(seconds);
				expect(parseTimestamp(String(seconds))).toEqual(fromNumber);
				expect(fromNumber.timestampUnix).toBe(seconds);
				expect(Date.parse(fromNumber.timestamp as string)).toBe(seconds * 1000);
			}),
		);
	});
});

describe('signature properties', () => {
	it('accepts the signature of any body with its secret, and refuses any other secret', () => {
		fc.assert(
			fc.property(
				fc.uint8Array({ maxLength: 256 }),
				fc.string({ minLength: 1 }),
				fc.string({ minLength: 1 }),
				(bytes, secret, other) => {
					fc.pre(secret !== other);
					const body = Buffer.from(bytes);
					expect(checkSignature(body, metaSignature(body, secret), secret)).toEqual({
						valid: true,
					});
					expect(checkSignature(body, metaSignature(body, other), secret).valid).toBe(false);
				},
			),
		);
	});

	it('refuses any body changed after signing', () => {
		fc.assert(
			fc.property(
				fc.uint8Array({ minLength: 1, maxLength: 256 }),
				fc.nat(),
				fc.integer({ min: 1, max: 255 }),
				(bytes, position, flip) => {
					const body = Buffer.from(bytes);
					const signature = metaSignature(body, 'secret');
					const tampered = Buffer.from(body);
					tampered[position % tampered.length] ^= flip;
					expect(checkSignature(tampered, signature, 'secret').valid).toBe(false);
				},
			),
		);
	});
});

const trigger = new WhatsAppGroupsTrigger();

describe('redelivery memory properties', () => {
	it('takes each event in once over any sequence of runs, whatever repeats inside or across deliveries', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 10 }), { maxLength: 10 }),
				async (deliveries) => {
					const store = new MemoryDeduplicationStore();
					const taken: unknown[] = [];
					for (const ids of deliveries) {
						const items = ids.map((id) => ({
							event: 'message_received',
							phoneNumberId: 'P',
							id: `wamid.${id}`,
						}));
						const { context } = createExecuteContext(items, { store });
						const [passed] = await trigger.execute.call(context);
						taken.push(...passed.map((item) => item.json.id));
					}
					expect(taken).toEqual([...new Set(deliveries.flat())].map((id) => `wamid.${id}`));
				},
			),
		);
	});
});

describe('hostile deliveries (regressions found by fuzzing)', () => {
	const wrap = (value: IDataObject) => ({
		object: 'whatsapp_business_account',
		entry: [{ id: 'W', changes: [{ field: 'messages', value: { metadata, ...value } }] }],
	});

	it('turns a status named after an Object.prototype member into an unknown item', () => {
		for (const status of ['constructor', 'toString', '__proto__']) {
			const parsed = parseDelivery(
				JSON.parse(
					JSON.stringify(
						wrap({
							statuses: [{ id: 'wamid.X', status, recipient_id: 'G', recipient_type: 'group' }],
						}),
					),
				),
			);
			expect(parsed.map((event) => event.item.event)).toEqual(['unknown']);
		}
	});

	it('never copies a prototype member as message content', () => {
		const parsed = parseDelivery(
			wrap({ messages: [{ id: 'wamid.Y', group_id: 'G', type: 'constructor' }] }),
		);
		expect(parsed).toHaveLength(1);
		expect(parsed[0].item).not.toHaveProperty('content');
		expect(parsed[0].item).toMatchObject({ event: 'message_received', type: 'constructor' });
	});

	it('survives IDs that are objects with their own toString key', () => {
		const parsed = parseDelivery(
			wrap({
				statuses: [
					{
						id: { toString: 'x' },
						status: 'read',
						recipient_id: { toString: 1 },
						recipient_type: 'group',
					},
				],
			}),
		);
		expect(parsed.map((event) => event.item.event)).toEqual(['message_read']);
	});

	it('hashes a body nested thousands of levels deep without overflowing the stack', () => {
		const depth = 20_000;
		const deep = JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;
		const delivery = {
			object: 'whatsapp_business_account',
			entry: [{ id: 'W', changes: [{ field: 'account_update', value: { deep } }] }],
		};
		const first = parseDelivery(delivery);
		expect(first.map((event) => event.item.event)).toEqual(['unknown']);
		expect(eventKey(parseDelivery(delivery)[0].item as never)).toBe(
			eventKey(first[0].item as never),
		);
	});
});
