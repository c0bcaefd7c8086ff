// @ts-check
'use strict';

/**
 * Burst, single process: 1,000 signed deliveries within about 10 seconds to the production webhook
 * of a real n8n (2.40.7 on Node 24, SQLite, installed and cached by dev/lib/install.js), the
 * trigger loaded from the built package. Every delivery carries one distinct group message. Like
 * Meta, the test delivers again whatever was not answered 200, then counts from n8n's database
 * (./burst.js): events run, duplicated, and lost after a 200, split by whose 200 it was. The
 * package's share of lost events must be 0; n8n's own is reported. Before the burst: the
 * trigger's redelivery memory (events delivered one after the other, then redelivered byte for
 * byte, start nothing). queue.test.js runs the same burst in queue mode.
 *
 *   npm run test:e2e   (runs this file after e2e.test.js; E2E_VERBOSE=1 streams n8n's log,
 *                       E2E_BURST_SIZE=n changes the number of deliveries)
 *
 * The trigger uses the Manual destination (it registers nothing), so the burst measures n8n and
 * the trigger, not the sandbox's webhook routing.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const { waitFor } = require('../../dev/lib/n8n');
const { sandboxCredential, sandboxModule } = require('../../dev/lib/stack');
const { log, verboseLog, preparePackage, newN8n, removeTemp } = require('../support/n8n/realN8n');
const { triggerOnly } = require('./workflows');
const {
	runBurst,
	delivery: burstDelivery,
	post: signedPost,
	storedExecutions,
	memoryHashes,
	lastExecutionId,
} = require('./burst');

const BURST = Number(process.env.E2E_BURST_SIZE ?? 1000);
const WEBHOOK_ID = '0e2e0000-0000-4000-8000-0000000b0057';
const WORKFLOW_ID = 'BurstTrigger0001';
const VERIFY_TOKEN = 'burst-verify-token-0123456789';

/** @type {any} */
const ctx = { timings: {} };

before(
	async () => {
		const prepared = await preparePackage('n8n-wag-burst-');
		ctx.tmp = prepared.tmp;
		ctx.install = prepared.install;
		const { startSandbox } = sandboxModule();
		ctx.sandbox = await startSandbox({ port: 0 });
		ctx.secret = ctx.sandbox.config.app_secret;
		ctx.n8n = await newN8n(prepared);
		// SQLite with a connection pool (WAL), as n8n recommends for production: without it every
		// execution waits for the single connection and the burst measures the database.
		ctx.n8n.env.DB_SQLITE_POOL_SIZE = '4';
		const workflow = {
			id: WORKFLOW_ID,
			...triggerOnly('e2e: burst', WEBHOOK_ID, {
				destination: 'manual',
				manualVerifyToken: VERIFY_TOKEN,
				events: ['message_received', 'unknown'],
				options: { ignoreRedeliveries: true },
			}),
		};
		await ctx.n8n.importCredentials([sandboxCredential(ctx.sandbox)]);
		await ctx.n8n.importWorkflows([workflow]);
		await ctx.n8n.publishOffline(WORKFLOW_ID);
		const started = await ctx.n8n.start({
			onLine: verboseLog('n8n'),
		});
		ctx.timings['n8n start'] = Math.round(started.ms / 100) / 10;
		ctx.rest = await ctx.n8n.rest();
		ctx.url = `${ctx.n8n.baseUrl}/webhook/${WEBHOOK_ID}/webhook`;
		// The production webhook answers Meta's challenge once the published workflow is active.
		await waitFor(
			async () => {
				const res = await fetch(
					`${ctx.url}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=42`,
				);
				return res.status === 200 && (await res.text()) === '42';
			},
			120_000,
			'the burst trigger to answer its challenge',
			500,
		);
	},
	{ timeout: 60 * 60_000 },
);

after(async () => {
	await ctx.n8n?.stop().catch(() => undefined);
	await ctx.sandbox?.stop().catch(() => undefined);
	removeTemp(ctx.tmp);
	log(`burst timings (s) and counts: ${JSON.stringify(ctx.timings)}`);
});

/** A delivery with one group message, as Meta sends it. @param {string} id */
function delivery(id) {
	return burstDelivery(ctx.sandbox.config.waba_id, id);
}

