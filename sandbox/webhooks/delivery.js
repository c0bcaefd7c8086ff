// @ts-check
'use strict';

/**
 * Webhook delivery: Meta's envelope built around a change, routed to its destination, signed with
 * the app secret (X-Hub-Signature-256, and the legacy SHA-1 X-Hub-Signature), queued so deliveries
 * arrive in the order they were produced, retried, and recorded for /_sandbox/deliveries.
 * A number with a 360dialog webhook gets every webhook there instead: the same envelope, unsigned,
 * carrying the headers registered with it.
 * Also the hand-made webhooks and redeliveries the control endpoints send for trigger tests.
 */
const crypto = require('node:crypto');
const http = require('node:http');
const https = require('node:https');

const { delay } = require('../util');
const { ControlError } = require('../http/errors');
const { optString } = require('../model/validate');
const lookups = require('../model/lookups');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').DeliveryRecord} DeliveryRecord */
/** @typedef {import('../../nodes/shared/types').WebhookDelivery} WebhookDelivery */
/** @typedef {import('../../nodes/shared/types').WebhookChangeValue} WebhookChangeValue */
/** @typedef {import('../../nodes/shared/types').WebhookGroupItem} WebhookGroupItem */
/** @typedef {import('../../nodes/shared/types').WebhookStatus} WebhookStatus */
/** @typedef {import('../../nodes/shared/types').WebhookMessage} WebhookMessage */
/** @typedef {import('../../nodes/shared/types').WebhookContact} WebhookContact */

/**
 * One outbound HTTP request (callback verification, deliveries): resolves with the status and the
 * text, rejects on a network error or after timeoutMs.
 * @param {string} url
 * @param {string} method
 * @param {Buffer | undefined} body
 * @param {Record<string, string>} headers
 * @param {number} timeoutMs
 * @returns {Promise<{ status: number, text: string }>}
 */
function rawRequest(url, method, body, headers, timeoutMs) {
	const target = new URL(url);
	const lib = target.protocol === 'https:' ? https : http;
	return new Promise((resolve, reject) => {
		const req = lib.request(
			target,
			{
				method,
				headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
				timeout: timeoutMs,
			},
			(res) => {
				/** @type {Buffer[]} */
				const chunks = [];
				res.on('data', (/** @type {Buffer} */ chunk) => chunks.push(chunk));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
				);
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error('timed out')));
		req.on('error', reject);
		if (body) req.write(body);
		req.end();
	});
}

/**
 * Where a webhook for this number and field goes: the number's 360dialog webhook when it has one
 * (every field: 360dialog owns the app, and the sandbox takes it as subscribed to all of them;
 * `headers` are the registered ones), else phone override → WABA override → app callback, nowhere
 * unless the app subscribed to the field and to the WABA.
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {string} field
 * @returns {{ url: string | null, reason?: string, headers?: Record<string, string> }}
 */
function route(sb, phoneId, field) {
	const d360 = lookups.phone(sb, phoneId)?.d360_webhook;
	if (d360) return { url: d360.url, headers: { ...d360.headers } };
	if (!sb.appSubscription)
		return { url: null, reason: 'the app has no whatsapp_business_account subscription' };
	if (!sb.appSubscription.fields.includes(field))
		return { url: null, reason: `the app is not subscribed to ${field}` };
	if (!sb.waba.subscribed)
		return { url: null, reason: 'the app is not subscribed to the WABA (subscribed_apps)' };
	const phone = lookups.phone(sb, phoneId);
	if (phone?.override) return { url: phone.override.uri };
	if (sb.waba.override) return { url: sb.waba.override.uri };
	return { url: sb.appSubscription.callback_url };
}

/**
 * A group_* webhook (lifecycle, participants, settings, status) with these items.
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {string} field
 * @param {WebhookGroupItem[]} groups
 */
function emitGroups(sb, phoneId, field, groups) {
	emit(sb, phoneId, field, { groups });
}

