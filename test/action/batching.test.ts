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

const approveBase = { resource: 'joinRequest', operation: 'approve', phoneNumberId: PHONE_ID };

describe('Join Request', () => {
	useNock();

	it('lists join requests across pages', async () => {
		const scope = graph()
			.get(`/v26.0/${GROUP_ID}/join_requests`)
			.query({ limit: 25 })
			.reply(200, {
				data: [
					{ join_request_id: 'JR1', wa_id: '4915100000001', creation_timestamp: '1700000000' },
				],
				paging: { cursors: { after: 'C1' }, next: 'https://graph.facebook.com/next' },
			})
			.get(`/v26.0/${GROUP_ID}/join_requests`)
			.query({ limit: 25, after: 'C1' })
			.reply(200, {
				data: [
					{
						join_request_id: 'JR2',
						user_id: 'US.1',
						username: 'bo',
						creation_timestamp: 1700000100,
					},
				],
				paging: { cursors: { after: 'C2' } },
			});
		const result = await run({
			resource: 'joinRequest',
			operation: 'getMany',
			phoneNumberId: PHONE_ID,
			groupId: groupLocator(),
			returnAll: true,
		});
		expect(rows(result)).toEqual([
			{
				json: {
					groupId: GROUP_ID,
					joinRequestId: 'JR1',
					waId: '4915100000001',
					createdAt: '2023-11-14T22:13:20.000Z',
					createdAtUnix: 1700000000,
				},
				item: 0,
			},
			{
				json: {
					groupId: GROUP_ID,
					joinRequestId: 'JR2',
					userId: 'US.1',
					username: 'bo',
					createdAt: '2023-11-14T22:15:00.000Z',
					createdAtUnix: 1700000100,
				},
				item: 0,
			},
		]);
		scope.done();
	});

	it("follows the after cursor while pages are full, as Meta's answer documents no next link", async () => {
		const page = (from: number, count: number) =>
			Array.from({ length: count }, (_, index) => ({
				join_request_id: `JR${from + index}`,
				wa_id: `49151${String(from + index).padStart(8, '0')}`,
				creation_timestamp: '1700000000',
			}));
		const scope = graph()
			.get(`/v26.0/${GROUP_ID}/join_requests`)
			.query({ limit: 25 })
			.reply(200, { data: page(0, 25), paging: { cursors: { before: 'B1', after: 'A1' } } })
			.get(`/v26.0/${GROUP_ID}/join_requests`)
			.query({ limit: 25, after: 'A1' })
			.reply(200, { data: page(25, 25), paging: { cursors: { before: 'B2', after: 'A2' } } })
			.get(`/v26.0/${GROUP_ID}/join_requests`)
			.query({ limit: 25, after: 'A2' })
			// A page that is not full is the last one: no further request.
			.reply(200, { data: page(50, 3), paging: { cursors: { before: 'B3', after: 'A3' } } });
		const result = await run({
			resource: 'joinRequest',
			operation: 'getMany',
			phoneNumberId: PHONE_ID,
			groupId: groupLocator(),
			returnAll: true,
		});
		expect(result.items.map((item) => item.json.joinRequestId)).toEqual(
			page(0, 53).map((request) => request.join_request_id),
		);
		scope.done();
	});

	it('asks only for what the limit leaves, and stops at the limit even on a full page', async () => {
		const scope = graph()
			.get(`/v26.0/${GROUP_ID}/join_requests`)
			.query({ limit: 25 })
			.reply(200, {
				data: Array.from({ length: 25 }, (_, index) => ({
					join_request_id: `JR${index}`,
					creation_timestamp: 1,
				})),
				paging: { cursors: { after: 'A1' } },
			})
			.get(`/v26.0/${GROUP_ID}/join_requests`)
			.query({ limit: 5, after: 'A1' })
			.reply(200, {
				data: Array.from({ length: 5 }, (_, index) => ({
					join_request_id: `JR${25 + index}`,
					creation_timestamp: 1,
				})),
				paging: { cursors: { after: 'A2' } },
			});
		const result = await run({
			resource: 'joinRequest',
			operation: 'getMany',
			phoneNumberId: PHONE_ID,
			groupId: groupLocator(),
			returnAll: false,
			limit: 30,
		});
		expect(result.items).toHaveLength(30);
		scope.done();
	});

	it('combines the IDs of items for the same group into one request and reports each ID', async () => {
		const scope = graph()
			.post(`/v26.0/${GROUP_ID}/join_requests`, {
				messaging_product: 'whatsapp',
				join_requests: ['JR1', 'JR2', 'JR3'],
			})
			.reply(200, {
				messaging_product: 'whatsapp',
				approved_join_requests: ['JR1', 'JR3'],
				failed_join_requests: [
					{
						join_request_id: 'JR2',
						errors: [
							{
								code: 131213,
								message: 'Join request does not exist',
								title: 'Not found',
								error_data: { details: 'gone' },
							},
						],
					},
				],
			})
			.post(`/v26.0/${GROUP_ID_2}/join_requests`, {
				messaging_product: 'whatsapp',
				join_requests: ['JR9'],
			})
			.reply(200, { messaging_product: 'whatsapp', approved_join_requests: ['JR9'] });
		const result = await run(
			{
				...approveBase,
				groupId: '={{ { __rl: true, mode: "id", value: $json.group } }}',
				joinRequestIds: '={{ $json.ids }}',
			},
			[
				{ group: GROUP_ID, ids: ['JR1'] },
				{ group: GROUP_ID_2, ids: 'JR9' },
				{ group: GROUP_ID, ids: 'JR2, JR3' },
			],
		);
		expect(result.error).toBeUndefined();
		expect(rows(result)).toEqual([
			{ json: { groupId: GROUP_ID, joinRequestId: 'JR1', status: 'approved' }, item: 0 },
			{ json: { groupId: GROUP_ID_2, joinRequestId: 'JR9', status: 'approved' }, item: 1 },
			{
				json: {
					groupId: GROUP_ID,
					joinRequestId: 'JR2',
					status: 'failed',
					errors: [
						{
							code: 131213,
							message: 'The join request does not exist',
							metaMessage: 'Join request does not exist',
							title: 'Not found',
							details: 'gone',
							hint: expect.stringContaining('withdrawn'),
						},
					],
				},
				item: 2,
			},
			{ json: { groupId: GROUP_ID, joinRequestId: 'JR3', status: 'approved' }, item: 2 },
		]);
		scope.done();
	});

	it("splits one group's IDs by the batch size", async () => {
		const scope = graph()
			.post(`/v26.0/${GROUP_ID}/join_requests`, {
				messaging_product: 'whatsapp',
				join_requests: ['A', 'B'],
			})
			.reply(200, { approved_join_requests: ['A', 'B'] })
			.post(`/v26.0/${GROUP_ID}/join_requests`, {
				messaging_product: 'whatsapp',
				join_requests: ['C'],
			})
			.reply(200, { approved_join_requests: ['C'] });
		const result = await run(
			{
				...approveBase,
				groupId: groupLocator(),
				joinRequestIds: '={{ $json.id }}',
				options: { batchSize: 2 },
			},
			[{ id: 'A' }, { id: 'B' }, { id: 'C' }],
		);
		expect(rows(result).map((row) => [row.json.joinRequestId, row.json.status, row.item])).toEqual([
			['A', 'approved', 0],
			['B', 'approved', 1],
			['C', 'approved', 2],
		]);
		scope.done();
	});

	it('rejects with DELETE and says when Meta confirmed neither way', async () => {
		const scope = graph()
			.delete(`/v26.0/${GROUP_ID}/join_requests`, {
				messaging_product: 'whatsapp',
				join_requests: ['JR1', 'JR2'],
			})
			.reply(200, { messaging_product: 'whatsapp', rejected_join_requests: ['JR1'] });
		const result = await run({
			resource: 'joinRequest',
			operation: 'reject',
			phoneNumberId: PHONE_ID,
			groupId: groupLocator(),
			joinRequestIds: 'JR1,JR2',
		});
		expect(rows(result)).toEqual([
			{ json: { groupId: GROUP_ID, joinRequestId: 'JR1', status: 'rejected' }, item: 0 },
			{ json: { groupId: GROUP_ID, joinRequestId: 'JR2', status: 'unconfirmed' }, item: 0 },
		]);
		scope.done();
	});

	it('fails the items of a group whose request failed as a whole, and keeps the others with Continue On Fail', async () => {
		const scope = graph()
			.post(`/v26.0/${GROUP_ID}/join_requests`)
			.reply(400, graphError(131041, 'Group unknown'))
			.post(`/v26.0/${GROUP_ID_2}/join_requests`)
			.reply(200, { approved_join_requests: ['JR9'] });
		const result = await run(
			{
				...approveBase,
				groupId: '={{ { __rl: true, mode: "id", value: $json.group } }}',
				joinRequestIds: '={{ $json.id }}',
			},
			[
				{ group: GROUP_ID, id: 'JR1' },
				{ group: GROUP_ID_2, id: 'JR9' },
			],
			true,
		);
		expect(rows(result)).toEqual([
			{
				json: {
					error: 'Group unknown: it does not exist or the business is not a member (code 131041)',
					description: expect.stringContaining('Meta error code 131041.'),
					code: 131041,
					httpCode: '400',
				},
				item: 0,
			},
			{ json: { groupId: GROUP_ID_2, joinRequestId: 'JR9', status: 'approved' }, item: 1 },
		]);
		scope.done();
	});
});

