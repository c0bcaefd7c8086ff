// @ts-check
'use strict';

/**
 * The burst, shared by the single-process suite (burst.test.js) and the queue-mode suite
 * (queue.test.js): signed deliveries of one group message each, sent like Meta sends them (each
 * at its time, whether or not the earlier ones were answered; a delivery not answered 200 is sent
 * again, byte for byte, a little later), then counted from n8n's database (its REST API redacts
 * some runs under load), then part of the burst delivered again to see what Ignore Redeliveries
 * leaves out.
 *
 * An event answered 200 and never taken in by a run is lost: Meta does not resend it. Whose loss
 * it is: the package's if the trigger itself gave the 200 (its `text/plain` "OK", meant for
 * deliveries with nothing to run) or if the trigger's redelivery memory holds the event's key
 * (it would leave the event out as already run; counted against the package even though a run n8n
 * lost after the trigger step would look the same); n8n's otherwise (it answered 200, then failed
 * to run the event: see its failed executions without data).
 */

const crypto = require('node:crypto');

const path = require('node:path');

const { query } = require('../../dev/lib/db');
const { metaSignature } = require('../support/meta');
const { unflatten } = require('../../dev/lib/rest');
const { REPO } = require('../../dev/lib/stack');

/** The package's own event key (built dist/), so the test looks the memory up as the trigger does. */
function eventKey(/** @type {Record<string, unknown>} */ item) {
	const { eventKey: key } = require(
		path.join(REPO, 'dist/nodes/WhatsAppGroupsTrigger/webhook/eventKeys.js'),
	);
	return /** @type {string} */ (key(item));
}

const PHONE = '100000000000002';
const GROUP = 'Y2FwaV9ncm91cDpCVVJTVA';

/**
 * A delivery with one group message, as Meta sends it.
 * @param {string} wabaId
 * @param {string} id
 */
