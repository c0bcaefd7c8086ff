import {
	graph,
	graphError,
	GROUP_ID,
	GROUP_ID_2,
	groupLocator,
	PHONE_ID,
	rows,
	run,
} from '../support/action';
import { useNock } from '../support/nock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	// Polling and backoff wait with n8n's sleep: no real waiting in tests.
	sleep: jest.fn(async () => undefined),
}));

const ALL_FIELDS =
	'subject,description,participants,join_approval_mode,suspended,creation_timestamp,total_participant_count';

describe('Group', () => {
	useNock();

	describe('Create', () => {
		it('posts subject, description and approval mode and returns the request ID', async () => {
			const scope = graph()
				.post(`/v26.0/${PHONE_ID}/groups`, {
					messaging_product: 'whatsapp',
					subject: 'Cohort 7',
					description: 'Weekly check-ins',
					join_approval_mode: 'approval_required',
				})
				.matchHeader('content-type', /application\/json/)
				.reply(200, { messaging_product: 'whatsapp', request_id: 'REQ-1' });
			const result = await run({
				resource: 'group',
				operation: 'create',
				phoneNumberId: PHONE_ID,
				subject: '  Cohort 7  ',
				additionalFields: {
					description: 'Weekly check-ins',
					joinApprovalMode: 'approval_required',
				},
			});
			expect(result.error).toBeUndefined();
			expect(rows(result)).toEqual([
				{
					json: {
						requestId: 'REQ-1',
						phoneNumberId: PHONE_ID,
						subject: 'Cohort 7',
						description: 'Weekly check-ins',
						joinApprovalMode: 'approval_required',
					},
					item: 0,
				},
			]);
			scope.done();
		});

		it('takes a subject of 128 emoji: the limit counts characters (code points), not UTF-16 units', async () => {
			const subject = '👍'.repeat(128);
			const scope = graph()
				.post(`/v26.0/${PHONE_ID}/groups`, { messaging_product: 'whatsapp', subject })
				.reply(200, { messaging_product: 'whatsapp', request_id: 'REQ-EMOJI' });
			const result = await run({
				resource: 'group',
				operation: 'create',
				phoneNumberId: PHONE_ID,
				subject,
			});
			expect(result.error).toBeUndefined();
			expect(rows(result)[0].json.requestId).toBe('REQ-EMOJI');
			scope.done();
		});

		it('waits for the group, matching a group with the subject that was not there before, and returns ID and invite link', async () => {
			const now = Math.floor(Date.now() / 1000);
			const scope = graph()
				.post(`/v26.0/${PHONE_ID}/groups`, { messaging_product: 'whatsapp', subject: 'Cohort 8' })
				.reply(200, { messaging_product: 'whatsapp', request_id: 'REQ-2' })
				// Before the request: the groups that already carry the subject.
				.get(`/v26.0/${PHONE_ID}/groups`)
				.query({ limit: 1024 })
				.reply(200, {
					data: { groups: [{ id: 'OLD', subject: 'Cohort 8', created_at: now - 86400 }] },
					paging: { cursors: { before: 'b', after: 'a' } },
				})
				// First poll: not there yet.
				.get(`/v26.0/${PHONE_ID}/groups`)
				.query({ limit: 1024 })
				.reply(200, {
					data: { groups: [{ id: 'OLD', subject: 'Cohort 8', created_at: now - 86400 }] },
					paging: { cursors: { before: 'b', after: 'a' } },
				})
				// Second poll: it appeared.
				.get(`/v26.0/${PHONE_ID}/groups`)
				.query({ limit: 1024 })
				.reply(200, {
					data: {
						groups: [
							{ id: 'OLD', subject: 'Cohort 8', created_at: now - 86400 },
							{ id: GROUP_ID, subject: 'Cohort 8', created_at: String(now + 1) },
						],
					},
					paging: { cursors: { before: 'b', after: 'a' } },
				})
				.get(`/v26.0/${GROUP_ID}/invite_link`)
				.reply(200, {
					messaging_product: 'whatsapp',
					invite_link: 'https://chat.whatsapp.com/LINK',
				});
			const result = await run({
				resource: 'group',
				operation: 'create',
				phoneNumberId: PHONE_ID,
				subject: 'Cohort 8',
				options: { waitForGroup: true, waitTimeout: 60, pollInterval: 1 },
			});
			expect(result.error).toBeUndefined();
			expect(rows(result)).toEqual([
				{
					json: {
						requestId: 'REQ-2',
						phoneNumberId: PHONE_ID,
						subject: 'Cohort 8',
						joinApprovalMode: 'auto_approve',
						groupId: GROUP_ID,
						inviteLink: 'https://chat.whatsapp.com/LINK',
						createdAt: new Date((now + 1) * 1000).toISOString(),
						createdAtUnix: now + 1,
					},
					item: 0,
				},
			]);
			scope.done();
		});

		it('refuses to guess when two new groups have the same subject', async () => {
			const now = Math.floor(Date.now() / 1000);
			const scope = graph()
				.post(`/v26.0/${PHONE_ID}/groups`)
				.reply(200, { messaging_product: 'whatsapp', request_id: 'REQ-3' })
				.get(`/v26.0/${PHONE_ID}/groups`)
				.query({ limit: 1024 })
				.reply(200, { data: { groups: [] } })
				.get(`/v26.0/${PHONE_ID}/groups`)
				.query({ limit: 1024 })
				.reply(200, {
					data: {
						groups: [
							{ id: GROUP_ID, subject: 'Twins', created_at: now },
							{ id: GROUP_ID_2, subject: 'Twins', created_at: now },
						],
					},
				});
			const result = await run({
				resource: 'group',
				operation: 'create',
				phoneNumberId: PHONE_ID,
				subject: 'Twins',
				options: { waitForGroup: true },
			});
			expect(result.error?.message).toBe(
				'2 new groups named "Twins" appeared on this number while waiting; cannot tell which one request REQ-3 created',
			);
			expect(result.error?.description).toContain(`${GROUP_ID}, ${GROUP_ID_2}`);
			expect(result.error?.description).toContain('unique suffix');
			scope.done();
		});

		it('gives up after the wait timeout with the request ID in the error', async () => {
			const scope = graph()
				.post(`/v26.0/${PHONE_ID}/groups`)
				.reply(200, { messaging_product: 'whatsapp', request_id: 'REQ-4' })
				.get(`/v26.0/${PHONE_ID}/groups`)
				.query({ limit: 1024 })
				.times(3)
				.reply(200, { data: { groups: [] } });
			// The fake clock: each sleep advances Date.now by the interval, so the deadline is reached.
			const realNow = Date.now;
			let offset = 0;
			const { sleep } = jest.requireMock('n8n-workflow') as { sleep: jest.Mock };
			sleep.mockImplementation(async (ms: number) => {
				offset += ms;
			});
			Date.now = () => realNow() + offset;
			try {
				const result = await run({
					resource: 'group',
					operation: 'create',
					phoneNumberId: PHONE_ID,
					subject: 'Never',
					options: { waitForGroup: true, waitTimeout: 5, pollInterval: 3 },
				});
				expect(result.error?.message).toBe('The group "Never" did not appear within 5 s');
				expect(result.error?.description).toContain('request ID REQ-4');
			} finally {
				Date.now = realNow;
				sleep.mockImplementation(async () => undefined);
			}
			scope.done();
		});
	});

	describe('Delete', () => {
		it('deletes the group', async () => {
			const scope = graph().delete(`/v26.0/${GROUP_ID}`).reply(200, { success: true });
			const result = await run({
				resource: 'group',
				operation: 'delete',
				phoneNumberId: PHONE_ID,
				groupId: groupLocator(),
			});
			// {success: true} proves only that Meta took the request; a webhook tells the outcome.
			expect(rows(result)).toEqual([{ json: { groupId: GROUP_ID, status: 'requested' }, item: 0 }]);
			scope.done();
		});
	});

	describe('Get', () => {
		it('asks for every field by default and maps the answer to camelCase', async () => {
			const scope = graph()
				.get(`/v26.0/${GROUP_ID}`)
				.query({ fields: ALL_FIELDS })
				.reply(200, {
					messaging_product: 'whatsapp',
					id: GROUP_ID,
					subject: 'Support',
					description: 'Help desk',
					suspended: false,
					creation_timestamp: 1700000000,
					total_participant_count: 2,
					join_approval_mode: 'auto_approve',
					participants: [
						{ wa_id: '4915112345678' },
						{ user_id: 'US.13491208655302741918', username: 'ana' },
					],
				});
			const result = await run({
				resource: 'group',
				operation: 'get',
				phoneNumberId: PHONE_ID,
				groupId: groupLocator(),
			});
			expect(rows(result)).toEqual([
				{
					json: {
						groupId: GROUP_ID,
						subject: 'Support',
						description: 'Help desk',
						joinApprovalMode: 'auto_approve',
						suspended: false,
						createdAt: '2023-11-14T22:13:20.000Z',
						createdAtUnix: 1700000000,
						totalParticipantCount: 2,
						participants: [
							{ waId: '4915112345678' },
							{ userId: 'US.13491208655302741918', username: 'ana' },
						],
					},
					item: 0,
				},
			]);
			scope.done();
		});

		it('asks only for the selected fields', async () => {
			const scope = graph()
				.get(`/v26.0/${GROUP_ID}`)
				.query({ fields: 'subject,suspended' })
				.reply(200, { id: GROUP_ID, subject: 'S', suspended: true });
			const result = await run({
				resource: 'group',
				operation: 'get',
				phoneNumberId: PHONE_ID,
				groupId: groupLocator(),
				fields: ['subject', 'suspended'],
			});
			expect(rows(result)).toEqual([
				{ json: { groupId: GROUP_ID, subject: 'S', suspended: true }, item: 0 },
			]);
			scope.done();
		});
	});

	describe('Get Many', () => {
		const page = (ids: string[], after?: string) => ({
			data: {
				groups: ids.map((id, index) => ({
					id,
					subject: `S-${id}`,
					created_at: 1700000000 + index,
				})),
			},
			paging: after
				? {
						cursors: { before: 'B', after },
						next: `https://graph.facebook.com/v26.0/${PHONE_ID}/groups?after=${after}`,
					}
				: { cursors: { before: 'B', after: 'END' } },
		});

		it('follows cursors in pages of 1024 until there is no next page', async () => {
			const scope = graph()
				.get(`/v26.0/${PHONE_ID}/groups`)
				.query({ limit: 1024 })
				.reply(200, page(['g1', 'g2'], 'CUR1'))
				.get(`/v26.0/${PHONE_ID}/groups`)
				.query({ limit: 1024, after: 'CUR1' })
				.reply(200, page(['g3']));
			const result = await run({
				resource: 'group',
				operation: 'getMany',
				phoneNumberId: PHONE_ID,
				returnAll: true,
			});
			expect(rows(result)).toEqual([
				{
					json: {
						groupId: 'g1',
						subject: 'S-g1',
						createdAt: '2023-11-14T22:13:20.000Z',
						createdAtUnix: 1700000000,
						phoneNumberId: PHONE_ID,
					},
					item: 0,
				},
				{
					json: {
						groupId: 'g2',
						subject: 'S-g2',
						createdAt: '2023-11-14T22:13:21.000Z',
						createdAtUnix: 1700000001,
						phoneNumberId: PHONE_ID,
					},
					item: 0,
				},
				{
					json: {
						groupId: 'g3',
						subject: 'S-g3',
						createdAt: '2023-11-14T22:13:20.000Z',
						createdAtUnix: 1700000000,
						phoneNumberId: PHONE_ID,
					},
					item: 0,
				},
			]);
			scope.done();
		});

		it('asks for no more than the limit', async () => {
			const scope = graph()
				.get(`/v26.0/${PHONE_ID}/groups`)
				.query({ limit: 2 })
				.reply(200, page(['g1', 'g2'], 'CUR1'));
			const result = await run({
				resource: 'group',
				operation: 'getMany',
				phoneNumberId: PHONE_ID,
				returnAll: false,
				limit: 2,
			});
			expect(result.items.map((item) => item.json.groupId)).toEqual(['g1', 'g2']);
			scope.done();
		});

		it('restarts from the first page once when a cursor expires (131059), without duplicates', async () => {
			const scope = graph()
				.get(`/v26.0/${PHONE_ID}/groups`)
				.query({ limit: 1024 })
				.reply(200, page(['g1', 'g2'], 'CUR1'))
				.get(`/v26.0/${PHONE_ID}/groups`)
				.query({ limit: 1024, after: 'CUR1' })
				.reply(400, graphError(131059, 'Invalid pagination cursor'))
				.get(`/v26.0/${PHONE_ID}/groups`)
				.query({ limit: 1024 })
				.reply(200, page(['g1', 'g2', 'g3'], 'CUR2'))
				.get(`/v26.0/${PHONE_ID}/groups`)
				.query({ limit: 1024, after: 'CUR2' })
				.reply(200, page(['g4']));
			const result = await run({
				resource: 'group',
				operation: 'getMany',
				phoneNumberId: PHONE_ID,
				returnAll: true,
			});
			expect(result.error).toBeUndefined();
			expect(result.items.map((item) => item.json.groupId)).toEqual(['g1', 'g2', 'g3', 'g4']);
			scope.done();
		});

		it('fails with the Meta code when the cursor expires again after the restart', async () => {
			const scope = graph()
				.get(`/v26.0/${PHONE_ID}/groups`)
				.query({ limit: 1024 })
				.twice()
				.reply(200, page(['g1'], 'CUR1'))
				.get(`/v26.0/${PHONE_ID}/groups`)
				.query({ limit: 1024, after: 'CUR1' })
				.twice()
				.reply(400, graphError(131059, 'Invalid pagination cursor'));
			const result = await run({
				resource: 'group',
				operation: 'getMany',
				phoneNumberId: PHONE_ID,
				returnAll: true,
			});
			expect(result.error?.message).toBe('Invalid or expired pagination cursor (code 131059)');
			scope.done();
		});
	});

	describe('Update', () => {
		it('posts subject and description as JSON', async () => {
			const scope = graph()
				.post(`/v26.0/${GROUP_ID}`, {
					messaging_product: 'whatsapp',
					subject: 'New name',
					description: 'New text',
				})
				.reply(200, { success: true });
			const result = await run({
				resource: 'group',
				operation: 'update',
				phoneNumberId: PHONE_ID,
				groupId: groupLocator(),
				updateFields: { subject: 'New name', description: 'New text' },
			});
			expect(rows(result)).toEqual([
				{
					json: {
						groupId: GROUP_ID,
						status: 'requested',
						subject: 'New name',
						description: 'New text',
						settings: { subject: 'requested', description: 'requested' },
					},
					item: 0,
				},
			]);
			scope.done();
		});
	});
});
