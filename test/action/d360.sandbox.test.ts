/**
 * The built action node with a 360dialog credential, in n8n's WorkflowExecute, against the
 * sandbox's 360dialog dialect: every resource end to end on one state, paging on the sandbox's
 * host although its `next` links point at Meta's path, and the key of one number never reaching
 * another number's groups.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startSandbox } from '../../sandbox/index';
import { runNode } from '../support/n8n/engine';
import type { RunNodeResult } from '../support/n8n/engine';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => undefined),
}));

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let phone: string;
let key: string;
let otherKey: string;
/** The sandbox's log: one line per request, "<METHOD> <path> → <status>". */
const requestLog: string[] = [];

beforeAll(async () => {
	sandbox = await startSandbox({
		asyncDelayMs: 1,
		statusDelayMs: 1,
		log: (line: string) => {
			if (/→ \d+$/.test(line)) requestLog.push(line);
		},
	});
	[phone] = [...sandbox.state.phones.keys()];
	key = sandbox.config.phone_numbers[0].d360_api_key;
	otherKey = sandbox.config.phone_numbers[1].d360_api_key;
});
afterAll(async () => {
	await sandbox.idle();
	await sandbox.stop();
});

async function run(parameters: INodeParameters, apiKey = key): Promise<RunNodeResult> {
	return runNode({
		nodeType: 'whatsAppGroups',
		parameters: { authentication: '360dialog', ...parameters },
		credentials: { whatsAppGroups360DialogApi: { apiKey, baseUrl: sandbox.url } },
	});
}

function json(result: RunNodeResult): IDataObject[] {
	expect(result.error).toBeUndefined();
	return result.items.map((item) => item.json);
}

describe('the action node on the sandbox in 360dialog’s dialect', () => {
	it('runs one operation of every resource on the same state', async () => {
		const created = json(
			await run({
				resource: 'group',
				operation: 'create',
				subject: 'Tour 360',
				additionalFields: { joinApprovalMode: 'approval_required' },
				options: { waitForGroup: true, waitTimeout: 30, pollInterval: 1 },
			}),
		);
		const groupId = String(created[0].groupId);
		expect(created[0]).toEqual(
			expect.objectContaining({
				subject: 'Tour 360',
				inviteLink: expect.stringMatching(/^https:\/\/chat\.whatsapp\.com\//),
			}),
		);
		expect(sandbox.state.groups.get(groupId)?.phone_number_id).toBe(phone);

		sandbox.state.simRequest({ group_id: groupId, phone: '4915100000001' });
		await sandbox.idle();
		const requests = json(
			await run({
				resource: 'joinRequest',
				operation: 'getMany',
				groupId: { __rl: true, mode: 'id', value: groupId },
				returnAll: true,
			}),
		);
		expect(requests.map((r) => r.waId)).toEqual(['4915100000001']);
		const approved = json(
			await run({
				resource: 'joinRequest',
				operation: 'approve',
				groupId: { __rl: true, mode: 'id', value: groupId },
				joinRequestIds: String(requests[0].joinRequestId),
			}),
		);
		expect(approved.map((r) => r.status)).toEqual(['approved']);
		await sandbox.idle();

		const link = json(
			await run({
				resource: 'inviteLink',
				operation: 'get',
				groupId: { __rl: true, mode: 'id', value: groupId },
			}),
		);
		expect(link[0].inviteLink).toBe(created[0].inviteLink);

		const sent = json(
			await run({
				resource: 'message',
				operation: 'send',
				groupId: { __rl: true, mode: 'id', value: groupId },
				messageType: 'text',
				text: 'Welcome',
			}),
		);
		expect(String(sent[0].messageId)).toMatch(/^wamid\./);

		const removed = json(
			await run({
				resource: 'participant',
				operation: 'remove',
				groupId: { __rl: true, mode: 'id', value: groupId },
				participants: '4915100000001',
				options: { waitForConfirmation: true, waitTimeout: 30, pollInterval: 1 },
			}),
		);
		expect(removed).toEqual([{ groupId, participant: '4915100000001', status: 'confirmed' }]);

		const info = json(
			await run({
				resource: 'group',
				operation: 'get',
				groupId: { __rl: true, mode: 'id', value: groupId },
				fields: ['subject', 'total_participant_count'],
			}),
		);
		expect(info).toEqual([{ groupId, subject: 'Tour 360', totalParticipantCount: 0 }]);

		// Another number's key does not reach this number's group.
		const foreign = await run(
			{
				resource: 'group',
				operation: 'get',
				groupId: { __rl: true, mode: 'id', value: groupId },
			},
			otherKey,
		);
		expect(foreign.error?.message).toBe(
			'Group unknown: it does not exist or the business is not a member (code 131041)',
		);

		const deleted = json(
			await run({
				resource: 'group',
				operation: 'delete',
				groupId: { __rl: true, mode: 'id', value: groupId },
			}),
		);
		expect(deleted).toEqual([{ groupId, status: 'requested' }]);
	});

	it("lists every group of the key's number across pages, on the sandbox's host", async () => {
		// The previous test's Delete completes a moment after its answer: let it, then count.
		await sandbox.idle();
		sandbox.state.seed({ count: 1100, phone_number_id: phone, seed: 'many', append: true });
		const expected = sandbox.state.sortedGroups(phone).length;
		expect(expected).toBeGreaterThan(1024);
		requestLog.length = 0;
		const listed = json(await run({ resource: 'group', operation: 'getMany', returnAll: true }));
		expect(listed).toHaveLength(expected);
		expect(new Set(listed.map((g) => g.groupId)).size).toBe(expected);
		// Two pages, both on 360dialog's path: the `next` link (Meta's path) was never followed.
		expect(requestLog).toEqual(['GET /groups → 200', 'GET /groups → 200']);
		const wrong = await run({ resource: 'group', operation: 'getMany', limit: 1 }, 'not-a-key');
		expect(wrong.error?.message).toBe('360dialog refused the request (HTTP 401)');
	});
});
