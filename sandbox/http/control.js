// @ts-check
'use strict';

/**
 * The sandbox's own control endpoints under /_sandbox/: configuration and state, reset and seed,
 * fault rules, the webhook deliveries (list, redeliver, send a hand-made one), simulated WhatsApp
 * users, and switches on phone numbers. CONTROL_ROUTES is their index: "METHOD /path" with
 * :name for a path segment. sandbox/cli.js is a command line over these.
 */
const { ControlError } = require('./errors');
const { simSuspend } = require('../sim/users');
const membership = require('../sim/membership');
const { simMessage } = require('../sim/messages');
const { simChangeUserId } = require('../sim/userIds');
const { groupMessages } = require('../model/messageLog');
const { normalizeFault } = require('../sim/faults');
const delivery = require('../webhooks/delivery');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').RouteResult} RouteResult */

/**
 * A control request: the path's :name segments, the query, and the query overlaid by the body.
 * @typedef {object} ControlCall
 * @property {Record<string, string>} path
 * @property {URLSearchParams} query
 * @property {Record<string, unknown>} input
 * @property {import('../body').ParsedBody} body
 */

/** @typedef {(sb: Sandbox, call: ControlCall) => RouteResult | Promise<RouteResult>} ControlHandler */

/**
 * @param {unknown} value
 * @returns {boolean}
 */
const flag = (value) => value === true || value === 'true';

/** @type {Record<string, ControlHandler>} */
const CONTROL_ROUTES = {
	'GET /': (sb) => ({ body: config(sb) }),
	'GET /config': (sb) => ({ body: config(sb) }),
	'GET /state': (sb) => ({ body: sb.dump() }),
	'POST /reset': (sb) => {
		sb.reset();
		return { body: { reset: true } };
	},
	'GET /idle': async (sb) => {
		await sb.whenIdle();
		return { body: { idle: true } };
	},
	'POST /seed': (sb, { input }) => ({
		body: sb.seed({
			count: Number(input.count ?? input.groups),
			seed: /** @type {string | undefined} */ (input.seed),
			phone_number_id: /** @type {string | undefined} */ (input.phone_number_id),
			epoch: input.epoch === undefined ? undefined : Number(input.epoch),
			append: flag(input.append),
		}),
	}),

	'GET /faults': (sb) => ({ body: { faults: sb.faults } }),
	'POST /faults': (sb, { input, body }) => {
		const rules = Array.isArray(body.fields.faults) ? body.fields.faults : [input];
		const added = rules.map((rule) => sb.addFault(/** @type {any} */ (normalizeFault(rule))));
		return { body: { faults: added } };
	},
	'DELETE /faults': (sb) => {
		sb.faults = [];
		return { body: { faults: [] } };
	},
	'DELETE /faults/:id': (sb, { path }) => {
		const before = sb.faults.length;
		sb.faults = sb.faults.filter((f) => f.id !== path.id);
		if (sb.faults.length === before) throw new ControlError(404, `No fault ${path.id}`);
		return { body: { faults: sb.faults } };
	},

	'GET /deliveries': (sb, { query }) => {
		const field = query.get('field');
		return { body: { deliveries: sb.deliveries.filter((d) => !field || d.field === field) } };
	},
	'DELETE /deliveries': (sb) => {
		sb.deliveries = [];
		return { body: { deliveries: [] } };
	},
	'POST /deliveries/:id/redeliver': async (sb, { path }) => {
		await sb.whenIdle();
		const result = delivery.redeliver(sb, Number(path.id));
		await sb.whenIdle();
		return { body: { ...result, delivery: sb.deliveries.find((d) => d.id === result.id) } };
	},
	'POST /webhooks/send': async (sb, { input }) => ({
		body: await delivery.sendWebhook(sb, input),
	}),

	'POST /cursors/expire': (sb) => {
		sb.expireCursors();
		return { body: { expired: true } };
	},
	'GET /requests/:id': (sb, { path }) => {
		const request = sb.requests.get(path.id);
		if (!request) throw new ControlError(404, `No request ${path.id}`);
		return { body: request };
	},

	'POST /users/join': (sb, { input }) => ({ body: membership.simJoin(sb, input) }),
	'POST /users/request': (sb, { input }) => ({ body: membership.simRequest(sb, input) }),
	'POST /users/withdraw': (sb, { input }) => ({ body: membership.simWithdraw(sb, input) }),
	'POST /users/leave': (sb, { input }) => ({ body: membership.simLeave(sb, input) }),
	'POST /users/message': (sb, { input }) => ({ body: simMessage(sb, input) }),
	'POST /users/change-user-id': (sb, { input }) => ({ body: simChangeUserId(sb, input) }),
	'GET /groups/:id/messages': (sb, { path }) => {
		const group = sb.groups.get(path.id);
		const messages = groupMessages(sb, path.id);
		if (!group && messages.length === 0) throw new ControlError(404, `No group ${path.id}`);
		return {
			body: {
				group_id: path.id,
				phone_number_id: group?.phone_number_id ?? messages[0].phone_number_id,
				deleted: !group,
				messages,
			},
		};
	},
	'POST /groups/:id/suspend': (sb, { path }) => ({ body: simSuspend(sb, path.id, true) }),
	'POST /groups/:id/clear-suspension': (sb, { path }) => ({
		body: simSuspend(sb, path.id, false),
	}),
	'POST /groups/:id/unsuspend': (sb, { path }) => ({ body: simSuspend(sb, path.id, false) }),

	'POST /phone_numbers/:id': (sb, { path, input }) => {
		const phone = sb.phones.get(path.id);
		if (!phone) throw new ControlError(404, `No phone number ${path.id}`);
		if (input.groups_eligible !== undefined) phone.groups_eligible = flag(input.groups_eligible);
		if (input.group_creation_disabled !== undefined)
			phone.group_creation_disabled = flag(input.group_creation_disabled);
		return { body: phone };
	},
};