describe('Participant Remove', () => {
	useNock();

	const removeBase = {
		resource: 'participant',
		operation: 'remove',
		phoneNumberId: PHONE_ID,
		groupId: groupLocator(),
	};

	it('sends phone numbers as user and business-scoped IDs as user_id', async () => {
		const scope = graph()
			.delete(`/v26.0/${GROUP_ID}/participants`, {
				messaging_product: 'whatsapp',
				participants: [{ user: '4915112345678' }, { user_id: 'US.13491208655302741918' }],
			})
			.reply(200, { success: true });
		const result = await run({
			...removeBase,
			participants: '+49 151 12345678, US.13491208655302741918',
		});
		// A 200 proves only that Meta took the request: the outcome comes by webhook.
		expect(rows(result)).toEqual([
			{ json: { groupId: GROUP_ID, participant: '4915112345678', status: 'requested' }, item: 0 },
			{
				json: { groupId: GROUP_ID, userId: 'US.13491208655302741918', status: 'requested' },
				item: 0,
			},
		]);
		scope.done();
	});

	it('combines 80 items of one group into 10 requests of 8', async () => {
		const numbers = Array.from(
			{ length: 80 },
			(_, index) => `49151000${String(index).padStart(4, '0')}`,
		);
		let scope = graph();
		for (let start = 0; start < 80; start += 8) {
			scope = scope
				.delete(`/v26.0/${GROUP_ID}/participants`, {
					messaging_product: 'whatsapp',
					participants: numbers.slice(start, start + 8).map((user) => ({ user })),
				})
				.reply(200, { success: true });
		}
		const result = await run(
			{ ...removeBase, participants: '={{ $json.phone }}' },
			numbers.map((phone) => ({ phone })),
		);
		expect(result.error).toBeUndefined();
		expect(rows(result)).toEqual(
			numbers.map((phone, index) => ({
				json: { groupId: GROUP_ID, participant: phone, status: 'requested' },
				item: index,
			})),
		);
		scope.done();
	});

	it('surfaces HTTP 206 / 131201 per participant: named failures fail, named removals are removed, the rest stay requested', async () => {
		const scope = graph()
			.delete(`/v26.0/${GROUP_ID}/participants`)
			.reply(206, {
				messaging_product: 'whatsapp',
				removed_participants: [{ input: '4915100000003' }],
				failed_participants: [
					{
						input: '4915100000002',
						errors: [
							{
								code: 131212,
								message: 'Participant is not part of the group',
								title: 'Not a participant',
							},
						],
					},
				],
				errors: [
					{ code: 131201, message: 'Request partially succeeded', title: 'Partial success' },
				],
			});
		const result = await run({
			...removeBase,
			participants: '4915100000001,4915100000002,+4915100000003',
		});
		expect(rows(result)).toEqual([
			{ json: { groupId: GROUP_ID, participant: '4915100000001', status: 'requested' }, item: 0 },
			{
				json: {
					groupId: GROUP_ID,
					participant: '4915100000002',
					status: 'failed',
					errors: [
						{
							code: 131212,
							message: 'The participant is not part of the group',
							metaMessage: 'Participant is not part of the group',
							title: 'Not a participant',
							hint: expect.stringContaining('already have left'),
						},
					],
				},
				item: 0,
			},
			{ json: { groupId: GROUP_ID, participant: '4915100000003', status: 'removed' }, item: 0 },
		]);
		scope.done();
	});

	it('gives every participant the 131201 error when a 206 names nobody, without guessing', async () => {
		const scope = graph()
			.delete(`/v26.0/${GROUP_ID}/participants`)
			.reply(206, {
				error: {
					code: 131201,
					message: 'Request partially succeeded',
					error_data: { details: 'some failed' },
				},
			});
		const result = await run({ ...removeBase, participants: '4915100000001' });
		expect(rows(result)).toEqual([
			{
				json: {
					groupId: GROUP_ID,
					participant: '4915100000001',
					status: 'requested',
					errors: [
						{
							code: 131201,
							message: 'The request only partially succeeded',
							metaMessage: 'Request partially succeeded',
							details: 'some failed',
							hint: expect.stringContaining('output lists'),
						},
					],
				},
				item: 0,
			},
		]);
		scope.done();
	});
});
