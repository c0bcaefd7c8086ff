// @ts-check
'use strict';

/**
 * End-to-end tests: the built package inside a real n8n (2.40.7 on Node 24, installed and cached
 * by dev/lib/install.js) against the Groups API sandbox.
 *
 *   npm run test:e2e               (E2E_VERBOSE=1 streams n8n's log, E2E_KEEP=1 keeps the temp folder)
 *
 * Order matters: the tests share one sandbox and one n8n and run one after the other.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const { waitFor, freePort } = require('../../dev/lib/n8n');
const {
	loadExamples,
	sandboxCredential,
	sandboxModule,
	configureMetaApp,
} = require('../../dev/lib/stack');
const { log, verboseLog, preparePackage, newN8n, removeTemp } = require('../support/n8n/realN8n');
const { metaSignature } = require('../support/meta');
const { checkEvent, triggerEvents } = require('./contract');
const { action, groupRef, manualChain, triggerOnly } = require('./workflows');
const { runManually: runManuallyIn } = require('./runs');

const PHONE_WELCOME = '100000000000002'; // the welcome example listens here
const PHONE_APPROVAL = '100000000000003'; // the join-request example listens here
const PHONE_CONTRACT = '100000000000004'; // no override: routed to the WABA override of the contract trigger
const CONTRACT_WEBHOOK_ID = '0e2e0000-0000-4000-8000-00000000c0de';

/** Shared state of the suite (sandbox, n8n, REST client, IDs made along the way). @type {any} */
const ctx = { timings: {} };

/** @param {string} name @param {number} since */
function timing(name, since) {
	ctx.timings[name] = Math.round((Date.now() - since) / 100) / 10;
	log(`${name}: ${ctx.timings[name]} s`);
}

before(
	async () => {
		const prepared = await preparePackage('n8n-wag-e2e-', { timing });
		ctx.tmp = prepared.tmp;

		const { startSandbox } = sandboxModule();
		ctx.sandbox = await startSandbox({
			port: 0,
			phoneNumbers: [
				{
					id: PHONE_WELCOME,
					display_phone_number: '15550001001',
					verified_name: 'Sandbox Business',
				},
				{
					id: PHONE_APPROVAL,
					display_phone_number: '15550001002',
					verified_name: 'Sandbox Business Support',
				},
				{
					id: PHONE_CONTRACT,
					display_phone_number: '15550001003',
					verified_name: 'Sandbox Contract Tests',
				},
			],
			log: verboseLog('sandbox'),
		});
		ctx.appCallback = await configureMetaApp(ctx.sandbox);

		ctx.n8n = await newN8n(prepared);
		ctx.examples = loadExamples();

		// The same path as `npm run dev`: CLI imports while n8n is stopped.
		const t = Date.now();
		await ctx.n8n.importCredentials([sandboxCredential(ctx.sandbox)]);
		await ctx.n8n.importWorkflows(Object.values(ctx.examples));
		await ctx.n8n.publishOffline(ctx.examples['join-request-approval'].id);
		await ctx.n8n.publishOffline(ctx.examples['welcome-new-participants'].id);
		timing('n8n CLI imports and publish', t);
	},
	{ timeout: 60 * 60_000 },
);

after(async () => {
	await ctx.n8n?.stop().catch(() => undefined);
	await ctx.sandbox?.stop().catch(() => undefined);
	await ctx.appCallback?.stop().catch(() => undefined);
	removeTemp(ctx.tmp);
	log(`timings (s): ${JSON.stringify(ctx.timings)}`);
});

// ------------------------------------------------------------------ helpers

/** @param {string} id */
const group = (id) => ctx.sandbox.state.groups.get(id);
/** @param {string} phoneId */
const overrideOf = (phoneId) => ctx.sandbox.state.phones.get(phoneId).override;
/** @param {string} webhookId */
const triggerUrl = (webhookId) => `${ctx.n8n.baseUrl}/webhook/${webhookId}/webhook`;

/**
 * A group straight in the sandbox's state (as if it existed before), with participants.
 * @param {string} phoneId
 * @param {{subject: string, created?: number, participants?: string[], mode?: string}} o
 */
function seedGroup(phoneId, o) {
	const g = ctx.sandbox.state.insertGroup({
		id: ctx.sandbox.state.newGroupId(),
		phone_number_id: phoneId,
		subject: o.subject,
		description: '',
		join_approval_mode: o.mode ?? 'auto_approve',
		creation_timestamp: o.created ?? Math.floor(Date.now() / 1000),
	});
	for (const waId of o.participants ?? [])
		g.participants.push({
			wa_id: waId,
			name: `User ${waId.slice(-4)}`,
			joined_at: g.creation_timestamp,
		});
	return g;
}

/** @param {any} workflow */
const runManually = (workflow) => runManuallyIn(ctx, workflow);

/**
 * Finished executions of a workflow with their data, oldest first.
 * @param {string} workflowId
 */
async function executionsOf(workflowId) {
	const list = await ctx.rest.executions(workflowId);
	const full = [];
	for (const e of [...list].reverse()) full.push(await ctx.rest.execution(e.id));
	return full;
}

/**
 * Output items of the first node of every execution of a workflow.
 * @param {any[]} executions
 * @param {string} node
 */
function itemsOf(executions, node) {
	return executions.flatMap((e) =>
		(e.data?.resultData?.runData?.[node]?.[0]?.data?.main?.[0] ?? []).map(
			(/** @type {any} */ i) => i.json,
		),
	);
}

/** Waits until the sandbox has delivered everything and n8n has had time to store the executions. */
async function settle() {
	await ctx.sandbox.idle();
	await new Promise((r) => setTimeout(r, 1500));
}

// ------------------------------------------------------------------ the suite

test('example "clean up stale groups" run with `n8n execute` deletes only old, empty groups', async () => {
	const old = Math.floor(Date.UTC(2026, 0, 1) / 1000);
	const staleEmpty = [
		seedGroup(PHONE_WELCOME, { subject: 'Old and empty 1', created: old }),
		seedGroup(PHONE_WELCOME, { subject: 'Old and empty 2', created: old + 60 }),
	];
	const oldBusy = seedGroup(PHONE_WELCOME, {
		subject: 'Old with people',
		created: old,
		participants: ['15550100001'],
	});
	const newEmpty = seedGroup(PHONE_WELCOME, { subject: 'New and empty' });

	const t = Date.now();
	const { data } = await ctx.n8n.execute(ctx.examples['stale-group-cleanup'].id);
	timing('n8n execute (CLI, clean-up example)', t);
	await ctx.sandbox.idle();

	const runData = data.data.resultData.runData;
	const deleted = runData['Delete group'][0].data.main[0].map((/** @type {any} */ i) => i.json);
	assert.equal(deleted.length, 2, `deleted items: ${JSON.stringify(deleted)}`);
	for (const g of staleEmpty)
		assert.equal(group(g.id), undefined, `${g.subject} should be deleted`);
	assert.ok(group(oldBusy.id), 'a group with participants stays');
	assert.ok(group(newEmpty.id), 'a new group stays');
});

