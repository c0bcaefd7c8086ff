/**
 * Every operation of the action node, run by n8n's real WorkflowExecute (the BUILT node, see
 * ../support/n8n/engine.js), with hostile parameter values as an AI agent or an expression can send
 * them (fast-check; issue 10, "Done when"): NaN, 0, negatives, fractions, huge numbers, empty and
 * whitespace strings, "." and "..", look-alikes from other scripts, 10,000-character strings and
 * wrong types from expressions, in one or two items, literally or per item through `$json`, with
 * Meta's Cloud API or 360dialog as the Authentication.
 *
 * For every case:
 * - the run ends within a bound (wall time, and the time it would have slept: waits run on a
 *   virtual clock, ../support/clock.ts);
 * - no request leaves for a path other than the operation's own (its endpoints in the transport's
 *   ENDPOINTS, every ID segment an ID), and none for another host;
 * - the result is the normal output (every item paired with an input item), or an error that
 *   names one of the fields given a hostile value and an item that got one; with Continue On Fail,
 *   each error item does the same;
 * - no secret (access token, app secret, 360dialog API key) appears in the output, the error, the reported errors or
 *   any request's path, query or body.
 *
 * The fake API answers every request as Meta would on success, so that a hostile value that passes
 * validation goes all the way through the operation. A failing case is printed with its seed.
 */
import fc from 'fast-check';
import type { IDataObject, INodeParameters, NodeParameterValue } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { ENDPOINTS, isPathId } from '../../nodes/shared/transport';
import type { EndpointName, Provider } from '../../nodes/shared/transport';
import {
	everything,
	FAKE_APP_SIGNING,
	FAKE_BEARER,
	GRAPH,
	GROUP_ID,
	PHONE_ID,
	VERSION,
	WABA_ID,
} from '../support/action';
import { virtualClock } from '../support/clock';
import { fakeGraph } from '../support/fakeGraph';
import type { FakeAnswer, FakeGraph, RecordedCall } from '../support/fakeGraph';
import { runNode } from '../support/n8n/engine';
import { makeJpeg } from '../support/jpeg';
import { D360_HOST, FAKE_D360_KEY } from '../support/d360';
import { useNock } from '../support/nock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => undefined),
}));

/** Cases per property run; each is one WorkflowExecute run (about 20–40 ms). */
const CASES = 500;
/** The wall time one run may take, and the time it may sleep (Wait Timeout ≤ 300 s + retries). */
const WALL_BOUND_MS = 10_000;
const SLEEP_BOUND_MS = 15 * 60_000;

/** Stored with spaces around them, as pasted: neither form may appear anywhere. */
const CREDENTIAL = {
	accessToken: ` ${FAKE_BEARER} `,
	businessAccountId: WABA_ID,
	appId: '998877',
	appSecret: `${FAKE_APP_SIGNING}\n`,
	graphApiVersion: VERSION,
	baseUrl: GRAPH,
};
/** The 360dialog credential, its key stored with a line break after it. */
const D360_CREDENTIAL = { apiKey: `${FAKE_D360_KEY}\n`, baseUrl: D360_HOST };
const SECRETS = [FAKE_BEARER, FAKE_APP_SIGNING, FAKE_D360_KEY];

const group = { __rl: true, mode: 'id', value: GROUP_ID };

/**
 * A field the property may set to a hostile value: where it lives in the parameters (`options.x`
 * for a collection's option), and the name errors give it.
 */
interface Field {
	path: string;
	name: string;
	/** Another field whose check a value of this one can fail (Invite Link Position's range depends on the Body Parameters). */
	affects?: string;
}

const PHONE: Field = { path: 'phoneNumberId', name: 'Business Phone Number' };
const GROUP: Field = { path: 'groupId', name: 'Group' };
const CONCURRENCY: Field = { path: 'options.concurrency', name: 'Concurrency' };
const TIMEOUT: Field = { path: 'options.requestTimeout', name: 'Request Timeout' };
const WAIT_TIMEOUT: Field = { path: 'options.waitTimeout', name: 'Wait Timeout (Seconds)' };
const POLL: Field = { path: 'options.pollInterval', name: 'Poll Interval (Seconds)' };
const CONFIRM: Field = { path: 'options.waitForConfirmation', name: 'Wait for Confirmation' };
const RETRY: Field = { path: 'options.retryAmbiguous', name: 'Retry After Ambiguous Failures' };
const RETURN_ALL: Field = { path: 'returnAll', name: 'Return All' };
const LIMIT: Field = { path: 'limit', name: 'Limit' };
const MESSAGE_ID: Field = { path: 'messageId', name: 'Message ID' };
const WAITS = [CONFIRM, WAIT_TIMEOUT, POLL];

