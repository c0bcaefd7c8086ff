import {
	startSandbox,
	graphApi,
	controlApi,
	createGroup,
	addMembers,
	change,
	multipart,
	makeJpeg,
	request,
	FAST,
	PHONE,
	PHONE2,
	WABA,
	type RunningSandbox,
	type Receiver,
	type Api,
	useSubscribedSandbox,
} from '../support/sandbox';

describe('sandbox: authentication and routing', () => {
	let sandbox: RunningSandbox;
	let api: Api;
	beforeAll(async () => {
		sandbox = await startSandbox({ ...FAST, token: 'secret-token' });
		api = graphApi(sandbox);
	});
	afterAll(async () => sandbox.stop());

	it('refuses a missing token with 401 and Graph code 190', async () => {
		const res = await api('GET', `/${PHONE}/groups`, undefined, { token: null });
		expect(res.status).toBe(401);
		expect(res.body.error).toMatchObject({ type: 'OAuthException', code: 190 });
		expect(typeof res.body.error.fbtrace_id).toBe('string');
		expect(res.body.error.message).not.toMatch(/^\(#190\)/);
	});

	it('refuses a wrong token with 401 / 190', async () => {
		const res = await api('GET', `/${PHONE}/groups`, undefined, { token: 'nope' });
		expect(res.status).toBe(401);
		expect(res.body.error).toMatchObject({
			message: 'Invalid OAuth access token - Cannot parse access token',
			type: 'OAuthException',
			code: 190,
		});
	});

	it('accepts the token as bearer header or access_token query, under any vN.N', async () => {
		expect(
			(await api('GET', `/${PHONE}/groups`, undefined, { token: 'secret-token' })).status,
		).toBe(200);
		const res = await request(`${sandbox.url}/v23.0/${PHONE}/groups?access_token=secret-token`);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ data: { groups: [] } });
	});

	it('answers 404 outside a version path', async () => {
		const res = await request(`${sandbox.url}/${PHONE}/groups`, {
			headers: { authorization: 'Bearer secret-token' },
		});
		expect(res.status).toBe(404);
		expect(res.body.error.code).toBe(2500);
	});

	it('reads the WABA as the credential test does, and lists its phone numbers', async () => {
		const waba = await api('GET', `/${WABA}?fields=id,name`, undefined, { token: 'secret-token' });
		expect(waba.status).toBe(200);
		expect(waba.body).toEqual({ id: WABA, name: 'Sandbox WhatsApp Business Account' });
		const phones = await api('GET', `/${WABA}/phone_numbers`, undefined, { token: 'secret-token' });
		expect(phones.status).toBe(200);
		expect(phones.body.data).toEqual([
			{
				id: PHONE,
				display_phone_number: '15550001001',
				verified_name: 'Sandbox Business',
				quality_rating: 'GREEN',
			},
			{
				id: PHONE2,
				display_phone_number: '15550001002',
				verified_name: 'Sandbox Business Support',
				quality_rating: 'GREEN',
			},
		]);
		expect(phones.body.paging.cursors).toEqual({
			before: expect.any(String),
			after: expect.any(String),
		});
		const some = await api(
			'GET',
			`/${WABA}/phone_numbers?fields=id,display_phone_number,verified_name`,
			undefined,
			{ token: 'secret-token' },
		);
		expect(some.body.data[0]).toEqual({
			id: PHONE,
			display_phone_number: '15550001001',
			verified_name: 'Sandbox Business',
		});
		const bad = await api('GET', `/${WABA}/phone_numbers?fields=colour`, undefined, {
			token: 'secret-token',
		});
		expect(bad.body.error.code).toBe(100);
	});

	it("lists the business account's message templates: default fields, filters, fields, cursors", async () => {
		const get = (query = '') =>
			api('GET', `/${WABA}/message_templates${query}`, undefined, { token: 'secret-token' });
		const all = await get();
		expect(all.status).toBe(200);
		expect(
			all.body.data.map((t: { name: string; language: string }) => `${t.name}/${t.language}`),
		).toEqual([
			'group_invite_link/en',
			'group_invite_link/es',
			'verification_code/en_US',
			'spring_sale/en_US',
		]);
		expect(all.body.data[0]).toEqual({
			name: 'group_invite_link',
			parameter_format: 'POSITIONAL',
			components: [
				{ type: 'HEADER', format: 'TEXT', text: 'You are invited' },
				{
					type: 'BODY',
					text: 'You have been invited to join the group {{1}}. Tap the button below to join.',
				},
				{ type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Join group' }] },
			],
			language: 'en',
			status: 'APPROVED',
			category: 'UTILITY',
			id: '100000000000031',
		});
		const approved = await get('?status=APPROVED&fields=name,language,category');
		expect(approved.body.data).toEqual([
			{ name: 'group_invite_link', language: 'en', category: 'UTILITY', id: '100000000000031' },
			{ name: 'group_invite_link', language: 'es', category: 'UTILITY', id: '100000000000032' },
			{
				name: 'verification_code',
				language: 'en_US',
				category: 'AUTHENTICATION',
				id: '100000000000033',
			},
		]);
		expect(
			(await get('?category=marketing')).body.data.map((t: { name: string }) => t.name),
		).toEqual(['spring_sale']);
		expect(
			(await get('?name=INVITE&language=es')).body.data.map((t: { id: string }) => t.id),
		).toEqual(['100000000000032']);
		const first = await get('?limit=3');
		expect(first.body.data).toHaveLength(3);
		expect(first.body.paging.next).toContain(`/${WABA}/message_templates?limit=3&after=`);
		const rest = await get(`?limit=3&after=${encodeURIComponent(first.body.paging.cursors.after)}`);
		expect(rest.body.data.map((t: { name: string }) => t.name)).toEqual(['spring_sale']);
		expect(rest.body.paging.next).toBeUndefined();
		expect((await get('?fields=colour')).body.error.code).toBe(100);
		expect((await get('?limit=0')).body.error.code).toBe(100);
	});

	it('answers unknown edges with code 2500 and unknown objects as unknown groups', async () => {
		const edge = await api('GET', `/${PHONE}/nothing`, undefined, { token: 'secret-token' });
		expect(edge.status).toBe(400);
		expect(edge.body.error.code).toBe(2500);
		const unknown = await api('GET', '/Tm9Hcm91cA?fields=subject', undefined, {
			token: 'secret-token',
		});
		expect(unknown.status).toBe(400);
		expect(unknown.body.error).toMatchObject({
			code: 131041,
			error_data: { messaging_product: 'whatsapp' },
		});
		expect(unknown.body.error.message).toMatch(/^\(#131041\)/);
	});
});

describe('sandbox: group lifecycle', () => {
	let sandbox: RunningSandbox;
	let receiver: Receiver;
	let api: Api;
	useSubscribedSandbox((fixture) => ({ sandbox, receiver, api } = fixture));

	it('creates asynchronously: request_id first, then the group and a group_create webhook', async () => {
		const res = await api('POST', `/${PHONE}/groups`, {
			messaging_product: 'whatsapp',
			subject: '  Book club  ',
			description: 'Monthly reads',
			join_approval_mode: 'approval_required',
		});
		expect(res.status).toBe(200);
		expect(Object.keys(res.body).sort()).toEqual(['messaging_product', 'request_id']);
		expect(res.body.messaging_product).toBe('whatsapp');
		const requestId: string = res.body.request_id;
		const created = await receiver.waitFor((d) => change(d).field === 'group_lifecycle_update');
		const value = change(created).value;
		expect(created.body.object).toBe('whatsapp_business_account');
		expect(created.body.entry![0].id).toBe(WABA);
		expect(value.messaging_product).toBe('whatsapp');
		expect(value.metadata).toEqual({ display_phone_number: '15550001001', phone_number_id: PHONE });
		const item = value.groups[0];
		expect(item).toEqual({
			timestamp: expect.stringMatching(/^\d+$/),
			group_id: expect.stringMatching(/^[A-Za-z0-9+/]+$/),
			type: 'group_create',
			request_id: requestId,
			subject: 'Book club',
			invite_link: expect.stringMatching(/^https:\/\/chat\.whatsapp\.com\/[A-Za-z0-9]{22}$/),
			join_approval_mode: 'approval_required',
		});
		expect(item.description).toBeUndefined();
		expect(created.signatureValid).toBe(true);

		const info = await api(
			'GET',
			`/${item.group_id}?fields=subject,description,join_approval_mode,suspended,total_participant_count,participants,creation_timestamp`,
		);
		expect(info.status).toBe(200);
		expect(info.body).toEqual({
			messaging_product: 'whatsapp',
			id: item.group_id,
			subject: 'Book club',
			description: 'Monthly reads',
			join_approval_mode: 'approval_required',
			suspended: false,
			total_participant_count: 0,
			participants: [],
			creation_timestamp: expect.any(Number),
		});
	});

	it('answers only the id (and messaging_product) when no fields are asked, and 100 for unknown fields', async () => {
		const { groupId } = await createGroup(sandbox, 'Fields');
		// Earlier versions answered {id} alone; Meta's answer carries messaging_product too.
		expect((await api('GET', `/${groupId}`)).body).toEqual({
			messaging_product: 'whatsapp',
			id: groupId,
		});
		const bad = await api('GET', `/${groupId}?fields=subject,colour`);
		expect(bad.status).toBe(400);
		expect(bad.body.error.code).toBe(100);
		expect(bad.body.error.message).toContain('(colour)');
	});

	it('lists participants with wa_id / user_id / username and counts them without the business', async () => {
		const { groupId } = await createGroup(sandbox, 'People');
		await addMembers(sandbox, groupId, ['15551230001']);
		await controlApi(sandbox)('POST', '/users/join', {
			group_id: groupId,
			phone: '15551230002',
			user_id: 'US.13491208655302741918',
			username: 'ana',
			hide_phone: true,
		});
		const info = await api('GET', `/${groupId}?fields=participants,total_participant_count`);
		expect(info.body.participants).toEqual([
			{ wa_id: '15551230001' },
			{ user_id: 'US.13491208655302741918', username: 'ana' },
		]);
		expect(info.body.total_participant_count).toBe(2);
	});

	it('counts subject and description length in Unicode code points, as the node does', async () => {
		const emoji = '👍';
		const ok = await api('POST', `/${PHONE}/groups`, {
			messaging_product: 'whatsapp',
			subject: emoji.repeat(128),
			description: emoji.repeat(2048),
		});
		expect(ok.status).toBe(200);
		const longSubject = await api('POST', `/${PHONE}/groups`, {
			messaging_product: 'whatsapp',
			subject: emoji.repeat(129),
		});
		expect(longSubject.body.error.error_data.details).toBe(
			'subject is limited to 128 characters (got 129)',
		);
		const longDescription = await api('POST', `/${PHONE}/groups`, {
			messaging_product: 'whatsapp',
			subject: 'x',
			description: emoji.repeat(2049),
		});
		expect(longDescription.body.error.error_data.details).toBe(
			'description is limited to 2048 characters (got 2049)',
		);
	});

	it('validates create: messaging_product, subject (trimmed, ≤128), description (≤2048), mode', async () => {
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ subject: 'x' }, 'messaging_product'],
			[{ messaging_product: 'whatsapp' }, 'subject'],
			[{ messaging_product: 'whatsapp', subject: '    ' }, 'subject'],
			[{ messaging_product: 'whatsapp', subject: 'a'.repeat(129) }, '128'],
			[{ messaging_product: 'whatsapp', subject: 'ok', description: 'd'.repeat(2049) }, '2048'],
			[
				{ messaging_product: 'whatsapp', subject: 'ok', join_approval_mode: 'maybe' },
				'join_approval_mode',
			],
		];
		for (const [body, mention] of cases) {
			const res = await api('POST', `/${PHONE}/groups`, body);
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe(100);
			expect(res.body.error.error_data.details).toContain(mention);
		}
		const edge = await api('POST', `/${PHONE}/groups`, {
			messaging_product: 'whatsapp',
			subject: ` ${'a'.repeat(128)} `,
			description: 'd'.repeat(2048),
		});
		expect(edge.status).toBe(200);
	});

	it('accepts form-encoded parameters as Graph does', async () => {
		const res = await request(`${sandbox.graphUrl}/${PHONE}/groups`, {
			method: 'POST',
			headers: {
				authorization: 'Bearer sandbox-token',
				'content-type': 'application/x-www-form-urlencoded',
			},
			body: 'messaging_product=whatsapp&subject=Form%20group',
		});
		expect(res.status).toBe(200);
		expect(res.body.request_id).toEqual(expect.any(String));
	});

	it('deletes: {success:true}, a group_delete webhook with request_id, then 131041', async () => {
		const { groupId } = await createGroup(sandbox, 'Short-lived');
		receiver.clear();
		const res = await api('DELETE', `/${groupId}`);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ success: true });
		const deleted = await receiver.waitFor(
			(d) => change(d).value.groups?.[0]?.type === 'group_delete',
		);
		expect(change(deleted).value.groups[0]).toEqual({
			timestamp: expect.any(String),
			group_id: groupId,
			type: 'group_delete',
			request_id: expect.any(String),
		});
		const again = await api('GET', `/${groupId}?fields=subject`);
		expect(again.status).toBe(400);
		expect(again.body.error.code).toBe(131041);
		expect((await api('DELETE', `/${groupId}`)).body.error.code).toBe(131041);
	});

	it('refuses numbers not eligible (131215) and creation disabled (131214)', async () => {
		const control = controlApi(sandbox);
		await control('POST', `/phone_numbers/${PHONE2}`, { groups_eligible: false });
		const ineligible = await api('POST', `/${PHONE2}/groups`, {
			messaging_product: 'whatsapp',
			subject: 'x',
		});
		expect(ineligible.status).toBe(400);
		expect(ineligible.body.error.code).toBe(131215);
		expect((await api('GET', `/${PHONE2}/groups`)).body.error.code).toBe(131215);
		await control('POST', `/phone_numbers/${PHONE2}`, {
			groups_eligible: true,
			group_creation_disabled: true,
		});
		const disabled = await api('POST', `/${PHONE2}/groups`, {
			messaging_product: 'whatsapp',
			subject: 'x',
		});
		expect(disabled.body.error.code).toBe(131214);
		await control('POST', `/phone_numbers/${PHONE2}`, { group_creation_disabled: false });
	});
});

