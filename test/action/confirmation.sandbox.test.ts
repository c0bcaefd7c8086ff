/**
 * *Wait for Confirmation* of Remove, Delete and Update in n8n's WorkflowExecute against the
 * Groups API sandbox, which answers as Meta documents ({success: true} at once) and carries the
 * request out a moment later, telling a failure only by webhook. For each operation: success
 * (confirmed), failure (the read-back shows it not done: unconfirmed, never a guessed "failed")
 * and timeout (still pending when the wait ends: unconfirmed, done later).
 *
 * The wait runs on a fake clock: n8n's sleep (mocked) moves Date.now on by the poll interval and
 * lets 20 ms of real time pass, so the sandbox's real timers (5 ms, or 1.5 s for the timeout
 * cases) decide what each read-back sees.
 */
import { sleep } from 'n8n-workflow';
import type { INodeParameters } from 'n8n-workflow';

import { startSandbox } from '../../sandbox/index';
import { virtualClock } from '../support/clock';
import { runNode } from '../support/n8n/engine';
import type { RunNodeResult } from '../support/n8n/engine';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => undefined),
}));
const sleepMock = sleep as jest.MockedFunction<typeof sleep>;
const realSleep = (jest.requireActual('n8n-workflow') as { sleep: typeof sleep }).sleep;

const SANDBOX_BEARER = 'sandbox-confirmation-bearer';
const PHONE = '100000000000002';
const FAST = 5;
const SLOW = 1500;
const WAIT: INodeParameters = { waitForConfirmation: true, waitTimeout: 10, pollInterval: 2 };

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
const clock = virtualClock(sleepMock as unknown as jest.Mock, { realWait: () => realSleep(20) });

beforeAll(async () => {
	sandbox = await startSandbox({ token: SANDBOX_BEARER, asyncDelayMs: FAST, statusDelayMs: FAST });
});
afterAll(async () => {
	await sandbox.idle();
	await sandbox.stop();
});
beforeEach(() => {
	clock.install();
	sandbox.state.faults = [];
	sandbox.state.asyncDelayMs = FAST;
});
afterEach(async () => {
	clock.uninstall();
	await sandbox.idle();
});

async function run(parameters: INodeParameters): Promise<RunNodeResult> {
	return runNode({
		nodeType: 'whatsAppGroups',
		parameters: { phoneNumberId: PHONE, ...parameters },
		inputItems: [{}],
		credentials: {
			whatsAppGroupsApi: {
				accessToken: SANDBOX_BEARER,
				businessAccountId: sandbox.state.wabaId,
				graphApiVersion: 'v27.0',
				baseUrl: sandbox.url,
			},
		},
	});
}

/** A fresh group with two members, directly in the sandbox's state. */
async function group(subject: string): Promise<{ groupId: string; members: string[] }> {
	const { request_id: requestId } = sandbox.state.createGroup(PHONE, { subject });
	await sandbox.idle();
	const groupId = String(sandbox.state.requests.get(requestId)?.group_id);
	const members = ['4915200000001', '4915200000002'].map((phone) => `${phone}${subject.length}`);
	for (const phone of members) sandbox.state.simJoin({ group_id: groupId, phone });
	await sandbox.idle();
	return { groupId, members };
}

const locator = (groupId: string) => ({ __rl: true, mode: 'id', value: groupId });
const lastRequest = (type: string) =>
	[...sandbox.state.requests.values()].filter((request) => request.type === type).pop();