test('n8n starts with the package and the published example triggers register their phone-number destinations', async () => {
	const started = await ctx.n8n.start({
		onLine: verboseLog('n8n'),
	});
	ctx.timings['n8n start'] = Math.round(started.ms / 100) / 10;
	log(`n8n start: ${ctx.timings['n8n start']} s`);
	ctx.rest = await ctx.n8n.rest();

	const t = Date.now();
	const welcomeUrl = triggerUrl(ctx.examples['welcome-new-participants'].nodes[0].webhookId);
	const approvalUrl = triggerUrl(ctx.examples['join-request-approval'].nodes[0].webhookId);
	await waitFor(
		() =>
			overrideOf(PHONE_WELCOME)?.uri === welcomeUrl &&
			overrideOf(PHONE_APPROVAL)?.uri === approvalUrl,
		120_000,
		'the example triggers to set their phone number overrides',
		500,
	);
	timing('published triggers registered after start', t);
	// The app's own callback is still there.
	assert.equal(ctx.sandbox.state.appSubscription.callback_url, ctx.appCallback.url);
	assert.equal(overrideOf(PHONE_CONTRACT), null);
});

test("the credential's Test in n8n passes for the sandbox account and names what is wrong otherwise", async () => {
	// What the editor's "Test" button sends for the stored credential, with the form's values.
	const stored = sandboxCredential(ctx.sandbox);
	/** @param {Record<string, unknown>} data */
	const check = (data) =>
		ctx.rest.request('POST', '/credentials/test', {
			credentials: { id: stored.id, name: stored.name, type: stored.type, data },
		});
	const ok = await check(stored.data);
	assert.equal(ok.status, 'OK', JSON.stringify(ok));
	const badToken = await check({ ...stored.data, accessToken: 'EAAB-not-the-sandbox-token' });
	assert.equal(badToken.status, 'Error');
	assert.match(badToken.message, /^The access token was refused/);
	assert.ok(!badToken.message.includes('EAAB-not-the-sandbox-token'), 'the token is not echoed');
	// An app access token pasted where a system-user token belongs: Meta answers 403.
	const appToken = `${stored.data.appId}|${stored.data.appSecret}`;
	const wrongKind = await check({ ...stored.data, accessToken: appToken });
	assert.equal(wrongKind.status, 'Error');
	assert.match(wrongKind.message, /^The access token cannot read this WhatsApp Business Account/);
	assert.ok(
		!wrongKind.message.includes(String(stored.data.appSecret)),
		'the app secret is not echoed',
	);
	const badAccount = await check({ ...stored.data, businessAccountId: '999999999999999' });
	assert.equal(badAccount.status, 'Error');
	assert.match(badAccount.message, /^Meta did not accept the WhatsApp Business Account ID/);
	const badVersion = await check({ ...stored.data, baseUrl: `${ctx.sandbox.url}/not-graph` });
	assert.equal(badVersion.status, 'Error');
	assert.match(badVersion.message, /^Nothing answered at this Base URL/);
});

test("a Code node runs (n8n 2.40's task runner, started on the cached Node 24)", async () => {
	const { out } = await runManually(
		manualChain('e2e: Code node', [
			{
				name: 'Code',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				parameters: { jsCode: 'return [{ json: { sum: 1 + 2, inputs: $input.all().length } }];' },
			},
		]),
	);
	assert.deepEqual(out('Code'), [{ sum: 3, inputs: 1 }]);
});

