import type { IDataObject } from 'n8n-workflow';

import { APP_RECORD_PROPERTY } from '../../nodes/WhatsAppGroupsTrigger/destinations/app';
import { deriveVerifyToken } from '../../nodes/WhatsAppGroupsTrigger/webhook/verifyToken';
import { useNock } from '../support/nock';
import {
	ALL_FIELDS,
	APP_TOKEN,
	appApi,
	appSubscriptions,
	BASE,
	CREDENTIALS,
	fullAppSubscription,
	hook,
	methods,
	OTHER_URL,
	ownApp,
	phoneConfig,
	subscribedApps,
	TOKEN,
	userApi,
	V,
	WEBHOOK_URL,
} from './destinations.fixture';

useNock({ allUsed: true });

describe('activation guards', () => {
	it('refuses to activate without an app secret while signatures are verified', async () => {
		const { context } = hook(
			{ destination: 'phoneNumber', phoneNumberId: 'PHONE_1' },
			{
				credentials: { ...CREDENTIALS, appSecret: '' },
			},
		);
		await expect(methods.checkExists.call(context)).rejects.toThrow(
			'The credential has no App Secret, so the trigger cannot check that deliveries come from Meta. Add the App Secret (App Dashboard > App settings > Basic) to the credential, or turn off "Verify Signatures" if you accept that risk.',
		);
		await expect(methods.create.call(context)).rejects.toThrow('no App Secret');
	});

	const META = { ...CREDENTIALS, baseUrl: 'https://graph.facebook.com' };

	it('refuses an http URL before calling Meta', async () => {
		const { context, requests } = hook(
			{ destination: 'phoneNumber', phoneNumberId: 'PHONE_1' },
			{
				webhookUrl: 'http://n8n.example.com/webhook/5b0c/webhook',
				credentials: META,
			},
		);
		await expect(methods.create.call(context)).rejects.toThrow(
			"Meta only sends webhooks to HTTPS URLs, and this trigger's URL is http://n8n.example.com/webhook/5b0c/webhook. Set n8n's N8N_WEBHOOK_URL setting (WEBHOOK_URL in older n8n versions) to n8n's public https:// address (a tunnel works for testing) and activate again.",
		);
		expect(requests).toEqual([]);
	});

	it('refuses a localhost URL before calling Meta', async () => {
		const { context, requests } = hook(
			{ destination: 'app' },
			{
				webhookUrl: 'https://localhost:5678/webhook/x/webhook',
				credentials: META,
			},
		);
		await expect(methods.create.call(context)).rejects.toThrow(
			"Meta cannot reach this trigger's URL https://localhost:5678/webhook/x/webhook on this machine. Set n8n's N8N_WEBHOOK_URL setting (WEBHOOK_URL in older n8n versions) to n8n's public address (a tunnel works for testing) and activate again.",
		);
		expect(requests).toEqual([]);
	});

	it('refuses an override URL longer than Meta accepts', async () => {
		const { context } = hook(
			{ destination: 'businessAccount' },
			{
				webhookUrl: `https://n8n.example.com/webhook/${'x'.repeat(200)}/webhook`,
			},
		);
		await expect(methods.create.call(context)).rejects.toThrow(
			"This trigger's URL has 240 characters, more than the 200 Meta accepts for an override. Set n8n's N8N_WEBHOOK_URL setting (WEBHOOK_URL in older n8n versions) to a shorter address, or choose the App destination.",
		);
	});

	it('lets a local http URL through when the credential points at the sandbox, not Meta', async () => {
		subscribedApps([ownApp()]);
		appSubscriptions([fullAppSubscription('https://app-callback.example.com')]);
		const localUrl = 'http://127.0.0.1:5678/webhook/5b0c/webhook';
		const post = userApi()
			.post(`${V}/WABA_1/subscribed_apps`, {
				override_callback_uri: localUrl,
				verify_token: deriveVerifyToken('app-secret', localUrl),
			})
			.reply(200, { success: true });
		expect(
			await methods.create.call(
				hook({ destination: 'businessAccount' }, { webhookUrl: localUrl }).context,
			),
		).toBe(true);
		expect(post.isDone()).toBe(true);
	});
});

