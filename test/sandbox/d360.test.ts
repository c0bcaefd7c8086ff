/**
 * The sandbox in 360dialog's dialect: the same state as the Graph dialect, reached with a
 * number's API key on 360dialog's paths; 360dialog's own errors; the number's webhook
 * (GET/POST /v1/configs/webhook) and its unsigned deliveries carrying the registered headers.
 */
import {
	change,
	controlApi,
	createGroup,
	d360Api,
	D360_KEY2,
	FAST,
	graphApi,
	PHONE,
	PHONE2,
	startReceiver,
	startSandbox,
	type Api,
	type Receiver,
	type RunningSandbox,
} from '../support/sandbox';

let sandbox: RunningSandbox;
let d360: Api;
let receiver: Receiver | undefined;

beforeEach(async () => {
	sandbox = await startSandbox(FAST);
	d360 = d360Api(sandbox);
});
afterEach(async () => {
	await sandbox.stop();
	await receiver?.stop();
	receiver = undefined;
});

describe('360dialog dialect: the key', () => {
	it('answers a missing, wrong or Bearer-only key with 401 and 360dialog\'s {"error": text}', async () => {
		const expected = { error: 'Unauthorized - Invalid or missing D360-API-KEY' };
		const missing = await d360Api(sandbox, null)('GET', '/groups');
		expect([missing.status, missing.body]).toEqual([401, expected]);
		const wrong = await d360Api(sandbox, 'not-a-key')('GET', '/groups');
		expect([wrong.status, wrong.body]).toEqual([401, expected]);
		const bearer = await d360Api(sandbox, null)('GET', '/groups', undefined, {
			headers: { authorization: `Bearer ${sandbox.config.access_token}` },
		});
		expect([bearer.status, bearer.body]).toEqual([401, expected]);
	});

	it('lists the config of each number with its key', () => {
		expect(sandbox.config.phone_numbers.map((p) => [p.id, p.d360_api_key])).toEqual([
			[PHONE, 'sandbox-360dialog-key-1'],
			[PHONE2, 'sandbox-360dialog-key-2'],
		]);
		expect(sandbox.config.d360_base_url).toBe(sandbox.url);
	});

	it('answers an unknown path or method with 404 / 405 in its own shape', async () => {
		const unknown = await d360('GET', '/groups/x/members');
		expect([unknown.status, unknown.body]).toEqual([
			404,
			{ error: 'Not Found: GET /groups/x/members' },
		]);
		const method = await d360('DELETE', '/messages');
		expect([method.status, method.body]).toEqual([
			405,
			{ error: 'Method Not Allowed: DELETE /messages' },
		]);
		const proto = await d360('GET', '/groups/x/constructor');
		expect(proto.status).toBe(404);
	});
});