test('activating a trigger registers its destination with the sandbox (challenge verified)', async () => {
	const wf = triggerOnly('e2e: event contract', CONTRACT_WEBHOOK_ID, {
		destination: 'businessAccount',
		events: triggerEvents(),
	});
	const created = await ctx.rest.request('POST', '/workflows', wf);
	ctx.contractWorkflowId = created.id;
	const t = Date.now();
	await ctx.rest.activate(created.id);
	const url = triggerUrl(CONTRACT_WEBHOOK_ID);
	await waitFor(
		() => ctx.sandbox.state.waba.override?.uri === url,
		60_000,
		'the WABA override',
		250,
	);
	timing('REST activation to registered destination', t);

	// The sandbox only stores an override after its GET challenge was echoed; ask again ourselves.
	const token = ctx.sandbox.state.waba.override.verify_token;
	const challenge = String(Date.now());
	const res = await fetch(
		`${url}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=${challenge}`,
	);
	assert.equal(res.status, 200);
	assert.equal(await res.text(), challenge);
	const wrong = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`);
	assert.notEqual(wrong.status, 200);
	// Nothing else moved.
	assert.equal(ctx.sandbox.state.appSubscription.callback_url, ctx.appCallback.url);
	assert.equal(
		overrideOf(PHONE_WELCOME)?.uri,
		triggerUrl(ctx.examples['welcome-new-participants'].nodes[0].webhookId),
	);
});

test('group resource: create, update, get and get many change and read the sandbox', async () => {
	const { out } = await runManually(
		manualChain('e2e: group', [
			action('Create', {
				resource: 'group',
				operation: 'create',
				phoneNumberId: PHONE_CONTRACT,
				subject: 'E2E group',
				additionalFields: { description: 'made by n8n', joinApprovalMode: 'auto_approve' },
				options: { waitForGroup: true, waitTimeout: 30, pollInterval: 1 },
			}),
			action('Update', {
				resource: 'group',
				operation: 'update',
				phoneNumberId: PHONE_CONTRACT,
				groupId: groupRef('={{ $json.groupId }}'),
				updateFields: { subject: 'E2E group renamed', description: 'changed by n8n' },
				// Meta applies settings after answering: wait until a read-back shows them.
				options: { waitForConfirmation: true, waitTimeout: 10, pollInterval: 1 },
			}),
			action('Get', {
				resource: 'group',
				operation: 'get',
				phoneNumberId: PHONE_CONTRACT,
				groupId: groupRef("={{ $('Create').item.json.groupId }}"),
			}),
			action('Get many', {
				resource: 'group',
				operation: 'getMany',
				phoneNumberId: PHONE_CONTRACT,
				returnAll: true,
			}),
		]),
	);
	const [created] = out('Create');
	assert.ok(created.groupId, JSON.stringify(created));
	assert.match(created.inviteLink, /^https:\/\/chat\.whatsapp\.com\//);
	const g = group(created.groupId);
	assert.ok(g, 'the group exists in the sandbox');
	assert.equal(g.phone_number_id, PHONE_CONTRACT);
	assert.equal(g.subject, 'E2E group renamed');
	assert.equal(g.description, 'changed by n8n');
	assert.deepEqual(out('Update'), [
		{
			groupId: created.groupId,
			status: 'confirmed',
			subject: 'E2E group renamed',
			description: 'changed by n8n',
			settings: { subject: 'confirmed', description: 'confirmed' },
		},
	]);
	const [got] = out('Get');
	assert.equal(got.groupId, created.groupId);
	assert.equal(got.subject, 'E2E group renamed');
	assert.ok(out('Get many').some((i) => i.groupId === created.groupId));
	ctx.groupId = created.groupId;
	ctx.inviteLink = created.inviteLink;
});

test('invite link resource: get; reset invalidates the old link; send the invite template to a user', async () => {
	const before = ctx.sandbox.state.groups.get(ctx.groupId).invite_code;
	const { out } = await runManually(
		manualChain('e2e: invite link', [
			action('Get link', {
				resource: 'inviteLink',
				operation: 'get',
				phoneNumberId: PHONE_CONTRACT,
				groupId: groupRef(ctx.groupId),
			}),
			action('Reset link', {
				resource: 'inviteLink',
				operation: 'reset',
				phoneNumberId: PHONE_CONTRACT,
				groupId: groupRef(ctx.groupId),
			}),
			action('Send link', {
				resource: 'inviteLink',
				operation: 'send',
				phoneNumberId: PHONE_CONTRACT,
				groupId: groupRef(ctx.groupId),
				recipient: '+1 555 060 0001',
				templateName: { __rl: true, mode: 'list', value: 'group_invite_link' },
				languageCode: 'en',
			}),
			action('Send link to a BSUID', {
				resource: 'inviteLink',
				operation: 'send',
				phoneNumberId: PHONE_CONTRACT,
				groupId: groupRef(ctx.groupId),
				recipient: 'US.13491208655302741918',
				templateName: { __rl: true, mode: 'name', value: 'group_invite_link' },
				languageCode: 'es',
			}),
		]),
	);
	const [got] = out('Get link');
	assert.ok(
		JSON.stringify(got).includes(before),
		`get returns the current link: ${JSON.stringify(got)}`,
	);
	const after = group(ctx.groupId).invite_code;
	assert.notEqual(after, before);
	const [reset] = out('Reset link');
	assert.ok(
		JSON.stringify(reset).includes(after),
		`reset returns the new link: ${JSON.stringify(reset)}`,
	);
	assert.equal(
		ctx.sandbox.state.inviteCodes.get(before),
		undefined,
		'the old link no longer works',
	);
	const [sent] = out('Send link');
	assert.equal(
		ctx.sandbox.state.messages.get(sent.messageId)?.to,
		'15550600001',
		`invite template sent: ${JSON.stringify(sent)}`,
	);
	const [toBsuid] = out('Send link to a BSUID');
	assert.equal(toBsuid.recipient, 'US.13491208655302741918');
	assert.equal(toBsuid.userId, 'US.13491208655302741918');
	assert.equal(
		ctx.sandbox.state.messages.get(toBsuid.messageId)?.to,
		'US.13491208655302741918',
		`invite template sent to the BSUID: ${JSON.stringify(toBsuid)}`,
	);
	ctx.inviteLink = `https://chat.whatsapp.com/${after}`;
});

test('simulated users join, ask to join and withdraw; join requests are read, approved and rejected by n8n', async () => {
	const state = ctx.sandbox.state;
	state.simJoin({ invite_link: ctx.inviteLink, phone: '15550200001', name: 'Ada' });
	state.simJoin({
		invite_link: ctx.inviteLink,
		phone: '15550200002',
		name: 'Grace',
		username: 'grace',
	});
	state.simRequest({ group_id: ctx.groupId, phone: '15550200003', name: 'Linus' });
	state.simRequest({ group_id: ctx.groupId, phone: '15550200004', name: 'Ken' });
	state.simRequest({ group_id: ctx.groupId, phone: '15550200005', name: 'Barbara' });
	state.simWithdraw({ group_id: ctx.groupId, phone: '15550200005' });
	const [linus, ken] = group(ctx.groupId).join_requests;

	const { out } = await runManually(
		manualChain('e2e: join requests', [
			action('List', {
				resource: 'joinRequest',
				operation: 'getMany',
				phoneNumberId: PHONE_CONTRACT,
				groupId: groupRef(ctx.groupId),
				returnAll: true,
			}),
			action('Approve', {
				resource: 'joinRequest',
				operation: 'approve',
				phoneNumberId: PHONE_CONTRACT,
				groupId: groupRef(ctx.groupId),
				joinRequestIds: `={{ $json.waId === '15550200003' ? $json.joinRequestId : '${ken.join_request_id}' }}`,
			}),
		]),
	);
	assert.deepEqual(
		out('List')
			.map((i) => i.joinRequestId)
			.sort(),
		[linus.join_request_id, ken.join_request_id].sort(),
	);
	const wa = group(ctx.groupId).participants.map((/** @type {any} */ p) => p.wa_id);
	assert.ok(
		wa.includes('15550200003') && wa.includes('15550200004'),
		`approved users are participants: ${wa}`,
	);

	state.simRequest({ group_id: ctx.groupId, phone: '15550200006', name: 'Edsger' });
	const edsger = group(ctx.groupId).join_requests[0];
	await runManually(
		manualChain('e2e: reject', [
			action('Reject', {
				resource: 'joinRequest',
				operation: 'reject',
				phoneNumberId: PHONE_CONTRACT,
				groupId: groupRef(ctx.groupId),
				joinRequestIds: edsger.join_request_id,
			}),
		]),
	);
	assert.equal(group(ctx.groupId).join_requests.length, 0);
	assert.ok(
		!group(ctx.groupId).participants.some((/** @type {any} */ p) => p.wa_id === '15550200006'),
	);
});

test('participant resource: remove is requested, then confirmed by reading the group back', async () => {
	const { out } = await runManually(
		manualChain('e2e: remove participant', [
			action('Remove', {
				resource: 'participant',
				operation: 'remove',
				phoneNumberId: PHONE_CONTRACT,
				groupId: groupRef(ctx.groupId),
				participants: '15550200004',
			}),
			action('Remove and wait', {
				resource: 'participant',
				operation: 'remove',
				phoneNumberId: PHONE_CONTRACT,
				groupId: groupRef(ctx.groupId),
				participants: '15550200003',
				options: { waitForConfirmation: true, waitTimeout: 10, pollInterval: 1 },
			}),
		]),
	);
	assert.deepEqual(out('Remove'), [
		{ groupId: ctx.groupId, participant: '15550200004', status: 'requested' },
	]);
	assert.deepEqual(out('Remove and wait'), [
		{ groupId: ctx.groupId, participant: '15550200003', status: 'confirmed' },
	]);
	const wa = group(ctx.groupId).participants.map((/** @type {any} */ p) => p.wa_id);
	assert.ok(!wa.includes('15550200004') && !wa.includes('15550200003'), `removed: ${wa}`);
	assert.ok(wa.includes('15550200001'));
});

