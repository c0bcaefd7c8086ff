// @ts-check
'use strict';

/**
 * End-to-end proof of 360dialog (issue 15): the built package in a real n8n (2.40.7 on Node 24)
 * against the sandbox's 360dialog dialect, with the 360dialog credential `npm run dev` creates.
 * One action of every resource; the trigger registers the number's 360dialog webhook with its
 * header, turns the sandbox's unsigned deliveries into executions, refuses a delivery with a wrong
 * or missing header (401, no execution), and on deactivation gives back the webhook it replaced.
 *
 *   npm run test:e2e    (or: node --test test/e2e/d360.test.js after npm run build)
 *
 * Order matters: the tests share one sandbox and one n8n and run one after the other.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');

const { waitFor } = require('../../dev/lib/n8n');
const {
	DEV_PHONE_NUMBERS,
	sandbox360dialogCredential,
	sandboxModule,
} = require('../../dev/lib/stack');
const { verboseLog, preparePackage, newN8n, removeTemp } = require('../support/n8n/realN8n');
const { runManually: runManuallyIn } = require('./runs');
const { action, groupRef, manualChain, triggerOnly } = require('./workflows');

/** The number of the 360dialog credential (the one `npm run dev` uses). */
const PHONE = '100000000000004';
const HEADER = 'x-whatsapp-groups-token';
const WEBHOOK_ID = '0e2e0000-0000-4000-8000-000000000360';
const REFUSED_WEBHOOK_ID = '0e2e0000-0000-4000-8000-000000000361';
const REPLACING_WEBHOOK_ID = '0e2e0000-0000-4000-8000-000000000362';

/** Shared state of the suite. @type {any} */
const ctx = {};

before(
	async () => {
		const prepared = await preparePackage('n8n-wag-e2e-360-');
		ctx.tmp = prepared.tmp;
		const { startSandbox, startReceiver } = sandboxModule();
		ctx.sandbox = await startSandbox({
			port: 0,
			phoneNumbers: DEV_PHONE_NUMBERS,
			log: verboseLog('sandbox'),
		});
		// Another receiver of the number's webhook (what a 360dialog customer may have set before).
		ctx.other = await startReceiver({});
		ctx.credential = sandbox360dialogCredential(ctx.sandbox);
		assert.equal(ctx.credential.data.apiKey, phoneOf(PHONE).d360_api_key);
		ctx.n8n = await newN8n(prepared);
		await ctx.n8n.importCredentials([ctx.credential]);
		await ctx.n8n.start({
			onLine: verboseLog('n8n'),
		});
		ctx.rest = await ctx.n8n.rest();
	},
	{ timeout: 60 * 60_000 },
);

after(async () => {
	await ctx.n8n?.stop().catch(() => undefined);
	await ctx.sandbox?.stop().catch(() => undefined);
	await ctx.other?.stop().catch(() => undefined);
	removeTemp(ctx.tmp);
});

// ------------------------------------------------------------------ helpers

/** @param {string} id */
const phoneOf = (id) => ctx.sandbox.state.phones.get(id);
/** @param {string} webhookId */
const triggerUrl = (webhookId) => `${ctx.n8n.baseUrl}/webhook/${webhookId}/webhook`;
const d360 = { authentication: '360dialog' };

/** @param {any} workflow */
const runManually = (workflow) => runManuallyIn(ctx, workflow);

/** The emitted items of every execution of a workflow, oldest first. @param {string} workflowId */
async function emitted(workflowId) {
	const list = await ctx.rest.executions(workflowId);
	const items = [];
	for (const e of [...list].reverse()) {
		const full = await ctx.rest.execution(e.id);
		const main = full.data?.resultData?.runData?.Trigger?.[0]?.data?.main?.[0] ?? [];
		items.push(...main.map((/** @type {any} */ i) => i.json));
	}
	return items;
}

/** Sets the number's 360dialog webhook as a customer would (POST /v1/configs/webhook with the key). */
async function setWebhookAsCustomer(/** @type {string} */ url, /** @type {object} */ headers) {
	const res = await fetch(`${ctx.sandbox.url}/v1/configs/webhook`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'D360-API-KEY': ctx.credential.data.apiKey },
		body: JSON.stringify({ url, headers }),
	});
	assert.equal(res.status, 200, await res.text());
}

