/**
 * Group > Create with Wait for Group never hands over someone else's group (issue 10, item 1).
 * Meta lists no request ID with a group, so the node lists the groups with the subject before it
 * asks for the new one: only a group that was not there can be the new one; two such groups, or
 * two items of one run waiting for the same subject on one number, are refused with what to do.
 * The built node runs in n8n's WorkflowExecute; Meta is a fake answered by nock, with a virtual
 * clock for the polling.
 */
import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { GRAPH, PHONE_ID, rows, run } from '../support/action';
import { virtualClock } from '../support/clock';
import { fakeGraph } from '../support/fakeGraph';
import type { FakeGraph, RecordedCall } from '../support/fakeGraph';
import { useNock } from '../support/nock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => undefined),
}));
const clock = virtualClock(sleep as jest.Mock);

interface Group {
	id: string;
	subject: string;
	created_at: number;
}

const NOW = Math.floor(Date.now() / 1000);
const OLD_TWIN: Group = { id: 'GROUP_OF_CUSTOMER_B', subject: 'Support', created_at: NOW - 10 };

/**
 * Meta as the scenario has it: `before` is listed until the node asks for the group; then each
 * poll lists `before` plus the next entry of `after` (the last one repeats).
 */
function meta(before: Group[], after: Group[][]): FakeGraph {
	let created = false;
	let polls = 0;
	return fakeGraph(GRAPH, (call: RecordedCall) => {
		const groupsPath = `/v26.0/${PHONE_ID}/groups`;
		if (call.method === 'POST' && call.path === groupsPath) {
			created = true;
			return { status: 200, body: { messaging_product: 'whatsapp', request_id: 'REQ-A' } };
		}
		if (call.method === 'GET' && call.path === groupsPath) {
			const listed = created
				? [...before, ...(after[Math.min(polls++, after.length - 1)] ?? [])]
				: before;
			return { status: 200, body: { data: { groups: listed } } };
		}
		if (call.method === 'GET' && call.path.endsWith('/invite_link')) {
			return {
				status: 200,
				body: { invite_link: `https://chat.whatsapp.com/${call.path.split('/')[2]}` },
			};
		}
		return { status: 404, body: { error: { code: 100, message: 'unexpected' } } };
	});
}

const create = (subject: string | string = 'Support', options: IDataObject = {}) => ({
	resource: 'group',
	operation: 'create',
	phoneNumberId: PHONE_ID,
	subject,
	options: { waitForGroup: true, waitTimeout: 10, pollInterval: 2, ...options },
});

const calls = (graph: FakeGraph) => graph.calls.map((call) => `${call.method} ${call.path}`);

