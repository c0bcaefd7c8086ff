// @ts-check
'use strict';

/**
 * Burst: 1,000 signed deliveries within about 10 seconds to the production webhook of a real n8n
 * (2.40.7 on Node 24, installed and cached by dev/lib/install.js), the trigger loaded from the
 * built package. Every delivery carries one distinct group message, so exactly 1,000 executions
 * of one item each must come out: none lost, none duplicated. n8n 2.40.7 on SQLite answers part
 * of such a burst with 503 "Database is not ready!"; like Meta, the test delivers those again
 * until they are answered 200. Before the burst: the trigger's redelivery memory (events
 * delivered one after the other, then redelivered byte for byte, start nothing).
 *
 *   npm run test:e2e   (runs this file after e2e.test.js; E2E_VERBOSE=1 streams n8n's log)
 *
 * The trigger uses the Manual destination (it registers nothing), so the burst measures n8n and
 * the trigger, not the sandbox's webhook routing.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { ensureN8n } = require('../../dev/lib/install');
const { N8n, waitFor, freePort } = require('../../dev/lib/n8n');
const {
	sandboxCredential,
	buildPackage,
	isBuilt,
	snapshotPackage,
	sandboxModule,
} = require('../../dev/lib/stack');
const { metaSignature } = require('../support/meta');
const { triggerOnly } = require('./workflows');

const VERBOSE = process.env.E2E_VERBOSE === '1';
const BURST = 1000;
const WEBHOOK_ID = '0e2e0000-0000-4000-8000-0000000b0057';
const WORKFLOW_ID = 'BurstTrigger0001';
const VERIFY_TOKEN = 'burst-verify-token-0123456789';
const GROUP = 'Y2FwaV9ncm91cDpCVVJTVA';

/** @type {any} */
const ctx = { timings: {} };
/** @param {string} s */
const log = (s) => process.stdout.write(`${s}\n`);

before(
	async () => {
		if (!isBuilt()) await buildPackage({ quiet: true });
		ctx.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-wag-burst-'));
		const extensions = path.join(snapshotPackage(path.join(ctx.tmp, 'package')), 'dist');
		const install = await ensureN8n({ log: (s) => log(`[install] ${s}`) });
		const { startSandbox } = sandboxModule();
		ctx.sandbox = await startSandbox({ port: 0 });
		ctx.secret = ctx.sandbox.config.app_secret;
		ctx.n8n = new N8n(install, {
			userFolder: path.join(ctx.tmp, 'user'),
			port: await freePort(),
			extensions,
		});
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
			onLine: VERBOSE ? (/** @type {string} */ line) => log(`[n8n] ${line}`) : undefined,
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
	if (ctx.tmp) {
		if (process.env.E2E_KEEP === '1') log(`kept ${ctx.tmp}`);
		else fs.rmSync(ctx.tmp, { recursive: true, force: true });
	}
	log(`burst timings (s) and counts: ${JSON.stringify(ctx.timings)}`);
});

/** A delivery with one group message, as Meta sends it. @param {string} id */
function delivery(id) {
	return JSON.stringify({
		object: 'whatsapp_business_account',
		entry: [
			{
				id: ctx.sandbox.config.waba_id,
				changes: [
					{
						field: 'messages',
						value: {
							messaging_product: 'whatsapp',
							metadata: {
								display_phone_number: ctx.sandbox.config.phone_numbers[0].display_phone_number,
								phone_number_id: ctx.sandbox.config.phone_number_id,
							},
							contacts: [{ profile: { name: 'Burst User' }, wa_id: '4915100000001' }],
							messages: [
								{
									from: '4915100000001',
									group_id: GROUP,
									id,
									timestamp: String(Math.floor(Date.now() / 1000)),
									type: 'text',
									text: { body: `burst ${id}` },
								},
							],
						},
					},
				],
			},
		],
	});
}