/**
 * A messages webhook: incoming messages with their contacts, or statuses.
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {{ contacts?: WebhookContact[], messages?: WebhookMessage[], statuses?: WebhookStatus[] }} parts
 */
function emitMessages(sb, phoneId, parts) {
	emit(sb, phoneId, 'messages', parts);
}

/**
 * Builds Meta's envelope, routes it, signs it and queues its delivery.
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {string} field
 * @param {Partial<WebhookChangeValue>} parts
 */
function emit(sb, phoneId, field, parts) {
	const phone = lookups.phone(sb, phoneId);
	/** @type {WebhookChangeValue} */
	const value = {
		messaging_product: 'whatsapp',
		metadata: {
			display_phone_number: phone?.display_phone_number ?? '',
			phone_number_id: phoneId,
		},
		...parts,
	};
	/** @type {WebhookDelivery} */
	const body = {
		object: 'whatsapp_business_account',
		entry: [{ id: sb.wabaId, changes: [{ value, field }] }],
	};
	const raw = JSON.stringify(body);
	const { url, reason, headers } = route(sb, phoneId, field);
	// 360dialog signs nothing a client could check: its deliveries carry the registered headers.
	const signature = headers
		? null
		: `sha256=${crypto.createHmac('sha256', sb.appSecret).update(raw).digest('hex')}`;
	/** @type {DeliveryRecord} */
	const record = {
		id: ++sb.deliverySeq,
		field,
		phone_number_id: phoneId,
		url,
		status: url ? 'pending' : 'skipped',
		attempts: 0,
		response_statuses: [],
		signature,
		body,
		created_at: new Date().toISOString(),
	};
	if (headers) record.headers = headers;
	if (reason) record.reason = reason;
	sb.deliveries.push(record);
	if (sb.deliveries.length > 2000) sb.deliveries.splice(0, sb.deliveries.length - 2000);
	if (!url) {
		sb.log(`webhook ${field} not delivered: ${reason}`);
		return;
	}
	// One queue: deliveries arrive in the order they were produced.
	sb.deliveryChain = sb.deliveryChain.then(() => deliver(sb, record, raw));
}

/**
 * POSTs a recorded delivery, with retries; the record says how it went.
 * @param {Sandbox} sb
 * @param {DeliveryRecord} record
 * @param {string} raw
 */
async function deliver(sb, record, raw) {
	/** @type {Record<string, string>} */
	const headers = { 'content-type': 'application/json' };
	if (record.signature === null) {
		Object.assign(headers, record.headers ?? {});
	} else {
		headers['user-agent'] = 'facebookexternalua';
		headers['x-hub-signature-256'] = record.signature;
		headers['x-hub-signature'] =
			`sha1=${crypto.createHmac('sha1', sb.appSecret).update(raw).digest('hex')}`;
	}
	for (let attempt = 1; attempt <= sb.deliveryAttempts; attempt++) {
		record.attempts = attempt;
		try {
			const response = await rawRequest(
				/** @type {string} */ (record.url),
				'POST',
				Buffer.from(raw),
				headers,
				sb.deliveryTimeoutMs,
			);
			record.response_statuses.push(response.status);
			if (response.status === 200) {
				record.status = 'delivered';
				sb.log(`webhook ${record.field} → ${record.url}: 200`);
				return;
			}
		} catch {
			record.response_statuses.push(0);
		}
		if (attempt < sb.deliveryAttempts) await delay(sb.deliveryRetryDelayMs * attempt);
	}
	record.status = 'failed';
	sb.log(`webhook ${record.field} → ${record.url}: failed after ${record.attempts} attempts`);
}

/**
 * Sends one webhook right now, outside the normal flow (for trigger tests): a Meta-shaped
 * change built from `field` and `value`, or a raw `body`; signed validly, wrongly, or not at
 * all; to the routed destination or to `url`. One attempt; answers what the endpoint said.
 * To a number's 360dialog webhook, `signature` says the same of its registered headers: sent as
 * registered (valid), with other values (invalid), or left out (missing).
 * @param {Sandbox} sb
 * @param {Record<string, unknown>} input
 */