describe('360dialog dialect: groups of the key’s number, the same state as Meta’s', () => {
	it('creates on /groups and lists only the number of the key', async () => {
		const created = await d360('POST', '/groups', {
			messaging_product: 'whatsapp',
			subject: 'Via 360dialog',
		});
		expect(created.status).toBe(200);
		// Meta's answer passed through (360dialog's reference documents `id`: unconfirmed).
		expect(Object.keys(created.body).sort()).toEqual(['messaging_product', 'request_id']);
		await sandbox.idle();
		await createGroup(sandbox, 'Other number', {}, PHONE2);
		const mine = await d360('GET', '/groups?limit=10');
		expect(mine.body.data.groups.map((g: { subject: string }) => g.subject)).toEqual([
			'Via 360dialog',
		]);
		const theirs = await d360Api(sandbox, D360_KEY2)('GET', '/groups');
		expect(theirs.body.data.groups.map((g: { subject: string }) => g.subject)).toEqual([
			'Other number',
		]);
		// Meta's dialect sees the group created through 360dialog's.
		const graph = await graphApi(sandbox)('GET', `/${PHONE}/groups`);
		expect(graph.body.data.groups.map((g: { subject: string }) => g.subject)).toEqual([
			'Via 360dialog',
		]);
	});

	it("keeps Meta's paging (its next link points at Meta's path, which the nodes never follow)", async () => {
		sandbox.state.seed({ count: 3, phone_number_id: PHONE, seed: 'p' });
		const first = await d360('GET', '/groups?limit=2');
		expect(first.body.data.groups).toHaveLength(2);
		expect(first.body.paging.next).toBe(
			`${sandbox.url}/v27.0/${PHONE}/groups?limit=2&after=${encodeURIComponent(first.body.paging.cursors.after)}`,
		);
		const second = await d360(
			'GET',
			`/groups?limit=2&after=${encodeURIComponent(first.body.paging.cursors.after)}`,
		);
		expect(second.body.data.groups).toHaveLength(1);
		expect(second.body.paging.next).toBeUndefined();
	});

	it('serves info, update, invite link, join requests, participants, messages and delete on /groups/<id>', async () => {
		const { groupId } = await createGroup(sandbox, 'Full tour', {
			join_approval_mode: 'approval_required',
		});
		sandbox.state.simRequest({ group_id: groupId, phone: '4915100000001' });
		sandbox.state.simRequest({ group_id: groupId, phone: '4915100000002' });
		await sandbox.idle();

		const requests = await d360('GET', `/groups/${groupId}/join_requests`);
		expect(requests.body.data).toHaveLength(2);
		const first = requests.body.data.find(
			(r: { wa_id: string }) => r.wa_id === '4915100000001',
		).join_request_id;
		const approved = await d360('POST', `/groups/${groupId}/join_requests`, {
			messaging_product: 'whatsapp',
			join_requests: [first],
		});
		expect(approved.body.approved_join_requests).toEqual([first]);
		await sandbox.idle();
		const info = await d360('GET', `/groups/${groupId}?fields=subject,total_participant_count`);
		expect(info.body).toEqual({
			messaging_product: 'whatsapp',
			id: groupId,
			subject: 'Full tour',
			total_participant_count: 1,
		});
		const update = await d360('POST', `/groups/${groupId}`, {
			messaging_product: 'whatsapp',
			subject: 'Renamed',
		});
		expect(update.status).toBe(200);
		const link = await d360('GET', `/groups/${groupId}/invite_link`);
		expect(link.body.invite_link).toMatch(/^https:\/\/chat\.whatsapp\.com\//);
		const reset = await d360('POST', `/groups/${groupId}/invite_link`, {
			messaging_product: 'whatsapp',
		});
		expect(reset.body.invite_link).not.toBe(link.body.invite_link);
		const rejected = await d360('DELETE', `/groups/${groupId}/join_requests`, {
			messaging_product: 'whatsapp',
			join_requests: requests.body.data
				.map((r: { join_request_id: string }) => r.join_request_id)
				.filter((id: string) => id !== first),
		});
		expect(rejected.body.rejected_join_requests).toHaveLength(1);
		const sent = await d360('POST', '/messages', {
			messaging_product: 'whatsapp',
			recipient_type: 'group',
			to: groupId,
			type: 'text',
			text: { body: 'hello' },
		});
		expect(sent.body.messages[0].id).toMatch(/^wamid\./);
		const removed = await d360('DELETE', `/groups/${groupId}/participants`, {
			messaging_product: 'whatsapp',
			participants: [{ user: '4915100000001' }],
		});
		expect(removed.status).toBe(200);
		await sandbox.idle();
		const renamed = await d360('GET', `/groups/${groupId}?fields=subject`);
		expect(renamed.body.subject).toBe('Renamed');
		const deleted = await d360('DELETE', `/groups/${groupId}`);
		expect(deleted.body).toEqual({ success: true });
		await sandbox.idle();
		expect(sandbox.state.groups.has(groupId)).toBe(false);
	});

	it("answers a group of another number as unknown (131041, Meta's error passed through)", async () => {
		const { groupId } = await createGroup(sandbox, 'Not yours', {}, PHONE2);
		const res = await d360('GET', `/groups/${groupId}/invite_link`);
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe(131041);
	});
});

describe('360dialog dialect: the number’s webhook', () => {
	it('reads {} while none is set, sets URL and headers, reads them back, and each number has its own', async () => {
		expect((await d360('GET', '/v1/configs/webhook')).body).toEqual({});
		const set = await d360('POST', '/v1/configs/webhook', {
			url: 'https://n8n.example.com/webhook/abc/webhook',
			headers: { 'X-Token': 'secret-1' },
		});
		expect([set.status, set.body]).toEqual([
			200,
			{ url: 'https://n8n.example.com/webhook/abc/webhook', headers: { 'X-Token': 'secret-1' } },
		]);
		expect((await d360('GET', '/v1/configs/webhook')).body).toEqual(set.body);
		expect((await d360Api(sandbox, D360_KEY2)('GET', '/v1/configs/webhook')).body).toEqual({});
		// Setting again replaces it; there is no delete.
		await d360('POST', '/v1/configs/webhook', { url: 'https://other.example.com/hook' });
		expect((await d360('GET', '/v1/configs/webhook')).body).toEqual({
			url: 'https://other.example.com/hook',
			headers: {},
		});
		expect((await d360('DELETE', '/v1/configs/webhook')).status).toBe(405);
	});

	it.each([
		[
			'an underscore in the host',
			'https://my_host.example.com/hook',
			'Webhook URLs do not support "_" (underscore) in domain names',
		],
		[
			'a port on a public host',
			'https://n8n.example.com:5678/hook',
			'Webhook URLs do not support a port (":xxxx") in domain names',
		],
		['no URL', '', 'url is required'],
		['not a URL', 'not a url', 'Invalid webhook URL not a url'],
		['another scheme', 'ftp://n8n.example.com/hook', 'The webhook URL must be http or https'],
	])('refuses %s', async (_what, url, message) => {
		const res = await d360('POST', '/v1/configs/webhook', { url });
		expect([res.status, res.body]).toEqual([400, { error: message }]);
		expect((await d360('GET', '/v1/configs/webhook')).body).toEqual({});
	});

	it('refuses a header name with an underscore', async () => {
		const res = await d360('POST', '/v1/configs/webhook', {
			url: 'https://n8n.example.com/hook',
			headers: { X_Token: 'a' },
		});
		expect([res.status, res.body]).toEqual([400, { error: 'Invalid header name "X_Token"' }]);
	});

	it("delivers every webhook of the number there, Meta's envelope, unsigned, with the registered headers; the other number's go Meta's way", async () => {
		receiver = await startReceiver();
		await d360('POST', '/v1/configs/webhook', {
			url: receiver.url,
			headers: { 'X-WhatsApp-Groups-Token': 'abc123' },
		});
		const { groupId } = await createGroup(sandbox, 'Hooked');
		sandbox.state.simJoin({ group_id: groupId, phone: '4915100000009' });
		await sandbox.idle();
		sandbox.state.simMessage({ group_id: groupId, phone: '4915100000009', text: 'hi' });
		await createGroup(sandbox, 'Elsewhere', {}, PHONE2);
		await sandbox.idle();
		expect(receiver.deliveries.map((d) => change(d).field)).toEqual([
			'group_lifecycle_update',
			'group_participants_update',
			'messages',
		]);
		for (const delivery of receiver.deliveries) {
			expect(delivery.headers['x-whatsapp-groups-token']).toBe('abc123');
			expect(delivery.headers['x-hub-signature-256']).toBeUndefined();
			expect(delivery.headers['x-hub-signature']).toBeUndefined();
			expect(delivery.body.object).toBe('whatsapp_business_account');
			expect(change(delivery).value.metadata.phone_number_id).toBe(PHONE);
		}
		const log = await controlApi(sandbox)('GET', '/deliveries');
		const other = log.body.deliveries.find(
			(d: { phone_number_id: string }) => d.phone_number_id === PHONE2,
		);
		expect(other.url).not.toBe(receiver.url);
	});

	it('sends a hand-made webhook with the headers as registered, with other values, or without them', async () => {
		receiver = await startReceiver();
		await d360('POST', '/v1/configs/webhook', {
			url: receiver.url,
			headers: { 'X-WhatsApp-Groups-Token': 'abc123' },
		});
		const control = controlApi(sandbox);
		for (const signature of ['valid', 'invalid', 'missing']) {
			const res = await control('POST', '/webhooks/send', {
				field: 'group_status_update',
				value: { groups: [] },
				signature,
			});
			expect(res.status).toBe(200);
		}
		expect(receiver.deliveries.map((d) => d.headers['x-whatsapp-groups-token'])).toEqual([
			'abc123',
			'not-abc123',
			undefined,
		]);
		expect(receiver.deliveries.every((d) => d.headers['x-hub-signature-256'] === undefined)).toBe(
			true,
		);
	});

	it('redelivers byte for byte with the same headers', async () => {
		receiver = await startReceiver();
		await d360('POST', '/v1/configs/webhook', { url: receiver.url, headers: { 'X-T': 'v' } });
		await createGroup(sandbox, 'Again');
		await sandbox.idle();
		const control = controlApi(sandbox);
		const log = await control('GET', '/deliveries');
		const first = log.body.deliveries[0];
		expect(first.signature).toBeNull();
		expect(first.headers).toEqual({ 'X-T': 'v' });
		await control('POST', `/deliveries/${first.id}/redeliver`);
		await sandbox.idle();
		expect(receiver.deliveries).toHaveLength(2);
		expect(receiver.deliveries[1].raw).toBe(receiver.deliveries[0].raw);
		expect(receiver.deliveries[1].headers['x-t']).toBe('v');
	});
});
