// @ts-check
'use strict';

/**
 * Queue mode, end to end: n8n 2.40.7 as its docs scale it out, a main process, one worker and one
 * webhook processor sharing PostgreSQL and Redis (Debian's packages, installed with apt-get when
 * missing and run as root), the built package loaded in each, the same encryption key, manual runs
 * offloaded to the worker, and a path router in front playing the load balancer
 * (dev/lib/queue.js). Every check looks at the process that should do the work: its log line
 * (`Enqueued execution N` on the process that took the request, `Worker started execution N` on
 * the worker) or the router's record of who served a request. Executions are read from
 * PostgreSQL, not through the REST API (which redacts some runs under load).
 *
 * Then the burst (./burst.js) in queue mode: the package's share of events answered 200 and never
 * run must be 0; n8n's own share, duplicates, 5xx answers and skipped redeliveries are reported.
 *
 *   npm run test:queue   (E2E_VERBOSE=1 streams the logs, E2E_KEEP=1 keeps the folder with the
 *                         logs, E2E_QUEUE_BURST_SIZE=n changes the burst's size, 0 skips it)
 *
 * Everything listens on 127.0.0.1 on free ports; PostgreSQL and Redis are our own (own data
 * folder), started and stopped by PID with n8n's three processes.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const os = require('node:os');
const path = require('node:path');

const { waitFor } = require('../../dev/lib/n8n');
const { unflatten } = require('../../dev/lib/rest');
const { query } = require('../../dev/lib/db');
const { startQueueStack } = require('../../dev/lib/queue');
const {
	loadExamples,
	sandboxCredential,
	sandboxModule,
	configureMetaApp,
} = require('../../dev/lib/stack');
const { VERBOSE, log, preparePackage, removeTemp } = require('../support/n8n/realN8n');
const { action, groupRef, manualChain, triggerOnly } = require('./workflows');
const { runBurst, delivery, post } = require('./burst');
const { metaSignature } = require('../support/meta');

const BURST = Number(process.env.E2E_QUEUE_BURST_SIZE ?? 1000);
const PHONE_WELCOME = '100000000000002';
const PHONE_APPROVAL = '100000000000003';
const VERIFY_TOKEN = 'queue-verify-token-0123456789';
const ACTION_ID = 'QueueAction00001';
const TRIGGER_ID = 'QueueTrigger0001';
const TRIGGER_HOOK = '0e2e0000-0000-4000-8000-00000000a001';
const BURST_ID = 'QueueBurst000001';
const BURST_HOOK = '0e2e0000-0000-4000-8000-0000000b0058';

/** @type {any} */
const ctx = { timings: {} };

before(
	async () => {
		const t0 = Date.now();
		const { tmp, extensions, install } = await preparePackage('n8n-wag-queue-');
		ctx.tmp = tmp;
		ctx.install = install;
		const { startSandbox } = sandboxModule();
		ctx.sandbox = await startSandbox({ port: 0 });
		ctx.appCallback = await configureMetaApp(ctx.sandbox);
		ctx.secret = ctx.sandbox.config.app_secret;
		ctx.examples = loadExamples();
		const workflows = [
			{
				id: ACTION_ID,
				...manualChain('queue: get groups and send to each', [
					action('Get many', {
						resource: 'group',
						operation: 'getMany',
						phoneNumberId: PHONE_WELCOME,
						returnAll: true,
					}),
					action('Send', {
						resource: 'message',
						operation: 'send',
						phoneNumberId: PHONE_WELCOME,
						groupId: groupRef('={{ $json.groupId }}'),
						messageType: 'text',
						text: '=Hello from the worker to {{ $json.subject }}',
					}),
				]),
			},
			{
				id: TRIGGER_ID,
				...triggerOnly('queue: trigger', TRIGGER_HOOK, {
					destination: 'manual',
					manualVerifyToken: VERIFY_TOKEN,
					events: ['message_received', 'unknown'],
				}),
			},
			{
				id: BURST_ID,
				...triggerOnly('queue: burst', BURST_HOOK, {
					destination: 'manual',
					manualVerifyToken: VERIFY_TOKEN,
					events: ['message_received', 'unknown'],
				}),
			},
			ctx.examples['welcome-new-participants'],
			ctx.examples['join-request-approval'],
		];
		ctx.stack = await startQueueStack({
			install: ctx.install,
			dir: path.join(ctx.tmp, 'stack'),
			extensions,
			log: (s) => log(`[queue] ${s}`),
			onLine: VERBOSE ? (role, line) => log(`[${role}] ${line}`) : undefined,
			prepare: async (cli) => {
				await cli.importCredentials([sandboxCredential(ctx.sandbox)]);
				await cli.importWorkflows(workflows);
				// Published while n8n is stopped: the burst trigger listens from the start.
				await cli.publishOffline(BURST_ID);
			},
		});
		ctx.rest = await ctx.stack.cli.rest();
		ctx.timings['stack up'] = Math.round((Date.now() - t0) / 1000);
		log(`[queue] processes by PID: ${JSON.stringify(ctx.stack.pids())}`);
	},
	{ timeout: 30 * 60_000 },
);

