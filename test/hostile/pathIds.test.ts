/**
 * IDs that go into request paths (issue 10, item 3): a group ID, a phone number ID, the
 * credential's account ID and App ID must be IDs. `.` and `..` (alone or with spaces or tabs
 * around them), `/`, `?`, `#`, `%`, spaces, control characters, look-alikes from other scripts and
 * 10,000-character values are refused, by name, before anything is sent: by the action node (in
 * n8n's WorkflowExecute), by the trigger's activation, and in the credential's Test, whose URL n8n
 * evaluates as an expression (run here through n8n's own RoutingNode, as n8n's credential tester
 * does).
 */
import type { INodeParameters, INodeType } from 'n8n-workflow';

import { WhatsAppGroupsApi } from '../../credentials/WhatsAppGroupsApi.credentials';
import { pathIdProblem } from '../../nodes/shared/transport/path';
import { WhatsAppGroupsTrigger } from '../../nodes/WhatsAppGroupsTrigger/WhatsAppGroupsTrigger.node';
import { credentials, FAKE_BEARER, GRAPH, PHONE_ID, run } from '../support/action';
import { fakeGraph } from '../support/fakeGraph';
import type { FakeGraph } from '../support/fakeGraph';
import { createHookContext } from '../support/n8n/fakeContext';
import { runNode } from '../support/n8n/engine';
import { useNock } from '../support/nock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => undefined),
}));

/** Values that are no ID, and how the error shows them. */
const NOT_IDS: Array<[string, string, string]> = [
	['..', '".."', 'only dots'],
	['.', '"."', 'only dots'],
	[' .. ', '".."', 'only dots'],
	['\t..\t', '".."', 'only dots'],
	['../invite_link', '"../invite_link"', 'contains "/"'],
	['%2e%2e', '"%2e%2e"', 'contains "%"'],
	['a?b', '"a?b"', 'contains "?"'],
	['a#b', '"a#b"', 'contains "#"'],
	['a b', '"a b"', 'contains a space'],
	['a\u0000b', '"a\\u0000b"', 'the control character U+0000'],
	['\uFF0E\uFF0E', '"．．"', 'U+FF0E (．), which is not an ASCII character'],
	['\u2024\u2024', '"․․"', 'U+2024 (․), which is not an ASCII character'],
	['Y'.repeat(10_000), '(10000 characters)', 'it has 10000 characters'],
];

const groupId = (value: string) => ({ __rl: true, mode: 'id', value });

