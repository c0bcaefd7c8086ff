// @ts-check
'use strict';

/**
 * Part 1: the trigger's webhook handler against the floor (JSON.parse + HMAC-SHA256 check of the
 * same raw body) and against n8n's built-in WhatsApp Trigger, on the same bodies with the same
 * secret, through the fake IWebhookFunctions of the jest suites (test/support/n8n/fakeContext.js;
 * outside jest it records nothing, so it adds no work or memory of its own).
 *
 * What one "delivery" costs is measured as n8n spends it: n8n parses a JSON body itself before it
 * calls a node's webhook() (webhook-helpers → parseBody → jsonParse of the raw body into
 * req.body, for every node of version 1), so each handler's time includes that parse, done here
 * the same way (n8n-workflow's jsonParse). The floor is that parse plus the signature check: the
 * least any handler that verifies Meta's signature can cost.
 */
const crypto = require('node:crypto');
const path = require('node:path');

const { jsonParse } = require('n8n-workflow');

const { createWebhookContext } = require('../test/support/n8n/fakeContext');
const { metaSignature } = require('../test/support/meta');
const { standardDeliveries, buildDelivery } = require('./deliveries');
const { summary } = require('./stats');

const ROOT = path.join(__dirname, '..');
const APP_SECRET = 'bench-app-secret';
const ACCESS_TOKEN = 'bench-access-token';
const WEBHOOK_URL = 'http://localhost:5678/webhook/bench/webhook';

/** Every event the trigger offers: the typed items of every event in the delivery are emitted. */
function allTriggerEvents() {
	const { TRIGGER_EVENTS } = require(
		path.join(ROOT, 'dist/nodes/WhatsAppGroupsTrigger/webhook/eventTypes.js'),
	);
	return [...TRIGGER_EVENTS];
}

function loadHandlers() {
	const { WhatsAppGroupsTrigger } = require(
		path.join(ROOT, 'dist/nodes/WhatsAppGroupsTrigger/WhatsAppGroupsTrigger.node.js'),
	);
	const { WhatsAppTrigger } = require('n8n-nodes-base/dist/nodes/WhatsApp/WhatsAppTrigger.node.js');
	return { ours: new WhatsAppGroupsTrigger(), builtin: new WhatsAppTrigger() };
}

/**
 * n8n's own parse of a JSON webhook body, before any node runs (body-parser.ts parseBody).
 * @param {Buffer} rawBody
 * @returns {import('n8n-workflow').IDataObject}
 */