after(async () => {
	const pids = ctx.stack?.pids() ?? {};
	await ctx.stack?.stop();
	// Everything this suite started is gone, by PID.
	const alive = Object.entries(pids).filter(([, pid]) => {
		try {
			process.kill(Number(pid), 0);
			return true;
		} catch {
			return false;
		}
	});
	await ctx.sandbox?.stop().catch(() => undefined);
	await ctx.appCallback?.stop().catch(() => undefined);
	removeTemp(ctx.tmp);
	log(`queue timings (s): ${JSON.stringify(ctx.timings)}`);
	if (ctx.report) log(`queue burst report: ${JSON.stringify(ctx.report)}`);
	if (alive.length > 0) throw new Error(`still running after stop: ${JSON.stringify(alive)}`);
});

// ------------------------------------------------------------------ helpers

/** @param {'main' | 'worker' | 'webhook'} role */
const logOf = (role) => ctx.stack.processes[role].output;

/**
 * The process that enqueued an execution and the worker that ran it, from their log lines.
 * @param {number | string} id
 */
function whereRan(id) {
	const enqueued = new RegExp(`Enqueued execution ${id} \\(job`);
	const started = new RegExp(`Worker started execution ${id} \\(job`);
	return {
		enqueuedBy: ['main', 'webhook'].filter((role) =>
			enqueued.test(logOf(/** @type {any} */ (role))),
		),
		ranOnWorker: started.test(logOf('worker')),
	};
}

/**
 * A workflow's executions from PostgreSQL, oldest first.
 * @param {string} workflowId
 * @param {number} [afterId]
 */
async function executions(workflowId, afterId = 0) {
	const rows = await query(
		ctx.install,
		ctx.stack.database,
		`SELECT id, status, mode FROM execution_entity WHERE "workflowId" = $1 AND id > $2 ORDER BY id`,
		[workflowId, afterId],
	);
	return rows.map((r) => ({
		id: Number(r.id),
		status: String(r.status),
		mode: String(r.mode),
	}));
}

/** @param {string} workflowId */
async function lastId(workflowId) {
	const all = await executions(workflowId);
	return all.length ? all[all.length - 1].id : 0;
}

/**
 * One execution's run data from PostgreSQL, decoded.
 * @param {number} id
 */
async function runData(id) {
	const [row] = await query(
		ctx.install,
		ctx.stack.database,
		`SELECT data FROM execution_data WHERE "executionId" = $1`,
		[id],
	);
	return unflatten(row.data)?.resultData?.runData ?? {};
}

/**
 * Items a node put out in one execution.
 * @param {number} id
 * @param {string} node
 */
async function outputOf(id, node) {
	const data = await runData(id);
	return (data[node]?.[0]?.data?.main?.[0] ?? []).map((/** @type {any} */ i) => i.json);
}

/**
 * Waits until a workflow has `count` finished executions after `afterId`.
 * @param {string} workflowId
 * @param {number} afterId
 * @param {number} count
 * @param {string} what
 */
async function finished(workflowId, afterId, count, what) {
	const done = await waitFor(
		async () => {
			const list = await executions(workflowId, afterId);
			const done = list.filter((e) => !['new', 'running'].includes(e.status));
			return done.length >= count ? done : undefined;
		},
		90_000,
		what,
		500,
	);
	return /** @type {Array<{id: number, status: string, mode: string}>} */ (done);
}

/**
 * A group straight in the sandbox (as if it existed before) with participants (sends need one,
 * and a group holds at most 8).
 * @param {string} phoneId
 * @param {string} subject
 * @param {{participants?: string[], mode?: string}} [o]
 */
function seedGroup(phoneId, subject, o = {}) {
	const g = ctx.sandbox.state.insertGroup({
		id: ctx.sandbox.state.newGroupId(),
		phone_number_id: phoneId,
		subject,
		description: '',
		join_approval_mode: o.mode ?? 'auto_approve',
		creation_timestamp: Math.floor(Date.now() / 1000),
	});
	for (const waId of o.participants ?? ['15550600001'])
		g.participants.push({
			wa_id: waId,
			name: `User ${waId.slice(-4)}`,
			joined_at: g.creation_timestamp,
		});
	return g;
}