/** Every operation that takes a group, with that group's ID. */
const WITH_GROUP: Array<[string, (id: string) => INodeParameters]> = [
	[
		'Group > Delete',
		(id) => ({
			resource: 'group',
			operation: 'delete',
			phoneNumberId: PHONE_ID,
			groupId: groupId(id),
		}),
	],
	[
		'Group > Get',
		(id) => ({
			resource: 'group',
			operation: 'get',
			phoneNumberId: PHONE_ID,
			groupId: groupId(id),
		}),
	],
	[
		'Group > Update',
		(id) => ({
			resource: 'group',
			operation: 'update',
			phoneNumberId: PHONE_ID,
			groupId: groupId(id),
			updateFields: { subject: 'S' },
		}),
	],
	[
		'Invite Link > Get',
		(id) => ({
			resource: 'inviteLink',
			operation: 'get',
			phoneNumberId: PHONE_ID,
			groupId: groupId(id),
		}),
	],
	[
		'Invite Link > Reset',
		(id) => ({
			resource: 'inviteLink',
			operation: 'reset',
			phoneNumberId: PHONE_ID,
			groupId: groupId(id),
		}),
	],
	[
		'Invite Link > Send',
		(id) => ({
			resource: 'inviteLink',
			operation: 'send',
			phoneNumberId: PHONE_ID,
			groupId: groupId(id),
			recipient: '4915112345678',
			templateName: { __rl: true, mode: 'name', value: 'group_invite' },
			languageCode: 'en',
		}),
	],
	[
		'Join Request > Approve',
		(id) => ({
			resource: 'joinRequest',
			operation: 'approve',
			phoneNumberId: PHONE_ID,
			groupId: groupId(id),
			joinRequestIds: 'JR1',
		}),
	],
	[
		'Join Request > Get Many',
		(id) => ({
			resource: 'joinRequest',
			operation: 'getMany',
			phoneNumberId: PHONE_ID,
			groupId: groupId(id),
			returnAll: true,
		}),
	],
	[
		'Join Request > Reject',
		(id) => ({
			resource: 'joinRequest',
			operation: 'reject',
			phoneNumberId: PHONE_ID,
			groupId: groupId(id),
			joinRequestIds: 'JR1',
		}),
	],
	[
		'Message > Pin',
		(id) => ({
			resource: 'message',
			operation: 'pin',
			phoneNumberId: PHONE_ID,
			groupId: groupId(id),
			messageId: 'wamid.A',
		}),
	],
	[
		'Message > Send',
		(id) => ({
			resource: 'message',
			operation: 'send',
			phoneNumberId: PHONE_ID,
			groupId: groupId(id),
			text: 'Hi',
		}),
	],
	[
		'Message > Unpin',
		(id) => ({
			resource: 'message',
			operation: 'unpin',
			phoneNumberId: PHONE_ID,
			groupId: groupId(id),
			messageId: 'wamid.A',
		}),
	],
	[
		'Participant > Remove',
		(id) => ({
			resource: 'participant',
			operation: 'remove',
			phoneNumberId: PHONE_ID,
			groupId: groupId(id),
			participants: '4915112345678',
		}),
	],
];

let graph: FakeGraph;
useNock();
beforeEach(() => {
	graph = fakeGraph(GRAPH, () => ({ status: 200, body: {} }));
});
afterEach(() => graph.stop());

describe('action node: a group ID that is no ID is refused by name, and nothing is sent', () => {
	it.each(WITH_GROUP)('%s', async (_label, parameters) => {
		for (const [value, shown, reason] of NOT_IDS) {
			// From an expression, as an AI agent or an earlier node gives it (a literal value is
			// checked by n8n's editor against the field's pattern already).
			const result = await run(parameters('={{ $json.id }}'), [{ id: value }, { id: value }], true);
			for (const item of [0, 1]) {
				const error = String(result.items[item]?.json.error);
				expect(error.startsWith(`Invalid "Group" in item ${item}: `)).toBe(true);
				expect(error).toContain(shown);
				expect(error).toContain(reason);
			}
			expect(graph.calls).toEqual([]);
			expect(graph.elsewhere).toEqual([]);
		}
	});

	it('refuses a business phone number ID of 10,000 digits by name', async () => {
		const result = await run({
			resource: 'group',
			operation: 'getMany',
			phoneNumberId: '9'.repeat(10_000),
			returnAll: true,
		});
		expect(result.error?.message).toBe(
			'Invalid "Business Phone Number" in item 0: "9999999999999999999999999999999999999999"… (10000 characters) is not a phone number ID: it has 10000 digits, at most 64',
		);
		expect(graph.calls).toEqual([]);
	});
});