describe('sandbox: active groups paging', () => {
	let sandbox: RunningSandbox;
	let api: Api;
	beforeAll(async () => {
		sandbox = await startSandbox({ ...FAST, seedGroups: { count: 60, seed: 'paging' } });
		api = graphApi(sandbox);
	});
	afterAll(async () => sandbox.stop());

	it('defaults to 25 per page, newest first, data holding groups', async () => {
		const res = await api('GET', `/${PHONE}/groups`);
		expect(res.status).toBe(200);
		expect(res.body.data.groups).toHaveLength(25);
		expect(res.body.data.groups[0]).toEqual({
			id: expect.any(String),
			subject: 'Seeded group 60',
			// A string of Unix seconds: Meta's API reference types created_at as a string.
			created_at: expect.stringMatching(/^\d+$/),
		});
		const times = res.body.data.groups.map((g: { created_at: string }) => Number(g.created_at));
		expect([...times].sort((a, b) => b - a)).toEqual(times);
		expect(res.body.paging.next).toContain(`/v26.0/${PHONE}/groups?limit=25&after=`);
		expect(res.body.paging.previous).toBeUndefined();
	});

	it('follows after until there is no next, visiting every group once; before goes back', async () => {
		const seen: string[] = [];
		let after: string | undefined;
		let pages = 0;
		let previousPage: { groups: Array<{ id: string }>; before: string } | undefined;
		for (;;) {
			const res = await api(
				'GET',
				`/${PHONE}/groups?limit=7${after ? `&after=${encodeURIComponent(after)}` : ''}`,
			);
			expect(res.status).toBe(200);
			pages++;
			seen.push(...res.body.data.groups.map((g: { id: string }) => g.id));
			if (pages === 2)
				previousPage = { groups: res.body.data.groups, before: res.body.paging.cursors.before };
			if (!res.body.paging.next) break;
			after = res.body.paging.cursors.after;
		}
		expect(pages).toBe(9);
		expect(seen).toHaveLength(60);
		expect(new Set(seen).size).toBe(60);
		const back = await api(
			'GET',
			`/${PHONE}/groups?limit=7&before=${encodeURIComponent(previousPage!.before)}`,
		);
		expect(back.body.data.groups.map((g: { id: string }) => g.id)).toEqual(seen.slice(0, 7));
		expect(back.body.paging.next).toBeDefined();
		expect(back.body.paging.previous).toBeUndefined();
	});

	it('answers the last page without next', async () => {
		const res = await api('GET', `/${PHONE}/groups?limit=1024`);
		expect(res.body.data.groups).toHaveLength(60);
		expect(res.body.paging.next).toBeUndefined();
		expect(res.body.paging.cursors.after).toEqual(expect.any(String));
	});

	it('refuses limits outside 1–1024 with code 100', async () => {
		for (const limit of ['0', '1025', 'abc', '2.5']) {
			const res = await api('GET', `/${PHONE}/groups?limit=${limit}`);
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe(100);
		}
	});

	it('answers 131059 with HTTP 400 for tampered and expired cursors', async () => {
		const first = await api('GET', `/${PHONE}/groups?limit=5`);
		const after: string = first.body.paging.cursors.after;
		const tampered = await api('GET', `/${PHONE}/groups?after=${encodeURIComponent(`x${after}`)}`);
		expect(tampered.status).toBe(400);
		expect(tampered.body.error.code).toBe(131059);
		expect((await api('GET', `/${PHONE}/groups?after=${encodeURIComponent(after)}`)).status).toBe(
			200,
		);
		await controlApi(sandbox)('POST', '/cursors/expire');
		const expired = await api('GET', `/${PHONE}/groups?after=${encodeURIComponent(after)}`);
		expect(expired.status).toBe(400);
		expect(expired.body.error).toMatchObject({
			code: 131059,
			error_data: { details: expect.stringContaining('expired') },
		});
	});

	it('expires cursors after the configured time to live', async () => {
		const short = await startSandbox({ ...FAST, cursorTtlMs: 30, seedGroups: 3 });
		try {
			const a = graphApi(short);
			const first = await a('GET', `/${PHONE}/groups?limit=1`);
			await new Promise((resolve) => short.state.later(60, () => resolve(undefined)));
			const res = await a(
				'GET',
				`/${PHONE}/groups?limit=1&after=${encodeURIComponent(first.body.paging.cursors.after)}`,
			);
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe(131059);
		} finally {
			await short.stop();
		}
	});

	it('refuses a 10,001st group with 131211', async () => {
		const full = await startSandbox({ ...FAST, seedGroups: 10000 });
		try {
			const res = await graphApi(full)('POST', `/${PHONE}/groups`, {
				messaging_product: 'whatsapp',
				subject: 'one more',
			});
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe(131211);
		} finally {
			await full.stop();
		}
	});
});

