/**
 * Answers that must not take the nodes anywhere (issue 10, items 6 and 7):
 * - a redirect is never followed, so the token never travels to the host it names: the action
 *   node (in n8n's WorkflowExecute, whose HTTP client follows redirects and sends credentials on
 *   by default), the trigger's activation calls, the list searches and both credentials' Test
 *   (through n8n's RoutingNode);
 * - a paging cursor that comes back stops the paging with a clear error (Get Many with Return All,
 *   join requests, the phone number dropdown) or ends the list (the list searches), instead of
 *   asking for the same pages for ever.
 */
import type {
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';

import { WhatsAppGroups360DialogApi } from '../../credentials/WhatsAppGroups360DialogApi.credentials';
import { WhatsAppGroupsApi } from '../../credentials/WhatsAppGroupsApi.credentials';
import { getPhoneNumbers } from '../../nodes/shared/methods/phoneNumbers';
import {
	searchApprovedTemplates,
	searchGroups,
} from '../../nodes/WhatsAppGroups/methods/listSearch';
import { WhatsAppGroupsTrigger } from '../../nodes/WhatsAppGroupsTrigger/WhatsAppGroupsTrigger.node';
import {
	credentials,
	FAKE_BEARER,
	GRAPH,
	GROUP_ID,
	groupLocator,
	PHONE_ID,
	run,
	WABA_ID,
} from '../support/action';
import { fakeGraph } from '../support/fakeGraph';
import type { FakeAnswer, FakeGraph, RecordedCall } from '../support/fakeGraph';
import { createHookContext, FAKE_NODE, performRequest } from '../support/n8n/fakeContext';
import { runNode } from '../support/n8n/engine';
import { useNock } from '../support/nock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => undefined),
}));

const ELSEWHERE = 'https://collector.example';
const D360 = 'https://waba-v2.360dialog.io';

let graph: FakeGraph;
let elsewhere: FakeGraph;
useNock();
afterEach(() => {
	graph?.stop();
	elsewhere?.stop();
});

/** Meta answering every request with a redirect to a host that records what reaches it. */
function redirecting(status = 302, base = GRAPH): void {
	graph = fakeGraph(base, () => ({
		status,
		headers: { location: `${ELSEWHERE}/collect` },
	}));
	elsewhere = fakeGraph(ELSEWHERE, () => ({ status: 200, body: { id: 'stolen' } }));
}

/** A list search's context, its requests sent as n8n sends them (honouring the redirect option). */
function loadOptionsContext(parameters: Record<string, unknown>): ILoadOptionsFunctions {
	return {
		getNode: () => ({
			...FAKE_NODE,
			credentials: { whatsAppGroupsApi: { id: 'cred-1', name: 'WhatsApp Groups' } },
		}),
		getCurrentNodeParameter: (name: string) => parameters[name],
		getCredentials: async () => credentials.whatsAppGroupsApi,
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) =>
				performRequest(options, { Authorization: `Bearer ${FAKE_BEARER}` }),
		},
	} as unknown as ILoadOptionsFunctions;
}

/** A credential's Test as n8n's credential tester sends it: its request in RoutingNode. */
function credentialTestNode(credential: string, request: object): INodeType {
	return {
		description: {
			displayName: 'Credential Test',
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			description: "The credential's test request",
			defaults: { name: 'Credential Test' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credential, required: true }],
			properties: [
				{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request } },
			],
		},
	};
}

describe('redirects are never followed (item 6)', () => {
	it.each([301, 302, 303, 307, 308])(
		'action node: a %s is an error naming where it pointed; nothing reaches that host',
		async (status) => {
			redirecting(status);
			const result = await run({
				resource: 'group',
				operation: 'get',
				phoneNumberId: PHONE_ID,
				groupId: groupLocator(),
			});
			expect(result.error?.message).toBe(
				`The WhatsApp API answered with a redirect (HTTP ${status}), which the node does not follow`,
			);
			expect(result.error?.description).toContain(`It pointed to ${ELSEWHERE}.`);
			expect(graph.calls).toHaveLength(1);
			expect(elsewhere.calls).toEqual([]);
			expect(elsewhere.elsewhere).toEqual([]);
		},
	);

	it.each(['phoneNumber', 'businessAccount', 'app'])(
		'trigger, %s destination: activation fails on the redirect and sends nothing on',
		async (destination) => {
			redirecting();
			const fake = createHookContext({
				parameters: { destination, phoneNumberId: PHONE_ID, verifySignatures: true },
				credentials: { ...credentials.whatsAppGroupsApi },
				webhookUrl: 'https://n8n.example.com/webhook/abc/webhook',
			});
			const error = (await new WhatsAppGroupsTrigger().webhookMethods.default.create
				.call(fake.context)
				.catch((caught: unknown) => caught)) as Error & { description?: string };
			expect(`${error.message} ${error.description}`).toContain('answered with a redirect');
			expect(fake.requests.every((request) => request.url.startsWith(GRAPH))).toBe(true);
			expect(elsewhere.calls).toEqual([]);
		},
	);

	it('list searches and the phone number dropdown fail on the redirect and send nothing on', async () => {
		redirecting();
		const context = loadOptionsContext({ phoneNumberId: PHONE_ID });
		for (const ask of [
			() => searchGroups.call(context),
			() => searchApprovedTemplates.call(context),
			() => getPhoneNumbers.call(context),
		]) {
			const error = (await ask().catch((caught: unknown) => caught)) as Error;
			expect(error.message).toMatch(/answered with a redirect \(HTTP 302\)/);
		}
		expect(graph.calls).toHaveLength(3);
		expect(elsewhere.calls).toEqual([]);
	});

	it.each([
		['whatsAppGroupsApi', new WhatsAppGroupsApi(), GRAPH, credentials.whatsAppGroupsApi],
		[
			'whatsAppGroups360DialogApi',
			new WhatsAppGroups360DialogApi(),
			D360,
			{ apiKey: 'dummy-d360-KEY-never-leaks-0123456789', baseUrl: D360 },
		],
	])(
		"%s: the credential's Test stops at the redirect, which one of its rules explains",
		async (name, credential, base, data) => {
			redirecting(302, base);
			const result = await runNode({
				nodeType: 'credentialTest',
				parameters: {},
				credentials: { [name]: data },
				extraNodeTypes: {
					credentialTest: credentialTestNode(name, credential.test?.request ?? {}),
				},
			});
			expect(graph.calls).toHaveLength(1);
			expect(elsewhere.calls).toEqual([]);
			// n8n's tester shows the message of the rule for the answer's status.
			const status = Number(result.error?.httpCode);
			expect(status).toBe(302);
			const rule = credential.test?.rules?.find(
				(entry) => entry.type === 'responseCode' && entry.properties.value === status,
			);
			expect(rule?.properties.message).toMatch(/^The Base URL answered with a redirect/);
		},
	);
});