async function sendWebhook(sb, input) {
	const phoneId = optString(input.phone_number_id) ?? [...sb.phones.keys()][0];
	const field = optString(input.field) ?? 'messages';
	/** @type {string} */
	let raw;
	if (typeof input.raw === 'string') {
		raw = input.raw;
	} else if (input.body && typeof input.body === 'object') {
		raw = JSON.stringify(input.body);
	} else {
		const phone = lookups.phone(sb, phoneId);
		if (!phone) throw new ControlError(400, `Unknown phone number ${phoneId}`);
		const value = input.value && typeof input.value === 'object' ? input.value : {};
		raw = JSON.stringify({
			object: 'whatsapp_business_account',
			entry: [
				{
					id: sb.wabaId,
					changes: [
						{
							value: {
								messaging_product: 'whatsapp',
								metadata: {
									display_phone_number: phone.display_phone_number,
									phone_number_id: phoneId,
								},
								...value,
							},
							field,
						},
					],
				},
			],
		});
	}
	const routed = route(sb, phoneId, field);
	const url = optString(input.url) ?? routed.url;
	if (!url) throw new ControlError(409, `No destination for ${field}: ${routed.reason}`);
	const mode = optString(input.signature) ?? 'valid';
	if (!['valid', 'invalid', 'missing'].includes(mode))
		throw new ControlError(400, 'signature must be valid, invalid or missing');
	// To the number's 360dialog webhook (not to a given url): its headers instead of a signature.
	const d360Headers = optString(input.url) ? undefined : routed.headers;
	/** @type {Record<string, string>} */
	const headers = { 'content-type': 'application/json' };
	if (d360Headers) {
		for (const [name, value] of Object.entries(d360Headers)) {
			if (mode === 'valid') headers[name] = value;
			else if (mode === 'invalid') headers[name] = `not-${value}`;
		}
	} else {
		headers['user-agent'] = 'facebookexternalua';
		const key = mode === 'valid' ? sb.appSecret : 'not-the-app-secret';
		if (mode !== 'missing')
			headers['x-hub-signature-256'] =
				`sha256=${crypto.createHmac('sha256', key).update(raw).digest('hex')}`;
	}
	try {
		const response = await rawRequest(url, 'POST', Buffer.from(raw), headers, sb.deliveryTimeoutMs);
		return {
			url,
			signature: mode,
			status: response.status,
			response: response.text.slice(0, 2000),
		};
	} catch (error) {
		throw new ControlError(
			502,
			`Could not reach ${url}: ${error instanceof Error ? error.message : String(error)}`,
		);
	}
}

/**
 * Delivers a recorded webhook again, byte for byte (Meta redelivers; receivers must dedupe).
 * @param {Sandbox} sb
 * @param {number} id
 */
function redeliver(sb, id) {
	const record = sb.deliveries.find((d) => d.id === id);
	if (!record) throw new ControlError(404, `No delivery ${id}`);
	const url = record.url ?? route(sb, record.phone_number_id, record.field).url;
	if (!url) throw new ControlError(409, `No destination for ${record.field}`);
	// A redelivery goes out as the delivery did: signed, or with the headers it carried.
	/** @type {DeliveryRecord} */
	const copy = {
		...record,
		id: ++sb.deliverySeq,
		url,
		status: 'pending',
		attempts: 0,
		response_statuses: [],
		created_at: new Date().toISOString(),
	};
	sb.deliveries.push(copy);
	sb.deliveryChain = sb.deliveryChain.then(() => deliver(sb, copy, JSON.stringify(record.body)));
	return { id: copy.id, redelivery_of: id, url };
}

module.exports = {
	rawRequest,
	route,
	emitGroups,
	emitMessages,
	emit,
	deliver,
	sendWebhook,
	redeliver,
};