// ------------------------------------------------------------------ the suite

test("the 360dialog credential's Test passes with the number's key and names a wrong key without echoing it", async () => {
	const stored = ctx.credential;
	/** @param {Record<string, unknown>} data */
	const check = (data) =>
		ctx.rest.request('POST', '/credentials/test', {
			credentials: { id: stored.id, name: stored.name, type: stored.type, data },
		});
	const ok = await check(stored.data);
	assert.equal(ok.status, 'OK', JSON.stringify(ok));
	const bad = await check({ ...stored.data, apiKey: 'not-the-sandbox-key-0123' });
	assert.equal(bad.status, 'Error');
	assert.match(bad.message, /^360dialog refused the API key/);
	assert.ok(!bad.message.includes('not-the-sandbox-key-0123'), 'the key is not echoed');
});

test("activating the trigger with 360dialog sets the number's 360dialog webhook with its header, and nothing of Meta's", async () => {
	const wf = triggerOnly('e2e: 360dialog trigger', WEBHOOK_ID, {
		...d360,
		destination: 'phoneNumber',
		events: ['group_created', 'join_request_created', 'message_received', 'unknown'],
	});
	const created = await ctx.rest.request('POST', '/workflows', wf);
	ctx.triggerWorkflowId = created.id;
	await ctx.rest.activate(created.id);
	const url = triggerUrl(WEBHOOK_ID);
	await waitFor(() => phoneOf(PHONE).d360_webhook?.url === url, 60_000, 'the 360dialog webhook');
	const { headers } = phoneOf(PHONE).d360_webhook;
	const names = Object.keys(headers).map((n) => n.toLowerCase());
	assert.deepEqual(names, [HEADER]);
	const value = Object.values(headers)[0];
	assert.match(value, /^[0-9a-f]{64}$/);
	assert.ok(!value.includes(ctx.credential.data.apiKey), 'the header is not the key');
	// Nothing was registered with Meta's API, and the other numbers are untouched.
	assert.equal(ctx.sandbox.state.appSubscription, null);
	assert.equal(ctx.sandbox.state.waba.override, null);
	for (const p of DEV_PHONE_NUMBERS) {
		assert.equal(phoneOf(p.id).override, null);
		if (p.id !== PHONE) assert.equal(phoneOf(p.id).d360_webhook, null);
	}
});