describe('Group > Create, Wait for Group: only a group that did not exist before the request', () => {
	useNock();
	let graph: FakeGraph | undefined;
	beforeEach(() => clock.install());
	afterEach(() => {
		clock.uninstall();
		graph?.stop();
		graph = undefined;
	});

	it('never returns an older group with the same subject, even one created 10 s before the request: it times out instead', async () => {
		graph = meta([OLD_TWIN], [[]]);
		const result = await run(create());
		expect(result.items).toEqual([]);
		expect(result.error?.message).toBe('The group "Support" did not appear within 10 s');
		expect(result.error?.description).toContain('request ID REQ-A');
		expect(JSON.stringify(result.error)).not.toContain(OLD_TWIN.id);
		// The list before, the request, then polls every 2 s for 10 s (the last one at 8 or 10 s,
		// as the real milliseconds between polls fall); never the old group's invite link.
		const [listBefore, request, ...polls] = calls(graph);
		expect([listBefore, request]).toEqual([
			`GET /v26.0/${PHONE_ID}/groups`,
			`POST /v26.0/${PHONE_ID}/groups`,
		]);
		expect(new Set(polls)).toEqual(new Set([`GET /v26.0/${PHONE_ID}/groups`]));
		expect(polls.length).toBeGreaterThanOrEqual(5);
		expect(polls.length).toBeLessThanOrEqual(6);
		expect(clock.elapsedMs()).toBe((polls.length - 1) * 2000);
	});

	it('returns the group that was not there before, beside an older one with the same subject', async () => {
		const ours: Group = { id: 'GROUP_OF_CUSTOMER_A', subject: 'Support', created_at: NOW + 1 };
		graph = meta([OLD_TWIN], [[], [ours]]);
		const result = await run(create('  Support  '));
		expect(result.error).toBeUndefined();
		expect(rows(result)).toEqual([
			{
				json: {
					requestId: 'REQ-A',
					phoneNumberId: PHONE_ID,
					subject: 'Support',
					joinApprovalMode: 'auto_approve',
					groupId: ours.id,
					inviteLink: `https://chat.whatsapp.com/${ours.id}`,
					createdAt: new Date((NOW + 1) * 1000).toISOString(),
					createdAtUnix: NOW + 1,
				},
				item: 0,
			},
		]);
		expect(calls(graph)).toEqual([
			`GET /v26.0/${PHONE_ID}/groups`,
			`POST /v26.0/${PHONE_ID}/groups`,
			`GET /v26.0/${PHONE_ID}/groups`,
			`GET /v26.0/${PHONE_ID}/groups`,
			`GET /v26.0/${ours.id}/invite_link`,
		]);
	});

	it('refuses when two new groups with the subject appear, and says to use a unique subject suffix', async () => {
		const first: Group = { id: 'NEW_1', subject: 'Support', created_at: NOW };
		const second: Group = { id: 'NEW_2', subject: 'Support', created_at: NOW };
		graph = meta([OLD_TWIN], [[first, second]]);
		const result = await run(create());
		expect(result.error?.message).toBe(
			'2 new groups named "Support" appeared on this number while waiting; cannot tell which one request REQ-A created',
		);
		expect(result.error?.description).toContain('New group IDs: NEW_1, NEW_2.');
		expect(result.error?.description).toContain('do not create it again blindly');
		expect(result.error?.description).toContain('unique suffix');
		expect(calls(graph).filter((call) => call.endsWith('/invite_link'))).toEqual([]);
	});

	it('refuses two items of one run that wait for the same subject on the same number, before sending anything', async () => {
		graph = meta([], [[]]);
		const parameters = create('={{ $json.subject }}');
		const stopped = await run(parameters, [{ subject: 'Twins' }, { subject: ' Twins ' }]);
		expect(stopped.error?.message).toBe(
			'Invalid "Subject" in item 0: item 1 of this run also creates a group with this subject on the same number and waits for it; Wait for Group cannot tell new groups with one subject apart',
		);
		expect(stopped.error?.description).toContain('unique suffix');
		expect(graph.calls).toEqual([]);

		graph.stop();
		graph = meta([], [[{ id: 'OTHER', subject: 'Other', created_at: NOW + 1 }]]);
		const continued = await run(
			parameters,
			[{ subject: 'Twins' }, { subject: 'Other' }, { subject: 'Twins' }],
			true,
		);
		const errors = rows(continued).filter((row) => row.json.error !== undefined);
		expect(errors.map((row) => [row.item, row.json.error])).toEqual([
			[
				0,
				'Invalid "Subject" in item 0: item 2 of this run also creates a group with this subject on the same number and waits for it; Wait for Group cannot tell new groups with one subject apart',
			],
			[
				2,
				'Invalid "Subject" in item 2: item 0 of this run also creates a group with this subject on the same number and waits for it; Wait for Group cannot tell new groups with one subject apart',
			],
		]);
		expect(rows(continued).find((row) => row.item === 1)?.json.groupId).toBe('OTHER');
		// Only "Other" was asked for.
		expect(graph.calls.filter((call) => call.method === 'POST').map((call) => call.body)).toEqual([
			{ messaging_product: 'whatsapp', subject: 'Other' },
		]);
	});

	it('lets items with the same subject run without Wait for Group (nothing to match)', async () => {
		graph = meta([], [[]]);
		const result = await run(
			{ resource: 'group', operation: 'create', phoneNumberId: PHONE_ID, subject: 'Twins' },
			[{}, {}],
		);
		expect(result.error).toBeUndefined();
		expect(rows(result).map((row) => row.json.requestId)).toEqual(['REQ-A', 'REQ-A']);
	});

	it('creates nothing when the list before the request fails', async () => {
		graph = fakeGraph(GRAPH, () => ({
			status: 400,
			body: { error: { code: 100, message: 'Invalid parameter' } },
		}));
		const result = await run(create());
		expect(result.error?.message).toBe('Meta rejected a parameter of the request (code 100)');
		expect(calls(graph)).toEqual([`GET /v26.0/${PHONE_ID}/groups`]);
	});
});