/**
 * Every operation: valid parameters, the endpoints it may call, and its fields. `waits` are set
 * together with their switch on, so that Wait Timeout and Poll Interval are read.
 */
const OPERATIONS: Array<{
	label: string;
	parameters: INodeParameters;
	endpoints: EndpointName[];
	fields: Field[];
}> = [
	{
		label: 'Group > Create',
		parameters: {
			resource: 'group',
			operation: 'create',
			phoneNumberId: PHONE_ID,
			subject: '={{ "Cohort " + $itemIndex }}',
			options: { waitForGroup: true, pollInterval: 5 },
		},
		endpoints: ['groups', 'inviteLink'],
		fields: [
			PHONE,
			{ path: 'subject', name: 'Subject' },
			{ path: 'additionalFields.description', name: 'Description' },
			{ path: 'additionalFields.joinApprovalMode', name: 'Join Approval Mode' },
			{ path: 'options.waitForGroup', name: 'Wait for Group' },
			WAIT_TIMEOUT,
			POLL,
			RETRY,
			CONCURRENCY,
			TIMEOUT,
		],
	},
	{
		label: 'Group > Delete',
		parameters: { resource: 'group', operation: 'delete', phoneNumberId: PHONE_ID, groupId: group },
		endpoints: ['group'],
		fields: [PHONE, GROUP, ...WAITS, CONCURRENCY, TIMEOUT],
	},
	{
		label: 'Group > Get',
		parameters: { resource: 'group', operation: 'get', phoneNumberId: PHONE_ID, groupId: group },
		endpoints: ['group'],
		fields: [PHONE, GROUP, { path: 'fields', name: 'Fields' }, CONCURRENCY, TIMEOUT],
	},
	{
		label: 'Group > Get Many',
		parameters: {
			resource: 'group',
			operation: 'getMany',
			phoneNumberId: PHONE_ID,
			returnAll: false,
			limit: 5,
		},
		endpoints: ['groups'],
		fields: [PHONE, RETURN_ALL, LIMIT, CONCURRENCY, TIMEOUT],
	},
	{
		label: 'Group > Update',
		parameters: {
			resource: 'group',
			operation: 'update',
			phoneNumberId: PHONE_ID,
			groupId: group,
			updateFields: { subject: 'New subject' },
		},
		endpoints: ['group'],
		fields: [
			PHONE,
			GROUP,
			{ path: 'updateFields.subject', name: 'Subject' },
			{ path: 'updateFields.description', name: 'Description' },
			{ path: 'updateFields.pictureBinaryProperty', name: 'Profile Picture (Binary Property)' },
			...WAITS,
			CONCURRENCY,
			TIMEOUT,
		],
	},
	{
		label: 'Invite Link > Get',
		parameters: {
			resource: 'inviteLink',
			operation: 'get',
			phoneNumberId: PHONE_ID,
			groupId: group,
		},
		endpoints: ['inviteLink'],
		fields: [PHONE, GROUP, CONCURRENCY, TIMEOUT],
	},
	{
		label: 'Invite Link > Reset',
		parameters: {
			resource: 'inviteLink',
			operation: 'reset',
			phoneNumberId: PHONE_ID,
			groupId: group,
		},
		endpoints: ['inviteLink'],
		fields: [PHONE, GROUP, CONCURRENCY, TIMEOUT],
	},
	{
		label: 'Invite Link > Send',
		parameters: {
			resource: 'inviteLink',
			operation: 'send',
			phoneNumberId: PHONE_ID,
			groupId: group,
			recipient: '4915112345678',
			templateName: { __rl: true, mode: 'name', value: 'group_invite' },
			languageCode: 'en',
			bodyParameters: { parameter: [{ text: 'Ada' }] },
			groupLinkPosition: 2,
		},
		endpoints: ['messages'],
		fields: [
			PHONE,
			GROUP,
			{ path: 'recipient', name: 'Recipient' },
			{ path: 'templateName', name: 'Template' },
			{ path: 'languageCode', name: 'Language Code' },
			{ path: 'bodyParameters', name: 'Body Parameters', affects: 'Invite Link Position' },
			{ path: 'groupLinkPosition', name: 'Invite Link Position' },
			RETRY,
			CONCURRENCY,
			TIMEOUT,
		],
	},
	...(['approve', 'reject'] as const).map((operation) => ({
		label: `Join Request > ${operation === 'approve' ? 'Approve' : 'Reject'}`,
		parameters: {
			resource: 'joinRequest',
			operation,
			phoneNumberId: PHONE_ID,
			groupId: group,
			joinRequestIds: 'JR1, JR2',
		},
		endpoints: ['joinRequests'] as EndpointName[],
		fields: [
			PHONE,
			GROUP,
			{ path: 'joinRequestIds', name: 'Join Request IDs' },
			{ path: 'options.batchSize', name: 'Batch Size' },
			CONCURRENCY,
			TIMEOUT,
		],
	})),
	{
		label: 'Join Request > Get Many',
		parameters: {
			resource: 'joinRequest',
			operation: 'getMany',
			phoneNumberId: PHONE_ID,
			groupId: group,
			returnAll: false,
			limit: 5,
		},
		endpoints: ['joinRequests'],
		fields: [PHONE, GROUP, RETURN_ALL, LIMIT, CONCURRENCY, TIMEOUT],
	},
	{
		label: 'Participant > Remove',
		parameters: {
			resource: 'participant',
			operation: 'remove',
			phoneNumberId: PHONE_ID,
			groupId: group,
			participants: '4915112345678',
		},
		endpoints: ['participants', 'group'],
		fields: [
			PHONE,
			GROUP,
			{ path: 'participants', name: 'Participants' },
			{ path: 'identifyBy', name: 'Identify Participants By' },
			...WAITS,
			CONCURRENCY,
			TIMEOUT,
		],
	},
	{
		label: 'Message > Mark as Read',
		parameters: {
			resource: 'message',
			operation: 'markAsRead',
			phoneNumberId: PHONE_ID,
			messageId: 'wamid.IN',
		},
		endpoints: ['messages'],
		fields: [PHONE, MESSAGE_ID, CONCURRENCY, TIMEOUT],
	},
	{
		label: 'Message > Pin',
		parameters: {
			resource: 'message',
			operation: 'pin',
			phoneNumberId: PHONE_ID,
			groupId: group,
			messageId: 'wamid.A',
			expirationDays: 7,
		},
		endpoints: ['messages'],
		fields: [
			PHONE,
			GROUP,
			MESSAGE_ID,
			{ path: 'expirationDays', name: 'Days' },
			CONCURRENCY,
			TIMEOUT,
		],
	},
	{
		label: 'Message > Unpin',
		parameters: {
			resource: 'message',
			operation: 'unpin',
			phoneNumberId: PHONE_ID,
			groupId: group,
			messageId: 'wamid.A',
		},
		endpoints: ['messages'],
		fields: [PHONE, GROUP, MESSAGE_ID, CONCURRENCY, TIMEOUT],
	},
	...(
		[
			[
				'text',
				{ text: 'Hello' },
				[
					{ path: 'text', name: 'Text' },
					{ path: 'previewUrl', name: 'Show Link Preview' },
				],
			],
			[
				'image',
				{ mediaSource: 'link', mediaLink: 'https://example.com/a.jpg', caption: 'A' },
				[
					{ path: 'mediaSource', name: 'Media Source' },
					{ path: 'mediaLink', name: 'Media Link' },
					{ path: 'mediaId', name: 'Media ID' },
					{ path: 'caption', name: 'Caption' },
				],
			],
			[
				'document',
				{ mediaSource: 'id', mediaId: '123456', filename: 'a.pdf' },
				[
					{ path: 'mediaId', name: 'Media ID' },
					{ path: 'filename', name: 'File Name' },
				],
			],
			[
				'template',
				{ templateName: 'welcome', languageCode: 'en', components: '[]' },
				[
					{ path: 'templateName', name: 'Template Name' },
					{ path: 'languageCode', name: 'Language Code' },
					{ path: 'components', name: 'Components (JSON)' },
				],
			],
		] as Array<[string, IDataObject, Field[]]>
	).map(([messageType, extra, fields]) => ({
		label: `Message > Send (${messageType})`,
		parameters: {
			resource: 'message',
			operation: 'send',
			phoneNumberId: PHONE_ID,
			groupId: group,
			messageType,
			...extra,
		} as INodeParameters,
		endpoints: ['messages'] as EndpointName[],
		fields: [
			PHONE,
			GROUP,
			{ path: 'messageType', name: 'Message Type' },
			...fields,
			RETRY,
			CONCURRENCY,
			TIMEOUT,
		],
	})),
];