test('one action of every resource runs with 360dialog; the trigger turns their webhooks into executions', async () => {
	const { out: created } = await runManually(
		manualChain('e2e: 360dialog group', [
			action('Create', {
				...d360,
				resource: 'group',
				operation: 'create',
				subject: 'Tour 360 e2e',
				additionalFields: { joinApprovalMode: 'approval_required' },
				options: { waitForGroup: true, waitTimeout: 30, pollInterval: 1 },
			}),
		]),
	);
	const groupId = String(created('Create')[0].groupId);
	assert.equal(ctx.sandbox.state.groups.get(groupId)?.phone_number_id, PHONE);

	const { out: got } = await runManually(
		manualChain('e2e: 360dialog get and update', [
			action('Update', {
				...d360,
				resource: 'group',
				operation: 'update',
				groupId: groupRef(groupId),
				updateFields: { description: 'Set through 360dialog' },
				options: { waitForConfirmation: true, waitTimeout: 30, pollInterval: 1 },
			}),
			action('Get', {
				...d360,
				resource: 'group',
				operation: 'get',
				groupId: groupRef(groupId),
				fields: ['subject', 'description'],
			}),
		]),
	);
	assert.deepEqual(got('Get'), [
		{ groupId, subject: 'Tour 360 e2e', description: 'Set through 360dialog' },
	]);

	ctx.sandbox.state.simRequest({ group_id: groupId, phone: '4915100000360' });
	await ctx.sandbox.idle();
	const { out: requests } = await runManually(
		manualChain('e2e: 360dialog join requests', [
			action('Join requests', {
				...d360,
				resource: 'joinRequest',
				operation: 'getMany',
				groupId: groupRef(groupId),
				returnAll: true,
			}),
		]),
	);
	const [request] = requests('Join requests');
	assert.equal(request.waId, '4915100000360');
	const { out: approved } = await runManually(
		manualChain('e2e: 360dialog approve', [
			action('Approve', {
				...d360,
				resource: 'joinRequest',
				operation: 'approve',
				groupId: groupRef(groupId),
				joinRequestIds: String(request.joinRequestId),
			}),
		]),
	);
	assert.deepEqual(
		approved('Approve').map((r) => r.status),
		['approved'],
	);

	const { out: linkAndMessage } = await runManually(
		manualChain('e2e: 360dialog invite link and message', [
			action('Link', {
				...d360,
				resource: 'inviteLink',
				operation: 'get',
				groupId: groupRef(groupId),
			}),
			action('Send', {
				...d360,
				resource: 'message',
				operation: 'send',
				groupId: groupRef(groupId),
				messageType: 'text',
				text: 'Hello through 360dialog',
			}),
		]),
	);
	assert.match(String(linkAndMessage('Link')[0].inviteLink), /^https:\/\/chat\.whatsapp\.com\//);
	assert.match(String(linkAndMessage('Send')[0].messageId), /^wamid\./);

	const { out: removed } = await runManually(
		manualChain('e2e: 360dialog participant', [
			action('Remove', {
				...d360,
				resource: 'participant',
				operation: 'remove',
				groupId: groupRef(groupId),
				participants: '4915100000360',
				options: { waitForConfirmation: true, waitTimeout: 30, pollInterval: 1 },
			}),
		]),
	);
	assert.deepEqual(removed('Remove'), [
		{ groupId, participant: '4915100000360', status: 'confirmed' },
	]);
	ctx.groupId = groupId;

	// The sandbox sent this number's webhooks unsigned to the trigger, with its header.
	await waitFor(
		async () => {
			const items = await emitted(ctx.triggerWorkflowId);
			return (
				items.some((i) => i.event === 'group_created' && i.groupId === groupId) &&
				items.some((i) => i.event === 'join_request_created' && i.groupId === groupId)
			);
		},
		30_000,
		'the executions of the group_created and join_request_created webhooks',
	);
	const items = await emitted(ctx.triggerWorkflowId);
	const createdEvent = items.find((i) => i.event === 'group_created');
	assert.equal(createdEvent.subject, 'Tour 360 e2e');
	assert.equal(createdEvent.phoneNumberId, PHONE);
	const joinEvent = items.find((i) => i.event === 'join_request_created');
	assert.equal(joinEvent.joinRequestId, request.joinRequestId);
});

test('a delivery with a wrong or missing header gets 401 and starts no execution; the registered header starts one', async () => {
	const before = (await ctx.rest.executions(ctx.triggerWorkflowId)).length;
	const body = JSON.stringify({
		object: 'whatsapp_business_account',
		entry: [
			{
				id: ctx.sandbox.config.waba_id,
				changes: [
					{
						field: 'group_lifecycle_update',
						value: {
							messaging_product: 'whatsapp',
							metadata: { display_phone_number: '15550001003', phone_number_id: PHONE },
							groups: [
								{
									timestamp: String(Math.floor(Date.now() / 1000)),
									type: 'group_create',
									group_id: 'HEADER_TEST_GROUP',
									request_id: 'HEADER_TEST_REQUEST',
									subject: 'Header test',
								},
							],
						},
					},
				],
			},
		],
	});
	const url = triggerUrl(WEBHOOK_ID);
	const post = (/** @type {Record<string, string>} */ headers) =>
		fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body,
		});
	const registered = /** @type {string} */ (Object.values(phoneOf(PHONE).d360_webhook.headers)[0]);

	assert.equal((await post({})).status, 401, 'missing header');
	assert.equal((await post({ [HEADER]: 'f'.repeat(64) })).status, 401, 'wrong header');
	assert.equal((await post({ [HEADER]: registered.slice(1) })).status, 401, 'truncated header');
	assert.equal((await post({ 'D360-API-KEY': ctx.credential.data.apiKey })).status, 401, 'the key');
	const get = await fetch(url);
	assert.notEqual(get.status, 200, 'a GET is no verification with 360dialog');
	await new Promise((r) => setTimeout(r, 2000));
	assert.equal(
		(await ctx.rest.executions(ctx.triggerWorkflowId)).length,
		before,
		'no execution for refused deliveries',
	);

	const good = await post({ [HEADER]: registered });
	assert.equal(good.status, 200);
	await waitFor(
		async () => (await ctx.rest.executions(ctx.triggerWorkflowId)).length === before + 1,
		20_000,
		'the execution of the delivery with the header',
	);
	const items = await emitted(ctx.triggerWorkflowId);
	assert.ok(items.some((i) => i.groupId === 'HEADER_TEST_GROUP' && i.event === 'group_created'));
});

