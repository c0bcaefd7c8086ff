/**
 * Property-based tests of the trigger's real webhook() handler (signature check, parsing, filters,
 * dedupe): random well-formed deliveries, the same deliveries mutated (missing keys, wrong types,
 * huge arrays, deep nesting, odd Unicode, prototype names), raw bodies that are not a delivery at
 * all (truncated JSON, random bytes), redeliveries and filters.
 *
 * Seeds: fast-check's default, a new random seed on every run (more inputs over time). On a
 * failure fast-check prints the seed and the path of the counterexample; rerun it by passing
 * `{ seed, path }` to that fc.assert. The runs per property are fixed below; together they are
 * at least 10,000 cases per run, checked at the end.
 */
import fc from 'fast-check';

import { TRIGGER_EVENTS } from '../../nodes/WhatsAppGroupsTrigger/webhook/eventTypes';
import type { Json, JsonObject } from '../support/deliveries';
import {
	ALL_EVENTS,
	COMMON_KEYS,
	delivery,
	expectedEvents,
	GROUP_POOL,
	isObj,
	oddString,
	personOfItem,
	PHONE_POOL,
	tagOfItem,
} from '../support/deliveries';
import { MemoryDeduplicationStore } from '../support/n8n/fakeContext';
import { deliver, FUZZ_APP_SIGNING, runExecution } from '../support/webhook';
import { metaSignature } from '../support/meta';

const RUNS = {
	wellFormed: 2500,
	mutated: 3000,
	rawBodies: 2500,
	redeliveries: 1000,
	filters: 1500,
	contentTypes: 1000,
};
const MIN_CASES = 10_000;
let casesRun = 0;

/**
 * Each property's own deadline, so a runaway shrink cannot hold CI forever. Alone on an idle
 * 2-core machine the file takes about 30 s (mutated deliveries about 13 s); beside the other
 * suites in a full `npx jest` about 110 s, hence the margin.
 */
const PROPERTY_TIMEOUT_MS = 180_000;

const propertiesRun = new Set<string>();

afterAll(() => {
	// Only meaningful when every property ran (not with -t).
	if (propertiesRun.size === Object.keys(RUNS).length && casesRun < MIN_CASES) {
		throw new Error(`only ${casesRun} fuzz cases ran, expected at least ${MIN_CASES}`);
	}
});

function emitted(
	items: Array<Record<string, unknown>> | undefined,
): Array<Record<string, unknown>> {
	return items ?? [];
}

const EVENT_NAMES = new Set<unknown>(TRIGGER_EVENTS);
const NULLABLE_TEXT = [
	'groupId',
	'businessAccountId',
	'phoneNumberId',
	'displayPhoneNumber',
	'timestamp',
];

/**
 * What is wrong with the shape of emitted items (empty: nothing). Plain checks and one expect per
 * case: jest's matchers cost about a millisecond each, too slow for thousands of items per run.
 */
function shapeProblems(items: Array<Record<string, unknown>>): string[] {
	const problems: string[] = [];
	items.forEach((item, index) => {
		if (!EVENT_NAMES.has(item.event))
			problems.push(`item ${index}: event ${String(typeof item.event)} is not a trigger event`);
		for (const key of COMMON_KEYS) if (!(key in item)) problems.push(`item ${index}: no ${key}`);
		for (const key of NULLABLE_TEXT) {
			if (item[key] !== null && typeof item[key] !== 'string')
				problems.push(`item ${index}: ${key} is ${typeof item[key]}`);
		}
		if (item.timestampUnix !== null && typeof item.timestampUnix !== 'number')
			problems.push(`item ${index}: timestampUnix`);
	});
	return problems;
}

/**
 * expect(actual).toEqual(expected) without jest's matcher on the hot path, and without its diff
 * on failure (diffing arrays of thousands of items during shrinking takes minutes): the first
 * difference is reported instead.
 */