// ------------------------------------------------------------------ hostile values

const LONG = 'x'.repeat(10_000);

/** Values written into the parameter as they are (strings starting with = are expressions). */
const HOSTILE: NodeParameterValue[] = [
	0,
	-1,
	-0.5,
	0.5,
	1.5,
	1e308,
	-1e308,
	Number.MAX_SAFE_INTEGER + 2,
	'',
	' ',
	'\t \n',
	'.',
	'..',
	' .. ',
	'\t..\t',
	'...',
	'%2e%2e',
	'../..',
	'a/b',
	'?x=1',
	'#top',
	'\uFF0E\uFF0E',
	'\uFF0F',
	'Ｙ２ＦｗａＶ９',
	'Y2Fwa\u200BV9',
	'Υ2FwaV9',
	'\u0000',
	'\u202Eevil',
	'__proto__',
	'constructor',
	LONG,
	'9'.repeat(10_000),
	`${LONG}.`,
	'true',
	'NaN',
	'5 items',
	'={{ NaN }}',
	'={{ Infinity }}',
	'={{ -Infinity }}',
	'={{ null }}',
	'={{ undefined }}',
	'={{ true }}',
	'={{ false }}',
	'={{ [1, 2] }}',
	'={{ [] }}',
	'={{ {} }}',
	'={{ { "a": 1 } }}',
	'={{ "x".repeat(10000) }}',
	'={{ ".." }}',
	'={{ 2 ** 70 }}',
	'={{ 0.1 + 0.2 }}',
	'={{ $json }}',
];