test('message resource: send, pin and unpin in the sandbox group; users write and leave; WhatsApp suspends', async () => {
	const { out } = await runManually(
		manualChain('e2e: messages', [
			action('Send', {
				resource: 'message',
				operation: 'send',
				phoneNumberId: PHONE_CONTRACT,
				groupId: groupRef(ctx.groupId),
				messageType: 'text',
				text: 'Hello from n8n',
			}),
			action('Pin', {
				resource: 'message',
				operation: 'pin',
				phoneNumberId: PHONE_CONTRACT,
				groupId: groupRef(ctx.groupId),
				messageId: '={{ $json.messageId }}',
				expirationDays: 7,
			}),
		]),
	);
	const [sent] = out('Send');
	assert.ok(sent.messageId, JSON.stringify(sent));
	assert.ok(group(ctx.groupId).messages.includes(sent.messageId), 'the sandbox holds the message');
	assert.ok(
		group(ctx.groupId).pins.some((/** @type {any} */ p) => p.message_id === sent.messageId),
		'pinned',
	);
	await runManually(
		manualChain('e2e: unpin', [
			action('Unpin', {
				resource: 'message',
				operation: 'unpin',
				phoneNumberId: PHONE_CONTRACT,
				groupId: groupRef(ctx.groupId),
				messageId: sent.messageId,
			}),
		]),
	);
	assert.equal(group(ctx.groupId).pins.length, 0);
	ctx.sentMessageId = sent.messageId;

	const state = ctx.sandbox.state;
	const { message_id: receivedId } = state.simMessage({
		group_id: ctx.groupId,
		phone: '15550200001',
		text: 'Hi all',
	});
	const read = await runManually(
		manualChain('e2e: mark as read', [
			action('Mark as read', {
				resource: 'message',
				operation: 'markAsRead',
				phoneNumberId: PHONE_CONTRACT,
				messageId: receivedId,
			}),
		]),
	);
	assert.deepEqual(read.out('Mark as read'), [
		{ phoneNumberId: PHONE_CONTRACT, messageId: receivedId, markedAsRead: true },
	]);
	assert.equal(state.messages.get(receivedId)?.read, true);
	state.simLeave({ group_id: ctx.groupId, phone: '15550200002' });
	state.simSuspend(ctx.groupId, true);
	state.simSuspend(ctx.groupId, false);
	await settle();
});

test("a user's changed business-scoped user ID reaches the trigger as one typed user_id_changed item per change, from the system message and from user_id_update", async () => {
	const state = ctx.sandbox.state;
	const first = 'US.70000000000000000001';
	const second = 'US.70000000000000000002';
	const third = 'US.70000000000000000003';
	state.simJoin({ group_id: ctx.groupId, phone: '15550200007', name: 'Margaret', user_id: first });
	await settle();
	/** @param {string} previous @param {string} next */
	const changeUserId = async (previous, next) => {
		const res = await fetch(`${ctx.sandbox.url}/_sandbox/users/change-user-id`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ user_id: previous, new_user_id: next }),
		});
		assert.equal(res.status, 200, await res.text());
		await settle();
	};
	const before = (await ctx.rest.executions(ctx.contractWorkflowId)).length;
	// The app has the fields of configureMetaApp: the change comes as a system message on messages.
	await changeUserId(first, second);
	// With user_id_update subscribed too, Meta's two reports of one change give one item.
	const fields = state.appSubscription.fields;
	state.appSubscription.fields = [...fields, 'user_id_update'];
	try {
		await changeUserId(second, third);
	} finally {
		state.appSubscription.fields = fields;
	}
	const executions = (await executionsOf(ctx.contractWorkflowId)).slice(before);
	for (const e of executions) assert.equal(e.status, 'success', `execution ${e.id} is ${e.status}`);
	const items = itemsOf(executions, 'Trigger');
	assert.deepEqual(
		items.flatMap((i) =>
			checkEvent(i, {
				businessAccountId: ctx.sandbox.config.waba_id,
				phoneNumberId: PHONE_CONTRACT,
			}),
		),
		[],
	);
	assert.deepEqual(
		items.map((i) => [i.event, i.field, i.source, i.previousUserId, i.userId, i.waId, i.name]),
		[
			[
				'user_id_changed',
				'messages',
				'user_changed_user_id',
				first,
				second,
				'15550200007',
				undefined,
			],
			[
				'user_id_changed',
				'user_id_update',
				'user_id_update',
				second,
				third,
				'15550200007',
				'Margaret',
			],
		],
	);
	assert.equal(
		group(ctx.groupId).participants.find((/** @type {any} */ p) => p.wa_id === '15550200007')
			?.user_id,
		third,
	);
});

test('group resource: delete is requested, and with the wait confirmed once Meta no longer knows the group', async () => {
	const { out } = await runManually(
		manualChain('e2e: delete', [
			action('Delete', {
				resource: 'group',
				operation: 'delete',
				phoneNumberId: PHONE_CONTRACT,
				groupId: groupRef(ctx.groupId),
				options: { waitForConfirmation: true, waitTimeout: 10, pollInterval: 1 },
			}),
		]),
	);
	assert.deepEqual(out('Delete'), [{ groupId: ctx.groupId, status: 'confirmed' }]);
	assert.equal(group(ctx.groupId), undefined);
	await settle();
});

test('the trigger turned every action and user event into executions whose items match the typed event contract', async () => {
	await settle();
	const executions = await executionsOf(ctx.contractWorkflowId);
	assert.ok(executions.length > 0, 'the trigger produced executions');
	for (const e of executions) assert.equal(e.status, 'success', `execution ${e.id} is ${e.status}`);
	const items = itemsOf(executions, 'Trigger').filter(
		(i) => i.groupId === ctx.groupId || i.messageId === ctx.sentMessageId,
	);
	const problems = items.flatMap((i) =>
		checkEvent(i, { businessAccountId: ctx.sandbox.config.waba_id, phoneNumberId: PHONE_CONTRACT }),
	);
	assert.deepEqual(problems, []);
	const seen = new Set(items.map((i) => i.event));
	for (const event of [
		'group_created',
		'settings_updated',
		'participants_joined',
		'join_request_created',
		'join_request_revoked',
		'participants_removed',
		'message_sent',
		'message_delivered',
		'message_read',
		'message_received',
		'participant_left',
		'group_suspended',
		'group_suspension_cleared',
		'group_deleted',
	]) {
		assert.ok(seen.has(event), `an item for ${event} (seen: ${[...seen].join(', ')})`);
	}
	assert.ok(!seen.has('unknown'), 'no unknown items');
	const joined = items
		.filter((i) => i.event === 'participants_joined')
		.flatMap((i) => i.participants.map((/** @type {any} */ p) => p.waId));
	for (const wa of ['15550200001', '15550200002', '15550200003', '15550200004'])
		assert.ok(joined.includes(wa), `${wa} joined`);
	const created = items.find((i) => i.event === 'group_created');
	assert.equal(created.subject, 'E2E group');
	const received = items.find((i) => i.event === 'message_received');
	assert.equal(received.text, 'Hi all');
	assert.equal(received.from, '15550200001');
	log(
		`contract: ${executions.length} executions, ${items.length} items, events ${[...seen].sort().join(', ')}`,
	);
});