/** CONTROL_ROUTES' keys, split once: method, path segments, handler. */
const COMPILED = Object.entries(CONTROL_ROUTES).map(([key, handler]) => {
	const [method, pattern] = key.split(' ');
	return { method, segments: pattern.split('/').filter(Boolean), handler };
});

/**
 * The control route for a method and path, with its :name segments.
 * @param {string} method
 * @param {string[]} parts  below /_sandbox
 */
function findControlRoute(method, parts) {
	for (const route of COMPILED) {
		if (route.method !== method || route.segments.length !== parts.length) continue;
		/** @type {Record<string, string>} */
		const path = {};
		const matches = route.segments.every((segment, i) => {
			if (segment.startsWith(':')) path[segment.slice(1)] = parts[i];
			return segment.startsWith(':') || segment === parts[i];
		});
		if (matches) return { handler: route.handler, path };
	}
	return undefined;
}

/**
 * @param {Sandbox} sb
 * @param {string} method
 * @param {string[]} parts  below /_sandbox
 * @param {URLSearchParams} query
 * @param {import('../body').ParsedBody} body
 * @returns {Promise<RouteResult>}
 */
async function dispatchControl(sb, method, parts, query, body) {
	if (body.error) throw new ControlError(400, body.error);
	/** @type {Record<string, unknown>} */
	const input = {};
	for (const [key, value] of query) input[key] = value;
	Object.assign(input, body.fields);
	const found = findControlRoute(method, parts);
	if (!found) {
		const route = `${method} /${parts.join('/')}`;
		throw new ControlError(404, `No sandbox control endpoint ${route}. See GET /_sandbox/config.`);
	}
	return found.handler(sb, { path: found.path, query, input, body });
}

/**
 * What a client needs to talk to this sandbox (GET /_sandbox/config, and startSandbox().config).
 * @param {Sandbox} sb
 */
function config(sb) {
	const phones = [...sb.phones.values()];
	return {
		url: sb.baseUrl,
		graph_base_url: sb.baseUrl,
		graph_api_version: 'v27.0',
		access_token: sb.token,
		waba_id: sb.wabaId,
		phone_number_id: phones[0]?.id,
		phone_numbers: phones.map((p) => ({
			id: p.id,
			display_phone_number: p.display_phone_number,
			d360_api_key: p.d360_api_key,
		})),
		/** The Base URL of a 360dialog credential (paths without a version, D360-API-KEY header). */
		d360_base_url: sb.baseUrl,
		app_id: sb.appId,
		app_secret: sb.appSecret,
		app_access_token: `${sb.appId}|${sb.appSecret}`,
		control: [
			'GET /_sandbox/config',
			'GET /_sandbox/state',
			'GET /_sandbox/idle',
			'POST /_sandbox/reset',
			'POST /_sandbox/seed {count, seed?, phone_number_id?, append?}',
			'GET|POST|DELETE /_sandbox/faults, DELETE /_sandbox/faults/<id>',
			'GET|DELETE /_sandbox/deliveries, POST /_sandbox/deliveries/<id>/redeliver',
			'POST /_sandbox/webhooks/send {field, value | body | raw, phone_number_id?, signature: valid|invalid|missing, url?}',
			'POST /_sandbox/cursors/expire',
			'GET /_sandbox/requests/<request_id>',
			'POST /_sandbox/users/join|request|withdraw|leave|message',
			'POST /_sandbox/users/change-user-id {user_id | phone, new_user_id?}',
			'GET /_sandbox/groups/<group_id>/messages',
			'POST /_sandbox/groups/<group_id>/suspend|clear-suspension',
			'POST /_sandbox/phone_numbers/<id> {groups_eligible?, group_creation_disabled?}',
		],
	};
}

module.exports = { CONTROL_ROUTES, dispatchControl, config };