/** Values an item's JSON carries, for a parameter set to `={{ $json.h }}`. */
const ITEM_VALUES: unknown[] = [
	0,
	-1,
	0.5,
	1e308,
	'',
	'  ',
	'.',
	'..',
	' .. ',
	'\uFF0E\uFF0E',
	LONG,
	null,
	true,
	[1],
	[],
	{},
	{ toString: 'x' },
	'__proto__',
];

const hostileLiteral = fc.oneof(
	{ weight: 4, arbitrary: fc.constantFrom(...HOSTILE) },
	{ weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
	{ weight: 1, arbitrary: fc.double() },
	{ weight: 1, arbitrary: fc.integer() },
);
const hostileItemValue = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom(...ITEM_VALUES) },
	{ weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
	{ weight: 1, arbitrary: fc.double() },
);

interface Case {
	operation: number;
	/** Per chosen field: a literal hostile value, or item values read through `$json`. */
	mutations: Array<{ field: number; literal?: NodeParameterValue; perItem?: unknown[] }>;
	items: number;
	continueOnFail: boolean;
	/** Meta's Cloud API, or 360dialog (Authentication), each with its own paths and credential. */
	provider: Provider;
}

const caseArbitrary: fc.Arbitrary<Case> = fc
	.record({
		operation: fc.nat({ max: OPERATIONS.length - 1 }),
		items: fc.integer({ min: 1, max: 2 }),
		continueOnFail: fc.boolean(),
		provider: fc.constantFrom<Provider>('cloudApi', '360dialog'),
		picks: fc.array(
			fc.record({
				field: fc.nat(),
				literal: hostileLiteral,
				viaItems: fc.boolean(),
				perItem: fc.array(hostileItemValue, { minLength: 2, maxLength: 2 }),
			}),
			{ minLength: 1, maxLength: 3 },
		),
	})
	.map(({ operation, items, continueOnFail, provider, picks }) => {
		const fields = OPERATIONS[operation].fields;
		const seen = new Set<number>();
		const mutations: Case['mutations'] = [];
		for (const pick of picks) {
			const field = pick.field % fields.length;
			if (seen.has(field)) continue;
			seen.add(field);
			mutations.push(
				pick.viaItems
					? { field, perItem: pick.perItem.slice(0, items) }
					: { field, literal: pick.literal },
			);
		}
		return { operation, mutations, items, continueOnFail, provider };
	});

// ------------------------------------------------------------------ building a run

function setPath(target: IDataObject, path: string, value: unknown): void {
	const [head, ...rest] = path.split('.');
	if (rest.length === 0) {
		target[head] = value as IDataObject[string];
		return;
	}
	const inner = { ...((target[head] as IDataObject | undefined) ?? {}) };
	setPath(inner, rest.join('.'), value);
	target[head] = inner;
}

