import {
	startSandbox,
	startReceiver,
	graphApi,
	controlApi,
	createGroup,
	change,
	sign,
	FAST,
	APP,
	WABA,
	PHONE,
	PHONE2,
	type RunningSandbox,
	type Receiver,
	type Api,
} from '../support/sandbox';

const APP_TOKEN = `${APP}|whsec-test`;
const ALL = [
	'group_lifecycle_update',
	'group_participants_update',
	'group_settings_update',
	'group_status_update',
	'messages',
];

let sandbox: RunningSandbox;
let api: Api;
let control: Api;
const receivers: Receiver[] = [];

async function receiver(
	options: { verifyToken?: string; status?: number; challengeStatus?: number } = {},
): Promise<Receiver> {
	const r = await startReceiver({ appSecret: 'whsec-test', ...options });
	receivers.push(r);
	return r;
}

beforeEach(async () => {
	sandbox = await startSandbox({ ...FAST, appSecret: 'whsec-test' });
	api = graphApi(sandbox);
	control = controlApi(sandbox);
});
afterEach(async () => {
	await sandbox.stop();
	while (receivers.length) await receivers.pop()!.stop();
});

const subscribe = (callback: string, fields: string[] | string = ALL, verifyToken = 'verify-me') =>
	api(
		'POST',
		`/${APP}/subscriptions`,
		{
			object: 'whatsapp_business_account',
			callback_url: callback,
			verify_token: verifyToken,
			fields,
		},
		{ token: APP_TOKEN },
	);

describe('sandbox: app subscriptions', () => {
	it('verifies the callback with the GET challenge before accepting it', async () => {
		const r = await receiver({ verifyToken: 'tok-1' });
		const res = await subscribe(r.url, ALL, 'tok-1');
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ success: true });
		expect(r.challenges).toEqual([
			{
				mode: 'subscribe',
				token: 'tok-1',
				challenge: expect.stringMatching(/^\d+$/),
				answered: 200,
			},
		]);
		const list = await api('GET', `/${APP}/subscriptions`, undefined, { token: APP_TOKEN });
		expect(list.body).toEqual({
			data: [
				{
					object: 'whatsapp_business_account',
					callback_url: r.url,
					active: true,
					fields: ALL.map((name) => ({ name, version: 'v27.0' })),
				},
			],
		});
	});

	it('refuses a callback that fails the challenge (2200) and keeps nothing', async () => {
		const r = await receiver({ verifyToken: 'right' });
		const res = await subscribe(r.url, ALL, 'wrong');
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe(2200);
		expect(res.body.error.message).toContain('HTTP Status Code = 403');
		expect(
			(await api('GET', `/${APP}/subscriptions`, undefined, { token: APP_TOKEN })).body,
		).toEqual({ data: [] });
		const unreachable = await subscribe('http://127.0.0.1:9/webhook');
		expect(unreachable.body.error.code).toBe(2200);
	});

	it('refuses a challenge answered with anything but the challenge', async () => {
		const r = await receiver({ challengeStatus: 201 });
		const res = await subscribe(r.url);
		expect(res.body.error.code).toBe(2200);
	});

	it('needs the app token (code 15) and the right parameters', async () => {
		const r = await receiver();
		const userToken = await api('POST', `/${APP}/subscriptions`, {
			object: 'whatsapp_business_account',
			callback_url: r.url,
			verify_token: 'verify-me',
			fields: 'messages',
		});
		expect(userToken.body.error.code).toBe(15);
		expect((await api('GET', `/${APP}/subscriptions`)).body.error.code).toBe(15);
		const noObject = await api(
			'POST',
			`/${APP}/subscriptions`,
			{ callback_url: r.url, verify_token: 'verify-me', fields: 'messages' },
			{ token: APP_TOKEN },
		);
		expect(noObject.body.error.code).toBe(100);
		const noFields = await api(
			'POST',
			`/${APP}/subscriptions`,
			{ object: 'whatsapp_business_account', callback_url: r.url, verify_token: 'verify-me' },
			{ token: APP_TOKEN },
		);
		expect(noFields.body.error.code).toBe(100);
		const wabaWithAppToken = await api('GET', `/${WABA}/subscribed_apps`, undefined, {
			token: APP_TOKEN,
		});
		expect(wabaWithAppToken.status).toBe(403);
	});

	it('delivers only the fields the app subscribed to; DELETE with fields removes just those', async () => {
		const r = await receiver();
		expect((await subscribe(r.url, 'group_lifecycle_update,messages')).status).toBe(200);
		const { groupId } = await createGroup(sandbox, 'Fields');
		await control('POST', `/groups/${groupId}/suspend`);
		await sandbox.idle();
		expect(r.deliveries.map((d) => change(d).field)).toEqual(['group_lifecycle_update']);
		const skipped = (await control('GET', '/deliveries?field=group_status_update')).body.deliveries;
		expect(skipped).toEqual([
			expect.objectContaining({
				status: 'skipped',
				reason: 'the app is not subscribed to group_status_update',
				url: null,
			}),
		]);
		const del = await api(
			'DELETE',
			`/${APP}/subscriptions?object=whatsapp_business_account&fields=group_lifecycle_update`,
			undefined,
			{ token: APP_TOKEN },
		);
		expect(del.body).toEqual({ success: true });
		const list = await api('GET', `/${APP}/subscriptions`, undefined, { token: APP_TOKEN });
		expect(list.body.data[0].fields).toEqual([{ name: 'messages', version: 'v27.0' }]);
		await api('DELETE', `/${APP}/subscriptions?object=whatsapp_business_account`, undefined, {
			token: APP_TOKEN,
		});
		expect(
			(await api('GET', `/${APP}/subscriptions`, undefined, { token: APP_TOKEN })).body,
		).toEqual({ data: [] });
	});
});