/** @param {string} phoneId */
const overrideOf = (phoneId) => ctx.sandbox.state.phones.get(phoneId).override;

// ------------------------------------------------------------------ the suite

test('manual runs from the editor are enqueued by main and run on the worker (action node: get groups, send)', async () => {
	const groups = [seedGroup(PHONE_WELCOME, 'Queue A'), seedGroup(PHONE_WELCOME, 'Queue B')];
	const t = Date.now();
	const { executionId } = await ctx.rest.request('POST', `/workflows/${ACTION_ID}/run`, {
		triggerToStartFrom: { name: 'Manual' },
	});
	const [e] = await finished(ACTION_ID, Number(executionId) - 1, 1, 'the manual run');
	ctx.timings['manual run on the worker'] = Math.round((Date.now() - t) / 100) / 10;
	assert.equal(e.status, 'success');
	assert.equal(e.mode, 'manual');
	const where = whereRan(e.id);
	assert.deepEqual(where.enqueuedBy, ['main'], 'main enqueued the manual run');
	assert.ok(where.ranOnWorker, `the worker ran execution ${e.id}`);
	const sent = await outputOf(e.id, 'Send');
	for (const g of groups) {
		const mine = sent.find((/** @type {any} */ item) => item.groupId === g.id);
		assert.ok(mine, `a send to ${g.subject}: ${JSON.stringify(sent)}`);
		assert.ok(g.messages.includes(mine.messageId), `${g.subject} got the message`);
	}
});

test('a trigger activated on main answers Meta’s challenge on the webhook processor; main serves no production webhook', async () => {
	await ctx.rest.activate(TRIGGER_ID);
	const pathname = `/webhook/${TRIGGER_HOOK}/webhook`;
	const query = `?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=4242`;
	// Through the load balancer (the URL n8n shows and registers).
	const served = ctx.stack.router.served.length;
	await waitFor(
		async () => {
			const res = await fetch(`${ctx.stack.publicUrl.replace(/\/$/, '')}${pathname}${query}`);
			return res.status === 200 && (await res.text()) === '4242';
		},
		60_000,
		'the challenge through the router',
		500,
	);
	const routed = ctx.stack.router.served
		.slice(served)
		.filter((/** @type {{to: string, path: string, method: string}} */ r) =>
			r.path.startsWith(pathname),
		);
	assert.ok(
		routed.length > 0 &&
			routed.every(
				(/** @type {{to: string, path: string, method: string}} */ r) => r.to === 'webhook',
			),
		JSON.stringify(routed),
	);
	// The webhook processor answers it directly; a wrong token gets 403 there.
	const direct = await fetch(`${ctx.stack.webhookUrl}${pathname}${query}`);
	assert.deepEqual([direct.status, await direct.text()], [200, '4242']);
	const wrong = await fetch(
		`${ctx.stack.webhookUrl}${pathname}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`,
	);
	assert.equal(wrong.status, 403);
	// main does not serve production webhooks (N8N_DISABLE_PRODUCTION_MAIN_PROCESS).
	const onMain = await fetch(`${ctx.stack.mainUrl}${pathname}${query}`);
	assert.notEqual(await onMain.text(), '4242');
	const postOnMain = await fetch(`${ctx.stack.mainUrl}${pathname}`, { method: 'POST', body: '{}' });
	assert.equal(postOnMain.status, 404);
});