function delivery(wabaId, id) {
	return JSON.stringify({
		object: 'whatsapp_business_account',
		entry: [
			{
				id: wabaId,
				changes: [
					{
						field: 'messages',
						value: {
							messaging_product: 'whatsapp',
							metadata: { display_phone_number: '15550001001', phone_number_id: PHONE },
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

/**
 * @typedef {{status: number, by: 'trigger' | 'n8n' | 'none', body: string}} Answer
 */

/**
 * POSTs a body signed with the app secret.
 * @param {string} url
 * @param {string} secret
 * @param {string} raw
 * @returns {Promise<Answer>}
 */
async function post(url, secret, raw) {
	const signature = metaSignature(raw, secret);
	try {
		const res = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
			body: raw,
			signal: AbortSignal.timeout(120_000),
		});
		const body = await res.text();
		const plain = (res.headers.get('content-type') ?? '').startsWith('text/plain');
		return {
			status: res.status,
			by: plain && body === 'OK' ? 'trigger' : 'n8n',
			body: body.slice(0, 300),
		};
	} catch (error) {
		return { status: 0, by: 'none', body: String(error).slice(0, 300) };
	}
}

/** @param {number[]} statuses */
function tally(statuses) {
	/** @type {Record<string, number>} */
	const counts = {};
	for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
	return counts;
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The executions of a workflow after `afterId`: status, and with `withData` the burst message IDs
 * its trigger step took in (its output) and those anywhere in its stored data.
 * @param {{nodeBin: string, n8nPrefix: string}} install
 * @param {import('../../dev/lib/db').DatabaseTarget} db
 * @param {string} workflowId
 * @param {number} afterId
 * @param {{idPattern: RegExp, nodeName: string}} [withData]
 */
async function storedExecutions(install, db, workflowId, afterId, withData) {
	const placeholders = db.kind === 'postgres' ? ['$1', '$2'] : ['?', '?'];
	const rows = await query(
		install,
		db,
		withData
			? `SELECT e.id AS id, e.status AS status, d.data AS data
			 FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id
			 WHERE e."workflowId" = ${placeholders[0]} AND e.id > ${placeholders[1]} ORDER BY e.id`
			: `SELECT e.id AS id, e.status AS status FROM execution_entity e
			 WHERE e."workflowId" = ${placeholders[0]} AND e.id > ${placeholders[1]} ORDER BY e.id`,
		[workflowId, afterId],
	);
	return rows.map((row) => {
		/** @type {string[]} */
		let taken = [];
		/** @type {string[]} */
		let mentioned = [];
		let triggerRan = false;
		if (withData && typeof row.data === 'string') {
			mentioned = [...new Set(row.data.match(withData.idPattern) ?? [])];
			try {
				const run = unflatten(row.data)?.resultData?.runData?.[withData.nodeName]?.[0];
				triggerRan = run !== undefined;
				taken = (run?.data?.main?.[0] ?? []).map((/** @type {any} */ item) =>
					String(item.json?.id),
				);
			} catch {
				// unreadable data: counted by `mentioned` only
			}
		}
		return { id: Number(row.id), status: String(row.status), taken, mentioned, triggerRan };
	});
}

/**
 * The trigger's redelivery memory: n8n's deduplication store row of the node (the MD5 of each key).
 * @param {{nodeBin: string, n8nPrefix: string}} install
 * @param {import('../../dev/lib/db').DatabaseTarget} db
 * @param {string} workflowId
 * @param {string} nodeId
 */
async function memoryHashes(install, db, workflowId, nodeId) {
	const p = db.kind === 'postgres' ? ['$1', '$2'] : ['?', '?'];
	const [row] = await query(
		install,
		db,
		`SELECT value FROM processed_data WHERE "workflowId" = ${p[0]} AND context = ${p[1]}`,
		[workflowId, `n:${nodeId}`],
	);
	const value = typeof row?.value === 'string' ? JSON.parse(row.value) : row?.value;
	return new Set(Array.isArray(value?.data) ? value.data.map(String) : []);
}

/** n8n's hash of a deduplication value (DeduplicationHelper.createValueHash). @param {string} key */
const md5 = (key) => crypto.createHash('md5').update(key).digest('base64');

/**
 * @param {{nodeBin: string, n8nPrefix: string}} install
 * @param {import('../../dev/lib/db').DatabaseTarget} db
 * @param {string} workflowId
 */
async function lastExecutionId(install, db, workflowId) {
	const p = db.kind === 'postgres' ? '$1' : '?';
	const [row] = await query(
		install,
		db,
		`SELECT COALESCE(MAX(id), 0) AS id FROM execution_entity WHERE "workflowId" = ${p}`,
		[workflowId],
	);
	return Number(row?.id ?? 0);
}

/**
 * Runs the burst and counts it.
 * @param {{
 *   install: {nodeBin: string, n8nPrefix: string},
 *   db: import('../../dev/lib/db').DatabaseTarget,
 *   url: string, secret: string, wabaId: string, workflowId: string, nodeName: string, nodeId: string,
 *   tag: string, size: number, spreadMs: number, redeliverEvery: number,
 *   settleMs: number, log: (s: string) => void,
 * }} o
 */
async function runBurst(o) {
	if (!o.nodeId || !o.nodeName) throw new Error("runBurst needs the trigger node's name and id");
	const ids = Array.from(
		{ length: o.size },
		(_u, i) => `wamid.${o.tag}-burst-${String(i).padStart(4, '0')}`,
	);
	const idPattern = new RegExp(`wamid\\.${o.tag}-burst-\\d{4}`, 'g');
	const bodies = ids.map((id) => delivery(o.wabaId, id));
	const before = await lastExecutionId(o.install, o.db, o.workflowId);
	const started = Date.now();

	// Each delivery goes out at its time whether or not the earlier ones were answered (like Meta).
	/** @type {Promise<Answer>[]} */
	const pending = [];
	for (let index = 0; index < bodies.length; index++) {
		const due = started + (index * o.spreadMs) / o.size;
		if (Date.now() < due) await sleep(due - Date.now());
		pending.push(post(o.url, o.secret, bodies[index]));
	}
	const sentIn = (Date.now() - started) / 1000;
	/** @type {Answer[][]} */
	const answers = (await Promise.all(pending)).map((answer) => [answer]);
	const answeredIn = (Date.now() - started) / 1000;
	const first = answers.map((a) => a[0]);
	o.log(
		`burst: ${o.size} deliveries sent in ${sentIn.toFixed(1)} s, all answered after ${answeredIn.toFixed(1)} s: ${JSON.stringify(tally(first.map((a) => a.status)))}`,
	);
	const firstRefusal = first.find((a) => a.status !== 200);
	if (firstRefusal) o.log(`burst: first refusal: ${firstRefusal.status} ${firstRefusal.body}`);

	// A delivery not answered 200 is delivered again, byte for byte, a little later (like Meta).
	let retry = answers.map((_a, index) => index).filter((index) => first[index].status !== 200);
	const retried = retry.length;
	for (let round = 1; retry.length > 0 && round <= 8; round++) {
		await sleep(2000 * round);
		// Ten at a time, as a sender that backs off would.
		let next = 0;
		const sender = async () => {
			while (next < retry.length) {
				const index = retry[next++];
				answers[index].push(await post(o.url, o.secret, bodies[index]));
			}
		};
		await Promise.all(Array.from({ length: 10 }, sender));
		retry = retry.filter((index) => answers[index][answers[index].length - 1].status !== 200);
	}

	// Wait until n8n has stored every accepted execution's end (or nothing changes for a while).
	const settleStart = Date.now();
	let last = '';
	let stableSince = Date.now();
	for (;;) {
		const statuses = await storedExecutions(o.install, o.db, o.workflowId, before, undefined);
		const open = statuses.filter((e) => ['new', 'running', 'waiting'].includes(e.status)).length;
		const succeeded = statuses.filter((e) => e.status === 'success').length;
		const signature = `${statuses.length}/${open}/${succeeded}`;
		if (signature !== last) {
			last = signature;
			stableSince = Date.now();
		}
		if (open === 0 && succeeded >= o.size && Date.now() - stableSince >= 3000) break;
		if (Date.now() - stableSince >= 30_000 || Date.now() - settleStart >= o.settleMs) break;
		await sleep(2000);
	}
	const settledIn = (Date.now() - started) / 1000;
	const withData = { idPattern, nodeName: o.nodeName };
	const executions = await storedExecutions(o.install, o.db, o.workflowId, before, withData);
	const memory = await memoryHashes(o.install, o.db, o.workflowId, o.nodeId);
	const inMemory = (/** @type {string} */ id) =>
		memory.has(md5(eventKey({ event: 'message_received', phoneNumberId: PHONE, id })));
	const counts = countEvents(ids, answers, executions, inMemory);
	counts.memoryKeysAfterBurst = memory.size;

	// Part of the burst delivered again byte for byte, once everything settled: what is left out?
	const sample = ids.map((_id, index) => index).filter((index) => index % o.redeliverEvery === 0);
	const beforeRedelivery = executions.length ? executions[executions.length - 1].id : before;
	/** @type {Answer[]} */
	const redeliveryAnswers = [];
	for (const index of sample) redeliveryAnswers.push(await post(o.url, o.secret, bodies[index]));
	/** @type {Awaited<ReturnType<typeof storedExecutions>>} */
	let again = [];
	const accepted = redeliveryAnswers.filter((a) => a.status === 200 && a.by === 'n8n').length;
	for (let attempt = 0; attempt < 30; attempt++) {
		await sleep(2000);
		again = await storedExecutions(o.install, o.db, o.workflowId, beforeRedelivery, withData);
		if (again.length >= accepted && again.every((e) => !['new', 'running'].includes(e.status)))
			break;
	}
	const ranAgain = new Set(again.flatMap((e) => e.taken));
	counts.redelivered = sample.length;
	counts.redeliveriesRunAgain = sample.filter((index) => ranAgain.has(ids[index])).length;
	counts.redeliveriesRefused = redeliveryAnswers.filter((a) => a.status !== 200).length;
	counts.redeliveriesSkipped =
		sample.length - counts.redeliveriesRunAgain - counts.redeliveriesRefused;
	counts.redeliveryRunsTakingNothing = again.filter(
		(e) => e.status === 'success' && e.triggerRan && e.taken.length === 0,
	).length;

	return {
		...counts,
		sentIn: Math.round(sentIn * 10) / 10,
		answeredIn: Math.round(answeredIn * 10) / 10,
		settledIn: Math.round(settledIn * 10) / 10,
		firstAnswers: tally(first.map((a) => a.status)),
		retriedDeliveries: retried,
		wallSeconds: Math.round((Date.now() - started) / 1000),
	};
}

/**
 * Per event: ran (taken in by a successful run), failed (only in failed runs), or lost (taken in
 * by no run), and whose loss by the answer it got and the memory.
 * @param {string[]} ids
 * @param {Answer[][]} answers every answer each delivery got, in order
 * @param {Awaited<ReturnType<typeof storedExecutions>>} executions
 * @param {(id: string) => boolean} inMemory whether the trigger's memory holds the event's key
 */
function countEvents(ids, answers, executions, inMemory) {
	/** @type {Map<string, {success: number, failed: number}>} */
	const byEvent = new Map(ids.map((id) => [id, { success: 0, failed: 0 }]));
	let failedWithoutEvent = 0;
	let failedExecutions = 0;
	let runsTakingNothing = 0;
	for (const e of executions) {
		const failed = ['error', 'crashed', 'canceled'].includes(e.status);
		if (failed) failedExecutions++;
		if (failed && e.mentioned.length === 0) failedWithoutEvent++;
		if (e.status === 'success' && e.triggerRan && e.taken.length === 0) runsTakingNothing++;
		if (e.status === 'success') {
			for (const id of e.taken) {
				const entry = byEvent.get(id);
				if (entry) entry.success++;
			}
		} else if (failed) {
			for (const id of e.mentioned) {
				const entry = byEvent.get(id);
				if (entry) entry.failed++;
			}
		}
	}
	let ran = 0;
	let duplicated = 0;
	let failedOnly = 0;
	let lostByPackage = 0;
	let lostByN8n = 0;
	let neverAccepted = 0;
	ids.forEach((id, index) => {
		const entry = /** @type {{success: number, failed: number}} */ (byEvent.get(id));
		if (entry.success > 0) {
			ran++;
			if (entry.success > 1) duplicated++;
			return;
		}
		if (entry.failed > 0) {
			failedOnly++;
			return;
		}
		const final = answers[index][answers[index].length - 1];
		if (final.status !== 200) neverAccepted++;
		else if (final.by === 'trigger' || inMemory(id)) lostByPackage++;
		else lostByN8n++;
	});
	const all = answers.flat();
	return {
		events: ids.length,
		ran,
		duplicated,
		failedOnly,
		lostByPackage,
		lostByN8n,
		neverAccepted,
		answers5xx: all.filter((a) => a.status >= 500).length,
		answersNoConnection: all.filter((a) => a.status === 0).length,
		answers200ByTrigger: all.filter((a) => a.status === 200 && a.by === 'trigger').length,
		executions: executions.length,
		failedExecutions,
		failedExecutionsWithoutEvent: failedWithoutEvent,
		/** Runs whose trigger step took nothing in (retries of deliveries an earlier run took in). */
		runsTakingNothing,
		/** @type {number | undefined} */
		memoryKeysAfterBurst: undefined,
		/** @type {number | undefined} */
		redelivered: undefined,
		/** @type {number | undefined} */
		redeliveriesSkipped: undefined,
		/** @type {number | undefined} */
		redeliveriesRunAgain: undefined,
		/** @type {number | undefined} */
		redeliveriesRefused: undefined,
		/** @type {number | undefined} */
		redeliveryRunsTakingNothing: undefined,
	};
}

module.exports = {
	runBurst,
	delivery,
	post,
	tally,
	countEvents,
	storedExecutions,
	memoryHashes,
	lastExecutionId,
	PHONE,
	GROUP,
};