describe('sandbox: signed deliveries', () => {
	it("signs the raw body with the app secret (X-Hub-Signature-256) in Meta's envelope", async () => {
		const r = await receiver();
		await subscribe(r.url);
		await createGroup(sandbox, 'Signed');
		const d = await r.waitFor(() => true);
		expect(d.signature).toBe(sign(d.raw, 'whsec-test'));
		expect(d.signatureValid).toBe(true);
		expect(d.headers['content-type']).toBe('application/json');
		expect(Object.keys(d.body)).toEqual(['object', 'entry']);
		expect(Object.keys(d.body.entry![0])).toEqual(['id', 'changes']);
		expect(Object.keys(change(d).value)).toEqual(['messaging_product', 'metadata', 'groups']);
	});

	it('retries deliveries not answered with 200 and records the attempts', async () => {
		const r = await receiver({ status: 500 });
		await subscribe(r.url);
		await createGroup(sandbox, 'Retry');
		const records = (await control('GET', '/deliveries')).body.deliveries;
		expect(records).toHaveLength(1);
		expect(records[0]).toMatchObject({
			status: 'failed',
			attempts: 3,
			response_statuses: [500, 500, 500],
			url: r.url,
		});
		r.setStatus(200);
		await createGroup(sandbox, 'Retry 2');
		const ok = (await control('GET', '/deliveries')).body.deliveries[1];
		expect(ok).toMatchObject({ status: 'delivered', attempts: 1, response_statuses: [200] });
	});

	it('delivers nothing when the app is not subscribed to the WABA', async () => {
		const r = await receiver();
		await subscribe(r.url);
		expect((await api('DELETE', `/${WABA}/subscribed_apps`)).body).toEqual({ success: true });
		expect((await api('GET', `/${WABA}/subscribed_apps`)).body).toEqual({ data: [] });
		await createGroup(sandbox, 'Silent');
		expect(r.deliveries).toHaveLength(0);
		expect((await control('GET', '/deliveries')).body.deliveries[0].reason).toContain(
			'subscribed_apps',
		);
		expect((await api('POST', `/${WABA}/subscribed_apps`, {})).body).toEqual({ success: true });
		await createGroup(sandbox, 'Heard');
		expect(r.deliveries).toHaveLength(1);
	});
});