/** POSTs a body signed with the app secret; resolves with the HTTP status. @param {string} raw */
async function post(raw) {
	const signature = metaSignature(raw, ctx.secret);
	try {
		const res = await fetch(ctx.url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
			body: raw,
		});
		const text = await res.text();
		if (res.status !== 200 && !ctx.firstRefusal)
			ctx.firstRefusal = `${res.status} ${text.slice(0, 300)}`;
		return res.status;
	} catch (error) {
		if (!ctx.firstRefusal) ctx.firstRefusal = String(error);
		return 0;
	}
}

/** How many of each status. @param {number[]} statuses */
function tally(statuses) {
	/** @type {Record<string, number>} */
	const counts = {};
	for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
	return counts;
}

/** How many event keys the trigger's redelivery memory holds in the workflow n8n has stored. */
async function memorySize() {
	const workflow = await ctx.rest.getWorkflow(WORKFLOW_ID);
	const keys = workflow?.staticData?.['node:Trigger']?.seenEventKeys;
	return Array.isArray(keys) ? keys.length : 0;
}

/** Number of executions of the workflow n8n has stored. */
async function executionCount() {
	const filter = encodeURIComponent(JSON.stringify({ workflowId: WORKFLOW_ID }));
	const r = await ctx.rest.request('GET', `/executions?filter=${filter}&limit=1`);
	return Number(r.count);
}

/** Every stored execution of the workflow (summaries), paging with lastId (n8n caps a page at 100). */
async function allExecutions() {
	const filter = encodeURIComponent(JSON.stringify({ workflowId: WORKFLOW_ID }));
	/** @type {Map<string, any>} */
	const all = new Map();
	let lastId;
	for (;;) {
		const page = await ctx.rest.request(
			'GET',
			`/executions?filter=${filter}&limit=100${lastId ? `&lastId=${lastId}` : ''}`,
		);
		const results = /** @type {any[]} */ (page.results ?? page);
		const fresh = results.filter((e) => !all.has(String(e.id)));
		if (fresh.length === 0) break;
		for (const e of fresh) all.set(String(e.id), e);
		lastId = results[results.length - 1].id;
	}
	return [...all.values()];
}

/** The trigger's output items of the given executions (fetched with a few requests in flight). @param {any[]} executions */
async function itemsOf(executions) {
	/** @type {any[]} */
	const items = [];
	let next = 0;
	const worker = async () => {
		while (next < executions.length) {
			const summary = executions[next++];
			const full = await ctx.rest.execution(summary.id);
			assert.equal(full.status, 'success', `execution ${summary.id} is ${full.status}`);
			const out = full.data?.resultData?.runData?.Trigger?.[0]?.data?.main?.[0] ?? [];
			items.push(...out.map((/** @type {any} */ item) => item.json));
		}
	};
	await Promise.all(Array.from({ length: 8 }, worker));
	return items;
}

// Sequential redeliveries: n8n must have saved the trigger's memory (workflow static data) after
// each first delivery. This failed (49 of 50 ran again) until the trigger answered Meta itself
// whenever it stored keys; see "Redeliveries and queue mode" in the README.
test(
	'with Ignore Redeliveries, events redelivered after their first delivery was handled start nothing',
	{ timeout: 5 * 60_000 },
	async () => {
		// Start from a settled count.
		let before = -1;
		await waitFor(
			async () => {
				const now = await executionCount();
				const stable = now === before;
				before = now;
				return stable;
			},
			5 * 60_000,
			'the execution count to settle',
			3000,
		);
		const ids = Array.from({ length: 50 }, (_unused, index) => `wamid.redelivery-${index}`);
		const bodies = ids.map(delivery);
		const held = await memorySize();
		for (const [index, raw] of bodies.entries()) {
			assert.equal(await post(raw), 200);
			// n8n saves the memory (the whole static data) after answering; a delivery that arrives
			// before that save lands reads the older memory, and its own save then drops this key
			// (README: "Redeliveries and queue mode"). Meta redelivers minutes later, not at once.
			await waitFor(
				async () => (await memorySize()) >= Math.min(held + index + 1, 1000),
				10_000,
				"n8n to save the trigger's redelivery memory",
				50,
			);
		}
		await waitFor(
			async () => (await executionCount()) >= before + ids.length,
			60_000,
			'the first deliveries',
			500,
		);
		// Meta redelivers byte-identical bodies: every one answered 200, none starts an execution.
		for (const raw of bodies) assert.equal(await post(raw), 200);
		await new Promise((resolve) => setTimeout(resolve, 3000));
		assert.equal(await executionCount(), before + ids.length, 'no execution for a redelivery');
	},
);

