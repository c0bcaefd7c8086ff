/**
 * The built action node in n8n's WorkflowExecute (test/support/n8n/engine.js) against the Groups API
 * sandbox with injected faults: 429 / 131208 storms, 5xx before and after the work is done,
 * dropped connections (through a proxy, before and after the request reached the API), answers
 * slower than the request timeout, and partial successes.
 *
 * Invariants checked: every input item ends as one success or one clear error item (Continue On
 * Fail), no group is created twice and no message is sent twice (counted in the sandbox's state:
 * each item targets its own group or subject), and the run stays bounded in time. Backoff waits
 * go through n8n-workflow's `sleep`, mocked here (its arguments are checked) except where real
 * waiting is the point.
 */
import { sleep } from 'n8n-workflow';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startSandbox } from '../../sandbox/index';
import { runNode } from '../support/n8n/engine';
import type { RunNodeResult } from '../support/n8n/engine';
import { startFaultProxy } from '../support/http/faultProxy';
import { PHONE } from '../support/sandbox';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => undefined),
}));
const sleepMock = sleep as jest.MockedFunction<typeof sleep>;
const realSleep = (jest.requireActual('n8n-workflow') as { sleep: typeof sleep }).sleep;

/** Fake credential values for the sandbox; named so the secret linter leaves them alone. */
export const HOSTILE_BEARER = 'EAAGhostileBEARERvalue9876543210';
export const HOSTILE_APP_SIGNING = 'hostile-app-signing-5e1d';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
type Proxy = Awaited<ReturnType<typeof startFaultProxy>>;
let sandbox: Sandbox;
let proxy: Proxy;

beforeAll(async () => {
	sandbox = await startSandbox({
		token: HOSTILE_BEARER,
		appSecret: HOSTILE_APP_SIGNING,
		asyncDelayMs: 5,
		statusDelayMs: 5,
		deliveryRetryDelayMs: 20,
		seed: 'hostile-faults',
	});
	proxy = await startFaultProxy(sandbox.url);
});
afterAll(async () => {
	await proxy.stop();
	await sandbox.stop();
});
beforeEach(() => {
	sleepMock.mockReset();
	sleepMock.mockImplementation(async () => undefined);
	sandbox.state.faults = [];
	proxy.setRules([]);
});

function credentials(baseUrl = proxy.url) {
	return {
		whatsAppGroupsApi: {
			accessToken: HOSTILE_BEARER,
			businessAccountId: sandbox.state.wabaId,
			appId: sandbox.state.appId,
			appSecret: HOSTILE_APP_SIGNING,
			graphApiVersion: 'v26.0',
			baseUrl,
		},
	};
}

async function run(parameters: INodeParameters, inputItems: IDataObject[]): Promise<RunNodeResult> {
	return runNode({
		nodeType: 'whatsAppGroups',
		parameters,
		inputItems,
		credentials: credentials(),
		continueOnFail: true,
	});
}

/** Groups created directly in the sandbox's state, each with two members, one per item. */
async function freshGroups(count: number, label: string): Promise<string[]> {
	const ids: string[] = [];
	for (let index = 0; index < count; index++) {
		const { request_id: requestId } = sandbox.state.createGroup(PHONE, {
			subject: `${label} ${index}`,
		});
		await sandbox.idle();
		const groupId = sandbox.state.requests.get(requestId)?.group_id;
		if (!groupId) throw new Error('the sandbox did not create the group');
		for (const phone of ['4915100000001', '4915100000002']) {
			sandbox.state.simJoin({ group_id: groupId, phone: `${phone}${index}` });
		}
		ids.push(groupId);
	}
	await sandbox.idle();
	return ids;
}

function messagesIn(groupId: string): number {
	return sandbox.state.groups.get(groupId)?.messages.length ?? 0;
}

function groupsWithSubject(subject: string): number {
	return [...sandbox.state.groups.values()].filter((group) => group.subject === subject).length;
}