describe('destination: phone number', () => {
	const parameters = { destination: 'phoneNumber', phoneNumberId: 'PHONE_1' };

	it('checkExists reads the phone number override: true only for this URL', async () => {
		phoneConfig(WEBHOOK_URL);
		expect(await methods.checkExists.call(hook(parameters).context)).toBe(true);
		phoneConfig(OTHER_URL);
		expect(await methods.checkExists.call(hook(parameters).context)).toBe(false);
		phoneConfig();
		expect(await methods.checkExists.call(hook(parameters).context)).toBe(false);
	});

	it('create checks the app subscriptions, then sets the override with the derived token', async () => {
		phoneConfig();
		subscribedApps([ownApp()]);
		appSubscriptions([fullAppSubscription('https://app-callback.example.com')]);
		const post = userApi()
			.post(`${V}/PHONE_1`, {
				webhook_configuration: { override_callback_uri: WEBHOOK_URL, verify_token: TOKEN },
			})
			.reply(200, { success: true });
		const { context, requests } = hook(parameters);
		expect(await methods.create.call(context)).toBe(true);
		expect(post.isDone()).toBe(true);
		expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
			`GET ${BASE}${V}/PHONE_1?fields=webhook_configuration`,
			`GET ${BASE}${V}/WABA_1/subscribed_apps`,
			`GET ${BASE}${V}/APP_1/subscriptions?access_token=APP_1%7Capp-secret`,
			`POST ${BASE}${V}/PHONE_1`,
		]);
	});

	it('create refuses when another callback is already on the number', async () => {
		phoneConfig(OTHER_URL);
		const { context } = hook(parameters);
		const error = await methods.create
			.call(context)
			.catch((caught: unknown) => caught as Error & { description?: string });
		expect(error).toBeInstanceOf(Error);
		// n8n shows only the message: it names the URL and the way out.
		expect((error as Error).message).toBe(
			`The phone number PHONE_1 already sends its webhooks to ${OTHER_URL}, which is not this trigger. Remove that callback first, choose another number or destination, or turn on "Replace Existing Callback" to take it over.`,
		);
	});

	it('create replaces another callback when the user allows it, and logs it', async () => {
		phoneConfig(OTHER_URL);
		subscribedApps([ownApp()]);
		appSubscriptions([fullAppSubscription('https://app-callback.example.com')]);
		userApi()
			.post(`${V}/PHONE_1`, {
				webhook_configuration: { override_callback_uri: WEBHOOK_URL, verify_token: TOKEN },
			})
			.reply(200, { success: true });
		const { context, logger } = hook({ ...parameters, replaceExisting: true });
		expect(await methods.create.call(context)).toBe(true);
		expect(logger.warn.mock.calls).toEqual([
			[
				`WhatsApp Groups Trigger: replaced the callback ${OTHER_URL} of the phone number PHONE_1 (Replace Existing Callback is on).`,
			],
		]);
	});

	it('create explains that the app is not subscribed to the account', async () => {
		phoneConfig();
		subscribedApps([]);
		await expect(methods.create.call(hook(parameters).context)).rejects.toThrow(
			'The Meta app is not subscribed to the WhatsApp Business Account',
		);
	});

	it('create explains which webhook fields the app lacks', async () => {
		phoneConfig();
		subscribedApps([ownApp()]);
		appSubscriptions([fullAppSubscription('https://app-callback.example.com', ['messages'])]);
		await expect(methods.create.call(hook(parameters).context)).rejects.toThrow(
			'The Meta app is not subscribed to the webhook fields group_lifecycle_update, group_participants_update, group_settings_update, group_status_update',
		);
	});

	it('create only needs the fields of the selected events', async () => {
		phoneConfig();
		subscribedApps([ownApp()]);
		appSubscriptions([fullAppSubscription('https://app-callback.example.com', ['messages'])]);
		userApi()
			.post(`${V}/PHONE_1`, {
				webhook_configuration: { override_callback_uri: WEBHOOK_URL, verify_token: TOKEN },
			})
			.reply(200, { success: true });
		const { context } = hook({ ...parameters, events: ['message_received', 'message_read'] });
		expect(await methods.create.call(context)).toBe(true);
	});

	it('create does not require user_id_update of the app: a changed user ID also comes on messages', async () => {
		phoneConfig();
		subscribedApps([ownApp()]);
		appSubscriptions([
			fullAppSubscription(
				'https://app-callback.example.com',
				ALL_FIELDS.filter((field) => field !== 'user_id_update'),
			),
		]);
		userApi()
			.post(`${V}/PHONE_1`, {
				webhook_configuration: { override_callback_uri: WEBHOOK_URL, verify_token: TOKEN },
			})
			.reply(200, { success: true });
		// The default events, User ID Changed among them.
		const { context } = hook(parameters);
		expect(await methods.create.call(context)).toBe(true);
	});

	it("create turns Meta's bare invalid parameter into what to fix", async () => {
		phoneConfig();
		subscribedApps([ownApp()]);
		appSubscriptions([fullAppSubscription('https://app-callback.example.com')]);
		userApi()
			.post(`${V}/PHONE_1`)
			.reply(400, {
				error: {
					message: 'Invalid parameter',
					type: 'OAuthException',
					code: 100,
					fbtrace_id: 'T1',
				},
			});
		const error = (await methods.create
			.call(hook(parameters).context)
			.catch((caught: unknown) => caught)) as Error & {
			description: string;
		};
		expect(error.message).toBe(
			'WhatsApp Groups Trigger could not set the phone number override callback. Meta rejected a parameter of the request (code 100). Check that the business phone number ID belongs to the WhatsApp Business Account in the credential and that the token can manage it.',
		);
		expect(error.description).toMatch(
			/^What failed: Meta rejected a parameter of the request \(code 100\)\. Meta says: Invalid parameter\./,
		);
	});

	it('create explains a failed callback verification', async () => {
		phoneConfig();
		subscribedApps([ownApp()]);
		appSubscriptions([fullAppSubscription('https://app-callback.example.com')]);
		userApi()
			.post(`${V}/PHONE_1`)
			.reply(400, {
				error: {
					message: 'Callback verification failed with the following errors: HTTP Status Code = 404',
					code: 2200,
				},
			});
		const error = (await methods.create
			.call(hook(parameters).context)
			.catch((caught: unknown) => caught)) as Error & {
			description: string;
		};
		expect(error.message).toBe(
			`WhatsApp Groups Trigger could not set the phone number override callback. Meta could not verify the callback URL ${WEBHOOK_URL} (it calls it with a GET request first): make n8n reachable there from the internet over HTTPS with a valid certificate by setting n8n's N8N_WEBHOOK_URL setting (WEBHOOK_URL in older n8n versions) to n8n's public address (a tunnel works for testing), with nothing in front of n8n blocking the request.`,
		);
		expect(error.description).toContain('HTTP Status Code = 404');
	});

	it('without app ID and secret the field check is skipped with a warning, and the token derives from the access token', async () => {
		const credentials = { ...CREDENTIALS, appId: '', appSecret: '' };
		const tokenFromAccessToken = deriveVerifyToken('user-token', WEBHOOK_URL);
		phoneConfig();
		subscribedApps([ownApp()]);
		userApi()
			.post(`${V}/PHONE_1`, {
				webhook_configuration: {
					override_callback_uri: WEBHOOK_URL,
					verify_token: tokenFromAccessToken,
				},
			})
			.reply(200, { success: true });
		const { context, logger } = hook({ ...parameters, verifySignatures: false }, { credentials });
		expect(await methods.create.call(context)).toBe(true);
		expect(logger.warn.mock.calls[0][0]).toContain('cannot check that the app is subscribed');
	});

	it('delete removes the override when it is this trigger', async () => {
		phoneConfig(WEBHOOK_URL);
		const post = userApi()
			.post(`${V}/PHONE_1`, { webhook_configuration: { override_callback_uri: '' } })
			.reply(200, { success: true });
		expect(await methods.delete.call(hook(parameters).context)).toBe(true);
		expect(post.isDone()).toBe(true);
	});

	it('delete leaves a foreign override alone', async () => {
		phoneConfig(OTHER_URL);
		const { context, logger, requests } = hook(parameters);
		expect(await methods.delete.call(context)).toBe(true);
		expect(requests.map((request) => request.method)).toEqual(['GET']);
		expect(logger.info.mock.calls[0][0]).toContain(
			`its override is ${OTHER_URL}, not this trigger`,
		);
	});
});

