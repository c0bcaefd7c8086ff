// @ts-check
'use strict';

/**
 * 360dialog's hosted Cloud API, as the sandbox speaks it: paths without a Graph version and
 * without a phone number ID, a `D360-API-KEY` header whose key belongs to one phone number, and
 * 360dialog's own error shape (`{"error": "<text>"}`) for its own layer. Meta's answers and errors
 * pass through unchanged, as 360dialog documents for group and message errors.
 *
 * D360_ROUTES below is everything this dialect answers: 360dialog's path pattern → method → what
 * it does. Group endpoints are Meta's, reached through the Graph route table (http/graph.js) with
 * the key's phone number ID or the group ID in Meta's place, so both dialects serve one state.
 * 360dialog's paths as its documentation gives them (confidence in the README of the package):
 * /groups, /groups/<id>, /messages and /v1/configs/webhook are documented; DELETE /groups/<id>
 * partly; /groups/<id>/invite_link, /join_requests and /participants are extrapolated from
 * /groups/<id>.
 */
const { D360Error, waError } = require('./errors');
const { dispatchGraph } = require('./graph');
const lookups = require('../model/lookups');
const destinations = require('../webhooks/destinations');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').GraphCall} GraphCall */
/** @typedef {import('../types').RouteResult} RouteResult */
/** @typedef {(sb: Sandbox, call: GraphCall, groupId: string) => RouteResult | Promise<RouteResult>} D360Handler */

/** The Graph version paging links of Meta's answers keep (360dialog passes them through). */
const GRAPH_VERSION = 'v27.0';

/**
 * A Graph route of the key's phone number: `/groups` → `/<PHONE_ID>/groups`.
 * @param {string} edge
 * @returns {D360Handler}
 */
const phoneEdge = (edge) => (sb, call) =>
	dispatchGraph(sb, { ...call, parts: [/** @type {string} */ (call.phoneId), edge] });

/**
 * A Graph route of one of the number's groups: `/groups/<ID>/invite_link` → `/<ID>/invite_link`.
 * A group of another number is unknown to this key, as it would be to that number on Meta.
 * @param {string} [edge]
 * @returns {D360Handler}
 */
const groupEdge = (edge) => (sb, call, groupId) => {
	const group = lookups.group(sb, groupId);
	if (group.phone_number_id !== call.phoneId)
		throw waError(131041, `Group ${groupId} does not exist or the business is not a member of it`);
	return dispatchGraph(sb, { ...call, parts: edge ? [groupId, edge] : [groupId] });
};

/** @type {D360Handler} */
const readWebhook = (sb, call) => ({
	body: destinations.d360WebhookConfig(sb, /** @type {string} */ (call.phoneId)),
});

/** @type {D360Handler} */
const setWebhook = (sb, call) => ({
	body: destinations.setD360Webhook(sb, /** @type {string} */ (call.phoneId), call.params),
});

/**
 * Everything the sandbox answers in 360dialog's dialect: path pattern (`:group` is a group ID) →
 * method → handler.
 * @type {Record<string, Partial<Record<'GET' | 'POST' | 'DELETE', D360Handler>>>}
 */
const D360_ROUTES = {
	groups: { GET: phoneEdge('groups'), POST: phoneEdge('groups') },
	'groups/:group': { GET: groupEdge(), POST: groupEdge(), DELETE: groupEdge() },
	'groups/:group/invite_link': { GET: groupEdge('invite_link'), POST: groupEdge('invite_link') },
	'groups/:group/join_requests': {
		GET: groupEdge('join_requests'),
		POST: groupEdge('join_requests'),
		DELETE: groupEdge('join_requests'),
	},
	'groups/:group/participants': { DELETE: groupEdge('participants') },
	messages: { POST: phoneEdge('messages') },
	'v1/configs/webhook': { GET: readWebhook, POST: setWebhook },
};

/** The first path segments that are 360dialog's (anything else is left to the other dialects). */
const FIRST_SEGMENTS = new Set(['groups', 'messages', 'v1']);

/**
 * Finds the route of a call and runs it.
 * @param {Sandbox} sb
 * @param {GraphCall} call
 * @returns {Promise<RouteResult>}
 */
async function dispatchD360(sb, call) {
	const pattern = call.parts.map((part, index) =>
		call.parts[0] === 'groups' && index === 1 ? ':group' : part,
	);
	const key = pattern.join('/');
	const route = Object.hasOwn(D360_ROUTES, key) ? D360_ROUTES[key] : undefined;
	if (!route) throw new D360Error(404, `Not Found: ${call.method} /${call.parts.join('/')}`);
	const handler = route[/** @type {'GET' | 'POST' | 'DELETE'} */ (call.method)];
	if (!handler)
		throw new D360Error(405, `Method Not Allowed: ${call.method} /${call.parts.join('/')}`);
	return await handler(sb, call, call.parts[1] ?? '');
}

/**
 * The D360-API-KEY header: one number's key. 360dialog answers a missing or wrong key with its own
 * error shape.
 * @param {Sandbox} sb
 * @param {import('node:http').IncomingMessage} req
 * @returns {{ tokenKind: GraphCall['tokenKind'], phoneId: string }}
 */
function authenticate(sb, req) {
	const header = req.headers['d360-api-key'];
	const key = (Array.isArray(header) ? header[0] : header)?.trim();
	const phoneId = key ? sb.d360Keys.get(key) : undefined;
	if (!phoneId) throw new D360Error(401, 'Unauthorized - Invalid or missing D360-API-KEY');
	return { tokenKind: 'user', phoneId };
}

/**
 * 360dialog's hosted Cloud API as a dialect of http/handler.js.
 * @type {import('./handler').Dialect}
 */
const D360_DIALECT = {
	name: '360dialog',
	match: (segments) =>
		segments.length > 0 && FIRST_SEGMENTS.has(segments[0])
			? { version: GRAPH_VERSION, parts: segments }
			: undefined,
	authenticate,
	dispatch: dispatchD360,
};

module.exports = { D360_ROUTES, D360_DIALECT, dispatchD360 };
