/*
 * "Listen for test event" gives every destination back as it found it (issue 11, item 2).
 *
 * n8n 2.40.7 registers a test URL through the same webhook methods as a published workflow: create
 * (and checkExists) with mode 'manual' and the test URL, then delete with mode 'internal' when the
 * test ends, with the static data create left (kept with the test registration; in queue mode in
 * n8n's cache, so it goes through JSON). Each test here runs that sequence against the Graph calls
 * Meta answers and checks every request.
 */
import { isSameNodeUrl } from '../../nodes/WhatsAppGroupsTrigger/destinations/takeover';
import { deriveVerifyToken } from '../../nodes/WhatsAppGroupsTrigger/webhook/verifyToken';
import { useNock } from '../support/nock';
import {
	ALL_FIELDS,
	APP_TOKEN,
	appApi,
	appSubscriptions,
	BASE,
	fullAppSubscription,
	hook,
	listenThenEnd,
	methods,
	OTHER_URL,
	ownApp,
	phoneConfig,
	subscribedApps,
	TEST_URL,
	TOKEN,
	userApi,
	V,
	WEBHOOK_URL,
} from './destinations.fixture';

const TEST_TOKEN = deriveVerifyToken('app-secret', TEST_URL);
const OTHER_TOKEN = deriveVerifyToken('app-secret', OTHER_URL);

useNock({ allUsed: true });

const calls = (requests: Array<{ method: string; url: string }>) =>
	requests.map((request) => `${request.method} ${request.url}`);

describe('which URLs are this trigger node', () => {
	it("is the node's production and test URL on the same n8n, whatever the endpoint names", () => {
		const id = 'f3a1';
		expect(
			isSameNodeUrl(
				`https://n.example/webhook-test/${id}/webhook`,
				`https://n.example/webhook/${id}/webhook`,
				id,
			),
		).toBe(true);
		expect(
			isSameNodeUrl(
				`https://n.example/base/hooks/${id}/webhook`,
				`https://n.example/base/hooks-test/${id}/webhook`,
				id,
			),
		).toBe(true);
	});

	it('is not another node, another n8n, the same URL, or a node without a webhookId', () => {
		const id = 'f3a1';
		const test = `https://n.example/webhook-test/${id}/webhook`;
		expect(isSameNodeUrl(test, `https://n.example/webhook/other/webhook`, id)).toBe(false);
		expect(isSameNodeUrl(test, `https://elsewhere.example/webhook/${id}/webhook`, id)).toBe(false);
		expect(isSameNodeUrl(test, `https://n.example/prefix/webhook/${id}/webhook`, id)).toBe(false);
		expect(isSameNodeUrl(test, `https://n.example/webhook/${id}/webhook/`, id)).toBe(false);
		expect(isSameNodeUrl(test, test, id)).toBe(false);
		expect(isSameNodeUrl(test, `https://n.example/webhook/${id}/webhook`, undefined)).toBe(false);
	});
});