/**
 * Pages whose `after` cursor runs through `cursors` and starts again, each announcing a next
 * page, for ever (cut at 50 requests, so a build that loops fails instead of hanging).
 */
function cyclingPages(cursors: string[], page: (call: RecordedCall) => unknown): FakeGraph {
	let served = 0;
	return fakeGraph(GRAPH, (call): FakeAnswer => {
		served++;
		if (served > 50)
			return { status: 400, body: { error: { code: 1, message: 'too many pages' } } };
		const after = cursors[(served - 1) % cursors.length];
		return {
			status: 200,
			body: {
				...(page(call) as object),
				paging: { cursors: { before: 'B', after }, next: `${GRAPH}/next` },
			},
		};
	});
}

describe('a paging cursor that comes back stops the paging (item 7)', () => {
	const groupsPage = () => ({
		data: { groups: [{ id: `G${Math.random()}`, subject: 'S', created_at: 1 }] },
	});
	const joinRequestsPage = (call: RecordedCall) => ({
		data: Array.from({ length: Number(call.query.get('limit')) }, (_unused, index) => ({
			join_request_id: `JR${call.query.get('after') ?? ''}${index}`,
		})),
	});

	it.each<[string, string[], INodeParameters, (call: RecordedCall) => unknown, number]>([
		[
			'Group > Get Many (Return All), the same cursor again',
			['C1', 'C1'],
			{ resource: 'group', operation: 'getMany', phoneNumberId: PHONE_ID, returnAll: true },
			groupsPage,
			2,
		],
		[
			'Group > Get Many (Return All), a cycle of three cursors',
			['C1', 'C2', 'C3'],
			{ resource: 'group', operation: 'getMany', phoneNumberId: PHONE_ID, returnAll: true },
			groupsPage,
			4,
		],
		[
			'Join Request > Get Many (Return All, pages followed while full)',
			['J1', 'J2'],
			{
				resource: 'joinRequest',
				operation: 'getMany',
				phoneNumberId: PHONE_ID,
				groupId: groupLocator(),
				returnAll: true,
			},
			joinRequestsPage,
			3,
		],
	])('%s: a clear error after %j', async (_label, cursors, parameters, page, requests) => {
		graph = cyclingPages(cursors, page);
		const result = await run(parameters);
		expect(result.error?.message).toBe(
			'The WhatsApp API sent a page cursor it had already sent: stopped paging',
		);
		expect(result.error?.description).toContain('run it again later, or turn off Return All');
		expect(graph.calls).toHaveLength(requests);
	});

	it('the phone number dropdown stops on a repeated cursor too', async () => {
		graph = cyclingPages(['N1'], () => ({ data: [{ id: `${Math.random()}` }] }));
		const error = (await getPhoneNumbers
			.call(loadOptionsContext({}))
			.catch((caught: unknown) => caught)) as Error;
		expect(error.message).toBe(
			'The WhatsApp API sent a page cursor it had already sent: stopped paging',
		);
		expect(graph.calls.map((call) => call.path)).toEqual([
			`/v26.0/${WABA_ID}/phone_numbers`,
			`/v26.0/${WABA_ID}/phone_numbers`,
		]);
	});

	it('a list search ends its list when Meta answers the cursor it was asked with', async () => {
		graph = cyclingPages(['P1'], (call) =>
			call.path.endsWith('/groups')
				? { data: { groups: [{ id: GROUP_ID, subject: 'S' }] } }
				: { data: [{ name: 'group_invite', language: 'en', category: 'UTILITY' }] },
		);
		const context = loadOptionsContext({ phoneNumberId: PHONE_ID });
		const first = await searchGroups.call(context);
		expect(first.paginationToken).toBe('P1');
		const again = await searchGroups.call(context, undefined, 'P1');
		expect(again.results).toHaveLength(1);
		expect(again.paginationToken).toBeUndefined();
		const templates = await searchApprovedTemplates.call(context, undefined, 'P1');
		expect(templates.paginationToken).toBeUndefined();
	});
});
