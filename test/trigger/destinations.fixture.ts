/* What the destination suites share: the credential, the URLs, the fake hook context, n8n's
 * "Listen for test event" sequence and the Graph calls Meta answers (nock), each with the exact
 * method, path, query and token. */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { WhatsAppGroupsTrigger } from '../../nodes/WhatsAppGroupsTrigger/WhatsAppGroupsTrigger.node';
import { deriveVerifyToken } from '../../nodes/WhatsAppGroupsTrigger/webhook/verifyToken';
import { createHookContext } from '../support/n8n/fakeContext';

export const BASE = 'https://graph.test';
export const V = '/v26.0';
/** The trigger node's webhookId: n8n builds both of its URLs from it. */
export const WEBHOOK_ID = '5b0c';
/** The node's production URL (a published workflow) and its test URL ("Listen for test event"). */
export const WEBHOOK_URL = 'https://n8n.example.com/webhook/5b0c/webhook';
export const TEST_URL = 'https://n8n.example.com/webhook-test/5b0c/webhook';
export const OTHER_URL = 'https://someone-else.example.com/hook';
export const CREDENTIALS = {
	accessToken: 'user-token',
	businessAccountId: 'WABA_1',
	appId: 'APP_1',
	appSecret: 'app-secret',
	graphApiVersion: 'v26.0',
	baseUrl: BASE,
};
export const TOKEN = deriveVerifyToken('app-secret', WEBHOOK_URL);
export const APP_TOKEN = 'APP_1|app-secret';
// The fields the trigger must subscribe to, written out: this list is what the assertions expect,
// so it is not imported from the node's TRIGGER_WEBHOOK_FIELDS (a change there must fail here).
export const ALL_FIELDS = [
	'group_lifecycle_update',
	'group_participants_update',
	'group_settings_update',
	'group_status_update',
	'messages',
	'user_id_update',
];

export const methods = new WhatsAppGroupsTrigger().webhookMethods.default;

export interface HookOverrides {
	credentials?: IDataObject;
	webhookUrl?: string;
	staticData?: IDataObject;
	test?: boolean;
	mode?: string;
}

/**
 * The `hook()` of one provider: its credential (and type) and the parameters every node of its
 * suite has, which a test's parameters override.
 */
export function hookFor(defaults: {
	parameters: Record<string, unknown>;
	credentials: IDataObject;
	credentialType?: string;
}) {
	/**
	 * What n8n hands the webhook methods. `test`: as for "Listen for test event" (the test URL, mode
	 * 'manual'); otherwise as for a published workflow (mode 'trigger'). n8n 2.40 calls delete with
	 * mode 'internal' in both cases.
	 */
	return function hook(parameters: Record<string, unknown> = {}, overrides: HookOverrides = {}) {
		const all = { ...defaults.parameters, ...parameters };
		return createHookContext({
			parameters: all,
			credentials: overrides.credentials ?? defaults.credentials,
			credentialType: defaults.credentialType,
			webhookUrl: overrides.webhookUrl ?? (overrides.test ? TEST_URL : WEBHOOK_URL),
			staticData: overrides.staticData,
			mode: overrides.mode ?? (overrides.test ? 'manual' : 'trigger'),
			node: { webhookId: WEBHOOK_ID, parameters: all as INodeParameters },
		});
	};
}

export type Hook = ReturnType<typeof hookFor>;

/** Meta's hook: the suite's credential, signatures verified. */
export const hook = hookFor({ parameters: { verifySignatures: true }, credentials: CREDENTIALS });

/** The test registration's static data as n8n hands it to delete (through JSON in queue mode). */
export function keptByN8n(staticData: IDataObject): IDataObject {
	return JSON.parse(JSON.stringify(staticData)) as IDataObject;
}

/**
 * Runs n8n's test sequence with `hook`: checkExists and create as a test, then delete with what
 * create kept. `between` runs after create (nock the calls delete makes).
 */
export async function listenThenEnd(
	hook: Hook,
	parameters: Record<string, unknown>,
	between: () => void,
): Promise<{ created: ReturnType<Hook>; deleted: ReturnType<Hook> }> {
	const created = hook(parameters, { test: true });
	expect(await methods.checkExists.call(created.context)).toBe(false);
	expect(await methods.create.call(created.context)).toBe(true);
	between();
	const deleted = hook(parameters, {
		test: true,
		mode: 'internal',
		staticData: keptByN8n(created.staticData),
	});
	expect(await methods.delete.call(deleted.context)).toBe(true);
	return { created, deleted };
}

/** Graph calls made with the credential's user token. */
export function userApi() {
	return nock(BASE, { reqheaders: { authorization: 'Bearer user-token' } });
}

/** App-level calls: the app token in the query and no user token in a header. */
export function appApi() {
	return nock(BASE, { badheaders: ['authorization'] });
}

export function appSubscriptions(subscriptions: unknown[]) {
	return appApi()
		.get(`${V}/APP_1/subscriptions`)
		.query({ access_token: APP_TOKEN })
		.reply(200, { data: subscriptions });
}

export function phoneConfig(override?: string) {
	return userApi()
		.get(`${V}/PHONE_1`)
		.query({ fields: 'webhook_configuration' })
		.reply(200, {
			id: 'PHONE_1',
			webhook_configuration: {
				application: 'https://app-callback.example.com',
				...(override ? { phone_number: override } : {}),
			},
		});
}

export function subscribedApps(apps: unknown[]) {
	return userApi().get(`${V}/WABA_1/subscribed_apps`).reply(200, { data: apps });
}

export const ownApp = (override?: string) => ({
	whatsapp_business_api_data: { id: 'APP_1', name: 'My app', link: 'https://example.com' },
	...(override ? { override_callback_uri: override } : {}),
});
export const fullAppSubscription = (callbackUrl: string, fields = ALL_FIELDS) => ({
	object: 'whatsapp_business_account',
	callback_url: callbackUrl,
	active: true,
	fields: fields.map((name) => ({ name, version: 'v26.0' })),
});