describe('test registration: phone number', () => {
	const parameters = { destination: 'phoneNumber', phoneNumberId: 'PHONE_1' };
	const setOverride = (url: string, token: string) =>
		userApi()
			.post(`${V}/PHONE_1`, {
				webhook_configuration: { override_callback_uri: url, verify_token: token },
			})
			.reply(200, { success: true });
	const removeOverride = () =>
		userApi()
			.post(`${V}/PHONE_1`, { webhook_configuration: { override_callback_uri: '' } })
			.reply(200, { success: true });

	it("takes over the published workflow's override while it listens and gives it back with its verify token", async () => {
		phoneConfig(WEBHOOK_URL);
		phoneConfig(WEBHOOK_URL);
		subscribedApps([ownApp()]);
		appSubscriptions([fullAppSubscription('https://app-callback.example.com')]);
		setOverride(TEST_URL, TEST_TOKEN);
		const { created, deleted } = await listenThenEnd(hook, parameters, () => {
			phoneConfig(TEST_URL);
			setOverride(WEBHOOK_URL, TOKEN);
		});
		expect(calls(created.requests)).toEqual([
			`GET ${BASE}${V}/PHONE_1?fields=webhook_configuration`,
			`GET ${BASE}${V}/PHONE_1?fields=webhook_configuration`,
			`GET ${BASE}${V}/WABA_1/subscribed_apps`,
			`GET ${BASE}${V}/APP_1/subscriptions?access_token=APP_1%7Capp-secret`,
			`POST ${BASE}${V}/PHONE_1`,
		]);
		expect(created.logger.warn.mock.calls).toEqual([
			[
				`WhatsApp Groups Trigger: while you test, the phone number PHONE_1 sends its webhooks to ${TEST_URL} instead of the published workflow's ${WEBHOOK_URL}; it gets them back when the test ends.`,
			],
		]);
		expect(calls(deleted.requests)).toEqual([
			`GET ${BASE}${V}/PHONE_1?fields=webhook_configuration`,
			`POST ${BASE}${V}/PHONE_1`,
		]);
		expect(deleted.logger.info.mock.calls).toEqual([
			[
				`WhatsApp Groups Trigger: the test ended; the phone number PHONE_1 sends its webhooks to ${WEBHOOK_URL} again.`,
			],
		]);
		expect(deleted.staticData).toEqual({});
	});

	it('removes its test override when the number had none', async () => {
		phoneConfig();
		phoneConfig();
		subscribedApps([ownApp()]);
		appSubscriptions([fullAppSubscription('https://app-callback.example.com')]);
		setOverride(TEST_URL, TEST_TOKEN);
		const { deleted } = await listenThenEnd(hook, parameters, () => {
			phoneConfig(TEST_URL);
			removeOverride();
		});
		expect(calls(deleted.requests)).toEqual([
			`GET ${BASE}${V}/PHONE_1?fields=webhook_configuration`,
			`POST ${BASE}${V}/PHONE_1`,
		]);
	});

	it('refuses to listen over a foreign override, says how to test, and its delete leaves it alone', async () => {
		phoneConfig(OTHER_URL);
		phoneConfig(OTHER_URL);
		const created = hook(parameters, { test: true });
		expect(await methods.checkExists.call(created.context)).toBe(false);
		const error = (await methods.create.call(created.context).catch((e: unknown) => e)) as Error;
		expect(error.message).toBe(
			`The phone number PHONE_1 sends its webhooks to ${OTHER_URL}, so listening for a test event here would take them away from it. Test on a number without an override callback, or turn on "Replace Existing Callback": the test then takes it over and gives it back when it ends, which works only if ${OTHER_URL} is a WhatsApp Groups Trigger of this app.`,
		);
		expect(created.staticData).toEqual({});
		// n8n 2.40 calls delete after a failed test create (needsWebhook's catch).
		phoneConfig(OTHER_URL);
		const deleted = hook(parameters, { test: true, mode: 'internal', staticData: {} });
		expect(await methods.delete.call(deleted.context)).toBe(true);
		expect(calls(deleted.requests)).toEqual([
			`GET ${BASE}${V}/PHONE_1?fields=webhook_configuration`,
		]);
	});

	it('with Replace Existing Callback, tries to give a foreign override back; when Meta refuses, removes its own and logs the URL to set again', async () => {
		phoneConfig(OTHER_URL);
		phoneConfig(OTHER_URL);
		subscribedApps([ownApp()]);
		appSubscriptions([fullAppSubscription('https://app-callback.example.com')]);
		setOverride(TEST_URL, TEST_TOKEN);
		const { created, deleted } = await listenThenEnd(
			hook,
			{ ...parameters, replaceExisting: true },
			() => {
				phoneConfig(TEST_URL);
				userApi()
					.post(`${V}/PHONE_1`, {
						webhook_configuration: { override_callback_uri: OTHER_URL, verify_token: OTHER_TOKEN },
					})
					.reply(400, {
						error: {
							message:
								'Callback verification failed with the following errors: HTTP Status Code = 403',
							code: 2200,
						},
					});
				removeOverride();
			},
		);
		expect(created.logger.warn.mock.calls).toEqual([
			[
				`WhatsApp Groups Trigger: replaced the callback ${OTHER_URL} of the phone number PHONE_1 (Replace Existing Callback is on); the test tries to give it back when it ends.`,
			],
		]);
		expect(calls(deleted.requests)).toEqual([
			`GET ${BASE}${V}/PHONE_1?fields=webhook_configuration`,
			`POST ${BASE}${V}/PHONE_1`,
			`POST ${BASE}${V}/PHONE_1`,
		]);
		expect(deleted.logger.error.mock.calls).toEqual([
			[
				`WhatsApp Groups Trigger: the test ended, but the phone number PHONE_1 could not be given back to ${OTHER_URL}: WhatsApp Groups Trigger could not give the phone number its previous override callback back. Meta could not verify the callback URL ${OTHER_URL} (it calls it with a GET request first): make n8n reachable there from the internet over HTTPS with a valid certificate by setting n8n's N8N_WEBHOOK_URL setting (WEBHOOK_URL in older n8n versions) to n8n's public address (a tunnel works for testing), with nothing in front of n8n blocking the request. Set ${OTHER_URL} again in Meta's dashboard, with that receiver's verify token.`,
			],
		]);
	});

	it('gives nothing back when the override changed during the test', async () => {
		phoneConfig(WEBHOOK_URL);
		phoneConfig(WEBHOOK_URL);
		subscribedApps([ownApp()]);
		appSubscriptions([fullAppSubscription('https://app-callback.example.com')]);
		setOverride(TEST_URL, TEST_TOKEN);
		const { deleted } = await listenThenEnd(hook, parameters, () => phoneConfig(OTHER_URL));
		expect(calls(deleted.requests)).toEqual([
			`GET ${BASE}${V}/PHONE_1?fields=webhook_configuration`,
		]);
		expect(deleted.staticData).toEqual({});
	});

	it("publishing takes over the node's own test URL without Replace Existing Callback, and deactivating removes it", async () => {
		phoneConfig(TEST_URL);
		subscribedApps([ownApp()]);
		appSubscriptions([fullAppSubscription('https://app-callback.example.com')]);
		setOverride(WEBHOOK_URL, TOKEN);
		const published = hook(parameters);
		expect(await methods.create.call(published.context)).toBe(true);
		expect(published.logger.info.mock.calls).toEqual([
			[
				`WhatsApp Groups Trigger: the phone number PHONE_1 sent its webhooks to this trigger's ${TEST_URL}; it now sends them to ${WEBHOOK_URL}.`,
			],
		]);
		expect(published.staticData).toEqual({});
		phoneConfig(WEBHOOK_URL);
		removeOverride();
		expect(await methods.delete.call(hook(parameters, { mode: 'internal' }).context)).toBe(true);
	});
});