/** POSTs a body signed with the app secret; resolves with the answer and who gave it. @param {string} raw */
function post(raw) {
	return signedPost(ctx.url, ctx.secret, raw);
}

/** n8n's SQLite database (read beside the running n8n). @type {() => import('../../dev/lib/db').DatabaseTarget} */
const database = () => ({
	kind: 'sqlite',
	file: path.join(ctx.tmp, 'user', '.n8n', 'database.sqlite'),
});

// Sequential redeliveries: each run's first step records its event in the trigger's memory (n8n's
// deduplication store); a redelivery after that run has ended still starts a run (n8n answers it,
// after accepting it), which takes nothing in. Every answer comes from n8n, never from the trigger;
// see "Redeliveries and queue mode" in the README.
test(
	'with Ignore Redeliveries, events redelivered after their first run ended are left out by the run they start',
	{ timeout: 5 * 60_000 },
	async () => {
		const before = await lastExecutionId(ctx.install, database(), WORKFLOW_ID);
		const ids = Array.from({ length: 50 }, (_unused, index) => `wamid.redelivery-${index}`);
		const bodies = ids.map(delivery);
		const idPattern = /wamid\.redelivery-\d+/g;
		const withData = { idPattern, nodeName: 'Trigger' };
		for (const [index, raw] of bodies.entries()) {
			const answer = await post(raw);
			assert.deepEqual([answer.status, answer.by], [200, 'n8n'], answer.body);
			// Meta redelivers minutes later, once the first run has ended.
			await waitFor(
				async () =>
					(await storedExecutions(ctx.install, database(), WORKFLOW_ID, before)).filter(
						(e) => e.status === 'success',
					).length > index,
				30_000,
				`the run of delivery ${index}`,
				100,
			);
		}
		const firstRuns = await storedExecutions(
			ctx.install,
			database(),
			WORKFLOW_ID,
			before,
			withData,
		);
		assert.deepEqual(
			firstRuns.flatMap((e) => e.taken),
			ids,
			'each first run took its event in',
		);
		assert.equal(
			(await memoryHashes(ctx.install, database(), WORKFLOW_ID, 'trigger')).size,
			ids.length,
			'the memory holds the 50 keys',
		);
		const last = firstRuns[firstRuns.length - 1].id;
		// Meta redelivers byte-identical bodies: n8n accepts each, the run takes nothing in.
		for (const raw of bodies) {
			const answer = await post(raw);
			assert.deepEqual([answer.status, answer.by], [200, 'n8n'], answer.body);
		}
		const settled = await waitFor(
			async () => {
				const list = await storedExecutions(ctx.install, database(), WORKFLOW_ID, last, withData);
				return list.length >= ids.length && list.every((e) => e.status === 'success')
					? list
					: undefined;
			},
			60_000,
			'the runs of the redeliveries',
			500,
		);
		const again = /** @type {NonNullable<typeof settled>} */ (settled);
		assert.equal(again.length, ids.length);
		assert.deepEqual(
			again.flatMap((e) => e.taken),
			[],
			'no redelivery was taken in again',
		);
		assert.ok(again.every((e) => e.triggerRan));
	},
);

test(
	`${BURST} signed deliveries in about 10 s: no event answered 200 is lost because of the package (counted from the database)`,
	{ timeout: 20 * 60_000 },
	async () => {
		const report = await runBurst({
			install: ctx.install,
			db: database(),
			url: ctx.url,
			secret: ctx.secret,
			wabaId: ctx.sandbox.config.waba_id,
			workflowId: WORKFLOW_ID,
			nodeName: 'Trigger',
			nodeId: 'trigger',
			tag: 'single',
			size: BURST,
			spreadMs: 10_000,
			redeliverEvery: 20,
			settleMs: 8 * 60_000,
			log,
		});
		ctx.report = report;
		log(`burst report (single process, SQLite): ${JSON.stringify(report)}`);
		assert.ok(report.sentIn < 15, `sending the burst took ${report.sentIn} s`);
		assert.equal(
			report.ran +
				report.failedOnly +
				report.lostByPackage +
				report.lostByN8n +
				report.neverAccepted,
			BURST,
		);
		// The package's share of lost events: the trigger answered 200 and nothing ran the event.
		assert.equal(report.lostByPackage, 0, 'events the trigger answered 200 that never ran');
		// n8n's share (a failed execution after n8n answered 200) is reported, not asserted.
	},
);