function n8nParse(rawBody) {
	const text = rawBody.toString('utf8');
	return jsonParse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

/**
 * @typedef {{ delivery: import('./deliveries').Delivery, headers: Record<string, string> }} Prepared
 */

/**
 * A trigger as a contender: each call hands the next delivery to its webhook(). The fake n8n
 * context of each delivery variant is built once, on its first call, and used again when the
 * variant comes back (the handlers keep nothing on it): n8n builds its own context for every
 * request, and neither that nor building the fake is the handler's cost, nor part of the floor.
 * n8n's parse of the body is in every call, as in the floor. Without `reuse` (the heap figure)
 * every call builds its context, so that the cache is not counted as the handler's growth.
 * @param {() => Prepared} nextDelivery
 * @param {(prepared: Prepared) => any} buildContext
 * @param {any} handler
 * @param {(result: any, delivery: import('./deliveries').Delivery) => void} check
 * @param {boolean} reuse
 */
function triggerContender(nextDelivery, buildContext, handler, check, reuse) {
	/** @type {Map<Prepared, any>} */
	const contexts = new Map();
	return async () => {
		const prepared = nextDelivery();
		let context = contexts.get(prepared);
		if (context === undefined) {
			context = buildContext(prepared);
			if (reuse) contexts.set(prepared, context);
		}
		const request = context.getRequestObject();
		request.body = n8nParse(prepared.delivery.rawBody);
		try {
			const result = await handler.webhook.call(context);
			check(result, prepared.delivery);
			return result;
		} finally {
			// The parsed body is the request's: it goes with it.
			request.body = {};
		}
	};
}

/**
 * The three contenders for one kind of delivery, each a function doing one delivery end to end.
 * Each call takes the next variant, round robin. Our trigger's webhook call does no redelivery
 * work (Ignore Redeliveries runs in the execution), so its static data stays empty.
 * @param {{ ours: any, builtin: any }} handlers
 * @param {import('./deliveries').Delivery[]} variants
 * @param {string[]} events
 * @param {{ reuseContexts?: boolean }} [options] reuse each variant's fake context (default: yes)
 */
function contenders(handlers, variants, events, options = {}) {
	const reuse = options.reuseContexts !== false;
	const prepared = variants.map((delivery) => ({
		delivery,
		headers: {
			'content-type': 'application/json',
			'x-hub-signature-256': metaSignature(delivery.rawBody, APP_SECRET),
			'user-agent': 'facebookexternalua',
		},
	}));
	const ourParameters = { destination: 'manual', events, options: {} };
	const ourCredentials = {
		baseUrl: 'https://graph.facebook.com',
		accessToken: ACCESS_TOKEN,
		businessAccountId: '100000000000001',
		appId: '100000000000009',
		appSecret: APP_SECRET,
	};
	const builtinParameters = { updates: ['messages'], options: {} };
	const builtinCredentials = {
		clientId: '100000000000009',
		clientSecret: APP_SECRET,
		accessToken: ACCESS_TOKEN,
	};
	const next = { floor: 0, ours: 0, builtin: 0 };
	/** @param {'floor' | 'ours' | 'builtin'} who */
	const take = (who) => prepared[next[who]++ % prepared.length];
	return {
		floor: async () => {
			const { delivery, headers } = take('floor');
			const body = n8nParse(delivery.rawBody);
			const expected = Buffer.from(headers['x-hub-signature-256'].slice('sha256='.length), 'hex');
			const digest = crypto.createHmac('sha256', APP_SECRET).update(delivery.rawBody).digest();
			if (!crypto.timingSafeEqual(digest, expected)) throw new Error('bad signature');
			return body;
		},
		ours: triggerContender(
			() => take('ours'),
			({ delivery, headers }) =>
				createWebhookContext({
					rawBody: delivery.rawBody,
					body: {},
					headers,
					parameters: ourParameters,
					credentials: ourCredentials,
					staticData: {},
					webhookUrl: WEBHOOK_URL,
				}).context,
			handlers.ours,
			(result, delivery) => {
				const emitted = result?.workflowData?.[0]?.length ?? 0;
				if (emitted !== delivery.events) {
					throw new Error(
						`${delivery.name}: our trigger emitted ${emitted} items for ${delivery.events} events`,
					);
				}
			},
			reuse,
		),
		builtin: triggerContender(
			() => take('builtin'),
			({ delivery, headers }) =>
				createWebhookContext({
					rawBody: delivery.rawBody,
					body: {},
					headers,
					parameters: builtinParameters,
					credentials: builtinCredentials,
					credentialType: 'whatsAppTriggerApi',
					staticData: {},
					webhookUrl: WEBHOOK_URL,
					node: { name: 'WhatsApp Trigger', type: 'n8n-nodes-base.whatsAppTrigger' },
				}).context,
			handlers.builtin,
			(result, delivery) => {
				const emitted = result?.workflowData?.[0]?.length ?? 0;
				if (emitted !== delivery.changes) {
					throw new Error(
						`${delivery.name}: the built-in trigger emitted ${emitted} items for ${delivery.changes} changes`,
					);
				}
			},
			reuse,
		),
	};
}

const gc = /** @type {(() => void) | undefined} */ (globalThis.gc);

/**
 * Milliseconds per call of `fn`, over `iterations` calls.
 * @param {() => Promise<unknown>} fn
 * @param {number} iterations
 */
async function timePerCall(fn, iterations) {
	if (gc) gc();
	const start = process.hrtime.bigint();
	for (let index = 0; index < iterations; index++) await fn();
	return Number(process.hrtime.bigint() - start) / 1e6 / iterations;
}

/**
 * @param {{ quick: boolean, repetitions: number, log: (line: string) => void }} options
 */
async function benchWebhook(options) {
	const handlers = loadHandlers();
	const events = allTriggerEvents();
	const kinds = standardDeliveries(options.quick);
	const results = [];
	for (const { variants } of kinds) {
		const delivery = variants[0];
		const run = contenders(handlers, variants, events);
		// Correctness first (every call checks it again): both handlers accept the signature and
		// emit what they should: ours one typed item per event, the built-in one item per change.
		for (let index = 0; index < variants.length; index++) {
			await run.ours();
			await run.builtin();
		}
		const ourItems = delivery.events;
		const builtinItems = delivery.changes;
		// Calibrate: about 250 ms (quick: 25 ms) of floor work per timed batch. Every batch starts
		// after a forced full GC, which leaves V8 a small young generation that grows again with
		// the work; with 60 ms batches (four 1 MB deliveries) that restart weighed on the handlers
		// that allocate more than the floor, a state n8n's process is not in between requests.
		let single = await timePerCall(run.floor, 3);
		for (let round = 0; round < 5; round++)
			single = Math.min(single, await timePerCall(run.floor, 5));
		const budgetMs = options.quick ? 25 : 250;
		const iterations = Math.max(
			3,
			Math.min(20_000, Math.round(budgetMs / Math.max(single, 0.0005))),
		);
		for (let warm = 0; warm < 3; warm++) {
			await timePerCall(run.floor, iterations);
			await timePerCall(run.ours, iterations);
			await timePerCall(run.builtin, iterations);
		}
		/** @type {{ floor: number[], ours: number[], builtin: number[], oursVsFloor: number[], oursVsBuiltin: number[], builtinVsFloor: number[] }} */
		const series = {
			floor: [],
			ours: [],
			builtin: [],
			oursVsFloor: [],
			oursVsBuiltin: [],
			builtinVsFloor: [],
		};
		const names = /** @type {const} */ (['floor', 'ours', 'builtin']);
		for (let repetition = 0; repetition < options.repetitions; repetition++) {
			/** @type {Record<string, number>} */
			const times = {};
			// Rotate the order so no contender always runs first (or last) in a repetition.
			for (let step = 0; step < names.length; step++) {
				const name = names[(repetition + step) % names.length];
				times[name] = await timePerCall(run[name], iterations);
			}
			series.floor.push(times.floor);
			series.ours.push(times.ours);
			series.builtin.push(times.builtin);
			series.oursVsFloor.push(times.ours / times.floor);
			series.oursVsBuiltin.push(times.ours / times.builtin);
			series.builtinVsFloor.push(times.builtin / times.floor);
		}
		options.log(
			`webhook ${delivery.name}: ${delivery.rawBody.length} bytes, ${delivery.events} events, ${iterations} deliveries per timing`,
		);
		results.push({
			delivery,
			variants: variants.length,
			ourItems,
			builtinItems,
			iterations,
			series,
		});
	}
	const heap = await heapGrowth(handlers, events, options);
	return { results, heap };
}

/**
 * Heap growth per 1,000 events: many different deliveries through one trigger (its static data
 * persisting, as in production), the heap measured after a full GC before and after.
 * @param {{ ours: any, builtin: any }} handlers
 * @param {string[]} events
 * @param {{ quick: boolean }} options
 */
async function heapGrowth(handlers, events, options) {
	if (!gc) return undefined;
	const deliveriesCount = options.quick ? 20 : 100;
	const deliveries = Array.from({ length: deliveriesCount }, (_, index) =>
		buildDelivery(`heap ${index}`, { events: 100, offset: 1_000_000 + index * 1000 }),
	);
	// First 6,000 other events, so that
	// V8 has compiled what it compiles for these deliveries: with only 1,200 events before, the
	// figure (heap after GC) mostly measured code and type feedback still being made, 2-25 KB per
	// 1,000 events from run to run for the same code.
	const warmUp = Array.from({ length: 60 }, (_, index) =>
		buildDelivery(`heap warm-up ${index}`, { events: 100, offset: 9_000_000 + index * 1000 }),
	);
	const totalEvents = deliveries.reduce((sum, delivery) => sum + delivery.events, 0);
	/** @type {Record<string, number>} */
	const growth = {};
	for (const name of /** @type {const} */ (['ours', 'builtin'])) {
		const run = contenders(handlers, [...warmUp, ...deliveries], events, { reuseContexts: false });
		for (let index = 0; index < warmUp.length; index++) await run[name]();
		gc();
		gc();
		const before = process.memoryUsage().heapUsed;
		for (let index = 0; index < deliveries.length; index++) await run[name]();
		gc();
		gc();
		const after = process.memoryUsage().heapUsed;
		growth[name] = ((after - before) / totalEvents) * 1000;
	}
	return { totalEvents, deliveries: deliveriesCount, bytesPer1000: growth };
}

module.exports = { benchWebhook, contenders, loadHandlers, allTriggerEvents, summary };