describe('destination: business account', () => {
	const parameters = { destination: 'businessAccount' };

	it("checkExists reads the app's override on the account", async () => {
		subscribedApps([
			ownApp(WEBHOOK_URL),
			{ whatsapp_business_api_data: { id: 'APP_2' }, override_callback_uri: OTHER_URL },
		]);
		expect(await methods.checkExists.call(hook(parameters).context)).toBe(true);
		subscribedApps([
			ownApp(),
			{ whatsapp_business_api_data: { id: 'APP_2' }, override_callback_uri: WEBHOOK_URL },
		]);
		expect(await methods.checkExists.call(hook(parameters).context)).toBe(false);
	});

	it('create sets the override with the derived token', async () => {
		subscribedApps([ownApp()]);
		appSubscriptions([fullAppSubscription('https://app-callback.example.com')]);
		const post = userApi()
			.post(`${V}/WABA_1/subscribed_apps`, {
				override_callback_uri: WEBHOOK_URL,
				verify_token: TOKEN,
			})
			.reply(200, { success: true });
		expect(await methods.create.call(hook(parameters).context)).toBe(true);
		expect(post.isDone()).toBe(true);
	});

	it('create refuses when the app already has another override on the account', async () => {
		subscribedApps([ownApp(OTHER_URL)]);
		await expect(methods.create.call(hook(parameters).context)).rejects.toThrow(
			`The WhatsApp Business Account WABA_1 already sends its webhooks to ${OTHER_URL}, which is not this trigger. Remove that callback first, choose the Phone Number destination, or turn on "Replace Existing Callback" to take it over.`,
		);
	});

	it('create refuses to guess which app is its own without an App ID', async () => {
		subscribedApps([
			{ whatsapp_business_api_data: { id: 'APP_2' } },
			{ whatsapp_business_api_data: { id: 'APP_3' } },
		]);
		const credentials = { ...CREDENTIALS, appId: '' };
		await expect(methods.create.call(hook(parameters, { credentials }).context)).rejects.toThrow(
			'2 apps are subscribed to the WhatsApp Business Account WABA_1, and the credential has no App ID to tell which is this one. Add the App ID to the credential (App Dashboard > App settings > Basic), or turn on "Replace Existing Callback".',
		);
	});

	it('delete re-subscribes the app without an override when the override is this trigger', async () => {
		subscribedApps([ownApp(WEBHOOK_URL)]);
		const post = userApi()
			.post(
				`${V}/WABA_1/subscribed_apps`,
				(body) => body === '' || Object.keys(body ?? {}).length === 0,
			)
			.reply(200, { success: true });
		const { context, requests } = hook(parameters);
		expect(await methods.delete.call(context)).toBe(true);
		expect(post.isDone()).toBe(true);
		expect(requests[1].body).toBeUndefined();
	});

	it('delete leaves a foreign override alone', async () => {
		subscribedApps([ownApp(OTHER_URL)]);
		const { context, requests } = hook(parameters);
		expect(await methods.delete.call(context)).toBe(true);
		expect(requests).toHaveLength(1);
	});
});