test("deactivating leaves the trigger's URL when it replaced nothing (360dialog has no delete); a trigger that replaced another webhook gives it back with its headers", async () => {
	const url = triggerUrl(WEBHOOK_ID);
	await ctx.rest.deactivate(ctx.triggerWorkflowId);
	await new Promise((r) => setTimeout(r, 1500));
	assert.equal(phoneOf(PHONE).d360_webhook?.url, url, 'no delete at 360dialog: the URL stays');
	const stale = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: '{}',
	});
	assert.equal(stale.status, 404, 'n8n no longer listens there');

	// A customer sets the number's webhook to another receiver, with its own header.
	const otherHeaders = { Authorization: 'Basic b3RoZXI6cmVjZWl2ZXI=' };
	await setWebhookAsCustomer(ctx.other.url, otherHeaders);

	const wf = triggerOnly('e2e: 360dialog trigger that replaces (off)', REFUSED_WEBHOOK_ID, {
		...d360,
		destination: 'phoneNumber',
		events: ['group_created'],
	});
	const created = await ctx.rest.request('POST', '/workflows', wf);
	// Without Replace Existing Callback the activation is refused, naming the other URL. n8n 2.40
	// publishes in the background: the error becomes the publication status's errorMessage.
	await ctx.rest.activate(created.id);
	const status = await waitFor(
		async () => {
			const s = await ctx.rest.request('GET', `/workflows/${created.id}/publication-status`);
			return s.status === 'failed' ? s : undefined;
		},
		60_000,
		'the publication to fail',
	);
	assert.equal(status.triggers.length, 1, JSON.stringify(status));
	assert.equal(
		status.triggers[0].errorMessage,
		`The number's 360dialog webhook already sends its webhooks to ${ctx.other.url}, which is not this trigger. Remove that callback first, use another number (another 360dialog API key), or turn on "Replace Existing Callback" to take it over.`,
	);
	await ctx.rest.deactivate(created.id).catch(() => undefined);
	assert.equal(phoneOf(PHONE).d360_webhook.url, ctx.other.url);

	// The same trigger with Replace Existing Callback on takes it over.
	const replacing = await ctx.rest.request(
		'POST',
		'/workflows',
		triggerOnly('e2e: 360dialog trigger that replaces (on)', REPLACING_WEBHOOK_ID, {
			...d360,
			destination: 'phoneNumber',
			events: ['group_created'],
			replaceExisting: true,
		}),
	);
	await ctx.rest.activate(replacing.id);
	const replacingUrl = triggerUrl(REPLACING_WEBHOOK_ID);
	await waitFor(
		() => phoneOf(PHONE).d360_webhook?.url === replacingUrl,
		60_000,
		'the replacing trigger',
	);

	await ctx.rest.deactivate(replacing.id);
	await waitFor(
		() => phoneOf(PHONE).d360_webhook?.url === ctx.other.url,
		30_000,
		'the other receiver to get the webhook back',
	);
	assert.deepEqual(phoneOf(PHONE).d360_webhook.headers, otherHeaders);
	// And it receives the number's webhooks again, with its header.
	ctx.sandbox.state.simRequest({ group_id: ctx.groupId, phone: '4915100000361' });
	const delivered = await ctx.other.waitFor(
		(/** @type {any} */ d) => d.raw.includes('4915100000361'),
		20_000,
	);
	assert.equal(delivered.headers.authorization, otherHeaders.Authorization);
});