test(
	`${BURST} signed deliveries in about 10 s: exactly ${BURST} executions and items, none lost, none duplicated`,
	{ timeout: 15 * 60_000 },
	async () => {
		const ids = Array.from(
			{ length: BURST },
			(_unused, index) => `wamid.burst-${String(index).padStart(4, '0')}`,
		);
		const bodies = ids.map(delivery);
		// Executions of earlier tests are not counted.
		const earlier = new Set((await allExecutions()).map((e) => String(e.id)));
		const started = Date.now();
		// Like Meta: each delivery goes out at its time (10 ms apart, 10 s in all) whether or not the
		// earlier ones have been answered yet.
		const answers = [];
		for (let index = 0; index < bodies.length; index++) {
			const due = started + index * (10_000 / BURST);
			if (Date.now() < due) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
			answers.push(post(bodies[index]));
		}
		const sentIn = (Date.now() - started) / 1000;
		const statuses = await Promise.all(answers);
		const answeredIn = (Date.now() - started) / 1000;
		ctx.timings['burst sent'] = Math.round(sentIn * 10) / 10;
		ctx.timings['burst answered'] = Math.round(answeredIn * 10) / 10;
		log(
			`burst: ${BURST} deliveries sent in ${ctx.timings['burst sent']} s, all answered after ${ctx.timings['burst answered']} s: ${JSON.stringify(tally(statuses))}`,
		);
		if (ctx.firstRefusal) log(`burst: first refusal: ${ctx.firstRefusal}`);
		assert.ok(sentIn < 15, `sending the burst took ${sentIn} s`);
		// Like Meta: a delivery not answered 200 is delivered again, byte for byte, a little later.
		let pending = statuses
			.map((status, index) => (status === 200 ? -1 : index))
			.filter((index) => index >= 0);
		ctx.timings['redelivered after refusal'] = pending.length;
		for (let round = 1; pending.length > 0 && round <= 8; round++) {
			await new Promise((resolve) => setTimeout(resolve, 2000 * round));
			/** @type {number[]} */
			const again = [];
			for (const index of pending) again.push(await post(bodies[index]));
			pending = pending.filter((_index, position) => again[position] !== 200);
		}
		assert.deepEqual(pending, [], 'every delivery is eventually answered 200');

		const settled = Date.now();
		await waitFor(
			async () => (await executionCount()) >= earlier.size + BURST,
			8 * 60_000,
			`${BURST} executions`,
			1000,
		);
		// Nothing more trickles in.
		await new Promise((resolve) => setTimeout(resolve, 5000));
		ctx.timings['executions stored'] = Math.round((Date.now() - settled) / 100) / 10;
		// Not asserted, reported: with no lost save the memory would hold its full 1,000 keys now; each
		// key missing was dropped by an overlapping save (README: "Redeliveries and queue mode").
		ctx.timings['redelivery memory keys after the burst (of 1000)'] = await memorySize();
		const executions = (await allExecutions()).filter((e) => !earlier.has(String(e.id)));
		assert.equal(executions.length, BURST, 'exactly one execution per delivery');
		const items = await itemsOf(executions);
		assert.equal(items.length, BURST, 'exactly one item per execution');
		const seen = items.map((item) => item.id).sort();
		assert.deepEqual(seen, [...ids].sort(), 'every message exactly once');
		for (const item of items) {
			assert.equal(item.event, 'message_received');
			assert.equal(item.groupId, GROUP);
		}
	},
);