const sendText = (retryAmbiguous = false, extra: INodeParameters = {}): INodeParameters => ({
	resource: 'message',
	operation: 'send',
	phoneNumberId: PHONE,
	groupId: { __rl: true, mode: 'id', value: '={{ $json.groupId }}' },
	messageType: 'text',
	text: '=Hello item {{ $itemIndex }}',
	options: { retryAmbiguous, ...extra },
});

const createGroup = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'group',
	operation: 'create',
	phoneNumberId: PHONE,
	subject: '={{ $json.subject }}',
	options: extra,
});

/** One output item per input item, paired, each a success (has `key`) or a clear error. */
function outcomes(result: RunNodeResult, items: number, key: string) {
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(items);
	return result.items.map((item, index) => {
		expect(item.pairedItem).toEqual({ item: index });
		const json = item.json;
		if (typeof json.error === 'string') {
			expect(json.error.length).toBeGreaterThan(10);
			expect(typeof json.description).toBe('string');
			expect(json).not.toHaveProperty(key);
			return { ok: false as const, json };
		}
		expect(typeof json[key]).toBe('string');
		return { ok: true as const, json };
	});
}

describe('429 / 131208 storms', () => {
	it('sends to 12 groups while half the requests are throttled: every item sent once or failed clearly, none twice', async () => {
		const groups = await freshGroups(12, 'storm');
		sandbox.state.addFault({ kind: 'rate_limit', ratio: 0.5, retryAfter: 1, path: '/messages$' });
		const started = Date.now();
		const result = await run(
			sendText(),
			groups.map((groupId) => ({ groupId })),
		);
		const results = outcomes(result, 12, 'messageId');
		results.forEach((outcome, index) => {
			expect(messagesIn(groups[index])).toBe(outcome.ok ? 1 : 0);
			if (!outcome.ok) {
				// Only a throttling that outlasts the request's 60 s wait budget gives up.
				expect(outcome.json.code).toBe(131208);
				expect(String(outcome.json.description)).toMatch(/exceed the retry budget of 60 s/);
			}
		});
		// Each wait honours Retry-After (1 s) and is at most the 8 s backoff step.
		for (const [delay] of sleepMock.mock.calls) {
			expect(delay).toBeGreaterThanOrEqual(1000);
			expect(delay).toBeLessThanOrEqual(8000);
		}
		expect(sleepMock.mock.calls.length).toBeLessThanOrEqual(12 * 19);
		expect(Date.now() - started).toBeLessThan(20_000);
	});

	it('gives up on a permanent 131208 storm once the 60 s wait budget is spent, per item, with a clear error, and creates nothing', async () => {
		sandbox.state.addFault({
			kind: 'rate_limit',
			code: 131208,
			retryAfter: 2,
			path: '/groups$',
			method: 'POST',
		});
		const subjects = Array.from({ length: 6 }, (_unused, index) => ({
			subject: `Storm create ${index}`,
		}));
		const result = await run(createGroup(), subjects);
		const results = outcomes(result, 6, 'requestId');
		expect(results.every((outcome) => !outcome.ok)).toBe(true);
		for (const { json } of results) {
			expect(json.code).toBe(131208);
			expect(String(json.error)).toMatch(/rate limit/i);
			expect(String(json.description)).toMatch(
				/Gave up after \d+ attempts: waiting \d+ s more would exceed the retry budget of 60 s/,
			);
		}
		// Every item waited, none more than the budget: the sleeps of one item add up to ≤ 60 s.
		const waited = sleepMock.mock.calls.reduce((sum, [ms]) => sum + ms, 0);
		expect(waited).toBeLessThanOrEqual(6 * 60_000);
		expect(sleepMock.mock.calls.length).toBeGreaterThan(6 * 4);
		await sandbox.idle();
		for (const { subject } of subjects) expect(groupsWithSubject(subject)).toBe(0);
	});

	it.each([
		[429, 131208],
		[400, 130429],
		[400, 80007],
	])(
		'sends once through 7 throttled answers in a row (%s / %s): throttling is retried within the 60 s budget, not capped at 5 attempts',
		async (status, code) => {
			const [groupId] = await freshGroups(1, `persistent ${code}`);
			sandbox.state.addFault({
				kind: 'rate_limit',
				status,
				code,
				retryAfter: 1,
				count: 7,
				path: '/messages$',
			});
			const [outcome] = outcomes(await run(sendText(), [{ groupId }]), 1, 'messageId');
			expect(outcome.ok).toBe(true);
			expect(messagesIn(groupId)).toBe(1);
			expect(sleepMock).toHaveBeenCalledTimes(7);
			const waited = sleepMock.mock.calls.reduce((sum, [ms]) => sum + ms, 0);
			expect(waited).toBeLessThanOrEqual(60_000);
		},
	);

	it('really waits the Retry-After Meta asks for (1 s), then succeeds', async () => {
		sleepMock.mockImplementation(realSleep);
		const [groupId] = await freshGroups(1, 'patience');
		sandbox.state.addFault({ kind: 'rate_limit', retryAfter: 1, count: 1, path: '/messages$' });
		const started = Date.now();
		const results = outcomes(await run(sendText(), [{ groupId }]), 1, 'messageId');
		const elapsed = Date.now() - started;
		expect(results[0].ok).toBe(true);
		expect(messagesIn(groupId)).toBe(1);
		expect(elapsed).toBeGreaterThanOrEqual(1000);
		expect(elapsed).toBeLessThan(10_000);
	});
});

