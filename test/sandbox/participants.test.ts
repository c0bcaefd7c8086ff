import {
	createGroup,
	addMembers,
	change,
	APP,
	APP_TOKEN,
	PHONE,
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
				// No reason: Meta's sample has only a placeholder, so none is invented.
				join_request_id: ids[0],
				wa_id: '15551110001',
			},
		]);
		// Opaque and base64-like, as Meta's join request IDs are.
		expect(ids[0]).toMatch(/^[A-Za-z0-9+/]+$/);
		expect(ids[0]).not.toMatch(/^\d+$/);
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

	it('answers {success:true} when only some can be removed; the webhook says which (131201 for the request, 131212 for the non-member)', async () => {
		// Earlier versions answered HTTP 206 with both lists, a body Meta never documented.
		const { groupId } = await createGroup(sandbox, 'Partial');
		await addMembers(sandbox, groupId, ['15551250001']);
		receiver.clear();
		const res = await api('DELETE', `/${groupId}/participants`, {
			messaging_product: 'whatsapp',
			participants: [{ user: '15551250001' }, { user: '15551259999' }],
		});
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ success: true });
		await sandbox.idle();
		expect(groupItems('group_participants_remove')).toEqual([
			{
				timestamp: expect.stringMatching(/^\d+$/),
				group_id: groupId,
				type: 'group_participants_remove',
				request_id: expect.any(String),
				initiated_by: 'business',
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
				errors: [
					{
						code: 131201,
						message: 'Failed to remove some participants from the group',
						title: 'Not All Participants Remove Succeeded',
						error_data: { details: '1 of 2 participants were not removed' },
					},
				],
			},
		]);
	});

	it('answers {success:true} when nobody named is a member (the webhook fails it, 131212), and validates the list at once', async () => {
		const { groupId } = await createGroup(sandbox, 'Strict');
		await addMembers(sandbox, groupId, ['15551260001']);
		receiver.clear();
		// Earlier versions answered 400 / 131212 here; Meta reports the failure by webhook only.
		const none = await api('DELETE', `/${groupId}/participants`, {
			messaging_product: 'whatsapp',
			participants: [{ user: '15551269999' }],
		});
		expect(none.status).toBe(200);
		expect(none.body).toEqual({ success: true });
		await sandbox.idle();
		// Meta's total-failure sample: the inputs, and one error for the request.
		expect(groupItems('group_participants_remove')).toEqual([
			{
				timestamp: expect.stringMatching(/^\d+$/),
				group_id: groupId,
				type: 'group_participants_remove',
				request_id: expect.any(String),
				initiated_by: 'business',
				failed_participants: [{ input: '15551269999' }],
				errors: [expect.objectContaining({ code: 131212 })],
			},
		]);
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
		expect(eight.status).toBe(200);
	});
});

describe("sandbox: a user's business-scoped user ID changes", () => {
	it('updates the user everywhere and sends user_id_update and a user_changed_user_id system message', async () => {
		await api(
			'POST',
			`/${APP}/subscriptions`,
			{
				object: 'whatsapp_business_account',
				callback_url: receiver.url,
				verify_token: 'verify-me',
				fields: ['user_id_update'],
			},
			{ token: APP_TOKEN },
		);
		const { groupId } = await createGroup(sandbox, 'Renamed');
		await control('POST', '/users/join', {
			group_id: groupId,
			phone: '15551300001',
			user_id: 'CO.1186878922080769',
			name: 'Sasha',
		});
		const { groupId: other } = await createGroup(sandbox, 'Asked', {
			join_approval_mode: 'approval_required',
		});
		await control('POST', '/users/join', {
			group_id: other,
			phone: '15551300001',
			user_id: 'CO.1186878922080769',
			name: 'Sasha',
		});
		await sandbox.idle();
		receiver.clear();
		const res = await control('POST', '/users/change-user-id', {
			user_id: 'CO.1186878922080769',
			new_user_id: 'CO.2186878922080769',
		});
		expect(res.status).toBe(200);
		expect(res.body).toEqual({
			previous_user_id: 'CO.1186878922080769',
			user_id: 'CO.2186878922080769',
			phone_numbers: [PHONE],
		});
		expect(sandbox.state.groups.get(groupId)!.participants[0].user_id).toBe('CO.2186878922080769');
		expect(sandbox.state.groups.get(other)!.join_requests[0].user_id).toBe('CO.2186878922080769');
		await sandbox.idle();
		const update = receiver.byField('user_id_update').map((d) => change(d).value);
		expect(update).toEqual([
			{
				messaging_product: 'whatsapp',
				metadata: { display_phone_number: '15550001001', phone_number_id: PHONE },
				contacts: [{ profile: { name: 'Sasha' }, wa_id: '15551300001' }],
				user_id_update: [
					{
						wa_id: '15551300001',
						detail: 'User id for Sasha has been updated.',
						user_id: { previous: 'CO.1186878922080769', current: 'CO.2186878922080769' },
						timestamp: expect.stringMatching(/^\d+$/),
					},
				],
			},
		]);
		const system = receiver.byField('messages').map((d) => change(d).value);
		expect(system).toEqual([
			{
				messaging_product: 'whatsapp',
				metadata: { display_phone_number: '15550001001', phone_number_id: PHONE },
				messages: [
					{
						from: '15551300001',
						id: expect.stringMatching(/^wamid\./),
						timestamp: expect.stringMatching(/^\d+$/),
						type: 'system',
						system: {
							body: 'User Sasha changed from CO.1186878922080769 to CO.2186878922080769',
							wa_id: '15551300001',
							user_id: 'CO.2186878922080769',
							previous_user_id: 'CO.1186878922080769',
							type: 'user_changed_user_id',
						},
					},
				],
			},
		]);
	});

	it('finds the user by phone, makes a new BSUID in the same country, and refuses what it cannot do', async () => {
		const { groupId } = await createGroup(sandbox, 'ByPhone');
		await control('POST', '/users/join', {
			group_id: groupId,
			phone: '15551310001',
			user_id: 'BR.777',
		});
		const res = await control('POST', '/users/change-user-id', { phone: '15551310001' });
		expect(res.status).toBe(200);
		expect(res.body.user_id).toMatch(/^BR\.\d{20}$/);
		expect(sandbox.state.groups.get(groupId)!.participants[0].user_id).toBe(res.body.user_id);
		await control('POST', '/users/join', { group_id: groupId, phone: '15551310002' });
		expect((await control('POST', '/users/change-user-id', { phone: '15551310002' })).status).toBe(
			404,
		);
		expect((await control('POST', '/users/change-user-id', {})).status).toBe(400);
		expect(
			(
				await control('POST', '/users/change-user-id', {
					user_id: res.body.user_id,
					new_user_id: 'not-a-bsuid',
				})
			).status,
		).toBe(400);
	});
});