describe('test registration: business account', () => {
	const parameters = { destination: 'businessAccount' };
	const setOverride = (url: string, token: string) =>
		userApi()
			.post(`${V}/WABA_1/subscribed_apps`, { override_callback_uri: url, verify_token: token })
			.reply(200, { success: true });

	it("gives the published workflow's account override back with its verify token", async () => {
		subscribedApps([ownApp(WEBHOOK_URL)]);
		subscribedApps([ownApp(WEBHOOK_URL)]);
		appSubscriptions([fullAppSubscription('https://app-callback.example.com')]);
		setOverride(TEST_URL, TEST_TOKEN);
		const { deleted } = await listenThenEnd(hook, parameters, () => {
			subscribedApps([ownApp(TEST_URL)]);
			setOverride(WEBHOOK_URL, TOKEN);
		});
		expect(calls(deleted.requests)).toEqual([
			`GET ${BASE}${V}/WABA_1/subscribed_apps`,
			`POST ${BASE}${V}/WABA_1/subscribed_apps`,
		]);
	});

	it('keeps the app subscribed without an override when it was subscribed without one', async () => {
		subscribedApps([ownApp()]);
		subscribedApps([ownApp()]);
		appSubscriptions([fullAppSubscription('https://app-callback.example.com')]);
		setOverride(TEST_URL, TEST_TOKEN);
		const { deleted } = await listenThenEnd(hook, parameters, () => {
			subscribedApps([ownApp(TEST_URL)]);
			userApi()
				.post(
					`${V}/WABA_1/subscribed_apps`,
					(body) => body === '' || Object.keys(body ?? {}).length === 0,
				)
				.reply(200, { success: true });
		});
		expect(deleted.requests[1]).toMatchObject({ method: 'POST', body: undefined });
	});

	it('unsubscribes the app again when the test found it not subscribed to the account', async () => {
		subscribedApps([]);
		subscribedApps([]);
		appSubscriptions([fullAppSubscription('https://app-callback.example.com')]);
		setOverride(TEST_URL, TEST_TOKEN);
		const { deleted } = await listenThenEnd(hook, parameters, () => {
			subscribedApps([ownApp(TEST_URL)]);
			userApi().delete(`${V}/WABA_1/subscribed_apps`).reply(200, { success: true });
		});
		expect(calls(deleted.requests)).toEqual([
			`GET ${BASE}${V}/WABA_1/subscribed_apps`,
			`DELETE ${BASE}${V}/WABA_1/subscribed_apps`,
		]);
	});

	it('refuses to listen over a foreign account override', async () => {
		subscribedApps([ownApp(OTHER_URL)]);
		await expect(methods.create.call(hook(parameters, { test: true }).context)).rejects.toThrow(
			`The WhatsApp Business Account WABA_1 sends its webhooks to ${OTHER_URL}, so listening for a test event here would take them away from it. Test on the Phone Number destination, or an account whose override callback for this app is free, or turn on "Replace Existing Callback": the test then takes it over and gives it back when it ends, which works only if ${OTHER_URL} is a WhatsApp Groups Trigger of this app.`,
		);
	});
});