test('a delivery with a bad signature gets 401 and starts no execution; a well-signed one does', async () => {
	const before = (await ctx.rest.executions(ctx.contractWorkflowId)).length;
	const g = seedGroup(PHONE_CONTRACT, { subject: 'Signature test', participants: ['15550300001'] });
	const body = JSON.stringify({
		object: 'whatsapp_business_account',
		entry: [
			{
				id: ctx.sandbox.config.waba_id,
				changes: [
					{
						field: 'group_status_update',
						value: {
							messaging_product: 'whatsapp',
							metadata: { display_phone_number: '15550001003', phone_number_id: PHONE_CONTRACT },
							groups: [
								{
									timestamp: String(Math.floor(Date.now() / 1000)),
									type: 'group_suspend',
									group_id: g.id,
								},
							],
						},
					},
				],
			},
		],
	});
	/** @param {string} secret */
	const sign = (secret) => metaSignature(body, secret);
	const url = triggerUrl(CONTRACT_WEBHOOK_ID);
	const post = (/** @type {Record<string, string>} */ headers) =>
		fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body,
		});

	const bad = await post({ 'x-hub-signature-256': sign('not-the-app-secret') });
	assert.equal(bad.status, 401);
	const missing = await post({});
	assert.equal(missing.status, 401);
	await new Promise((r) => setTimeout(r, 2000));
	assert.equal(
		(await ctx.rest.executions(ctx.contractWorkflowId)).length,
		before,
		'no execution for bad deliveries',
	);

	const good = await post({ 'x-hub-signature-256': sign(ctx.sandbox.config.app_secret) });
	assert.equal(good.status, 200);
	await waitFor(
		async () => (await ctx.rest.executions(ctx.contractWorkflowId)).length === before + 1,
		20_000,
		'the execution of the signed delivery',
	);
});

test("the items come from the signed bytes whatever Content-Type the request declares (n8n's own parse honours a charset and strips a byte-order mark)", async () => {
	const before = (await ctx.rest.executions(ctx.contractWorkflowId)).length;
	const text = 'Grüße aus Köln ✓';
	const stamp = Math.floor(Date.now() / 1000);
	/** @param {string} id */
	const bodyOf = (id) =>
		JSON.stringify({
			object: 'whatsapp_business_account',
			entry: [
				{
					id: ctx.sandbox.config.waba_id,
					changes: [
						{
							field: 'messages',
							value: {
								messaging_product: 'whatsapp',
								metadata: { display_phone_number: '15550001003', phone_number_id: PHONE_CONTRACT },
								contacts: [{ profile: { name: 'Jürgen' }, wa_id: '15550300009' }],
								messages: [
									{
										from: '15550300009',
										group_id: 'E2E-CHARSET-GROUP',
										id,
										timestamp: String(stamp),
										type: 'text',
										text: { body: text },
									},
								],
							},
						},
					],
				},
			],
		});
	const bom = Buffer.from([0xef, 0xbb, 0xbf]);
	const cases = [
		{ id: 'wamid.E2E-CHARSET-json', type: 'application/json', bom: false },
		{ id: 'wamid.E2E-CHARSET-latin1', type: 'application/json; charset=latin1', bom: false },
		{ id: 'wamid.E2E-CHARSET-text', type: 'text/plain', bom: false },
		{ id: 'wamid.E2E-CHARSET-bom', type: 'application/json', bom: true },
	];
	for (const c of cases) {
		const bytes = Buffer.concat([c.bom ? bom : Buffer.alloc(0), Buffer.from(bodyOf(c.id))]);
		const signature = metaSignature(bytes, ctx.sandbox.config.app_secret);
		const res = await fetch(triggerUrl(CONTRACT_WEBHOOK_ID), {
			method: 'POST',
			headers: { 'content-type': c.type, 'x-hub-signature-256': signature },
			body: bytes,
		});
		assert.equal(res.status, 200, `${c.type}${c.bom ? ' with a byte-order mark' : ''}`);
	}
	await waitFor(
		async () => (await ctx.rest.executions(ctx.contractWorkflowId)).length >= before + cases.length,
		30_000,
		'an execution per delivery',
	);
	const executions = await executionsOf(ctx.contractWorkflowId);
	const items = itemsOf(executions.slice(-cases.length), 'Trigger');
	/** @param {string} id */
	const itemOf = (id) => items.find((i) => i.id === id);
	for (const id of [
		'wamid.E2E-CHARSET-json',
		'wamid.E2E-CHARSET-latin1',
		'wamid.E2E-CHARSET-text',
	]) {
		assert.deepEqual(
			{ event: itemOf(id)?.event, text: itemOf(id)?.text, senderName: itemOf(id)?.senderName },
			{ event: 'message_received', text, senderName: 'Jürgen' },
			id,
		);
	}
	// With a byte-order mark the bytes that were signed are not JSON: one unknown item, as before.
	const unknown = items.find(
		(i) => i.event === 'unknown' && String(i.change?.unparsedBody).includes('E2E-CHARSET-bom'),
	);
	assert.ok(
		unknown,
		`an unknown item for the body with a byte-order mark: ${JSON.stringify(items)}`,
	);
});

test('example "welcome new participants" greets people who join', async () => {
	const g = seedGroup(PHONE_WELCOME, { subject: 'Welcome test', participants: ['15550400001'] });
	const workflowId = ctx.examples['welcome-new-participants'].id;
	const before = (await ctx.rest.executions(workflowId)).length;
	ctx.sandbox.state.simJoin({
		group_id: g.id,
		phone: '15550400002',
		name: 'Margaret',
		username: 'margaret',
	});
	await waitFor(
		async () =>
			(await ctx.rest.executions(workflowId)).filter(
				(/** @type {any} */ e) => e.status === 'success',
			).length > before,
		30_000,
		'the welcome execution',
	);
	await settle();
	const [latest] = await ctx.rest.executions(workflowId);
	const e = await ctx.rest.execution(latest.id);
	const [sent] = e.data.resultData.runData['Send welcome message'][0].data.main[0].map(
		(/** @type {any} */ i) => i.json,
	);
	assert.ok(
		g.messages.includes(sent.messageId),
		`the sandbox group got the welcome message ${JSON.stringify(sent)}`,
	);
	// The sandbox kept what was sent (what `node sandbox/cli.js messages <group>` shows).
	assert.equal(
		ctx.sandbox.state.messages.get(sent.messageId)?.text,
		'Welcome to the group, margaret! Please read the pinned message before you post.',
	);
	// Statuses of the welcome message reach the same trigger but start no further executions.
	assert.equal((await ctx.rest.executions(workflowId)).length, before + 1);
});