describe('trigger: a phone number ID, account ID or App ID that is no ID is refused at activation, by name', () => {
	const trigger = new WhatsAppGroupsTrigger();
	const CREDENTIAL = { ...credentials.whatsAppGroupsApi, baseUrl: GRAPH };

	it.each([
		['phoneNumber', 'phoneNumberId', 'Business Phone Number'],
		['phoneNumber', 'businessAccountId', "credential's WhatsApp Business Account ID"],
		['businessAccount', 'businessAccountId', "credential's WhatsApp Business Account ID"],
		['app', 'appId', "credential's App ID"],
		['businessAccount', 'appId', "credential's App ID"],
	])('%s destination, %s', async (destination, name, field) => {
		for (const [value, shown, reason] of NOT_IDS) {
			for (const method of ['checkExists', 'create', 'delete'] as const) {
				const fake = createHookContext({
					parameters: {
						destination,
						phoneNumberId: name === 'phoneNumberId' ? value : PHONE_ID,
						verifySignatures: true,
					},
					credentials: { ...CREDENTIAL, [name]: value },
					webhookUrl: 'https://n8n.example.com/webhook/abc/webhook',
				});
				const error = (await trigger.webhookMethods.default[method]
					.call(fake.context)
					.catch((caught: unknown) => caught)) as Error;
				expect(error.message).toMatch(
					new RegExp(`^The ${field.replace(/[.*()]/g, '\\$&')} .* is not an ID \\(`),
				);
				expect(error.message).toContain(shown);
				expect(error.message).toContain(reason);
				expect(error.message).toMatch(/: correct it and activate again$/);
			}
		}
		expect(graph.calls).toEqual([]);
		expect(graph.elsewhere).toEqual([]);
	});
});

/** The credential's Test as n8n's credential tester runs it: a declarative request in RoutingNode. */
const credentialTestNode: INodeType = {
	description: {
		displayName: 'Credential Test',
		name: 'credentialTest',
		group: ['transform'],
		version: 1,
		description: "The credential's test request, as n8n's credential tester sends it",
		defaults: { name: 'Credential Test' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'whatsAppGroupsApi', required: true }],
		properties: [
			{
				displayName: 'Temp',
				name: 'temp',
				type: 'string',
				default: '',
				routing: { request: new WhatsAppGroupsApi().test.request },
			},
		],
	},
};

async function testCredential(data: Record<string, unknown>) {
	return runNode({
		nodeType: 'credentialTest',
		parameters: {},
		credentials: { whatsAppGroupsApi: { ...credentials.whatsAppGroupsApi, ...data } },
		extraNodeTypes: { credentialTest: credentialTestNode },
	});
}

describe('credential Test: the URL n8n evaluates holds no ID that is not one', () => {
	it('reads /<version>/<account ID> for an account ID that is one (trimmed)', async () => {
		const result = await testCredential({ businessAccountId: ' 102030405060708 ' });
		expect(result.error).toBeUndefined();
		expect(graph.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
			'GET /v26.0/102030405060708',
		]);
		expect(graph.calls[0].headers.authorization).toBe(`Bearer ${FAKE_BEARER}`);
	});

	it.each(NOT_IDS.map(([value, shown]) => [shown, value]))(
		'reads the account 0 (Meta: no such account, 400) for the account ID %s',
		async (_shown, value) => {
			await testCredential({ businessAccountId: value });
			expect(graph.calls.map((call) => `${call.method} ${call.path}`)).toEqual(['GET /v26.0/0']);
			expect(graph.elsewhere).toEqual([]);
		},
	);

	it.each(['v26.0/..', '..', 'v26.0/../../me', 'latest', 'v26.0?x=1'])(
		'uses the version v0.0 for the Graph API Version %j',
		async (graphApiVersion) => {
			await testCredential({ graphApiVersion });
			expect(graph.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
				'GET /v0.0/102030405060708',
			]);
		},
	);

	it("accepts exactly the account IDs the transport's rule for path IDs accepts", async () => {
		const samples = [
			...NOT_IDS.map(([value]) => value),
			'102030405060708',
			'WABA_1',
			'a.b',
			'x=y',
			'...',
			'-',
			'9'.repeat(512),
			'9'.repeat(513),
		];
		for (const value of samples) {
			graph.calls.length = 0;
			await testCredential({ businessAccountId: value });
			const sent = graph.calls[0]?.path.replace(/^\/v26\.0\//, '');
			const expected = pathIdProblem(value.trim()) === undefined ? value.trim() : '0';
			expect({ value, sent }).toEqual({ value, sent: expected });
		}
	});
});
