// @ts-check
'use strict';

/**
 * Parts 2–4: the action node, run by n8n's WorkflowExecute (test/support/n8n/engine.js, the
 * harness of the jest suites), against the Groups API sandbox. Every HTTP request the sandbox
 * receives is counted by a wrapper around its handler, so request counts are the sandbox's, not
 * the node's own idea of what it sent.
 */
const http = require('node:http');
const path = require('node:path');

const { runNode } = require('../test/support/n8n/engine');

const ROOT = path.join(__dirname, '..');
const { Sandbox } = require(path.join(ROOT, 'sandbox', 'state'));
const { createHandler } = require(path.join(ROOT, 'sandbox', 'http', 'handler'));

const GRAPH_VERSION = 'v26.0';

/**
 * The sandbox on a free loopback port, as sandbox/index.js starts it, plus a request counter.
 * @param {import('../sandbox/types').SandboxOptions} options
 */
async function startCountingSandbox(options) {
	const state = new Sandbox({ seed: 'bench', ...options });
	const handler = createHandler(state);
	/** @type {Array<{ method: string, path: string }>} */
	const requests = [];
	const server = http.createServer((req, res) => {
		const pathname = new URL(req.url ?? '/', 'http://sandbox.local').pathname;
		if (pathname.startsWith(`/${GRAPH_VERSION}/`)) {
			requests.push({
				method: req.method ?? 'GET',
				path: pathname.slice(GRAPH_VERSION.length + 1),
			});
		}
		handler(req, res);
	});
	server.keepAliveTimeout = 1000;
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(undefined));
	});
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	const url = `http://127.0.0.1:${address.port}`;
	state.baseUrl = url;
	const phoneNumberId = [...state.phones.keys()][0];
	return {
		url,
		state,
		phoneNumberId,
		requests,
		/** Graph requests received since the last reset, optionally only those matching. */
		count(/** @type {RegExp} */ pattern = /./) {
			return requests.filter((request) => pattern.test(`${request.method} ${request.path}`)).length;
		},
		resetCount() {
			requests.length = 0;
		},
		credentials() {
			return {
				whatsAppGroupsApi: {
					accessToken: state.token,
					businessAccountId: state.wabaId,
					appId: state.appId,
					appSecret: state.appSecret,
					graphApiVersion: GRAPH_VERSION,
					baseUrl: url,
				},
			};
		},
		/** POST to the sandbox's control API (simulated users, faults). */
		async control(/** @type {string} */ route, /** @type {unknown} */ body) {
			const response = await fetch(`${url}/_sandbox/${route}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
			const json = await response.json();
			if (!response.ok)
				throw new Error(`sandbox ${route}: ${response.status} ${JSON.stringify(json)}`);
			return json;
		},
		async stop() {
			state.generation += 1;
			await new Promise((resolve) => {
				server.close(() => resolve(undefined));
				server.closeAllConnections();
			});
		},
	};
}

/** @typedef {Awaited<ReturnType<typeof startCountingSandbox>>} CountingSandbox */

const groupFromItem = { __rl: true, mode: 'id', value: '={{ $json.groupId }}' };

/** @param {number} start */
function elapsedMs(start) {
	return Number(process.hrtime.bigint() - BigInt(start)) / 1e6;
}
function now() {
	return Number(process.hrtime.bigint());
}

/**
 * The node's output must exist for every item; errors are data here (continue on fail) so the
 * bench can say which items failed instead of stopping at the first.
 * @param {{ items: any[], error?: any }} result
 * @param {string} what
 */
function checkRun(result, what) {
	if (result.error)
		throw new Error(`${what}: the node failed: ${result.error.message ?? result.error}`);
}

// ------------------------------------------------------------------------------------ part 2

/**
 * Get Many over `groups` groups: the node (Return All) against a naive loop at the API's default
 * page size of 25 (no `limit` sent), both against the same sandbox.
 * @param {CountingSandbox} sandbox
 * @param {number} groups
 */
async function getManyGroups(sandbox, groups) {
	sandbox.resetCount();
	let start = now();
	const result = await runNode({
		nodeType: 'whatsAppGroups',
		parameters: {
			resource: 'group',
			operation: 'getMany',
			phoneNumberId: sandbox.phoneNumberId,
			returnAll: true,
		},
		inputItems: [{}],
		credentials: sandbox.credentials(),
	});
	const nodeMs = elapsedMs(start);
	checkRun(result, 'Get Many');
	const nodeRequests = sandbox.count(/^GET \/\d+\/groups$/);
	const ids = new Set(result.items.map((item) => item.json.groupId));
	if (result.items.length !== groups || ids.size !== groups) {
		throw new Error(
			`Get Many returned ${result.items.length} groups (${ids.size} distinct), expected ${groups}`,
		);
	}

	// The naive loop: the API's default page, following the after cursor while `next` exists.
	sandbox.resetCount();
	start = now();
	let after;
	let naiveGroups = 0;
	for (let page = 0; page < 100_000; page++) {
		const url = new URL(`${sandbox.url}/${GRAPH_VERSION}/${sandbox.phoneNumberId}/groups`);
		if (after) url.searchParams.set('after', after);
		const response = await fetch(url, {
			headers: { authorization: `Bearer ${sandbox.state.token}` },
		});
		const body = /** @type {any} */ (await response.json());
		if (!response.ok) throw new Error(`naive Get Many: ${response.status} ${JSON.stringify(body)}`);
		naiveGroups += body.data.groups.length;
		if (!body.paging?.next) break;
		after = body.paging.cursors.after;
	}
	const naiveMs = elapsedMs(start);
	const naiveRequests = sandbox.count(/^GET \/\d+\/groups$/);
	if (naiveGroups !== groups)
		throw new Error(`naive Get Many saw ${naiveGroups} groups, expected ${groups}`);
	return { nodeRequests, nodeMs, naiveRequests, naiveMs, groups };
}

/**
 * Approving join requests that arrive as one item each, spread over `groupCount` groups.
 * The sandbox (like Meta) caps a group at 8 participants, so the groups are emptied first and
 * approvals past the 8th come back per ID as refused (131204): the request count is what is
 * measured, and every item must come back with a row either way.
 * @param {CountingSandbox} sandbox
 * @param {{ requests: number, groupCount: number, batchSize: number }} size
 */
async function approveJoinRequests(sandbox, size) {
	const groups = sandbox.state.sortedGroups(sandbox.phoneNumberId).slice(0, size.groupCount);
	for (const group of groups) {
		group.participants = [];
		group.join_requests = [];
	}
	const perGroup = Math.ceil(size.requests / size.groupCount);
	/** @type {Array<{ groupId: string, joinRequestId: string }>} */
	const items = [];
	for (let index = 0; index < size.requests; index++) {
		const group = groups[index % groups.length];
		const phone = `1666${String(index).padStart(7, '0')}`;
		const answer = /** @type {any} */ (
			await sandbox.control('users/request', { group_id: group.id, phone, name: `Bench ${index}` })
		);
		items.push({ groupId: group.id, joinRequestId: answer.join_request_id });
	}
	sandbox.resetCount();
	const start = now();
	const result = await runNode({
		nodeType: 'whatsAppGroups',
		parameters: {
			resource: 'joinRequest',
			operation: 'approve',
			phoneNumberId: sandbox.phoneNumberId,
			groupId: groupFromItem,
			joinRequestIds: '={{ $json.joinRequestId }}',
			options: { batchSize: size.batchSize },
		},
		inputItems: items,
		credentials: sandbox.credentials(),
		continueOnFail: true,
	});
	const ms = elapsedMs(start);
	checkRun(result, 'Approve join requests');
	const requests = sandbox.count(/^POST \/.+\/join_requests$/);
	const statuses = countBy(
		result.items.map((item) => item.json.status ?? (item.json.error ? 'error' : '?')),
	);
	const rowsPerItem = countBy(
		result.items.map(
			(item) => /** @type {import('n8n-workflow').IPairedItemData} */ (item.pairedItem)?.item,
		),
	);
	const missing = items.length - Object.keys(rowsPerItem).length;
	const duplicated = Object.values(rowsPerItem).filter((count) => count > 1).length;
	if (missing > 0 || duplicated > 0 || result.items.length !== items.length) {
		throw new Error(
			`Approve: ${missing} items without a row, ${duplicated} with several, ${result.items.length} rows for ${items.length} items`,
		);
	}
	const expected = size.groupCount * Math.ceil(perGroup / size.batchSize);
	return { requests, expected, ms, statuses, items: items.length, perGroup };
}

/**
 * Removing `count` participants of one group, one item each (8 per request at most).
 * The sandbox caps groups at 8 participants as Meta does; the bench puts `count` members into
 * the group's state directly so every removal can succeed.
 * @param {CountingSandbox} sandbox
 * @param {number} count
 */
async function removeParticipants(sandbox, count) {
	const group = sandbox.state.sortedGroups(sandbox.phoneNumberId)[size2index(count)];
	group.participants = Array.from({ length: count }, (_, index) => ({
		wa_id: `1777${String(index).padStart(7, '0')}`,
		name: `Member ${index}`,
		joined_at: 1767225600,
	}));
	const items = group.participants.map((/** @type {{ wa_id: string }} */ participant) => ({
		groupId: group.id,
		participant: participant.wa_id,
	}));
	sandbox.resetCount();
	const start = now();
	const result = await runNode({
		nodeType: 'whatsAppGroups',
		parameters: {
			resource: 'participant',
			operation: 'remove',
			phoneNumberId: sandbox.phoneNumberId,
			groupId: groupFromItem,
			participants: '={{ $json.participant }}',
		},
		inputItems: items,
		credentials: sandbox.credentials(),
		continueOnFail: true,
	});
	const ms = elapsedMs(start);
	checkRun(result, 'Remove participants');
	const requests = sandbox.count(/^DELETE \/.+\/participants$/);
	const statuses = countBy(result.items.map((item) => item.json.status ?? 'error'));
	// Meta (and the sandbox) removes after answering: every participant is 'requested', and the
	// group is empty once the sandbox has carried the removals out.
	await sandbox.state.whenIdle();
	if ((statuses.requested ?? 0) !== count || group.participants.length !== 0) {
		throw new Error(
			`Remove: ${JSON.stringify(statuses)}; ${group.participants.length} still in the group`,
		);
	}
	return { requests, expected: Math.ceil(count / 8), ms, statuses };
}

/** A group other than the ones the join-request scenario used. */
function size2index(/** @type {number} */ count) {
	return 100 + (count % 7);
}

/** @param {unknown[]} values */
function countBy(values) {
	/** @type {Record<string, number>} */
	const counts = {};
	for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
	return counts;
}

// ------------------------------------------------------------------------------------ parts 3, 4

/**
 * `count` groups that can receive a group message (at least one participant, not suspended).
 * @param {CountingSandbox} sandbox
 * @param {number} count
 */
function sendableGroups(sandbox, count) {
	const groups = sandbox.state
		.sortedGroups(sandbox.phoneNumberId)
		.filter((/** @type {any} */ group) => group.participants.length > 0 && !group.suspended)
		.slice(-count);
	if (groups.length < count) throw new Error(`Only ${groups.length} groups can receive a message`);
	return groups;
}

/**
 * Sends one text to each group, one item per group, at `concurrency`; then checks in the
 * sandbox's state that every group got exactly one message (none missing, none twice).
 * @param {CountingSandbox} sandbox
 * @param {any[]} groups
 * @param {number | undefined} concurrency  undefined: the node's default
 */
async function sendToGroups(sandbox, groups, concurrency) {
	const before = new Map(groups.map((group) => [group.id, group.messages.length]));
	sandbox.resetCount();
	const start = now();
	const result = await runNode({
		nodeType: 'whatsAppGroups',
		parameters: {
			resource: 'message',
			operation: 'send',
			phoneNumberId: sandbox.phoneNumberId,
			groupId: groupFromItem,
			messageType: 'text',
			text: '=Store news for {{ $json.subject }}',
			...(concurrency === undefined ? {} : { options: { concurrency } }),
		},
		inputItems: groups.map((group) => ({ groupId: group.id, subject: group.subject })),
		credentials: sandbox.credentials(),
		continueOnFail: true,
	});
	const ms = elapsedMs(start);
	checkRun(result, 'Send');
	let duplicates = 0;
	let missing = 0;
	for (const group of groups) {
		const sent = group.messages.length - (before.get(group.id) ?? 0);
		if (sent > 1) duplicates += sent - 1;
		if (sent === 0) missing += 1;
	}
	const failedItems = result.items.filter((item) => item.json.error !== undefined);
	const okItems = result.items.filter(
		(item) => item.json.error === undefined && item.json.messageId,
	);
	return {
		ms,
		requests: sandbox.count(/^POST \/\d+\/messages$/),
		throttled: 0,
		duplicates,
		missing,
		failedItems: failedItems.length,
		failedMessages: [...new Set(failedItems.map((item) => String(item.json.error)))],
		okItems: okItems.length,
		outputItems: result.items.length,
	};
}

module.exports = {
	startCountingSandbox,
	getManyGroups,
	approveJoinRequests,
	removeParticipants,
	sendableGroups,
	sendToGroups,
};