test('example "approve join requests" waits for a moderator, then approves or rejects', async () => {
	const g = seedGroup(PHONE_APPROVAL, {
		subject: 'Approval test',
		participants: ['15550500001'],
		mode: 'approval_required',
	});
	const workflowId = ctx.examples['join-request-approval'].id;
	const state = ctx.sandbox.state;

	/** @param {string} phone @param {'approveUrl' | 'rejectUrl'} link */
	const decide = async (phone, link) => {
		const known = new Set(
			(await ctx.rest.executions(workflowId)).map((/** @type {any} */ e) => e.id),
		);
		state.simRequest({ group_id: g.id, phone, name: `User ${phone.slice(-4)}` });
		const waiting = await waitFor(
			async () =>
				(await ctx.rest.executions(workflowId)).find(
					(/** @type {any} */ e) => !known.has(e.id) && e.status === 'waiting',
				),
			30_000,
			'a waiting execution',
		);
		const e = await ctx.rest.execution(waiting.id);
		const [links] = e.data.resultData.runData['Approval links'][0].data.main[0].map(
			(/** @type {any} */ i) => i.json,
		);
		const res = await fetch(
			links[link].replace(/^http:\/\/(localhost|127\.0\.0\.1):\d+/, ctx.n8n.baseUrl),
		);
		const page = await res.text();
		assert.equal(res.status, 200, page);
		// The moderator gets a small page saying what Meta answered, not raw JSON.
		assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
		const verb = link === 'approveUrl' ? 'approved' : 'rejected';
		assert.match(
			page,
			new RegExp(`<h1 class="${verb}">${verb === 'approved' ? 'Approved' : 'Rejected'}</h1>`),
		);
		assert.match(
			page,
			new RegExp(`<p>Meta ${verb} the request of ${phone} to join the group\\.</p>`),
		);
		await waitFor(
			async () => (await ctx.rest.execution(waiting.id)).status === 'success',
			30_000,
			'the resumed execution',
		);
		await ctx.sandbox.idle();
	};

	await decide('15550500002', 'approveUrl');
	assert.ok(
		g.participants.some((/** @type {any} */ p) => p.wa_id === '15550500002'),
		'approved user joined',
	);
	await decide('15550500003', 'rejectUrl');
	assert.ok(
		!g.participants.some((/** @type {any} */ p) => p.wa_id === '15550500003'),
		'rejected user did not join',
	);
	assert.equal(g.join_requests.length, 0);
});

// ------------------------------------------------- "Listen for test event" and activation errors

/**
 * What the editor sends for "Listen for test event" on a trigger (n8n 2.40: POST
 * /rest/workflows/:id/run; n8n answers once the trigger's create has run).
 * @param {string} workflowId
 * @param {string} nodeName
 */
const listenForTestEvent = (workflowId, nodeName) =>
	ctx.rest.request('POST', `/workflows/${workflowId}/run`, {
		triggerToStartFrom: { name: nodeName },
		destinationNode: { nodeName, mode: 'inclusive' },
	});

/**
 * The error n8n's REST API returns for a request (its `message` is what the editor shows).
 * @param {Promise<unknown>} request
 */
async function restError(request) {
	const error = await request.then(
		(/** @type {unknown} */ value) =>
			assert.fail(`n8n accepted the request: ${JSON.stringify(value).slice(0, 300)}`),
		(/** @type {any} */ e) => e,
	);
	assert.ok(error.status >= 400, String(error));
	return /** @type {{message: string}} */ (error.body);
}

/**
 * Publishes a workflow whose one trigger cannot register, and returns n8n's error for it. n8n 2.40
 * publishes in the background: the request answers at once, and the trigger's error becomes the
 * publication status's errorMessage (the text of the editor's "failed to activate" message).
 * @param {string} workflowId
 */
async function publicationError(workflowId) {
	await ctx.rest.activate(workflowId);
	const status = await waitFor(
		async () => {
			const s = await ctx.rest.request('GET', `/workflows/${workflowId}/publication-status`);
			return s.status === 'failed' ? s : undefined;
		},
		60_000,
		`the publication of ${workflowId} to fail`,
	);
	assert.equal(status.triggers.length, 1, JSON.stringify(status));
	return /** @type {string} */ (status.triggers[0].errorMessage);
}

test('listening for a test event on the published welcome example takes its number over and gives it back; the published workflow runs again', async () => {
	const workflow = ctx.examples['welcome-new-participants'];
	const node = workflow.nodes[0];
	const welcomeUrl = triggerUrl(node.webhookId);
	const testUrl = `${ctx.n8n.baseUrl}/webhook-test/${node.webhookId}/webhook`;
	const published = overrideOf(PHONE_WELCOME);
	assert.equal(published?.uri, welcomeUrl);
	/** @param {string} mode */
	const runs = async (mode) =>
		(await ctx.rest.executions(workflow.id)).filter((/** @type {any} */ e) => e.mode === mode);

	// Stopped from the editor (DELETE /rest/test-webhook/:id).
	assert.deepEqual(await listenForTestEvent(workflow.id, node.name), { waitingForWebhook: true });
	assert.equal(overrideOf(PHONE_WELCOME)?.uri, testUrl, 'the test URL listens');
	await ctx.rest.request('DELETE', `/test-webhook/${workflow.id}`);
	await waitFor(
		() => overrideOf(PHONE_WELCOME)?.uri === welcomeUrl,
		30_000,
		'the published override back after the test was stopped',
	);
	assert.equal(overrideOf(PHONE_WELCOME)?.verify_token, published.verify_token);

	// Ended by a real event: it runs the test, then the number goes back to the published workflow.
	const manualBefore = (await runs('manual')).length;
	assert.deepEqual(await listenForTestEvent(workflow.id, node.name), { waitingForWebhook: true });
	assert.equal(overrideOf(PHONE_WELCOME)?.uri, testUrl);
	const g = seedGroup(PHONE_WELCOME, { subject: 'Test listening', participants: ['15550600001'] });
	ctx.sandbox.state.simJoin({ group_id: g.id, phone: '15550600002', name: 'Tess' });
	await waitFor(
		async () => (await runs('manual')).length > manualBefore,
		30_000,
		'the test execution',
	);
	await waitFor(
		() => overrideOf(PHONE_WELCOME)?.uri === welcomeUrl,
		30_000,
		'the published override back after the test event',
	);
	assert.equal(overrideOf(PHONE_WELCOME)?.verify_token, published.verify_token);

	await settle();
	const productionBefore = (await runs('webhook')).length;
	ctx.sandbox.state.simJoin({ group_id: g.id, phone: '15550600003', name: 'Pat' });
	await waitFor(
		async () => (await runs('webhook')).length > productionBefore,
		30_000,
		'the published workflow to run on the next event',
	);
	await settle();
});