function same(actual: unknown, expected: unknown): void {
	const a = JSON.stringify(actual);
	const b = JSON.stringify(expected);
	if (a === b) return;
	let where = '';
	if (Array.isArray(actual) && Array.isArray(expected)) {
		const length = Math.max(actual.length, expected.length);
		for (let index = 0; index < length; index++) {
			if (JSON.stringify(actual[index]) !== JSON.stringify(expected[index])) {
				where = ` first difference at [${index}]: got ${String(JSON.stringify(actual[index])).slice(0, 300)}, expected ${String(JSON.stringify(expected[index])).slice(0, 300)};`;
				break;
			}
		}
		where += ` lengths ${actual.length} / ${expected.length}`;
	}
	throw new Error(
		`Not the same:${where}\n got      ${a.slice(0, 600)}\n expected ${b.slice(0, 600)}`,
	);
}

function checkShape(items: Array<Record<string, unknown>>): void {
	const problems = shapeProblems(items);
	if (problems.length > 0) throw new Error(`Bad items: ${problems.slice(0, 10).join('; ')}`);
}

// ---------------------------------------------------------------------------------------------
// Mutations of a delivery

/** Replaced in the serialised body by a nesting this deep (JSON.stringify cannot produce it). */
const DEEP_MARKER = /"@@deep:(\d+):(array|object)@@"/g;

type Mutation =
	| { kind: 'delete'; at: number }
	| { kind: 'replace'; at: number; value: Json }
	| { kind: 'wrapInArray'; at: number }
	| { kind: 'duplicate'; at: number }
	| { kind: 'huge'; at: number; size: number }
	| { kind: 'deep'; at: number; depth: number; shape: 'array' | 'object' };

const wrongValue: fc.Arbitrary<Json> = fc.oneof(
	fc.constant(null),
	fc.integer(),
	fc.double().map((value) => (Number.isFinite(value) ? value : 0)),
	fc.boolean(),
	oddString,
	fc.constant<Json>([]),
	fc.constant<Json>({}),
	// An own "toString" that is not a function: String(value) and `${value}` throw on it.
	fc.constant<Json>({ toString: 'x', valueOf: 1 }),
	fc.constant<Json>([[[['nested']]]]),
	fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	{ weight: 4, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
	{
		weight: 6,
		arbitrary: fc.record({
			kind: fc.constant('replace' as const),
			at: fc.nat(),
			value: wrongValue,
		}),
	},
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('wrapInArray' as const), at: fc.nat() }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }) },
	{
		weight: 1,
		arbitrary: fc.record({
			kind: fc.constant('huge' as const),
			at: fc.nat(),
			size: fc.integer({ min: 500, max: 1500 }),
		}),
	},
	{
		weight: 1,
		arbitrary: fc.record({
			kind: fc.constant('deep' as const),
			at: fc.nat(),
			depth: fc.integer({ min: 2_000, max: 10_000 }),
			shape: fc.constantFrom('array' as const, 'object' as const),
		}),
	},
);

/** Every (container, key) in the body, the root's keys included, breadth first. */
function slots(root: JsonObject): Array<[JsonObject | Json[], string | number]> {
	const found: Array<[JsonObject | Json[], string | number]> = [];
	const queue: Json[] = [root];
	while (queue.length > 0 && found.length < 5_000) {
		const node = queue.shift();
		if (Array.isArray(node)) {
			node.forEach((child, index) => {
				found.push([node, index]);
				queue.push(child);
			});
		} else if (isObj(node)) {
			for (const key of Object.keys(node)) {
				found.push([node, key]);
				queue.push(node[key]);
			}
		}
	}
	return found;
}