/** The parameters and input items of a case, and which items got a hostile value of which field. */
function build(testCase: Case) {
	const operation = OPERATIONS[testCase.operation];
	const parameters = structuredClone(operation.parameters) as IDataObject;
	const items: IDataObject[] = Array.from({ length: testCase.items }, () => ({}));
	/** Field name → the items that got a value other than the valid one. */
	const hostile = new Map<string, Set<number>>();
	for (const mutation of testCase.mutations) {
		const field = operation.fields[mutation.field];
		const key = `h${mutation.field}`;
		// A wait's numbers are read only with its switch on.
		if (WAITS.includes(field) && field !== CONFIRM) setPath(parameters, CONFIRM.path, true);
		if (field.path === 'groupId' && mutation.literal !== undefined) {
			setPath(parameters, 'groupId', { __rl: true, mode: 'id', value: mutation.literal });
		} else if (field.path === 'groupId') {
			setPath(parameters, 'groupId', { __rl: true, mode: 'id', value: `={{ $json.${key} }}` });
		} else {
			setPath(parameters, field.path, mutation.literal ?? `={{ $json.${key} }}`);
		}
		const indexes = new Set<number>();
		for (let index = 0; index < testCase.items; index++) {
			if (mutation.perItem) items[index][key] = mutation.perItem[index] as IDataObject[string];
			indexes.add(index);
		}
		hostile.set(field.name, indexes);
		if (field.affects) hostile.set(field.affects, indexes);
	}
	// Update's picture field reads binary data: every item carries a valid JPEG under `data`.
	const picture = makeJpeg(192, 192).toString('base64');
	const inputItems = items.map((json) => ({
		json,
		binary: { data: { data: picture, mimeType: 'image/jpeg', fileName: 'p.jpg' } },
	}));
	return { operation, parameters: parameters as INodeParameters, inputItems, hostile };
}

// ------------------------------------------------------------------ the fake API

/** Meta's success answer for each endpoint; Create's new groups appear in the list once asked for. */
function metaAnswers() {
	const created: Array<{ id: string; subject: string; created_at: number }> = [
		{ id: GROUP_ID, subject: 'Existing', created_at: 1_700_000_000 },
	];
	return (call: RecordedCall): FakeAnswer => {
		const path = call.path.replace(`/${VERSION}`, '');
		const body = (call.body ?? {}) as IDataObject;
		const now = Math.floor(Date.now() / 1000);
		if (path.endsWith('/groups')) {
			if (call.method === 'POST') {
				created.push({
					id: `NEWGROUP${created.length}`,
					subject: String(body.subject),
					created_at: now,
				});
				return {
					status: 200,
					body: { messaging_product: 'whatsapp', request_id: `REQ${created.length}` },
				};
			}
			return { status: 200, body: { data: { groups: created }, paging: { cursors: {} } } };
		}
		if (path.endsWith('/invite_link')) {
			return { status: 200, body: { invite_link: 'https://chat.whatsapp.com/abc' } };
		}
		if (path.endsWith('/messages')) {
			return {
				status: 200,
				body: { messaging_product: 'whatsapp', messages: [{ id: 'wamid.OUT' }] },
			};
		}
		if (path.endsWith('/join_requests')) {
			if (call.method === 'GET') {
				return {
					status: 200,
					body: {
						data: [{ join_request_id: 'JR1', wa_id: '4915112345678', creation_timestamp: now }],
					},
				};
			}
			const ids = (body.join_requests as string[] | undefined) ?? [];
			return {
				status: 200,
				body: {
					messaging_product: 'whatsapp',
					approved_join_requests: ids,
					rejected_join_requests: ids,
				},
			};
		}
		if (path.endsWith('/participants')) return { status: 200, body: { success: true } };
		if (call.method === 'GET') {
			// Read back by Wait for Confirmation: a group Meta no longer knows after Delete.
			return {
				status: 200,
				body: { id: GROUP_ID, subject: 'New subject', created_at: now, participants: [] },
			};
		}
		return { status: 200, body: { success: true } };
	};
}

/** A path the operation may use: one of its endpoints, every ID segment an ID. */
function ownPath(provider: Provider, endpoints: EndpointName[], path: string): boolean {
	return endpoints.some((name) => {
		const template: unknown = ENDPOINTS[name][provider];
		if (typeof template !== 'string') return false;
		const segments = `${provider === 'cloudApi' ? `/${VERSION}` : ''}${template}`.split('/');
		const actual = path.split('/');
		return (
			segments.length === actual.length &&
			segments.every((segment, index) =>
				/^\{\w+\}$/.test(segment)
					? isPathId(decodeURIComponent(actual[index]))
					: segment === actual[index],
			)
		);
	});
}

