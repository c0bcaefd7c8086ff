import {
	startSandbox,
	startReceiver,
	graphApi,
	controlApi,
	createGroup,
	subscribeApp,
	change,
	runCli,
	spawnServer,
	request,
	FAST,
	PHONE,
	type RunningSandbox,
	type Receiver,
	type Api,
	useSubscribedSandbox,
} from '../support/sandbox';

describe('sandbox: fault injection', () => {
	let sandbox: RunningSandbox;
	let receiver: Receiver;
	let api: Api;
	let control: Api;
	let settle: () => Promise<void>;
	useSubscribedSandbox((fixture) => ({ sandbox, receiver, api, control, settle } = fixture), {
		settleBeforeEach: false,
	});
	beforeEach(async () => {
		await control('DELETE', '/faults');
		await settle();
	});

	it('rate limits the next N requests with 429, code 131208 and Retry-After', async () => {
		const added = await control('POST', '/faults', { kind: 'rate_limit', count: 2, retryAfter: 7 });
		expect(added.body.faults[0]).toMatchObject({
			kind: 'rate_limit',
			count: 2,
			id: expect.any(String),
		});
		for (let i = 0; i < 2; i++) {
			const res = await api('GET', `/${PHONE}/groups`);
			expect(res.status).toBe(429);
			expect(res.headers['retry-after']).toBe('7');
			expect(res.body.error).toMatchObject({
				code: 131208,
				type: 'OAuthException',
				error_data: { messaging_product: 'whatsapp' },
			});
		}
		expect((await api('GET', `/${PHONE}/groups`)).status).toBe(200);
		expect((await control('GET', '/faults')).body).toEqual({ faults: [] });
	});

	it('takes another throttling code and a path / method filter', async () => {
		await control('POST', '/faults', {
			kind: 'rate_limit',
			code: 130429,
			method: 'POST',
			path: '/messages$',
			count: 1,
		});
		expect((await api('GET', `/${PHONE}/groups`)).status).toBe(200);
		const res = await api('POST', `/${PHONE}/messages`, {
			messaging_product: 'whatsapp',
			to: '1555',
			type: 'text',
			text: { body: 'x' },
		});
		expect(res.status).toBe(429);
		expect(res.body.error.code).toBe(130429);
	});

	it('answers 5xx as transient Graph errors, before or after carrying the request out', async () => {
		await control('POST', '/faults', { kind: 'server_error', status: 503, count: 1 });
		const before = await api('POST', `/${PHONE}/groups`, {
			messaging_product: 'whatsapp',
			subject: 'never',
		});
		expect(before.status).toBe(503);
		expect(before.body.error).toMatchObject({
			code: 2,
			is_transient: true,
			message: 'Service temporarily unavailable',
		});
		await control('POST', '/faults', { kind: 'server_error', after: true, count: 1 });
		const after = await api('POST', `/${PHONE}/groups`, {
			messaging_product: 'whatsapp',
			subject: 'happened anyway',
		});
		expect(after.status).toBe(500);
		expect(after.body.error).toMatchObject({ code: 1, is_transient: true });
		await sandbox.idle();
		const subjects = [...sandbox.state.groups.values()].map((g) => g.subject);
		expect(subjects).toContain('happened anyway');
		expect(subjects).not.toContain('never');
	});

	it('adds latency', async () => {
		await control('POST', '/faults', { kind: 'latency', ms: 150, count: 1 });
		const started = Date.now();
		expect((await api('GET', `/${PHONE}/groups`)).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
	});

	it('fires by ratio, deterministically with the seed', async () => {
		const run = async () => {
			const s = await startSandbox({
				...FAST,
				seed: 'ratio',
				faults: [{ kind: 'rate_limit', ratio: 0.5 }],
			});
			try {
				const statuses: number[] = [];
				for (let i = 0; i < 20; i++)
					statuses.push((await graphApi(s)('GET', `/${PHONE}/groups`)).status);
				return statuses;
			} finally {
				await s.stop();
			}
		};
		const first = await run();
		expect(first.filter((s) => s === 429).length).toBeGreaterThan(3);
		expect(first.filter((s) => s === 200).length).toBeGreaterThan(3);
		expect(await run()).toEqual(first);
	});

	it('partial: creation fails in the webhook with errors and description', async () => {
		await control('POST', '/faults', { kind: 'partial', count: 1 });
		const res = await api('POST', `/${PHONE}/groups`, {
			messaging_product: 'whatsapp',
			subject: 'Doomed',
			description: 'd',
		});
		expect(res.status).toBe(200);
		await sandbox.idle();
		const item = change(receiver.deliveries[0]).value.groups[0];
		expect(item).toEqual({
			timestamp: expect.any(String),
			type: 'group_create',
			subject: 'Doomed',
			description: 'd',
			request_id: res.body.request_id,
			group_id: expect.any(String),
			errors: [
				{
					code: 131000,
					message: 'Something went wrong',
					title: 'Something went wrong',
					error_data: { details: expect.any(String) },
				},
			],
		});
		expect((await control('GET', `/requests/${res.body.request_id}`)).body).toMatchObject({
			status: 'failed',
		});
		expect((await api('GET', `/${item.group_id}`)).body.error.code).toBe(131041);
	});

	it('partial: deletion fails (group kept), settings fail in part, last id of a bulk fails', async () => {
		const { groupId } = await createGroup(sandbox, 'Sturdy', {
			join_approval_mode: 'approval_required',
		});
		await control('POST', '/faults', { kind: 'partial', count: 1 });
		expect((await api('DELETE', `/${groupId}`)).body).toEqual({ success: true });
		await sandbox.idle();
		const deleteItem = receiver.deliveries
			.map((d) => change(d).value.groups[0])
			.find((g) => g.type === 'group_delete');
		expect(deleteItem.errors[0].code).toBe(131000);
		expect((await api('GET', `/${groupId}`)).body).toEqual({
			messaging_product: 'whatsapp',
			id: groupId,
		});

		receiver.clear();
		await control('POST', '/faults', { kind: 'partial', count: 1 });
		await api('POST', `/${groupId}`, {
			messaging_product: 'whatsapp',
			subject: 'New subject',
			description: 'New description',
		});
		await sandbox.idle();
		const settings = change(receiver.deliveries[0]).value.groups[0];
		expect(settings.group_subject).toEqual({ text: 'New subject', update_successful: true });
		expect(settings.group_description).toMatchObject({
			text: 'New description',
			update_successful: false,
			errors: [{ code: 131000 }],
		});
		expect(settings.errors).toHaveLength(1);
		expect((await api('GET', `/${groupId}?fields=subject,description`)).body).toMatchObject({
			subject: 'New subject',
			description: '',
		});

		const ids: string[] = [];
		for (const phone of ['15553000001', '15553000002'])
			ids.push(
				(await control('POST', '/users/join', { group_id: groupId, phone })).body.join_request_id,
			);
		await control('POST', '/faults', { kind: 'partial', count: 1 });
		const approve = await api('POST', `/${groupId}/join_requests`, {
			messaging_product: 'whatsapp',
			join_requests: ids,
		});
		expect(approve.body.approved_join_requests).toEqual([ids[0]]);
		expect(approve.body.failed_join_requests).toEqual([
			{ join_request_id: ids[1], errors: [expect.objectContaining({ code: 131203 })] },
		]);

		await control('POST', '/users/join', { group_id: groupId, phone: '15553000003' });
		const pending = (await api('GET', `/${groupId}/join_requests`)).body.data.map(
			(r: { join_request_id: string }) => r.join_request_id,
		);
		await api('POST', `/${groupId}/join_requests`, {
			messaging_product: 'whatsapp',
			join_requests: pending,
		});
		await control('POST', '/faults', { kind: 'partial', count: 1 });
		receiver.clear();
		const removal = await api('DELETE', `/${groupId}/participants`, {
			messaging_product: 'whatsapp',
			participants: [{ user: '15553000001' }, { user: '15553000002' }],
		});
		// Earlier versions answered 206 with both lists (a body Meta never documented): the
		// partial failure is told only by the webhook now.
		expect(removal.status).toBe(200);
		expect(removal.body).toEqual({ success: true });
		await sandbox.idle();
		const removed = receiver.deliveries
			.map((d) => change(d).value.groups?.[0])
			.find((g) => g?.type === 'group_participants_remove');
		expect(removed.removed_participants).toEqual([{ input: '15553000001' }]);
		expect(removed.failed_participants).toEqual([
			{ input: '15553000002', errors: [expect.objectContaining({ code: 131000 })] },
		]);
		expect(removed.errors).toEqual([expect.objectContaining({ code: 131201 })]);
	});

	it('partial: a group message misses its last participant (failed status)', async () => {
		const { groupId } = await createGroup(sandbox, 'Lossy');
		await control('POST', '/users/join', { group_id: groupId, phone: '15553100001' });
		await control('POST', '/users/join', { group_id: groupId, phone: '15553100002' });
		await sandbox.idle();
		receiver.clear();
		await control('POST', '/faults', { kind: 'partial', count: 1, path: '/messages$' });
		const res = await api('POST', `/${PHONE}/messages`, {
			messaging_product: 'whatsapp',
			recipient_type: 'group',
			to: groupId,
			type: 'text',
			text: { body: 'x' },
		});
		expect(res.status).toBe(200);
		await sandbox.idle();
		const all = receiver.byField('messages').flatMap((d) => change(d).value.statuses);
		expect(
			all.filter((s) => s.status === 'delivered').map((s) => s.recipient_participant_id),
		).toEqual(['15553100001']);
		expect(all.find((s) => s.status === 'failed')).toEqual({
			id: res.body.messages[0].id,
			recipient_id: groupId,
			recipient_type: 'group',
			status: 'failed',
			timestamp: expect.any(String),
			errors: [expect.objectContaining({ code: 131000 })],
		});
	});

	it('refuses malformed fault rules', async () => {
		expect((await control('POST', '/faults', { kind: 'meteor' })).status).toBe(400);
		expect((await control('POST', '/faults', { kind: 'latency', ratio: 2 })).status).toBe(400);
		expect((await control('POST', '/faults', { kind: 'latency', count: 0 })).status).toBe(400);
		expect((await control('POST', '/faults', { kind: 'latency', path: '(' })).status).toBe(400);
		const added = await control('POST', '/faults', {
			faults: [
				{ kind: 'latency', ms: 1 },
				{ kind: 'partial', ratio: 0 },
			],
		});
		expect(added.body.faults).toHaveLength(2);
		expect(
			(await control('DELETE', `/faults/${added.body.faults[0].id}`)).body.faults,
		).toHaveLength(1);
		expect((await control('DELETE', '/faults/nope')).status).toBe(404);
	});
});

describe('sandbox: seeding, state and simulation', () => {
	it('seeds deterministically: same seed, same groups', async () => {
		const a = await startSandbox({ ...FAST, seedGroups: { count: 50, seed: 'same' } });
		const b = await startSandbox(FAST);
		try {
			const seeded = await controlApi(b)('POST', '/seed', { count: 50, seed: 'same' });
			expect(seeded.body).toEqual({ phone_number_id: PHONE, seeded: 50, total: 50 });
			const dumpA = (await controlApi(a)('GET', '/state')).body.groups;
			const dumpB = (await controlApi(b)('GET', '/state')).body.groups;
			expect(dumpA).toHaveLength(50);
			expect(dumpB).toEqual(dumpA);
			const other = await controlApi(b)('POST', '/seed', { count: 50, seed: 'different' });
			expect(other.body.total).toBe(50);
			const dumpC = (await controlApi(b)('GET', '/state')).body.groups;
			expect(dumpC.map((g: { id: string }) => g.id)).not.toEqual(
				dumpA.map((g: { id: string }) => g.id),
			);
			expect(dumpA.every((g: { participants: unknown[] }) => g.participants.length <= 8)).toBe(
				true,
			);
			expect((await controlApi(b)('POST', '/seed', { count: 10001 })).status).toBe(400);
		} finally {
			await a.stop();
			await b.stop();
		}
	});

	it('pages through 10,000 seeded groups with limit 1024', async () => {
		const s = await startSandbox({ ...FAST, seedGroups: 10000 });
		try {
			const api = graphApi(s);
			let after: string | undefined;
			let count = 0;
			let pages = 0;
			for (;;) {
				const res = await api(
					'GET',
					`/${PHONE}/groups?limit=1024${after ? `&after=${encodeURIComponent(after)}` : ''}`,
				);
				expect(res.status).toBe(200);
				count += res.body.data.groups.length;
				pages++;
				if (!res.body.paging.next) break;
				after = res.body.paging.cursors.after;
			}
			expect(count).toBe(10000);
			expect(pages).toBe(10);
		} finally {
			await s.stop();
		}
	});

	it('suspends and clears a group with group_status_update webhooks', async () => {
		const s = await startSandbox(FAST);
		const r = await startReceiver();
		try {
			await subscribeApp(s, r);
			const { groupId } = await createGroup(s, 'Policy');
			r.clear();
			const control = controlApi(s);
			expect((await control('POST', `/groups/${groupId}/suspend`)).body).toEqual({
				group_id: groupId,
				suspended: true,
			});
			expect((await control('POST', `/groups/${groupId}/suspend`)).status).toBe(409);
			expect((await control('POST', `/groups/${groupId}/clear-suspension`)).body).toEqual({
				group_id: groupId,
				suspended: false,
			});
			await s.idle();
			expect(r.deliveries.map((d) => change(d))).toEqual([
				{
					field: 'group_status_update',
					value: expect.objectContaining({
						groups: [{ timestamp: expect.any(String), type: 'group_suspend', group_id: groupId }],
					}),
				},
				{
					field: 'group_status_update',
					value: expect.objectContaining({
						groups: [
							{ timestamp: expect.any(String), type: 'group_suspend_cleared', group_id: groupId },
						],
					}),
				},
			]);
		} finally {
			await s.stop();
			await r.stop();
		}
	});

	it('dumps and resets state; answers config and 404 for unknown control paths', async () => {
		const s = await startSandbox({ ...FAST, token: 't0k' });
		try {
			const control = controlApi(s);
			const config = (await control('GET', '/config')).body;
			expect(config).toMatchObject({
				url: s.url,
				access_token: 't0k',
				waba_id: '100000000000001',
				phone_number_id: PHONE,
				app_id: '100000000000009',
				app_secret: 'sandbox-app-secret',
			});
			const api = graphApi(s);
			await api(
				'POST',
				`/${PHONE}/groups`,
				{ messaging_product: 'whatsapp', subject: 'Dumped' },
				{ token: 't0k' },
			);
			await s.idle();
			const state = (await control('GET', '/state')).body;
			expect(state.groups).toEqual([
				expect.objectContaining({
					subject: 'Dumped',
					phone_number_id: PHONE,
					participants: [],
					suspended: false,
				}),
			]);
			expect(state.requests[0]).toMatchObject({
				type: 'group_create',
				status: 'done',
				group_id: state.groups[0].id,
			});
			expect((await control('POST', '/reset')).body).toEqual({ reset: true });
			expect((await control('GET', '/state')).body.groups).toEqual([]);
			expect((await control('GET', '/nothing')).status).toBe(404);
		} finally {
			await s.stop();
		}
	});

	it('the CLI plays users against a running sandbox', async () => {
		const s = await startSandbox(FAST);
		const r = await startReceiver();
		try {
			await subscribeApp(s, r);
			const { groupId } = await createGroup(s, 'CLI group');
			const link = s.state.dump().groups[0].invite_link;
			const join = await runCli(['join', link, '+15554000001', '--name', 'Ana'], s.url);
			expect(join.code).toBe(0);
			expect(JSON.parse(join.stdout)).toEqual({ group_id: groupId, joined: true });
			const say = await runCli(['say', groupId, '15554000001', 'hello', 'there'], s.url);
			expect(say.code).toBe(0);
			const leave = await runCli(['leave', groupId, '15554000001'], s.url);
			expect(leave.code).toBe(0);
			const groups = await runCli(['groups'], s.url);
			expect(groups.stdout).toContain(
				`${groupId}  CLI group  (number ${PHONE} +15550001001, 0 participants, auto_approve)`,
			);
			const bad = await runCli(['leave', groupId, '15554000001'], s.url);
			expect(bad.code).toBe(1);
			expect(bad.stderr).toContain('404');
			expect((await runCli(['suspend', groupId], s.url)).code).toBe(0);
			expect((await runCli(['clear', groupId], s.url)).code).toBe(0);
			expect(JSON.parse((await runCli(['seed', '5', '--seed', 'x'], s.url)).stdout)).toMatchObject({
				seeded: 5,
			});
			expect(
				JSON.parse((await runCli(['fault', '{"kind":"latency","ms":1}'], s.url)).stdout).faults,
			).toHaveLength(1);
			expect(JSON.parse((await runCli(['faults', 'clear'], s.url)).stdout)).toEqual({ faults: [] });
			await s.idle();
			const messages = r.byField('messages').map((d) => change(d).value.messages[0]);
			expect(messages[0]).toMatchObject({
				from: '15554000001',
				group_id: groupId,
				text: { body: 'hello there' },
			});
			expect(
				r.byField('group_participants_update').map((d) => change(d).value.groups[0].type),
			).toEqual(['group_participants_add', 'group_participants_remove']);
			expect((await runCli(['--help'], s.url)).stdout).toContain(
				'join <groupId|inviteLink> <phone>',
			);
		} finally {
			await s.stop();
			await r.stop();
		}
	});

	it('server.js starts with options, prints the defaults, and serves', async () => {
		const server = await spawnServer([
			'--port',
			'0',
			'--token',
			'cli-token',
			'--app-secret',
			'cli-secret',
			'--seed-groups',
			'3',
			'--quiet',
		]);
		try {
			expect(server.banner).toContain('Access token            cli-token');
			expect(server.banner).toContain('App secret              cli-secret');
			expect(server.banner).toContain('WABA ID                 100000000000001');
			expect(server.banner).toContain(`Phone number ID (main)  ${PHONE}`);
			expect(server.banner).toContain('Groups seeded           3');
			const res = await request(`${server.url}/v26.0/${PHONE}/groups`, {
				headers: { authorization: 'Bearer cli-token' },
			});
			expect(res.status).toBe(200);
			expect(res.body.data.groups).toHaveLength(3);
		} finally {
			await server.stop();
		}
	});
});