describe('destination: app', () => {
	const parameters = { destination: 'app' };

	it('checkExists is true only for this callback with every needed field', async () => {
		appSubscriptions([fullAppSubscription(WEBHOOK_URL)]);
		expect(await methods.checkExists.call(hook(parameters).context)).toBe(true);
		appSubscriptions([fullAppSubscription(WEBHOOK_URL, ['messages'])]);
		expect(await methods.checkExists.call(hook(parameters).context)).toBe(false);
		appSubscriptions([fullAppSubscription(OTHER_URL)]);
		expect(await methods.checkExists.call(hook(parameters).context)).toBe(false);
	});

	it('create subscribes the app with the app token and records that it created the subscription', async () => {
		appSubscriptions([]);
		const post = appApi()
			.post(`${V}/APP_1/subscriptions`, {
				object: 'whatsapp_business_account',
				callback_url: WEBHOOK_URL,
				verify_token: TOKEN,
				fields: ALL_FIELDS.join(','),
				include_values: true,
			})
			.query({ access_token: APP_TOKEN })
			.reply(200, { success: true });
		const { context, staticData } = hook(parameters);
		expect(await methods.create.call(context)).toBe(true);
		expect(post.isDone()).toBe(true);
		expect(staticData[APP_RECORD_PROPERTY]).toEqual({
			callbackUrl: WEBHOOK_URL,
			createdSubscription: true,
			addedFields: ALL_FIELDS,
		});
	});

	it('create refuses to replace a callback that is not this trigger', async () => {
		appSubscriptions([fullAppSubscription(OTHER_URL, ['messages'])]);
		await expect(methods.create.call(hook(parameters).context)).rejects.toThrow(
			`The Meta app APP_1 already sends its webhooks to ${OTHER_URL}, which is not this trigger. Remove that callback first, choose the Phone Number or Business Account destination (they leave the app's one callback alone), or turn on "Replace Existing Callback" to take it over.`,
		);
	});

	it('create replaces it on opt-in, keeps the existing fields and records only what it added', async () => {
		appSubscriptions([fullAppSubscription(OTHER_URL, ['messages', 'account_update'])]);
		appApi()
			.post(`${V}/APP_1/subscriptions`, {
				object: 'whatsapp_business_account',
				callback_url: WEBHOOK_URL,
				verify_token: TOKEN,
				fields:
					'messages,account_update,group_lifecycle_update,group_participants_update,group_settings_update,group_status_update,user_id_update',
				include_values: true,
			})
			.query({ access_token: APP_TOKEN })
			.reply(200, { success: true });
		const { context, staticData, logger } = hook({ ...parameters, replaceExisting: true });
		expect(await methods.create.call(context)).toBe(true);
		expect(staticData[APP_RECORD_PROPERTY]).toEqual({
			callbackUrl: WEBHOOK_URL,
			createdSubscription: false,
			addedFields: [
				'group_lifecycle_update',
				'group_participants_update',
				'group_settings_update',
				'group_status_update',
				'user_id_update',
			],
		});
		expect(logger.warn.mock.calls).toEqual([
			[
				`WhatsApp Groups Trigger: replaced the callback ${OTHER_URL} of the Meta app APP_1 (Replace Existing Callback is on).`,
			],
		]);
	});

	it('delete removes the whole subscription when this trigger created it', async () => {
		const staticData: IDataObject = {
			[APP_RECORD_PROPERTY]: {
				callbackUrl: WEBHOOK_URL,
				createdSubscription: true,
				addedFields: ALL_FIELDS,
			},
		};
		appSubscriptions([fullAppSubscription(WEBHOOK_URL)]);
		const remove = appApi()
			.delete(`${V}/APP_1/subscriptions`)
			.query({ access_token: APP_TOKEN, object: 'whatsapp_business_account' })
			.reply(200, { success: true });
		expect(await methods.delete.call(hook(parameters, { staticData }).context)).toBe(true);
		expect(remove.isDone()).toBe(true);
		expect(staticData).toEqual({});
	});

	it('delete removes only the fields it added to an existing subscription', async () => {
		const added = ['group_lifecycle_update', 'group_status_update'];
		const staticData: IDataObject = {
			[APP_RECORD_PROPERTY]: {
				callbackUrl: WEBHOOK_URL,
				createdSubscription: false,
				addedFields: added,
			},
		};
		appSubscriptions([fullAppSubscription(WEBHOOK_URL)]);
		const remove = appApi()
			.delete(`${V}/APP_1/subscriptions`)
			.query({
				access_token: APP_TOKEN,
				object: 'whatsapp_business_account',
				fields: added.join(','),
			})
			.reply(200, { success: true });
		const { context, logger } = hook(parameters, { staticData });
		expect(await methods.delete.call(context)).toBe(true);
		expect(remove.isDone()).toBe(true);
		expect(logger.warn.mock.calls[0][0]).toContain('removed the fields it had added');
	});

	it('delete leaves a subscription that points elsewhere alone', async () => {
		const staticData: IDataObject = {
			[APP_RECORD_PROPERTY]: {
				callbackUrl: WEBHOOK_URL,
				createdSubscription: true,
				addedFields: ALL_FIELDS,
			},
		};
		appSubscriptions([fullAppSubscription(OTHER_URL)]);
		const { context, requests, logger } = hook(parameters, { staticData });
		expect(await methods.delete.call(context)).toBe(true);
		expect(requests).toHaveLength(1);
		expect(logger.info.mock.calls[0][0]).toContain(
			`its callback is ${OTHER_URL}, not this trigger`,
		);
	});

	it('delete removes nothing without a record of what it created', async () => {
		appSubscriptions([fullAppSubscription(WEBHOOK_URL)]);
		const { context, requests, logger } = hook(parameters);
		expect(await methods.delete.call(context)).toBe(true);
		expect(requests).toHaveLength(1);
		expect(logger.warn.mock.calls[0][0]).toContain('removed nothing');
	});

	it('needs the App ID and App Secret', async () => {
		const credentials = { ...CREDENTIALS, appId: '' };
		await expect(methods.create.call(hook(parameters, { credentials }).context)).rejects.toThrow(
			'The App destination needs the App ID and App Secret in the credential. Add both (App Dashboard > App settings > Basic), or choose the Phone Number or Business Account destination.',
		);
	});

	it('never sends the app secret in a readable error', async () => {
		appApi()
			.get(`${V}/APP_1/subscriptions`)
			.query({ access_token: APP_TOKEN })
			.reply(400, {
				error: { message: 'Invalid OAuth access token: APP_1|app-secret', code: 190 },
			});
		const error = (await methods.checkExists
			.call(hook(parameters).context)
			.catch((caught: unknown) => caught)) as Error & {
			description: string;
		};
		expect(error.description).toContain('The access token is invalid or expired');
		expect(`${error.message} ${error.description}`).not.toContain('app-secret');
	});
});

describe('destination: manual', () => {
	const parameters = { destination: 'manual', manualVerifyToken: 'a-long-random-verify-token' };

	it('registers and removes nothing, and logs where to paste the URL', async () => {
		const { context, logger, requests } = hook(parameters);
		expect(await methods.checkExists.call(context)).toBe(false);
		expect(await methods.create.call(context)).toBe(true);
		expect(await methods.delete.call(context)).toBe(true);
		expect(requests).toEqual([]);
		expect(logger.info.mock.calls[0][0]).toContain(WEBHOOK_URL);
	});

	it('refuses a short verify token', async () => {
		await expect(
			methods.create.call(hook({ ...parameters, manualVerifyToken: 'short' }).context),
		).rejects.toThrow(
			'The verify token must have at least 16 characters. Enter a long random string in Verify Token and paste the same value into the App Dashboard > WhatsApp > Configuration.',
		);
	});
});
