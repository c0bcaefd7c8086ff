/**
 * The trigger against the local Groups API sandbox, in process (jest; the real-n8n suite is
 * test/e2e): the trigger registers itself, the sandbox verifies the callback with its GET
 * challenge (answered by the trigger's webhook over real HTTP), then delivers signed webhooks for
 * real group activity, which come out as typed items.
 */
import type { IDataObject } from 'n8n-workflow';

import { WhatsAppGroupsTrigger } from '../../nodes/WhatsAppGroupsTrigger/WhatsAppGroupsTrigger.node';
import { metaSignature } from '../support/meta';
import { createHookContext, createWebhookContext } from '../support/n8n/fakeContext';
import {
	APP,
	APP_TOKEN,
	createGroup,
	FAST,
	graphApi,
	PHONE,
	SECRET,
	startReceiver,
	startSandbox,
	subscribeApp,
	TOKEN,
	WABA,
} from '../support/sandbox';
import type { Receiver, RunningSandbox } from '../support/sandbox';
import { startTriggerServer } from '../support/http/triggerServer';

const trigger = new WhatsAppGroupsTrigger();
const methods = trigger.webhookMethods.default;

let sandbox: RunningSandbox;
let server: Awaited<ReturnType<typeof startTriggerServer>>;
let appReceiver: Receiver | undefined;
let webhookUrl: string;
let parameters: Record<string, unknown>;
let emitted: IDataObject[];
let refused: number[];
const staticData: IDataObject = {};

function credentials() {
	return {
		accessToken: TOKEN,
		businessAccountId: WABA,
		appId: APP,
		appSecret: SECRET,
		graphApiVersion: 'v26.0',
		baseUrl: sandbox.url,
	};
}

function hook() {
	return createHookContext({ parameters, credentials: credentials(), webhookUrl, staticData })
		.context;
}

beforeEach(async () => {
	sandbox = await startSandbox({ ...FAST, appSecret: SECRET });
	emitted = [];
	refused = [];
	for (const key of Object.keys(staticData)) delete staticData[key];
	server = await startTriggerServer(async (call) => {
		const { context, response } = createWebhookContext({
			parameters,
			credentials: credentials(),
			webhookUrl,
			webhookName: call.method === 'GET' ? 'setup' : 'default',
			query: call.query,
			headers: call.headers,
			rawBody: call.method === 'GET' ? undefined : call.rawBody,
			staticData,
		});
		const result = await trigger.webhook.call(context);
		if (result.workflowData) {
			emitted.push(...result.workflowData[0].map((item) => item.json));
			return { status: 200, body: 'OK' };
		}
		if (response.sent.statusCode !== 200) refused.push(response.sent.statusCode ?? 0);
		return {
			status: response.sent.statusCode ?? 500,
			headers: response.sent.headers,
			body: String(response.sent.body ?? ''),
		};
	});
	webhookUrl = `${server.url}/webhook/hook-1/webhook`;
});

afterEach(async () => {
	await sandbox.stop();
	await server.stop();
	await appReceiver?.stop();
	appReceiver = undefined;
});

/** The usual one-time setup: the app has a callback with every field and is on the account. */
async function subscribeAppElsewhere(): Promise<Receiver> {
	appReceiver = await startReceiver({ appSecret: SECRET, verifyToken: 'app-level-token' });
	await subscribeApp(sandbox, appReceiver, 'app-level-token');
	const api = graphApi(sandbox);
	expect((await api('POST', `/${WABA}/subscribed_apps`, {})).status).toBe(200);
	return appReceiver;
}