describe('test registration: app', () => {
	const parameters = { destination: 'app' };
	const postSubscription = (url: string, token: string, fields: string[]) =>
		appApi()
			.post(`${V}/APP_1/subscriptions`, {
				object: 'whatsapp_business_account',
				callback_url: url,
				verify_token: token,
				fields: fields.join(','),
				include_values: true,
			})
			.query({ access_token: APP_TOKEN })
			.reply(200, { success: true });

	it("gives the published workflow's app callback back, with its fields", async () => {
		appSubscriptions([fullAppSubscription(WEBHOOK_URL)]);
		appSubscriptions([fullAppSubscription(WEBHOOK_URL)]);
		postSubscription(TEST_URL, TEST_TOKEN, ALL_FIELDS);
		const { deleted } = await listenThenEnd(hook, parameters, () => {
			appSubscriptions([fullAppSubscription(TEST_URL)]);
			postSubscription(WEBHOOK_URL, TOKEN, ALL_FIELDS);
		});
		expect(calls(deleted.requests)).toEqual([
			`GET ${BASE}${V}/APP_1/subscriptions?access_token=APP_1%7Capp-secret`,
			`POST ${BASE}${V}/APP_1/subscriptions?access_token=APP_1%7Capp-secret`,
		]);
		expect(deleted.staticData).toEqual({});
	});

	it('gives a callback of another trigger back with the fields it had, and removes the fields the test added', async () => {
		const before = ['messages', 'account_update'];
		const added = [
			'group_lifecycle_update',
			'group_participants_update',
			'group_settings_update',
			'group_status_update',
			'user_id_update',
		];
		appSubscriptions([fullAppSubscription(OTHER_URL, before)]);
		appSubscriptions([fullAppSubscription(OTHER_URL, before)]);
		postSubscription(TEST_URL, TEST_TOKEN, [...before, ...added]);
		const { deleted } = await listenThenEnd(hook, { ...parameters, replaceExisting: true }, () => {
			appSubscriptions([fullAppSubscription(TEST_URL, [...before, ...added])]);
			postSubscription(OTHER_URL, OTHER_TOKEN, before);
			appApi()
				.delete(`${V}/APP_1/subscriptions`)
				.query({
					access_token: APP_TOKEN,
					object: 'whatsapp_business_account',
					fields: added.join(','),
				})
				.reply(200, { success: true });
		});
		expect(deleted.requests.map((request) => request.method)).toEqual(['GET', 'POST', 'DELETE']);
		expect(deleted.logger.warn).not.toHaveBeenCalled();
	});

	it('removes the whole subscription when the app had none', async () => {
		appSubscriptions([]);
		appSubscriptions([]);
		postSubscription(TEST_URL, TEST_TOKEN, ALL_FIELDS);
		const { deleted } = await listenThenEnd(hook, parameters, () => {
			appSubscriptions([fullAppSubscription(TEST_URL)]);
			appApi()
				.delete(`${V}/APP_1/subscriptions`)
				.query({ access_token: APP_TOKEN, object: 'whatsapp_business_account' })
				.reply(200, { success: true });
		});
		expect(deleted.requests.map((request) => request.method)).toEqual(['GET', 'DELETE']);
	});

	it('when Meta refuses the previous callback, still removes the fields it added and logs the URL to set again', async () => {
		const added = ALL_FIELDS.filter((field) => field !== 'messages');
		appSubscriptions([fullAppSubscription(OTHER_URL, ['messages'])]);
		appSubscriptions([fullAppSubscription(OTHER_URL, ['messages'])]);
		postSubscription(TEST_URL, TEST_TOKEN, ['messages', ...added]);
		const { deleted } = await listenThenEnd(hook, { ...parameters, replaceExisting: true }, () => {
			appSubscriptions([fullAppSubscription(TEST_URL)]);
			appApi()
				.post(`${V}/APP_1/subscriptions`)
				.query({ access_token: APP_TOKEN })
				.reply(400, {
					error: {
						message:
							'Callback verification failed with the following errors: HTTP Status Code = 403',
						code: 2200,
					},
				});
			appApi()
				.delete(`${V}/APP_1/subscriptions`)
				.query({
					access_token: APP_TOKEN,
					object: 'whatsapp_business_account',
					fields: added.join(','),
				})
				.reply(200, { success: true });
		});
		expect(deleted.logger.error.mock.calls[0][0]).toMatch(
			new RegExp(
				`^WhatsApp Groups Trigger: the test ended, but the Meta app APP_1 could not be given back to ${OTHER_URL}: .* Set ${OTHER_URL} again in Meta's dashboard, with that receiver's verify token\\.$`,
			),
		);
		expect(deleted.requests.map((request) => request.method)).toEqual(['GET', 'POST', 'DELETE']);
	});
});