describe('sandbox: overrides and routing', () => {
	it('routes phone override → WABA override → app callback', async () => {
		const app = await receiver();
		const waba = await receiver({ verifyToken: 'waba-token' });
		const phone = await receiver({ verifyToken: 'phone-token' });
		await subscribe(app.url);

		const wabaRes = await api('POST', `/${WABA}/subscribed_apps`, {
			override_callback_uri: waba.url,
			verify_token: 'waba-token',
		});
		expect(wabaRes.body).toEqual({ success: true });
		expect(waba.challenges).toHaveLength(1);
		const listed = await api('GET', `/${WABA}/subscribed_apps`);
		expect(listed.body).toEqual({
			data: [
				{
					whatsapp_business_api_data: { id: APP, name: 'Sandbox App', link: expect.any(String) },
					override_callback_uri: waba.url,
				},
			],
		});

		const phoneRes = await api('POST', `/${PHONE}`, {
			webhook_configuration: { override_callback_uri: phone.url, verify_token: 'phone-token' },
		});
		expect(phoneRes.body).toEqual({ success: true });
		expect(phone.challenges).toHaveLength(1);
		const config = await api('GET', `/${PHONE}?fields=webhook_configuration`);
		expect(config.body).toEqual({
			webhook_configuration: {
				application: app.url,
				whatsapp_business_account: waba.url,
				phone_number: phone.url,
			},
			id: PHONE,
		});
		const config2 = await api('GET', `/${PHONE2}?fields=webhook_configuration`);
		expect(config2.body).toEqual({
			webhook_configuration: { application: app.url, whatsapp_business_account: waba.url },
			id: PHONE2,
		});

		await createGroup(sandbox, 'On phone 1', {}, PHONE);
		await createGroup(sandbox, 'On phone 2', {}, PHONE2);
		expect(phone.deliveries.map((d) => change(d).value.metadata.phone_number_id)).toEqual([PHONE]);
		expect(waba.deliveries.map((d) => change(d).value.metadata.phone_number_id)).toEqual([PHONE2]);
		expect(app.deliveries).toHaveLength(0);

		// Removing the overrides falls back step by step.
		await api('POST', `/${PHONE}`, { webhook_configuration: { override_callback_uri: '' } });
		await createGroup(sandbox, 'Back to WABA');
		expect(waba.deliveries).toHaveLength(2);
		await api('POST', `/${WABA}/subscribed_apps`, {});
		await createGroup(sandbox, 'Back to app');
		expect(app.deliveries).toHaveLength(1);
	});

	it('checks overrides with the challenge before accepting them', async () => {
		const r = await receiver({ verifyToken: 'right' });
		const waba = await api('POST', `/${WABA}/subscribed_apps`, {
			override_callback_uri: r.url,
			verify_token: 'wrong',
		});
		expect(waba.status).toBe(400);
		expect(waba.body.error.code).toBe(2200);
		expect(
			(await api('GET', `/${WABA}/subscribed_apps`)).body.data[0].override_callback_uri,
		).toBeUndefined();
		const phone = await api('POST', `/${PHONE}`, {
			webhook_configuration: { override_callback_uri: r.url, verify_token: 'wrong' },
		});
		expect(phone.body.error.code).toBe(2200);
		expect(
			(await api('GET', `/${PHONE}?fields=webhook_configuration`)).body.webhook_configuration,
		).toEqual({});
		const long = await api('POST', `/${WABA}/subscribed_apps`, {
			override_callback_uri: `${r.url}?${'x'.repeat(200)}`,
			verify_token: 'right',
		});
		expect(long.body.error.code).toBe(100);
		const noToken = await api('POST', `/${PHONE}`, {
			webhook_configuration: { override_callback_uri: r.url },
		});
		expect(noToken.body.error.code).toBe(100);
	});

	it("still applies the app's field subscription to overrides", async () => {
		const app = await receiver();
		const phone = await receiver();
		await subscribe(app.url, ['messages']);
		await api('POST', `/${PHONE}`, {
			webhook_configuration: { override_callback_uri: phone.url, verify_token: 'verify-me' },
		});
		await createGroup(sandbox, 'Not delivered');
		expect(phone.deliveries).toHaveLength(0);
		expect(app.deliveries).toHaveLength(0);
	});
});

describe('sandbox: hand-made webhooks and redeliveries', () => {
	it('sends a webhook signed validly, wrongly or not at all, and reports the answer', async () => {
		const r = await receiver();
		await subscribe(r.url);
		const value = { groups: [{ timestamp: '1', group_id: 'G', type: 'group_suspend' }] };
		const ok = await control('POST', '/webhooks/send', { field: 'group_status_update', value });
		expect(ok.body).toEqual({
			url: r.url,
			signature: 'valid',
			status: 200,
			response: 'EVENT_RECEIVED',
		});
		expect(r.deliveries[0].signatureValid).toBe(true);
		expect(change(r.deliveries[0])).toEqual({
			value: {
				messaging_product: 'whatsapp',
				metadata: { display_phone_number: '15550001001', phone_number_id: PHONE },
				...value,
			},
			field: 'group_status_update',
		});
		await control('POST', '/webhooks/send', {
			field: 'group_status_update',
			value,
			signature: 'invalid',
		});
		expect(r.deliveries[1].signatureValid).toBe(false);
		expect(r.deliveries[1].signature).toMatch(/^sha256=[0-9a-f]{64}$/);
		await control('POST', '/webhooks/send', {
			field: 'messages',
			raw: '{"object":"x"}',
			signature: 'missing',
		});
		expect(r.deliveries[2]).toMatchObject({
			raw: '{"object":"x"}',
			signature: undefined,
			signatureValid: false,
		});
		expect(
			(await control('POST', '/webhooks/send', { field: 'messages', signature: 'odd' })).status,
		).toBe(400);
	});

	it('refuses to send when nothing is routed, unless given a url', async () => {
		const r = await receiver();
		const none = await control('POST', '/webhooks/send', { field: 'messages', value: {} });
		expect(none.status).toBe(409);
		const direct = await control('POST', '/webhooks/send', {
			field: 'messages',
			value: {},
			url: r.url,
		});
		expect(direct.body.status).toBe(200);
	});

	it('redelivers a recorded webhook byte for byte', async () => {
		const r = await receiver();
		await subscribe(r.url);
		await createGroup(sandbox, 'Twice');
		const [first] = (await control('GET', '/deliveries')).body.deliveries;
		const again = await control('POST', `/deliveries/${first.id}/redeliver`);
		expect(again.body).toMatchObject({
			redelivery_of: first.id,
			url: r.url,
			delivery: { status: 'delivered', attempts: 1 },
		});
		expect(r.deliveries).toHaveLength(2);
		expect(r.deliveries[1].raw).toBe(r.deliveries[0].raw);
		expect(r.deliveries[1].signature).toBe(r.deliveries[0].signature);
		expect((await control('POST', '/deliveries/999/redeliver')).status).toBe(404);
	});
});