describe('5xx', () => {
	it('retries reads through 5xx and gets the answer', async () => {
		const [groupId] = await freshGroups(1, 'read-5xx');
		sandbox.state.addFault({ kind: 'server_error', status: 503, count: 3, method: 'GET' });
		const result = await run(
			{
				resource: 'group',
				operation: 'get',
				phoneNumberId: PHONE,
				groupId: { __rl: true, mode: 'id', value: groupId },
			},
			[{}],
		);
		const [outcome] = outcomes(result, 1, 'groupId');
		expect(outcome.ok).toBe(true);
		expect(sleepMock).toHaveBeenCalledTimes(3);
	});

	it('does not resend a message after a 5xx that came after the send was carried out', async () => {
		const groups = await freshGroups(6, 'send-5xx');
		sandbox.state.addFault({ kind: 'server_error', after: true, ratio: 0.5, path: '/messages$' });
		const results = outcomes(
			await run(
				sendText(),
				groups.map((groupId) => ({ groupId })),
			),
			6,
			'messageId',
		);
		results.forEach((outcome, index) => {
			// Carried out exactly once in both cases: the failed ones did reach Meta.
			expect(messagesIn(groups[index])).toBe(1);
			if (!outcome.ok) {
				expect(outcome.json.httpCode).toBe('500');
				expect(String(outcome.json.description)).toContain('Not retried automatically');
			}
		});
		expect(results.some((outcome) => !outcome.ok)).toBe(true);
	});

	it('does not create a group twice after a 5xx on create', async () => {
		sandbox.state.addFault({
			kind: 'server_error',
			after: true,
			status: 502,
			count: 2,
			method: 'POST',
			path: '/groups$',
		});
		const subjects = Array.from({ length: 4 }, (_unused, index) => ({
			subject: `Create 5xx ${index}`,
		}));
		const results = outcomes(await run(createGroup({ concurrency: 1 }), subjects), 4, 'requestId');
		await sandbox.idle();
		expect(results.map((outcome) => outcome.ok)).toEqual([false, false, true, true]);
		for (const { subject } of subjects) expect(groupsWithSubject(subject)).toBe(1);
	});
});