test('signed deliveries become worker executions with the right items; bad signatures get 401; redeliveries after the run are left out by the run they start', async () => {
	const url = `${ctx.stack.webhookUrl}/webhook/${TRIGGER_HOOK}/webhook`;
	const before = await lastId(TRIGGER_ID);
	const ids = ['wamid.queue-c-1', 'wamid.queue-c-2', 'wamid.queue-c-3'];
	const bodies = ids.map((id) => delivery(ctx.sandbox.config.waba_id, id));
	for (const raw of bodies) {
		const answer = await post(url, ctx.secret, raw);
		// n8n answers, once it has enqueued the execution; the trigger never answers first.
		assert.deepEqual([answer.status, answer.by], [200, 'n8n'], answer.body);
	}
	const unsigned = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: bodies[0],
	});
	assert.equal(unsigned.status, 401);
	const forged = await fetch(url, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			'x-hub-signature-256': metaSignature(bodies[0], 'not-the-secret'),
		},
		body: bodies[0],
	});
	assert.equal(forged.status, 401);

	const runs = await finished(TRIGGER_ID, before, 3, 'three executions');
	assert.equal(runs.length, 3, 'one execution per signed delivery, none for the refused ones');
	/** @type {any[]} */
	const items = [];
	for (const e of runs) {
		assert.equal(e.status, 'success');
		assert.equal(e.mode, 'webhook');
		const where = whereRan(e.id);
		assert.deepEqual(where.enqueuedBy, ['webhook'], `the webhook processor enqueued ${e.id}`);
		assert.ok(where.ranOnWorker, `the worker ran ${e.id}`);
		items.push(...(await outputOf(e.id, 'Trigger')));
	}
	assert.deepEqual(
		items.map((i) => [i.event, i.id, i.groupId, i.text]).sort(),
		ids.map((id) => ['message_received', id, 'Y2FwaV9ncm91cDpCVVJTVA', `burst ${id}`]).sort(),
	);

	// Meta delivers them again: the webhook processor enqueues a run for each (n8n answers), and
	// each run's first step, on the worker, finds the event in the memory and takes nothing in.
	const last = runs[runs.length - 1].id;
	for (const raw of bodies) {
		const answer = await post(url, ctx.secret, raw);
		assert.deepEqual([answer.status, answer.by], [200, 'n8n'], answer.body);
	}
	const again = await finished(TRIGGER_ID, last, 3, 'the runs of the redeliveries');
	for (const e of again) {
		assert.equal(e.status, 'success');
		assert.ok(whereRan(e.id).ranOnWorker, `the worker ran ${e.id}`);
		assert.deepEqual(await outputOf(e.id, 'Trigger'), [], `run ${e.id} took nothing in`);
	}
});

test('example "welcome new participants": registered at the load balancer URL, runs on the worker, greets each person once (a redelivery and a rejoin greet nobody)', async () => {
	const welcome = ctx.examples['welcome-new-participants'];
	const hook = welcome.nodes.find(
		(/** @type {any} */ n) => n.type === 'CUSTOM.whatsAppGroupsTrigger',
	).webhookId;
	await ctx.rest.activate(welcome.id);
	const registered = `${ctx.stack.publicUrl}webhook/${hook}/webhook`;
	await waitFor(
		() => overrideOf(PHONE_WELCOME)?.uri === registered,
		60_000,
		'the phone-number override',
		250,
	);

	const g = seedGroup(PHONE_WELCOME, 'Queue welcome');
	let last = await lastId(welcome.id);
	const served = ctx.stack.router.served.length;
	/** Runs after the last step, once n8n has stored them. @param {number} count @param {string} what */
	const step = async (count, what) => {
		await ctx.sandbox.idle();
		const runs = await finished(welcome.id, last, count, what);
		for (const e of runs) {
			assert.equal(e.status, 'success', `execution ${e.id}`);
			assert.ok(whereRan(e.id).ranOnWorker, `the worker ran ${e.id}`);
		}
		last = runs[runs.length - 1].id;
		return runs;
	};
	/** @param {number} id */
	const greeted = async (id) => (await outputOf(id, 'Send welcome message')).length;

	const grace = { group_id: g.id, phone: '15550600002', name: 'Grace', username: 'grace' };
	ctx.sandbox.state.simJoin(grace);
	const [joined] = await step(1, 'the run of the join');
	assert.equal(await greeted(joined.id), 1);
	assert.equal(g.messages.length, 1, 'Grace is greeted');

	// Meta delivers the join again: a run starts and takes nothing in (Ignore Redeliveries).
	const join = [...ctx.sandbox.state.deliveries]
		.reverse()
		.find(
			(/** @type {any} */ d) =>
				d.field === 'group_participants_update' && d.phone_number_id === PHONE_WELCOME,
		);
	const redelivery = await fetch(`${ctx.sandbox.url}/_sandbox/deliveries/${join.id}/redeliver`, {
		method: 'POST',
	});
	assert.equal(redelivery.status, 200, await redelivery.text());
	const [redelivered] = await step(1, 'the run of the redelivery');
	assert.deepEqual(await outputOf(redelivered.id, 'On participants joined'), []);

	// Grace leaves and joins again: a new event the trigger takes in; Remove Duplicates (the
	// example's "once per person and group") does not greet her twice.
	ctx.sandbox.state.simLeave(grace);
	await new Promise((resolve) => setTimeout(resolve, 1100)); // Meta's timestamps are seconds
	ctx.sandbox.state.simJoin(grace);
	const [rejoined] = await step(1, 'the run of the rejoin');
	assert.equal((await outputOf(rejoined.id, 'On participants joined')).length, 1);
	assert.equal(await greeted(rejoined.id), 0);

	// Someone new is greeted.
	ctx.sandbox.state.simJoin({ group_id: g.id, phone: '15550600004', name: 'Ada', username: 'ada' });
	const [ada] = await step(1, 'the run of a new join');
	assert.equal(await greeted(ada.id), 1);
	await ctx.sandbox.idle();
	assert.equal(g.messages.length, 2, 'two people, two welcome messages');

	const posts = ctx.stack.router.served
		.slice(served)
		.filter(
			(/** @type {{to: string, path: string, method: string}} */ r) =>
				r.method === 'POST' && r.path.includes(hook),
		);
	assert.ok(
		posts.length >= 5 &&
			posts.every(
				(/** @type {{to: string, path: string, method: string}} */ r) => r.to === 'webhook',
			),
		JSON.stringify(posts),
	);
});