describe('trigger against the Groups API sandbox', () => {
	it('phone number destination: registers after the challenge, receives group events, removes itself', async () => {
		const receiver = await subscribeAppElsewhere();
		parameters = { destination: 'phoneNumber', phoneNumberId: PHONE };

		expect(await methods.checkExists.call(hook())).toBe(false);
		expect(await methods.create.call(hook())).toBe(true);
		expect(await methods.checkExists.call(hook())).toBe(true);

		const { groupId, requestId } = await createGroup(sandbox, 'Book club');
		sandbox.state.simJoin({ group_id: groupId, phone: '4915100000001', name: 'Ana' });
		await sandbox.idle();
		sandbox.state.simMessage({ group_id: groupId, phone: '4915100000001', text: 'Hello group' });
		await sandbox.idle();

		expect(refused).toEqual([]);
		expect(emitted.map((item) => [item.event, item.groupId])).toEqual([
			['group_created', groupId],
			['participants_joined', groupId],
			['message_received', groupId],
		]);
		expect(emitted[0]).toMatchObject({
			requestId,
			subject: 'Book club',
			phoneNumberId: PHONE,
			businessAccountId: WABA,
		});
		expect(typeof emitted[0].timestampUnix).toBe('number');
		expect(emitted[1].participants).toEqual([{ waId: '4915100000001' }]);
		expect(emitted[2]).toMatchObject({
			from: '4915100000001',
			senderName: 'Ana',
			type: 'text',
			text: 'Hello group',
		});
		expect(receiver.deliveries).toHaveLength(0);

		expect(await methods.delete.call(hook())).toBe(true);
		expect(await methods.checkExists.call(hook())).toBe(false);
		await createGroup(sandbox, 'After deactivation');
		expect(emitted).toHaveLength(3);
		expect(receiver.byField('group_lifecycle_update')).toHaveLength(1);
	});

	it('business account destination: sets the override, and on removal keeps the app subscribed', async () => {
		const receiver = await subscribeAppElsewhere();
		parameters = { destination: 'businessAccount' };

		expect(await methods.create.call(hook())).toBe(true);
		expect(await methods.checkExists.call(hook())).toBe(true);
		const { groupId } = await createGroup(sandbox, 'Account level');
		expect(emitted.map((item) => [item.event, item.groupId])).toEqual([['group_created', groupId]]);

		expect(await methods.delete.call(hook())).toBe(true);
		const apps = await graphApi(sandbox)('GET', `/${WABA}/subscribed_apps`);
		expect(apps.body.data).toEqual([
			{ whatsapp_business_api_data: expect.objectContaining({ id: APP }) },
		]);
		await createGroup(sandbox, 'Back to the app callback');
		expect(receiver.byField('group_lifecycle_update')).toHaveLength(1);
		expect(emitted).toHaveLength(1);
	});

	it('app destination: subscribes the app itself and removes only the subscription it created', async () => {
		expect((await graphApi(sandbox)('POST', `/${WABA}/subscribed_apps`, {})).status).toBe(200);
		parameters = { destination: 'app' };

		expect(await methods.checkExists.call(hook())).toBe(false);
		expect(await methods.create.call(hook())).toBe(true);
		const { groupId } = await createGroup(sandbox, 'App level');
		expect(emitted.map((item) => [item.event, item.groupId])).toEqual([['group_created', groupId]]);

		expect(await methods.delete.call(hook())).toBe(true);
		const list = await graphApi(sandbox)('GET', `/${APP}/subscriptions`, undefined, {
			token: APP_TOKEN,
		});
		expect(list.body).toEqual({ data: [] });
	});

	it('app destination: refuses to take over the callback another receiver uses', async () => {
		await subscribeAppElsewhere();
		parameters = { destination: 'app' };
		await expect(methods.create.call(hook())).rejects.toThrow(
			/^The Meta app \S+ already sends its webhooks to http:\/\/127\.0\.0\.1:\d+\/\S*, which is not this trigger\./,
		);
	});

	it('answers a forged delivery with 401 over HTTP', async () => {
		parameters = { destination: 'phoneNumber', phoneNumberId: PHONE };
		const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
		const response = await fetch(webhookUrl, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-hub-signature-256': metaSignature(body, 'wrong-secret'),
			},
			body,
		});
		expect(response.status).toBe(401);
		expect(emitted).toEqual([]);
	});
});