function containsSecret(text: string): string | undefined {
	return SECRETS.find((secret) => text.includes(secret));
}

// ------------------------------------------------------------------ the property

describe('every operation, hostile parameter values, through WorkflowExecute (fast-check)', () => {
	jest.setTimeout(300_000);
	useNock();
	const sleepMock = sleep as jest.MockedFunction<typeof sleep>;
	const clock = virtualClock(sleepMock as unknown as jest.Mock);
	let graph: FakeGraph;
	beforeEach(() => clock.install());
	afterEach(() => clock.uninstall());

	it(`ends in bounded time, calls only its own paths, answers normally or names the field and the item, leaks no secret (${CASES} cases)`, async () => {
		await fc.assert(
			fc.asyncProperty(caseArbitrary, async (testCase) => {
				const { operation, parameters, inputItems, hostile } = build(testCase);
				const d360 = testCase.provider === '360dialog';
				if (d360) parameters.authentication = '360dialog';
				graph = fakeGraph(d360 ? D360_HOST : GRAPH, metaAnswers());
				clock.install();
				const started = performance.now();
				let result;
				let refused: Error | undefined;
				try {
					result = await runNode({
						nodeType: 'whatsAppGroups',
						parameters,
						inputItems,
						credentials: d360
							? { whatsAppGroups360DialogApi: D360_CREDENTIAL }
							: { whatsAppGroupsApi: CREDENTIAL },
						continueOnFail: testCase.continueOnFail,
					});
				} catch (error) {
					refused = error as Error;
				} finally {
					graph.stop();
				}
				const label = `${operation.label} (${testCase.provider}): ${JSON.stringify(parameters).slice(0, 300)}`;
				const wallMs = performance.now() - started;
				if (!result) {
					// n8n itself refuses to start a node whose choice fields (Message Type, Media Source)
					// come from an expression it cannot read before the run: it lists the fields it
					// then counts as required, and the node never runs. Nothing may have been sent.
					const message = String(refused?.message);
					expect({ label, message, refused: refused?.name === 'WorkflowHasIssuesError' }).toEqual({
						label,
						message,
						refused: true,
					});
					expect({ label, sent: graph.calls.length }).toEqual({ label, sent: 0 });
					return;
				}

				// Bounded.
				expect({ label, wallMs: wallMs < WALL_BOUND_MS }).toEqual({ label, wallMs: true });
				expect({ label, slept: clock.elapsedMs() <= SLEEP_BOUND_MS }).toEqual({
					label,
					slept: true,
				});

				// Only its own paths, only the API's host.
				const stray = graph.calls
					.filter((call) => !ownPath(testCase.provider, operation.endpoints, call.path))
					.map((call) => `${call.method} ${call.path}`);
				expect({ label, stray, elsewhere: graph.elsewhere.map((call) => call.host) }).toEqual({
					label,
					stray: [],
					elsewhere: [],
				});

				// Normal output, or errors naming a hostile field and an item that got it.
				const names = (message: string) => {
					const match = /^Invalid "(.+?)" in item (\d+): /.exec(message);
					return match !== null && hostile.get(match[1])?.has(Number(match[2])) === true;
				};
				if (result.error) {
					const message = String(result.error.message);
					expect({ label, message, named: names(message) }).toEqual({
						label,
						message,
						named: true,
					});
					// Validation runs for every item first: nothing was sent.
					expect({ label, sent: graph.calls.length }).toEqual({ label, sent: 0 });
				} else {
					expect({ label, items: result.items.length > 0 }).toEqual({ label, items: true });
					for (const item of result.items) {
						const paired = item.pairedItem as { item: number } | undefined;
						expect({
							label,
							paired: paired !== undefined && paired.item < inputItems.length,
						}).toEqual({ label, paired: true });
						if (item.json.error !== undefined) {
							const message = String(item.json.error);
							expect({ label, message, named: names(message) }).toEqual({
								label,
								message,
								named: true,
							});
						}
					}
				}

				// No secret anywhere.
				const leaked = containsSecret(
					everything(result) +
						JSON.stringify(
							graph.calls.map((call) => [call.path, call.query.toString(), call.body]),
						),
				);
				expect({ label, leaked }).toEqual({ label, leaked: undefined });
			}),
			{ numRuns: CASES },
		);
	});
});