test('example "approve join requests": the Wait node resumes through the webhook processor, on the worker', async () => {
	const approval = ctx.examples['join-request-approval'];
	await ctx.rest.activate(approval.id);
	await waitFor(
		() => overrideOf(PHONE_APPROVAL)?.uri?.startsWith(ctx.stack.publicUrl),
		60_000,
		'the override',
		250,
	);
	const g = seedGroup(PHONE_APPROVAL, 'Queue approval', { mode: 'approval_required' });
	const before = await lastId(approval.id);
	ctx.sandbox.state.simRequest({ group_id: g.id, phone: '15550600003', name: 'Ada' });
	const [waiting] = /** @type {Array<{id: number, status: string, mode: string}>} */ (
		await waitFor(
			async () => {
				const list = await executions(approval.id, before);
				return list.some((e) => e.status === 'waiting')
					? list.filter((e) => e.status === 'waiting')
					: undefined;
			},
			60_000,
			'a waiting execution',
			500,
		)
	);
	const [links] = await outputOf(waiting.id, 'Approval links');
	assert.ok(
		links.approveUrl.startsWith(`${ctx.stack.publicUrl}webhook-waiting/`),
		links.approveUrl,
	);
	const served = ctx.stack.router.served.length;
	const res = await fetch(links.approveUrl);
	assert.equal(res.status, 200, await res.text());
	const resumed = ctx.stack.router.served.slice(served);
	assert.ok(
		resumed.length > 0 &&
			resumed.every(
				(/** @type {{to: string, path: string, method: string}} */ r) => r.to === 'webhook',
			),
		JSON.stringify(resumed),
	);
	await waitFor(
		async () =>
			(await executions(approval.id, before)).find((e) => e.id === waiting.id)?.status ===
			'success',
		60_000,
		'the resumed execution',
		500,
	);
	assert.equal(
		(logOf('worker').match(new RegExp(`Worker started execution ${waiting.id} \\(job`, 'g')) ?? [])
			.length,
		2,
		'the worker ran it before and after the wait',
	);
	await ctx.sandbox.idle();
	assert.ok(
		g.participants.some((/** @type {any} */ p) => p.wa_id === '15550600003'),
		'approved user joined',
	);
});

test(
	`queue-mode burst of ${BURST} signed deliveries in about 10 s: no event answered 200 is lost because of the package (counted from PostgreSQL)`,
	{ skip: BURST === 0, timeout: 20 * 60_000 },
	async () => {
		const url = `${ctx.stack.webhookUrl}/webhook/${BURST_HOOK}/webhook`;
		await waitFor(
			async () => {
				const res = await fetch(
					`${url}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=7`,
				);
				return res.status === 200 && (await res.text()) === '7';
			},
			60_000,
			'the burst trigger',
			500,
		);
		const report = await runBurst({
			install: ctx.install,
			db: ctx.stack.database,
			url,
			secret: ctx.secret,
			wabaId: ctx.sandbox.config.waba_id,
			workflowId: BURST_ID,
			nodeName: 'Trigger',
			nodeId: 'trigger',
			tag: 'queue',
			size: BURST,
			spreadMs: 10_000,
			redeliverEvery: 20,
			settleMs: 8 * 60_000,
			log,
		});
		ctx.report = {
			...report,
			machine: `${os.cpus().length} CPUs, load ${os
				.loadavg()
				.map((l) => l.toFixed(1))
				.join(' ')}`,
			poolSize: ctx.stack.poolSize,
			postgres: ctx.stack.postgresMajor,
		};
		log(`burst report (queue mode): ${JSON.stringify(ctx.report)}`);
		assert.equal(
			report.ran +
				report.failedOnly +
				report.lostByPackage +
				report.lostByN8n +
				report.neverAccepted,
			BURST,
		);
		assert.equal(report.lostByPackage, 0, 'events the trigger answered 200 that never ran');
	},
);
