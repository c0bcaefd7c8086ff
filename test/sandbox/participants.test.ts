import {
	createGroup,
	addMembers,
	change,
	type RunningSandbox,
	type Receiver,
	type Api,
	useSubscribedSandbox,
} from '../support/sandbox';

let sandbox: RunningSandbox;
let receiver: Receiver;
let api: Api;
let control: Api;

useSubscribedSandbox((fixture) => ({ sandbox, receiver, api, control } = fixture));

const groupItems = (type: string) =>
	receiver.deliveries
		.map((d) => change(d))
		.filter((c) => c.value.groups?.[0]?.type === type)
		.map((c) => c.value.groups[0]);

describe('sandbox: join requests', () => {
	async function approvalGroup(requesters: string[]): Promise<{ groupId: string; ids: string[] }> {
		const { groupId } = await createGroup(sandbox, 'Approval', {
			join_approval_mode: 'approval_required',
		});
		const ids: string[] = [];
		for (const phone of requesters) {
			const res = await control('POST', '/users/join', { group_id: groupId, phone });
			expect(res.status).toBe(200);
			expect(res.body.joined).toBe(false);
			ids.push(res.body.join_request_id);
		}
		await sandbox.idle();
		return { groupId, ids };
	}

	it('a user opening the link of an approval_required group creates a join request (webhook + list)', async () => {
		const { groupId, ids } = await approvalGroup(['15551110001']);
		expect(groupItems('group_join_request_created')).toEqual([
			{
				timestamp: expect.any(String),
				group_id: groupId,
				type: 'group_join_request_created',
				reason: 'invite_link',
				join_request_id: ids[0],
				wa_id: '15551110001',
			},
		]);
		const list = await api('GET', `/${groupId}/join_requests`);
		expect(list.status).toBe(200);
		expect(list.body).toEqual({
			data: [
				{ join_request_id: ids[0], wa_id: '15551110001', creation_timestamp: expect.any(Number) },
			],
			paging: { cursors: { before: expect.any(String), after: expect.any(String) } },
		});
	});

	it('pages join requests with cursors', async () => {
		const { groupId, ids } = await approvalGroup(['15551120001', '15551120002', '15551120003']);
		const first = await api('GET', `/${groupId}/join_requests?limit=2`);
		expect(first.body.data.map((r: { join_request_id: string }) => r.join_request_id)).toEqual(
			ids.slice(0, 2),
		);
		expect(first.body.paging.next).toBeDefined();
		const second = await api(
			'GET',
			`/${groupId}/join_requests?limit=2&after=${encodeURIComponent(first.body.paging.cursors.after)}`,
		);
		expect(second.body.data.map((r: { join_request_id: string }) => r.join_request_id)).toEqual([
			ids[2],
		]);
		expect(second.body.paging.next).toBeUndefined();
		const bad = await api('GET', `/${groupId}/join_requests?after=garbage`);
		expect(bad.body.error.code).toBe(131059);
	});

	it('approves in bulk with per-id failures (131213) and a participants_add webhook', async () => {
		const { groupId, ids } = await approvalGroup(['15551130001', '15551130002']);
		receiver.clear();
		const res = await api('POST', `/${groupId}/join_requests`, {
			messaging_product: 'whatsapp',
			join_requests: [ids[0], '999', ids[1]],
		});
		expect(res.status).toBe(200);
		expect(res.body).toEqual({
			messaging_product: 'whatsapp',
			approved_join_requests: [ids[0], ids[1]],
			failed_join_requests: [
				{
					join_request_id: '999',
					errors: [
						{
							code: 131213,
							message: 'The join request does not exist',
							title: 'Join request does not exist',
							error_data: { details: 'Join request 999 does not exist' },
						},
					],
				},
			],
		});
		await sandbox.idle();
		expect(groupItems('group_participants_add')).toEqual([
			{
				timestamp: expect.any(String),
				group_id: groupId,
				type: 'group_participants_add',
				reason: 'invite_link',
				added_participants: [
					{ input: '15551130001', wa_id: '15551130001' },
					{ input: '15551130002', wa_id: '15551130002' },
				],
			},
		]);
		const info = await api('GET', `/${groupId}?fields=total_participant_count`);
		expect(info.body.total_participant_count).toBe(2);
		expect((await api('GET', `/${groupId}/join_requests`)).body).toEqual({ data: [] });
		const again = await api('POST', `/${groupId}/join_requests`, {
			messaging_product: 'whatsapp',
			join_requests: [ids[0]],
		});
		expect(again.body.approved_join_requests).toEqual([]);
		expect(again.body.failed_join_requests[0].errors[0].code).toBe(131213);
	});

	it('rejects in bulk (DELETE) with rejected_join_requests and no webhook', async () => {
		const { groupId, ids } = await approvalGroup(['15551140001']);
		receiver.clear();
		const res = await api('DELETE', `/${groupId}/join_requests`, {
			messaging_product: 'whatsapp',
			join_requests: [ids[0]],
		});
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ messaging_product: 'whatsapp', rejected_join_requests: [ids[0]] });
		await sandbox.idle();
		expect(receiver.deliveries).toHaveLength(0);
		expect(
			(await api('GET', `/${groupId}?fields=total_participant_count`)).body.total_participant_count,
		).toBe(0);
	});

	it('validates the id list and refuses approvals beyond 8 participants (131204)', async () => {
		const { groupId, ids } = await approvalGroup(['15551150009']);
		expect(
			(
				await api('POST', `/${groupId}/join_requests`, {
					messaging_product: 'whatsapp',
					join_requests: [],
				})
			).body.error.code,
		).toBe(100);
		expect(
			(await api('POST', `/${groupId}/join_requests`, { join_requests: ids })).body.error.code,
		).toBe(100);
		// Fill the group directly in state: 8 participants.
		const group = sandbox.state.groups.get(groupId)!;
		for (let i = 0; i < 8; i++)
			group.participants.push({ wa_id: `1555115000${i}`, name: 'x', joined_at: 0 });
		const res = await api('POST', `/${groupId}/join_requests`, {
			messaging_product: 'whatsapp',
			join_requests: ids,
		});
		expect(res.body.approved_join_requests).toEqual([]);
		expect(res.body.failed_join_requests[0].errors[0].code).toBe(131204);
	});

	it('a user withdrawing the request sends group_join_request_revoked', async () => {
		const { groupId, ids } = await approvalGroup(['15551160001']);
		receiver.clear();
		const res = await control('POST', '/users/withdraw', {
			group_id: groupId,
			phone: '15551160001',
		});
		expect(res.body).toEqual({ group_id: groupId, join_request_id: ids[0], revoked: true });
		await sandbox.idle();
		expect(groupItems('group_join_request_revoked')).toEqual([
			{
				timestamp: expect.any(String),
				group_id: groupId,
				type: 'group_join_request_revoked',
				reason: 'user_revoked',
				join_request_id: ids[0],
				wa_id: '15551160001',
			},
		]);
		expect(
			(await control('POST', '/users/withdraw', { group_id: groupId, phone: '15551160001' }))
				.status,
		).toBe(404);
	});

	it('request-to-join creates a request even in an auto_approve group', async () => {
		const { groupId } = await createGroup(sandbox, 'Auto');
		const res = await control('POST', '/users/request', {
			group_id: groupId,
			phone: '15551170001',
			name: 'Rui',
			username: 'rui',
		});
		expect(res.status).toBe(200);
		expect(res.body.join_request_id).toEqual(expect.any(String));
		const list = await api('GET', `/${groupId}/join_requests`);
		expect(list.body.data[0]).toEqual({
			join_request_id: res.body.join_request_id,
			wa_id: '15551170001',
			username: 'rui',
			creation_timestamp: expect.any(Number),
		});
	});
});