describe('dropped connections', () => {
	it('retries a read whose connection was dropped', async () => {
		const [groupId] = await freshGroups(1, 'read-drop');
		proxy.setRules([{ when: 'before', method: 'GET', count: 2 }]);
		const result = await run(
			{
				resource: 'inviteLink',
				operation: 'get',
				phoneNumberId: PHONE,
				groupId: { __rl: true, mode: 'id', value: groupId },
			},
			[{}],
		);
		const [outcome] = outcomes(result, 1, 'inviteLink');
		expect(outcome.ok).toBe(true);
		expect(proxy.stats.droppedBefore).toBeGreaterThanOrEqual(2);
	});

	it('sends once when the connection drops after Meta carried out the send, and says so on the item', async () => {
		const groups = await freshGroups(6, 'send-drop');
		proxy.setRules([{ when: 'after', method: 'POST', path: '/messages$', count: 3 }]);
		const results = outcomes(
			await run(
				sendText(false, { concurrency: 1 }),
				groups.map((groupId) => ({ groupId })),
			),
			6,
			'messageId',
		);
		expect(results.map((outcome) => outcome.ok)).toEqual([false, false, false, true, true, true]);
		groups.forEach((groupId) => expect(messagesIn(groupId)).toBe(1));
		for (const { json } of results.slice(0, 3)) {
			expect(String(json.error)).toMatch(/^Could not reach the WhatsApp API/);
			expect(String(json.description)).toContain('Not retried automatically');
		}
	});

	it('does not create a group twice when the connection drops after the create', async () => {
		proxy.setRules([{ when: 'after', method: 'POST', path: '/groups$', count: 2 }]);
		const subjects = Array.from({ length: 3 }, (_unused, index) => ({
			subject: `Create drop ${index}`,
		}));
		const results = outcomes(await run(createGroup({ concurrency: 1 }), subjects), 3, 'requestId');
		await sandbox.idle();
		expect(results.map((outcome) => outcome.ok)).toEqual([false, false, true]);
		for (const { subject } of subjects) expect(groupsWithSubject(subject)).toBe(1);
	});

	it('a dropped send is retried only with "Retry After Ambiguous Failures", which can duplicate it (the documented trade-off)', async () => {
		const [before, after] = await freshGroups(2, 'opt-in');
		proxy.setRules([{ when: 'before', method: 'POST', path: '/messages$', count: 1 }]);
		expect(outcomes(await run(sendText(true), [{ groupId: before }]), 1, 'messageId')[0].ok).toBe(
			true,
		);
		expect(messagesIn(before)).toBe(1);
		proxy.setRules([{ when: 'after', method: 'POST', path: '/messages$', count: 1 }]);
		expect(outcomes(await run(sendText(true), [{ groupId: after }]), 1, 'messageId')[0].ok).toBe(
			true,
		);
		expect(messagesIn(after)).toBe(2);
	});
});

describe('answers slower than the request timeout', () => {
	it('retries a read that timed out (Request Timeout 1 s, the API answering after 2.5 s)', async () => {
		const [groupId] = await freshGroups(1, 'slow-read');
		sandbox.state.addFault({ kind: 'latency', ms: 2500, count: 1, method: 'GET' });
		const started = Date.now();
		const result = await run(
			{
				resource: 'inviteLink',
				operation: 'get',
				phoneNumberId: PHONE,
				groupId: { __rl: true, mode: 'id', value: groupId },
				options: { requestTimeout: 1 },
			},
			[{}],
		);
		expect(outcomes(result, 1, 'inviteLink')[0].ok).toBe(true);
		expect(Date.now() - started).toBeLessThan(2500);
	});

	it('does not resend a message whose answer came too late; the send happened once', async () => {
		const groups = await freshGroups(3, 'slow-send');
		sandbox.state.addFault({ kind: 'latency', ms: 2500, count: 1, path: '/messages$' });
		const started = Date.now();
		const results = outcomes(
			await run(
				sendText(false, { requestTimeout: 1, concurrency: 1 }),
				groups.map((groupId) => ({ groupId })),
			),
			3,
			'messageId',
		);
		expect(Date.now() - started).toBeLessThan(8_000);
		expect(results.map((outcome) => outcome.ok)).toEqual([false, true, true]);
		expect(String(results[0].json.error)).toMatch(/^Could not reach the WhatsApp API/);
		expect(String(results[0].json.description)).toContain('Not retried automatically');
		await realSleep(2000);
		await sandbox.idle();
		groups.forEach((groupId) => expect(messagesIn(groupId)).toBe(1));
	});

	it('keeps the default 60 s timeout when the option is not set', async () => {
		const [groupId] = await freshGroups(1, 'default-timeout');
		const result = await run(
			{
				resource: 'inviteLink',
				operation: 'get',
				phoneNumberId: PHONE,
				groupId: { __rl: true, mode: 'id', value: groupId },
			},
			[{}],
		);
		expect(result.authenticatedRequests[0].timeout).toBe(60_000);
	});
});