describe('Participant > Remove', () => {
	const remove = (groupId: string, members: string[]): INodeParameters => ({
		resource: 'participant',
		operation: 'remove',
		groupId: locator(groupId),
		participants: members.join(','),
		options: WAIT,
	});

	it('success: confirmed once the read-back no longer lists them', async () => {
		const { groupId, members } = await group('remove ok');
		const result = await run(remove(groupId, members));
		expect(result.items.map((item) => item.json)).toEqual(
			members.map((participant) => ({ groupId, participant, status: 'confirmed' })),
		);
	});

	it('failure told only by webhook: the one Meta kept is unconfirmed, the other confirmed', async () => {
		const { groupId, members } = await group('remove half');
		sandbox.state.addFault({ kind: 'partial', count: 1, path: '/participants$' });
		const result = await run(remove(groupId, members));
		expect(result.items.map((item) => [item.json.participant, item.json.status])).toEqual([
			[members[0], 'confirmed'],
			[members[1], 'unconfirmed'],
		]);
		expect(lastRequest('group_participants_remove')?.status).toBe('partial');
	});

	it('timeout: unconfirmed while Meta has not acted yet; the removal happens later', async () => {
		const { groupId, members } = await group('remove slow');
		sandbox.state.asyncDelayMs = SLOW;
		const result = await run(remove(groupId, members.slice(0, 1)));
		expect(result.items.map((item) => item.json.status)).toEqual(['unconfirmed']);
		expect(lastRequest('group_participants_remove')?.status).toBe('pending');
		await sandbox.idle();
		expect(sandbox.state.groups.get(groupId)?.participants.map((p) => p.wa_id)).toEqual([
			members[1],
		]);
	});
});

describe('Group > Delete', () => {
	const del = (groupId: string): INodeParameters => ({
		resource: 'group',
		operation: 'delete',
		groupId: locator(groupId),
		options: WAIT,
	});

	it('success: confirmed once Meta no longer knows the group', async () => {
		const { groupId } = await group('delete ok');
		const result = await run(del(groupId));
		expect(result.items.map((item) => item.json)).toEqual([{ groupId, status: 'confirmed' }]);
		expect(sandbox.state.groups.has(groupId)).toBe(false);
	});

	it('failure told only by webhook: unconfirmed, the group still there', async () => {
		const { groupId } = await group('delete kept');
		sandbox.state.addFault({ kind: 'partial', count: 1, method: 'DELETE' });
		const result = await run(del(groupId));
		expect(result.items.map((item) => item.json.status)).toEqual(['unconfirmed']);
		expect(result.items[0].json.note).toContain('group_delete_failed');
		expect(sandbox.state.groups.has(groupId)).toBe(true);
		expect(lastRequest('group_delete')?.status).toBe('failed');
	});

	it('timeout: unconfirmed while Meta has not acted yet; the group goes later', async () => {
		const { groupId } = await group('delete slow');
		sandbox.state.asyncDelayMs = SLOW;
		const result = await run(del(groupId));
		expect(result.items.map((item) => item.json.status)).toEqual(['unconfirmed']);
		await sandbox.idle();
		expect(sandbox.state.groups.has(groupId)).toBe(false);
	});
});

describe('Group > Update', () => {
	const update = (groupId: string): INodeParameters => ({
		resource: 'group',
		operation: 'update',
		groupId: locator(groupId),
		updateFields: { subject: 'Renamed', description: 'New words' },
		options: WAIT,
	});

	it('success: every setting confirmed once the read-back shows it', async () => {
		const { groupId } = await group('update ok');
		const result = await run(update(groupId));
		expect(result.items.map((item) => item.json)).toEqual([
			{
				groupId,
				status: 'confirmed',
				subject: 'Renamed',
				description: 'New words',
				settings: { subject: 'confirmed', description: 'confirmed' },
			},
		]);
	});

	it('failure told only by webhook: the failed setting is unconfirmed, the other confirmed', async () => {
		const { groupId } = await group('update half');
		// The sandbox's partial fault fails the last part of the update: the description.
		sandbox.state.addFault({ kind: 'partial', count: 1, method: 'POST' });
		const result = await run(update(groupId));
		expect(result.items[0].json).toMatchObject({
			status: 'unconfirmed',
			settings: { subject: 'confirmed', description: 'unconfirmed' },
		});
		expect(result.items[0].json.note).toContain('the description reads ""');
		expect(lastRequest('group_settings_update')?.status).toBe('partial');
	});

	it('timeout: unconfirmed while Meta has not acted yet; applied later', async () => {
		const { groupId } = await group('update slow');
		sandbox.state.asyncDelayMs = SLOW;
		const result = await run(update(groupId));
		expect(result.items[0].json).toMatchObject({
			status: 'unconfirmed',
			settings: { subject: 'unconfirmed', description: 'unconfirmed' },
		});
		await sandbox.idle();
		expect(sandbox.state.groups.get(groupId)?.subject).toBe('Renamed');
	});
});