describe('sandbox: joining, leaving and removing participants', () => {
	it('joining through the link of an auto_approve group adds the user (reason invite_link)', async () => {
		const { groupId } = await createGroup(sandbox, 'Open');
		receiver.clear();
		const link = (await api('GET', `/${groupId}/invite_link`)).body.invite_link;
		const res = await control('POST', '/users/join', {
			invite_link: link,
			phone: '+1 555 121 0001',
		});
		expect(res.body).toEqual({ group_id: groupId, joined: true });
		await sandbox.idle();
		expect(groupItems('group_participants_add')).toEqual([
			{
				timestamp: expect.any(String),
				group_id: groupId,
				type: 'group_participants_add',
				reason: 'invite_link',
				added_participants: [{ wa_id: '15551210001' }],
			},
		]);
		expect(
			(await control('POST', '/users/join', { invite_link: link, phone: '15551210001' })).status,
		).toBe(409);
	});

	it('a full group (8 participants) takes nobody more', async () => {
		const { groupId } = await createGroup(sandbox, 'Full');
		await addMembers(
			sandbox,
			groupId,
			Array.from({ length: 8 }, (_, i) => `1555122000${i}`),
		);
		const res = await control('POST', '/users/join', { group_id: groupId, phone: '15551220009' });
		expect(res.status).toBe(409);
		expect(
			(await api('GET', `/${groupId}?fields=total_participant_count`)).body.total_participant_count,
		).toBe(8);
	});

	it('a participant leaving sends participants_remove initiated_by participant', async () => {
		const { groupId } = await createGroup(sandbox, 'Leave');
		await addMembers(sandbox, groupId, ['15551230001']);
		receiver.clear();
		expect(
			(await control('POST', '/users/leave', { group_id: groupId, phone: '15551230001' })).body,
		).toEqual({ group_id: groupId, left: true });
		await sandbox.idle();
		expect(groupItems('group_participants_remove')).toEqual([
			{
				timestamp: expect.any(String),
				group_id: groupId,
				type: 'group_participants_remove',
				removed_participants: [{ wa_id: '15551230001' }],
				initiated_by: 'participant',
			},
		]);
	});

	it('removes participants by phone or BSUID: {success:true} and a webhook with request_id', async () => {
		const { groupId } = await createGroup(sandbox, 'Remove');
		await addMembers(sandbox, groupId, ['15551240001']);
		await control('POST', '/users/join', {
			group_id: groupId,
			phone: '15551240002',
			user_id: 'US.111',
		});
		await sandbox.idle();
		receiver.clear();
		const res = await api('DELETE', `/${groupId}/participants`, {
			messaging_product: 'whatsapp',
			participants: [{ user: '+1 555 124 0001' }, { user_id: 'US.111' }],
		});
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ success: true });
		await sandbox.idle();
		expect(groupItems('group_participants_remove')).toEqual([
			{
				timestamp: expect.any(String),
				group_id: groupId,
				type: 'group_participants_remove',
				request_id: expect.any(String),
				initiated_by: 'business',
				removed_participants: [{ input: '+1 555 124 0001' }, { input: 'US.111' }],
			},
		]);
		// Removed users cannot come back through the invite link.
		expect(
			(await control('POST', '/users/join', { group_id: groupId, phone: '15551240001' })).status,
		).toBe(403);
	});

	it('answers HTTP 206 with code 131201 and both lists when only some are removed', async () => {
		const { groupId } = await createGroup(sandbox, 'Partial');
		await addMembers(sandbox, groupId, ['15551250001']);
		receiver.clear();
		const res = await api('DELETE', `/${groupId}/participants`, {
			messaging_product: 'whatsapp',
			participants: [{ user: '15551250001' }, { user: '15551259999' }],
		});
		expect(res.status).toBe(206);
		expect(res.body).toEqual({
			error: {
				message: '(#131201) Request partially succeeded',
				type: 'OAuthException',
				code: 131201,
				error_data: {
					messaging_product: 'whatsapp',
					details: '1 of 2 participants were not removed',
				},
			},
			messaging_product: 'whatsapp',
			removed_participants: [{ input: '15551250001' }],
			failed_participants: [
				{
					input: '15551259999',
					errors: [
						{
							code: 131212,
							message: 'The participant is not part of the group',
							title: 'Participant not in group',
							error_data: { details: '15551259999 is not a participant of the group' },
						},
					],
				},
			],
		});
		await sandbox.idle();
		const [item] = groupItems('group_participants_remove');
		expect(item.removed_participants).toEqual([{ input: '15551250001' }]);
		expect(item.failed_participants[0].input).toBe('15551259999');
		expect(item.errors[0]).toMatchObject({
			code: 131201,
			message: 'Failed to remove some participants from the group',
		});
	});

	it('answers 400 / 131212 when nobody named is a member, and validates the list', async () => {
		const { groupId } = await createGroup(sandbox, 'Strict');
		await addMembers(sandbox, groupId, ['15551260001']);
		const none = await api('DELETE', `/${groupId}/participants`, {
			messaging_product: 'whatsapp',
			participants: [{ user: '15551269999' }],
		});
		expect(none.status).toBe(400);
		expect(none.body.error.code).toBe(131212);
		// Each failure names its participant once.
		expect(none.body.error.error_data.details).toBe(
			'15551269999 is not a participant of the group',
		);
		const two = await api('DELETE', `/${groupId}/participants`, {
			messaging_product: 'whatsapp',
			participants: [{ user: '15551269998' }, { user: '15551269999' }],
		});
		expect(two.body.error.error_data.details).toBe(
			'15551269998 is not a participant of the group; 15551269999 is not a participant of the group',
		);
		const empty = await api('DELETE', `/${groupId}/participants`, {
			messaging_product: 'whatsapp',
			participants: [],
		});
		expect(empty.body.error.code).toBe(100);
		const nine = await api('DELETE', `/${groupId}/participants`, {
			messaging_product: 'whatsapp',
			participants: Array.from({ length: 9 }, (_, i) => ({ user: `1555126100${i}` })),
		});
		expect(nine.body.error.code).toBe(100);
		const dup = await api('DELETE', `/${groupId}/participants`, {
			messaging_product: 'whatsapp',
			participants: [{ user: '15551260001' }, { user: '+1 5551260001' }],
		});
		expect(dup.body.error.code).toBe(131202);
		const both = await api('DELETE', `/${groupId}/participants`, {
			messaging_product: 'whatsapp',
			participants: [{ user: '1', user_id: 'US.1' }],
		});
		expect(both.body.error.code).toBe(100);
		expect(
			(await api('GET', `/${groupId}?fields=total_participant_count`)).body.total_participant_count,
		).toBe(1);
		const eight = await api('DELETE', `/${groupId}/participants`, {
			messaging_product: 'whatsapp',
			participants: [
				{ user: '15551260001' },
				...Array.from({ length: 7 }, (_, i) => ({ user: `1555126200${i}` })),
			],
		});
		expect(eight.status).toBe(206);
	});
});