function applyMutation(root: JsonObject, change: Mutation): void {
	const all = slots(root);
	if (all.length === 0) return;
	const [container, key] = all[change.at % all.length];
	const current = (container as Record<string | number, Json>)[key];
	const set = (value: Json) => {
		(container as Record<string | number, Json>)[key] = value;
	};
	switch (change.kind) {
		case 'delete':
			if (Array.isArray(container)) container.splice(key as number, 1);
			else delete container[key as string];
			break;
		case 'replace':
			// A copy: constants of the generator must not be mutated by later mutations.
			set(JSON.parse(JSON.stringify(change.value)) as Json);
			break;
		case 'wrapInArray':
			set([current]);
			break;
		case 'duplicate':
			if (Array.isArray(container))
				container.splice(key as number, 0, JSON.parse(JSON.stringify(current)) as Json);
			else set([current, current]);
			break;
		case 'huge':
			{
				// Many copies of a small value (a big one would multiply into gigabytes).
				const small =
					(JSON.stringify(current) ?? '').length <= 600 ? current : { type: 'group_create' };
				set(Array.from({ length: change.size }, () => small));
				break;
			}
			break;
		case 'deep':
			set(`@@deep:${change.depth}:${change.shape}@@`);
			break;
	}
}

function serialise(body: Json): string {
	return JSON.stringify(body).replace(DEEP_MARKER, (_match, depth: string, shape: string) => {
		const count = Number(depth);
		return shape === 'array'
			? `${'['.repeat(count)}${']'.repeat(count)}`
			: `${'{"a":'.repeat(count)}1${'}'.repeat(count)}`;
	});
}

// ---------------------------------------------------------------------------------------------