test("activation errors say in n8n's message what is wrong and what to do", async () => {
	const foreign = ctx.appCallback.url;
	/** @param {string} uri @param {string} [verifyToken] */
	const setContractOverride = async (uri, verifyToken) => {
		const res = await fetch(`${ctx.sandbox.url}/v27.0/${PHONE_CONTRACT}`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${ctx.sandbox.config.access_token}`,
				'content-type': 'application/json',
			},
			body: JSON.stringify({
				webhook_configuration: { override_callback_uri: uri, verify_token: verifyToken },
			}),
		});
		assert.equal(res.status, 200, await res.text());
	};
	// Another receiver (the app's own callback) set as the number's override, the way Meta sets it.
	await setContractOverride(foreign, 'app-default-callback');
	/** @type {string[]} */
	const failed = [];
	try {
		const phone = await ctx.rest.request(
			'POST',
			'/workflows',
			triggerOnly('e2e: foreign override', '0e2e0000-0000-4000-8000-0000000f0e19', {
				destination: 'phoneNumber',
				phoneNumberId: PHONE_CONTRACT,
			}),
		);
		const app = await ctx.rest.request(
			'POST',
			'/workflows',
			triggerOnly('e2e: app callback taken', '0e2e0000-0000-4000-8000-0000000a9914', {
				destination: 'app',
			}),
		);
		failed.push(phone.id, app.id);
		// n8n tries each activation five times before it gives up: both at once.
		const [phoneError, appError] = await Promise.all([
			publicationError(phone.id),
			publicationError(app.id),
		]);
		assert.equal(
			phoneError,
			`The phone number ${PHONE_CONTRACT} already sends its webhooks to ${foreign}, which is not this trigger. Remove that callback first, choose another number or destination, or turn on "Replace Existing Callback" to take it over.`,
		);
		assert.equal(
			appError,
			`The Meta app ${ctx.sandbox.config.app_id} already sends its webhooks to ${foreign}, which is not this trigger. Remove that callback first, choose the Phone Number or Business Account destination (they leave the app's one callback alone), or turn on "Replace Existing Callback" to take it over.`,
		);
		const tested = await restError(listenForTestEvent(phone.id, 'Trigger'));
		assert.equal(
			tested.message,
			`The phone number ${PHONE_CONTRACT} sends its webhooks to ${foreign}, so listening for a test event here would take them away from it. Test on a number without an override callback, or turn on "Replace Existing Callback": the test then takes it over and gives it back when it ends, which works only if ${foreign} is a WhatsApp Groups Trigger of this app.`,
		);
		assert.equal(overrideOf(PHONE_CONTRACT)?.uri, foreign, 'the foreign override stays');
		assert.equal(ctx.sandbox.state.appSubscription.callback_url, foreign);
	} finally {
		for (const id of failed) await ctx.rest.deactivate(id).catch(() => undefined);
		await setContractOverride('');
	}
});

test('deactivating a trigger removes only its own destination', async () => {
	const welcomeUrl = triggerUrl(ctx.examples['welcome-new-participants'].nodes[0].webhookId);
	const approvalUrl = triggerUrl(ctx.examples['join-request-approval'].nodes[0].webhookId);

	await ctx.rest.deactivate(ctx.contractWorkflowId);
	await waitFor(() => ctx.sandbox.state.waba.override === null, 30_000, 'the WABA override to go');
	assert.equal(overrideOf(PHONE_WELCOME)?.uri, welcomeUrl);
	assert.equal(overrideOf(PHONE_APPROVAL)?.uri, approvalUrl);
	assert.equal(
		ctx.sandbox.state.appSubscription?.callback_url,
		ctx.appCallback.url,
		"the app's own callback stays",
	);
	assert.ok(ctx.sandbox.state.waba.subscribed, 'the app stays subscribed to the WABA');

	await ctx.rest.deactivate(ctx.examples['welcome-new-participants'].id);
	await waitFor(() => overrideOf(PHONE_WELCOME) === null, 30_000, 'the welcome override to go');
	assert.equal(
		overrideOf(PHONE_APPROVAL)?.uri,
		approvalUrl,
		'the other phone number keeps its trigger',
	);
	assert.equal(ctx.sandbox.state.appSubscription?.callback_url, ctx.appCallback.url);
});

test('`npm run dev` starts n8n with the login, the credential and the examples, survives a restart, and stops on Ctrl-C, on SIGINT to npm and when killed', async () => {
	const { spawn } = require('node:child_process');
	const { choosePort } = require('../../dev/lib/n8n');
	const { readRunning } = require('../../dev/lib/running');
	const userFolder = path.join(ctx.tmp, 'dev-user');
	const n8nPort = await freePort();
	const sandboxPort = await freePort();
	const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
	const devEnv = {
		...process.env,
		N8N_DEV_USER_FOLDER: userFolder,
		N8N_DEV_EXTENSIONS: ctx.n8n.options.extensions,
	};
	const devArgs = ['--no-build', '--port', String(n8nPort), '--sandbox-port', String(sandboxPort)];

	/** @param {{viaNpm?: boolean}} [o] as `npm run dev` (npm, its shell, then node) or `node dev/dev.js` */
	const startDev = async (o = {}) => {
		const t = Date.now();
		const child = o.viaNpm
			? spawn('npm', ['run', '--silent', 'dev', '--', ...devArgs], {
					cwd: path.join(__dirname, '..', '..'),
					env: devEnv,
					stdio: ['ignore', 'pipe', 'pipe'],
				})
			: spawn(process.execPath, [path.join(__dirname, '..', '..', 'dev', 'dev.js'), ...devArgs], {
					env: devEnv,
					stdio: ['ignore', 'pipe', 'pipe'],
				});
		let output = '';
		child.stdout.on('data', (/** @type {Buffer} */ d) => (output += d));
		child.stderr.on('data', (/** @type {Buffer} */ d) => (output += d));
		const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
		await waitFor(
			() => output.includes('Press Ctrl-C to stop.') || child.exitCode !== null,
			300_000,
			'the npm run dev banner',
			500,
		);
		assert.ok(output.includes('Press Ctrl-C to stop.'), output.slice(-3000));
		// The running-instance file names the processes (what the sandbox CLI reads).
		const running = readRunning(userFolder);
		assert.ok(running, 'running.json names a live npm run dev');
		assert.equal(running.sandbox.url, sandboxUrl);
		assert.equal(running.n8n?.url, `http://127.0.0.1:${n8nPort}`);
		if (!o.viaNpm) assert.equal(running.pid, child.pid);
		return { child, exited, running, output: () => output, seconds: (Date.now() - t) / 1000 };
	};
	/** @param {string} phoneId */
	const phoneOverride = async (phoneId) => {
		const res = await fetch(`${sandboxUrl}/v26.0/${phoneId}?fields=webhook_configuration`, {
			headers: { authorization: 'Bearer sandbox-token' },
		});
		return /** @type {any} */ (await res.json()).webhook_configuration?.phone_number;
	};
	/** @param {number} pid */
	const alive = (pid) => {
		try {
			process.kill(pid, 0);
			return true;
		} catch {
			return false;
		}
	};
	/** Everything npm run dev started is gone: its node, n8n and n8n's process group, the ports. */
	const assertAllGone = async (/** @type {any} */ running, /** @type {string} */ how) => {
		const n8nPid = running.n8n.pid;
		// npm run dev, n8n and n8n's process group (n8n and its task runner) are gone.
		const groupGone = () => {
			try {
				process.kill(-n8nPid, 0);
				return false;
			} catch (err) {
				return /** @type {NodeJS.ErrnoException} */ (err).code === 'ESRCH';
			}
		};
		await waitFor(
			() => !alive(running.pid) && !alive(n8nPid) && groupGone(),
			60_000,
			`npm run dev, n8n and n8n's task runner to exit after ${how}`,
			250,
		);
		for (const port of [n8nPort, sandboxPort])
			assert.deepEqual(
				await choosePort({ requested: port, preferred: port, option: 'port' }),
				{ port, moved: false },
				`port ${port} is released after ${how}`,
			);
	};

	const first = await startDev();
	log(`npm run dev, first start (imports): ${first.seconds.toFixed(1)} s`);
	const out = first.output();
	assert.match(out, new RegExp(`Open\\s+http://127\\.0\\.0\\.1:${n8nPort}\n`));
	assert.match(out, new RegExp(`Sandbox\\s+http://127\\.0\\.0\\.1:${sandboxPort}  WABA`));
	assert.match(out, /Play a user\s+node sandbox\/cli\.js groups\n/);
	assert.match(out, /Log in\s+dev@sandbox\.local\s+\/\s+Sandbox-dev-2026/);
	const rest = new (require('../../dev/lib/rest').RestClient)(`http://127.0.0.1:${n8nPort}`);
	await rest.login('dev@sandbox.local', 'Sandbox-dev-2026');
	const workflows = await rest.request('GET', '/workflows');
	const byId = Object.fromEntries(
		(workflows.data ?? workflows).map((/** @type {any} */ w) => [w.id, w]),
	);
	for (const wf of Object.values(ctx.examples))
		assert.ok(byId[wf.id], `example ${wf.name} imported`);
	assert.equal(byId[ctx.examples['welcome-new-participants'].id].active, true);
	assert.equal(byId[ctx.examples['join-request-approval'].id].active, true);
	const creds = await rest.request('GET', '/credentials');
	assert.ok(
		(creds.data ?? creds).some((/** @type {any} */ c) => c.type === 'whatsAppGroupsApi'),
		'the sandbox credential',
	);
	assert.match(
		String(await phoneOverride(PHONE_WELCOME)),
		new RegExp(`^http://127\\.0\\.0\\.1:${n8nPort}/webhook/`),
	);
	// The sandbox CLI finds this sandbox without --url (not the suite's own, not one on 8787).
	const cli = await new Promise((resolve) =>
		require('node:child_process').execFile(
			process.execPath,
			[path.join(__dirname, '..', '..', 'sandbox', 'cli.js'), 'state'],
			{ env: { ...devEnv, SANDBOX_URL: '' } },
			(/** @type {any} */ error, /** @type {string} */ stdout, /** @type {string} */ stderr) =>
				resolve({ error, stdout, stderr }),
		),
	);
	const { error: cliError, stdout: cliOut, stderr: cliErr } = /** @type {any} */ (cli);
	assert.equal(cliError, null, cliErr);
	const welcomeNumber = JSON.parse(cliOut).phone_numbers.find(
		(/** @type {any} */ p) => p.id === PHONE_WELCOME,
	);
	assert.match(
		String(welcomeNumber?.override?.uri),
		new RegExp(`^http://127\\.0\\.0\\.1:${n8nPort}/webhook/`),
		'the CLI read the state of the npm run dev sandbox',
	);
	// A second npm run dev on the same data refuses to start.
	const second = await new Promise((resolve) =>
		require('node:child_process').execFile(
			process.execPath,
			[path.join(__dirname, '..', '..', 'dev', 'dev.js'), '--no-build'],
			{ env: devEnv },
			(/** @type {any} */ error, /** @type {string} */ stdout, /** @type {string} */ stderr) =>
				resolve({ code: error?.code ?? 0, stderr }),
		),
	);
	assert.equal(/** @type {any} */ (second).code, 1);
	assert.match(
		/** @type {any} */ (second).stderr,
		new RegExp(
			`npm run dev is already running in this repository \\(PID ${first.running.pid}: n8n http`,
		),
	);
	first.child.kill('SIGINT');
	assert.equal(
		await Promise.race([first.exited, new Promise((r) => setTimeout(() => r('timeout'), 60_000))]),
		0,
		'npm run dev exits cleanly on Ctrl-C',
	);
	await assertAllGone(first.running, 'Ctrl-C');
	assert.equal(readRunning(userFolder), undefined, 'running.json is gone');

	// How IDEs and process managers stop it: a signal to the PID of `npm run dev` (npm). SIGINT is
	// the one a shell between npm and dev.js would keep to itself; npm forwards it to dev.js.
	const viaNpm = await startDev({ viaNpm: true });
	log(`npm run dev (through npm), second start: ${viaNpm.seconds.toFixed(1)} s`);
	// A fresh sandbox: the published triggers registered with it again.
	assert.match(
		String(await phoneOverride(PHONE_WELCOME)),
		new RegExp(`^http://127\\.0\\.0\\.1:${n8nPort}/webhook/`),
	);
	assert.match(
		String(await phoneOverride(PHONE_APPROVAL)),
		new RegExp(`^http://127\\.0\\.0\\.1:${n8nPort}/webhook/`),
	);
	viaNpm.child.kill('SIGINT');
	await assertAllGone(viaNpm.running, "SIGINT to npm's PID");

	// Killed outright: n8n notices that npm run dev is gone and shuts down by itself.
	const killed = await startDev();
	killed.child.kill('SIGKILL');
	await assertAllGone(killed.running, 'SIGKILL to npm run dev');
});