describe('sandbox: invite links and settings', () => {
	let sandbox: RunningSandbox;
	let receiver: Receiver;
	let api: Api;
	useSubscribedSandbox((fixture) => ({ sandbox, receiver, api } = fixture));

	it('gets and resets the invite link; the old link stops working', async () => {
		const { groupId } = await createGroup(sandbox, 'Links');
		const first = await api('GET', `/${groupId}/invite_link`);
		expect(first.status).toBe(200);
		expect(first.body).toEqual({
			messaging_product: 'whatsapp',
			invite_link: expect.stringMatching(/^https:\/\/chat\.whatsapp\.com\//),
		});
		const noProduct = await api('POST', `/${groupId}/invite_link`, {});
		expect(noProduct.body.error.code).toBe(100);
		const reset = await api('POST', `/${groupId}/invite_link`, { messaging_product: 'whatsapp' });
		expect(reset.status).toBe(200);
		expect(reset.body.invite_link).not.toBe(first.body.invite_link);
		expect((await api('GET', `/${groupId}/invite_link`)).body.invite_link).toBe(
			reset.body.invite_link,
		);
		const control = controlApi(sandbox);
		const old = await control('POST', '/users/join', {
			invite_link: first.body.invite_link,
			phone: '15550009999',
		});
		expect(old.status).toBe(404);
		const fresh = await control('POST', '/users/join', {
			invite_link: reset.body.invite_link,
			phone: '15550009999',
		});
		expect(fresh.status).toBe(200);
		expect(fresh.body).toEqual({ group_id: groupId, joined: true });
	});

	it('updates subject and description with a group_settings_update webhook', async () => {
		const { groupId } = await createGroup(sandbox, 'Before');
		receiver.clear();
		const res = await api('POST', `/${groupId}`, {
			messaging_product: 'whatsapp',
			subject: '  After  ',
			description: 'New text',
		});
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ success: true });
		const d = await receiver.waitFor((x) => change(x).field === 'group_settings_update');
		expect(change(d).value.groups[0]).toEqual({
			timestamp: expect.any(String),
			group_id: groupId,
			type: 'group_settings_update',
			request_id: expect.any(String),
			group_subject: { text: 'After', update_successful: true },
			group_description: { text: 'New text', update_successful: true },
		});
		const info = await api('GET', `/${groupId}?fields=subject,description`);
		expect(info.body).toMatchObject({ subject: 'After', description: 'New text' });
	});

	it('validates settings: limits, nothing to update, unknown group', async () => {
		const { groupId } = await createGroup(sandbox, 'Limits');
		const long = await api('POST', `/${groupId}`, {
			messaging_product: 'whatsapp',
			subject: 's'.repeat(129),
		});
		expect(long.body.error.code).toBe(100);
		const longDescription = await api('POST', `/${groupId}`, {
			messaging_product: 'whatsapp',
			description: 'd'.repeat(2049),
		});
		expect(longDescription.body.error.code).toBe(100);
		const nothing = await api('POST', `/${groupId}`, { messaging_product: 'whatsapp' });
		expect(nothing.body.error.code).toBe(100);
		const unknown = await api('POST', '/Tm9Hcm91cA', {
			messaging_product: 'whatsapp',
			subject: 'x',
		});
		expect(unknown.body.error.code).toBe(131041);
	});

	async function upload(groupId: string, data: Buffer, contentType = 'image/jpeg', field = 'file') {
		const form = multipart(
			{ messaging_product: 'whatsapp' },
			{ field, filename: 'p.jpg', contentType, data },
		);
		return api('POST', `/${groupId}`, undefined, {
			raw: form.body,
			headers: { 'content-type': form.contentType },
		});
	}

	it('takes a square JPEG profile picture (multipart, part "file" or "profile_picture_file")', async () => {
		const { groupId } = await createGroup(sandbox, 'Picture');
		receiver.clear();
		const jpeg = makeJpeg(640, 640);
		const res = await upload(groupId, jpeg);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ success: true });
		const d = await receiver.waitFor((x) => change(x).field === 'group_settings_update');
		const item = change(d).value.groups[0];
		expect(item.profile_picture).toEqual({
			mime_type: 'image/jpeg',
			sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
			update_successful: true,
		});
		expect(item.group_subject).toBeUndefined();
		expect(
			(await upload(groupId, makeJpeg(192, 192), 'image/jpeg', 'profile_picture_file')).status,
		).toBe(200);
		await sandbox.idle();
		expect(sandbox.state.groups.get(groupId)!.profile_picture).toMatchObject({
			width: 192,
			height: 192,
		});
	});

	it('refuses what is not a JPEG ≤5 MB at once (100); a picture not square (131209) or under 192 px (131210) fails only in its webhook', async () => {
		const { groupId } = await createGroup(sandbox, 'Checks');
		const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000100000001000806000000', 'hex');
		const notJpeg = await upload(groupId, png, 'image/png');
		expect(notJpeg.status).toBe(400);
		expect(notJpeg.body.error.code).toBe(100);
		const disguised = await upload(groupId, png, 'image/jpeg');
		expect(disguised.body.error.code).toBe(100);
		const big = await upload(groupId, makeJpeg(800, 800, 5 * 1024 * 1024 + 10));
		expect(big.status).toBe(400);
		expect(big.body.error.error_data.details).toContain('5 MB');
		const atLimit = await upload(groupId, makeJpeg(800, 800, 5 * 1024 * 1024));
		expect(atLimit.status).toBe(200);
		await sandbox.idle();
		const applied = sandbox.state.groups.get(groupId)!.profile_picture;
		// Earlier versions answered 131209 / 131210 at once; Meta reports a failed picture by webhook.
		receiver.clear();
		const wide = await upload(groupId, makeJpeg(400, 300));
		expect(wide.status).toBe(200);
		expect(wide.body).toEqual({ success: true });
		const wideHook = await receiver.waitFor((x) => change(x).field === 'group_settings_update');
		expect(change(wideHook).value.groups[0]).toEqual({
			timestamp: expect.stringMatching(/^\d+$/),
			group_id: groupId,
			type: 'group_settings_update',
			request_id: expect.any(String),
			profile_picture: {
				mime_type: 'image/jpeg',
				sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
				update_successful: false,
				errors: [
					{
						code: 131209,
						message: expect.any(String),
						title: expect.any(String),
						error_data: { details: 'The profile picture is 400x300; it must be square' },
					},
				],
			},
			errors: [expect.objectContaining({ code: 131209 })],
		});
		receiver.clear();
		const small = await upload(groupId, makeJpeg(191, 191));
		expect(small.status).toBe(200);
		const smallHook = await receiver.waitFor((x) => change(x).field === 'group_settings_update');
		expect(change(smallHook).value.groups[0].profile_picture.errors[0].code).toBe(131210);
		expect(sandbox.state.groups.get(groupId)!.profile_picture).toBe(applied);
		const noFile = await api('POST', `/${groupId}`, undefined, {
			raw: multipart({ messaging_product: 'whatsapp' }, undefined).body,
			headers: { 'content-type': multipart({}, undefined).contentType },
		});
		expect(noFile.body.error.code).toBe(100);
	});

	it('refuses changes to a suspended group with 131207 / HTTP 403, but still answers info', async () => {
		const { groupId } = await createGroup(sandbox, 'Suspended');
		await controlApi(sandbox)('POST', `/groups/${groupId}/suspend`);
		for (const [method, path, body] of [
			['POST', `/${groupId}`, { messaging_product: 'whatsapp', subject: 'x' }],
			['GET', `/${groupId}/invite_link`, undefined],
			['POST', `/${groupId}/invite_link`, { messaging_product: 'whatsapp' }],
			[
				'DELETE',
				`/${groupId}/participants`,
				{ messaging_product: 'whatsapp', participants: [{ user: '1' }] },
			],
			[
				'POST',
				`/${PHONE}/messages`,
				{
					messaging_product: 'whatsapp',
					recipient_type: 'group',
					to: groupId,
					type: 'text',
					text: { body: 'hi' },
				},
			],
		] as Array<[string, string, unknown]>) {
			const res = await api(method, path, body);
			expect(res.status).toBe(403);
			expect(res.body.error.code).toBe(131207);
		}
		const info = await api('GET', `/${groupId}?fields=suspended`);
		expect(info.body).toEqual({ messaging_product: 'whatsapp', id: groupId, suspended: true });
	});
});