describe('trigger webhook under random and hostile deliveries', () => {
	it(
		`emits every well-formed event exactly once, in order (${RUNS.wellFormed} random deliveries)`,
		async () => {
			await fc.assert(
				fc.asyncProperty(delivery, async (body) => {
					casesRun += 1;
					const raw = JSON.stringify(body);
					// What the handler sees: the bytes (lone surrogates become U+FFFD on the way).
					const expected = expectedEvents(JSON.parse(raw));
					const { items, response } = await deliver(raw);
					same(response.sent.statusCode, undefined);
					const out = emitted(items);
					same(
						out.map((item) => [item.event, tagOfItem(item)]),
						expected.map((event) => [event.event, event.tag]),
					);
					same(
						out.map((item) => item.groupId),
						expected.map((event) => event.groupId),
					);
					// Who each message and status is about, from the change's contacts[].
					same(
						out.map((item) => (item.event === 'unknown' ? undefined : personOfItem(item))),
						expected.map((event) =>
							event.event === 'unknown' ? undefined : (event.person ?? null),
						),
					);
					checkShape(out);
					// Tags are unique, so "in order and equal" means each exactly once.
					const tags = expected.map((event) => event.tag).filter(Boolean);
					same(new Set(tags).size, tags.length);
					// Redelivery dedupe on, fresh memory: the run takes no distinct event for a
					// redelivery. (Identical untagged items, e.g. two empty changes, are one event for it.)
					const deduped = await deliver(raw, {
						options: { includeOneToOne: true, ignoreRedeliveries: true },
					});
					const taken = await runExecution(deduped, new MemoryDeduplicationStore());
					same(taken.map(tagOfItem).filter(Boolean), tags);
				}),
				{ numRuns: RUNS.wellFormed },
			);
			propertiesRun.add('wellFormed');
		},
		PROPERTY_TIMEOUT_MS,
	);

	it(
		`never throws on mutated deliveries; items out = group items + messages + statuses in, the rest unknown (${RUNS.mutated} cases)`,
		async () => {
			await fc.assert(
				fc.asyncProperty(
					delivery,
					fc
						.array(mutation, { minLength: 1, maxLength: 4 })
						// One huge or deep mutation per case: two nested ones multiply into gigabytes.
						.filter(
							(list) =>
								list.filter((one) => one.kind === 'huge' || one.kind === 'deep').length <= 1,
						),
					async (body, mutations) => {
						casesRun += 1;
						for (const change of mutations) applyMutation(body, change);
						// Mutations that copy parts into each other can make a body whose JSON exceeds
						// V8's longest string (RangeError): skip it, as any body too big to send.
						let raw = '';
						try {
							raw = serialise(body);
						} catch (error) {
							same(error instanceof RangeError, true);
						}
						// Two huge mutations nested in each other: skip rather than allocate gigabytes.
						fc.pre(raw.length > 0 && raw.length < 1_500_000);
						const expected = expectedEvents(JSON.parse(raw));
						const { items, response } = await deliver(raw);
						same(response.sent.statusCode, undefined);
						const out = emitted(items);
						same(
							out.map((item) => item.event),
							expected.map((event) => event.event),
						);
						checkShape(out);
					},
				),
				{ numRuns: RUNS.mutated },
			);
			propertiesRun.add('mutated');
		},
		PROPERTY_TIMEOUT_MS,
	);

	it(
		`turns bodies that are not deliveries (truncated JSON, random bytes, other JSON) into unknown items, never a crash (${RUNS.rawBodies} cases)`,
		async () => {
			const serialised = delivery.map((body) => JSON.stringify(body));
			const rawBody: fc.Arbitrary<string | Buffer> = fc.oneof(
				serialised.chain((raw) => fc.nat({ max: raw.length }).map((cut) => raw.slice(0, cut))),
				fc.string({ unit: 'binary', maxLength: 300 }),
				fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
				fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
				serialised.map((raw) => `\ufeff${raw}`),
				delivery.map((body) => JSON.stringify(body, null, 2)),
				fc.constantFrom(
					'',
					'null',
					'[]',
					'{}',
					'""',
					'0',
					'true',
					'{"entry":null}',
					'{"entry":{}}',
					'{"object":"whatsapp_business_account"}',
				),
			);
			await fc.assert(
				fc.asyncProperty(rawBody, async (raw) => {
					casesRun += 1;
					const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8');
					let parsed: unknown;
					let isJson = true;
					try {
						parsed = bytes.length === 0 ? {} : JSON.parse(bytes.toString('utf8'));
					} catch {
						isJson = false;
					}
					const { items, response, logger } = await deliver(raw);
					same(response.sent.statusCode, undefined);
					const out = emitted(items);
					checkShape(out);
					if (isJson) {
						same(
							out.map((item) => item.event),
							expectedEvents(parsed).map((event) => event.event),
						);
					} else {
						// One unknown item that carries the text, and a log line saying why.
						same(
							{
								items: out.length,
								event: out[0]?.event,
								change: out[0]?.change,
								warnings: logger.warn.mock.calls.length,
								why: String(logger.warn.mock.calls[0]?.[0]).includes('not JSON'),
							},
							{
								items: 1,
								event: 'unknown',
								change: { unparsedBody: bytes.toString('utf8') },
								warnings: 1,
								why: true,
							},
						);
					}
				}),
				{ numRuns: RUNS.rawBodies },
			);
			propertiesRun.add('rawBodies');
		},
		PROPERTY_TIMEOUT_MS,
	);

	it(
		`with Ignore Redeliveries, events split over deliveries and redelivered (reordered, re-serialised) come out exactly once (${RUNS.redeliveries} cases)`,
		async () => {
			// Every element of a delivery with the change it came in, so it can be resent alone.
			interface Element {
				entryId: Json;
				field: Json;
				metadata: Json;
				list: 'groups' | 'messages' | 'statuses';
				item: Json;
				tag: string;
			}
			const elementsOf = (body: JsonObject): Element[] => {
				const found: Element[] = [];
				for (const entry of body.entry as JsonObject[]) {
					for (const change of entry.changes as JsonObject[]) {
						const value = change.value as JsonObject;
						for (const list of ['groups', 'messages', 'statuses'] as const) {
							for (const item of (value[list] as Json[] | undefined) ?? []) {
								const tag = (item as JsonObject).request_id ?? (item as JsonObject).id;
								found.push({
									entryId: entry.id,
									field: change.field,
									metadata: value.metadata,
									list,
									item,
									tag: String(tag),
								});
							}
						}
					}
				}
				return found;
			};
			const build = (elements: Element[]): JsonObject => ({
				object: 'whatsapp_business_account',
				entry: elements.map((element) => ({
					id: element.entryId,
					changes: [
						{
							field: element.field,
							value: { metadata: element.metadata, [element.list]: [element.item] },
						},
					],
				})),
			});
			await fc.assert(
				fc.asyncProperty(
					delivery.filter((body) => elementsOf(body).length > 0),
					fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), {
						minLength: 1,
						maxLength: 6,
					}),
					fc.array(fc.constantFrom(0, 1, 2, 4)),
					async (body, schedule, indents) => {
						casesRun += 1;
						const elements = elementsOf(body);
						const batches = schedule.map((picks) =>
							picks.map((pick) => elements[pick % elements.length]),
						);
						// Whatever the schedule missed comes last, so every event is delivered at least once.
						const sent = new Set(batches.flat());
						batches.push(elements.filter((element) => !sent.has(element)));
						const store = new MemoryDeduplicationStore();
						const out: Array<Record<string, unknown>> = [];
						for (const [index, batch] of batches.entries()) {
							if (batch.length === 0) continue;
							const raw = JSON.stringify(
								build(batch),
								null,
								indents[index % Math.max(1, indents.length)] ?? 0,
							);
							const outcome = await deliver(raw, {
								options: { includeOneToOne: true, ignoreRedeliveries: true },
							});
							// Every delivery here carries events: n8n answers, after starting the run,
							// whose first step leaves out what an earlier run took in.
							same(outcome.response.status.mock.calls.length, 0);
							out.push(...(await runExecution(outcome, store)));
						}
						const tags = out.map(tagOfItem).sort();
						same(tags, elements.map((element) => element.tag).sort());
					},
				),
				{ numRuns: RUNS.redeliveries },
			);
			propertiesRun.add('redeliveries');
		},
		PROPERTY_TIMEOUT_MS,
	);

	it(
		`emits exactly the events the filters select (events, Group IDs, Phone Number IDs, one-to-one) (${RUNS.filters} cases)`,
		async () => {
			await fc.assert(
				fc.asyncProperty(
					delivery,
					fc.subarray(ALL_EVENTS),
					fc.subarray(GROUP_POOL),
					fc.subarray(PHONE_POOL),
					fc.boolean(),
					async (body, events, groups, phones, includeOneToOne) => {
						casesRun += 1;
						const raw = JSON.stringify(body);
						const selected = new Set<string>(events);
						const expected = expectedEvents(JSON.parse(raw)).filter(
							(event) =>
								!(event.oneToOne && !includeOneToOne) &&
								selected.has(event.event) &&
								!(groups.length > 0 && event.groupId !== null && !groups.includes(event.groupId)) &&
								!(
									phones.length > 0 &&
									event.phoneNumberId !== null &&
									!phones.includes(event.phoneNumberId)
								),
						);
						const { items, result, response } = await deliver(raw, {
							events,
							options: {
								includeOneToOne,
								ignoreRedeliveries: false,
								groupIds: groups.join(', '),
								phoneNumberIds: phones.join('\n'),
							},
						});
						if (expected.length === 0) {
							same(
								[result, response.sent.statusCode, response.sent.body],
								[{ noWebhookResponse: true }, 200, 'OK'],
							);
						} else {
							same(
								emitted(items).map((item) => [item.event, tagOfItem(item)]),
								expected.map((event) => [event.event, event.tag]),
							);
						}
					},
				),
				{ numRuns: RUNS.filters },
			);
			propertiesRun.add('filters');
		},
		PROPERTY_TIMEOUT_MS,
	);

	it(
		`takes the items from the signed bytes whatever Content-Type and charset the request declares (${RUNS.contentTypes} cases)`,
		async () => {
			const contentType = fc.constantFrom(
				null,
				'application/json',
				'application/json; charset=utf-8',
				'APPLICATION/JSON;CHARSET="UTF-8"',
				'application/json; charset=latin1',
				'application/json; charset=utf-16le',
				'application/json ; charset=utf-8',
				'application/json; charset=utf-8; profile=x',
				'text/plain',
				'text/plain; charset=utf-8',
				'application/x-www-form-urlencoded',
				'application/xml',
				'multipart/form-data; boundary=x',
			);
			await fc.assert(
				fc.asyncProperty(delivery, contentType, fc.boolean(), async (body, type, bom) => {
					casesRun += 1;
					const text = JSON.stringify(body);
					const raw = Buffer.from(bom ? `\ufeff${text}` : text, 'utf8');
					const headers = { 'x-hub-signature-256': metaSignature(raw, FUZZ_APP_SIGNING) };
					const options = { includeOneToOne: true, ignoreRedeliveries: false, includeRaw: true };
					// The trigger's own parse of the bytes: no Content-Type, nothing parsed by n8n.
					const reference = await deliver(raw, { headers, options, contentType: null });
					// The same bytes with what n8n parsed from them for that Content-Type.
					const actual = await deliver(raw, { headers, options, contentType: type });
					same(actual.response.sent, reference.response.sent);
					same(actual.items, reference.items);
				}),
				{ numRuns: RUNS.contentTypes },
			);
			propertiesRun.add('contentTypes');
		},
		PROPERTY_TIMEOUT_MS,
	);

	it('keeps the handler alive on the shapes that once broke it (regressions found by this suite)', async () => {
		const wrap = (value: JsonObject, field = 'messages') =>
			JSON.stringify({
				object: 'whatsapp_business_account',
				entry: [{ id: 'WABA_1', changes: [{ field, value }] }],
			});
		const cases: Array<[string, string, string[]]> = [
			[
				'an entry nested 6,000 arrays deep',
				`{"entry":[${'['.repeat(6000)}${']'.repeat(6000)}]}`,
				['unknown'],
			],
			[
				'a group item with a subject nested 6,000 objects deep',
				wrap(
					{ groups: [{ type: 'group_create', subject: '@@deep:6000:object@@' }] },
					'group_lifecycle_update',
				).replace(DEEP_MARKER, () => `${'{"a":'.repeat(6000)}1${'}'.repeat(6000)}`),
				['group_created'],
			],
			[
				'a status value with an own toString',
				wrap({
					statuses: [
						{
							id: 's',
							status: { toString: 1 } as unknown as Json,
							recipient_type: 'group',
							recipient_id: 'G',
						},
					],
				}),
				['unknown'],
			],
			[
				'a status id with an own toString',
				wrap({
					statuses: [
						{
							id: { toString: 1 } as unknown as Json,
							status: 'sent',
							recipient_type: 'group',
							recipient_id: 'G',
						},
					],
				}),
				['message_sent'],
			],
			[
				'a message id with an own toString',
				wrap({
					messages: [
						{
							id: { toString: 1 } as unknown as Json,
							group_id: 'G',
							type: 'text',
							text: { body: 'x' },
						},
					],
				}),
				['message_received'],
			],
			[
				'a status named "constructor"',
				wrap({
					statuses: [
						{ id: 's', status: 'constructor', recipient_type: 'group', recipient_id: 'G' },
					],
				}),
				['unknown'],
			],
			[
				'a status named "__proto__"',
				'{"entry":[{"id":"W","changes":[{"field":"messages","value":{"statuses":[{"id":"s","status":"__proto__"}]}}]}]}',
				['unknown'],
			],
		];
		for (const [label, raw, events] of cases) {
			const { items } = await deliver(raw);
			expect({ label, events: emitted(items).map((item) => item.event) }).toEqual({
				label,
				events,
			});
		}
		const { items } = await deliver(
			wrap({ messages: [{ id: 'm', group_id: 'G', type: 'constructor' }] }),
		);
		expect(emitted(items)[0]).not.toHaveProperty('content');
	});
});