describe('partial successes', () => {
	it('Participant > Remove claims only what is known: requested, then what a read-back confirmed (a failure told only by webhook stays unconfirmed)', async () => {
		// The sandbox answers a removal with {success: true} and fails the last participant only in
		// its webhook, as Meta documents; it no longer answers an undocumented 206 body.
		const [groupId] = await freshGroups(1, 'partial-remove');
		const members =
			sandbox.state.groups.get(groupId)?.participants.map((member) => member.wa_id) ?? [];
		sandbox.state.addFault({ kind: 'partial', count: 1, path: '/participants$' });
		// Real polling: one read-back a second until the 5 s wait ends.
		sleepMock.mockImplementation(realSleep);
		const result = await run(
			{
				resource: 'participant',
				operation: 'remove',
				phoneNumberId: PHONE,
				groupId: { __rl: true, mode: 'id', value: groupId },
				participants: '={{ $json.phone }}',
				options: { waitForConfirmation: true, waitTimeout: 5, pollInterval: 1 },
			},
			members.map((phone) => ({ phone })),
		);
		expect(result.error).toBeUndefined();
		const statuses = result.items.map((item) => [
			item.json.participant,
			item.json.status,
			item.pairedItem,
		]);
		expect(statuses).toEqual([
			[members[0], 'confirmed', { item: 0 }],
			[members[1], 'unconfirmed', { item: 1 }],
		]);
		expect(result.items[1].json.note).toContain('participants_remove_failed');
		expect(sleepMock.mock.calls.every(([ms]) => ms === 1000)).toBe(true);
		expect(sleepMock.mock.calls.length).toBeLessThanOrEqual(5);
		expect(sandbox.state.groups.get(groupId)?.participants.map((member) => member.wa_id)).toEqual([
			members[1],
		]);
	});

	it('Join Request > Approve reports approved and failed requests when some fail', async () => {
		const { request_id: requestId } = sandbox.state.createGroup(PHONE, {
			subject: 'partial-approve',
			join_approval_mode: 'approval_required',
		});
		await sandbox.idle();
		const groupId = String(sandbox.state.requests.get(requestId)?.group_id);
		for (const phone of ['4915200000001', '4915200000002', '4915200000003'])
			sandbox.state.simJoin({ group_id: groupId, phone });
		const ids =
			sandbox.state.groups.get(groupId)?.join_requests.map((request) => request.join_request_id) ??
			[];
		expect(ids).toHaveLength(3);
		sandbox.state.addFault({ kind: 'partial', count: 1, path: '/join_requests$' });
		const result = await run(
			{
				resource: 'joinRequest',
				operation: 'approve',
				phoneNumberId: PHONE,
				groupId: { __rl: true, mode: 'id', value: groupId },
				joinRequestIds: '={{ $json.id }}',
			},
			ids.map((id) => ({ id })),
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.status)).toEqual([
			'approved',
			'approved',
			'failed',
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(sandbox.state.groups.get(groupId)?.participants).toHaveLength(2);
	});
});
