// @ts-check
'use strict';

/**
 * Meta's Graph API, as the sandbox speaks it: paths /<vN.N>/<id>[/<edge>], a Bearer (or OAuth)
 * header or an access_token query parameter, Meta's error bodies.
 *
 * GRAPH_ROUTES below is the index of everything the sandbox emulates. It follows Graph's own
 * model: the ID in the path names a node, resolveNodeKind() says what kind of node it is (the
 * app, the WhatsApp Business Account, a phone number, the Template Library, else a group), and
 * the table maps kind → edge ('' for the node itself) → HTTP method → handler. A handler turns
 * the call into a model call (model/, webhooks/) and answers its result.
 *
 * Another API dialect (other paths, another auth header) is another dialect object like
 * GRAPH_DIALECT with its own table (360dialog's: http/d360.js); http/handler.js tries each in turn.
 */
const { GraphError, waError } = require('./errors');
const groupsModel = require('../model/groups');
const { updateSettings } = require('../model/groupSettings');
const inviteLinks = require('../model/inviteLinks');
const joinRequestsModel = require('../model/joinRequests');
const participantsModel = require('../model/participants');
const messagesModel = require('../model/messages');
const lookups = require('../model/lookups');
const destinations = require('../webhooks/destinations');
const account = require('../model/account');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').GraphCall} GraphCall */
/** @typedef {import('../types').RouteResult} RouteResult */
/** @typedef {'app' | 'waba' | 'templateLibrary' | 'phone' | 'group'} NodeKind */
/** @typedef {'GET' | 'POST' | 'DELETE'} Method */
/** @typedef {(sb: Sandbox, call: GraphCall) => RouteResult | Promise<RouteResult>} Handler */

/**
 * What one edge of one node kind answers.
 * @typedef {object} Route
 * @property {Handler} [GET]
 * @property {Handler} [POST]
 * @property {Handler} [DELETE]
 * @property {GraphCall['tokenKind']} [token]  the token this edge needs, checked before the method
 * @property {Handler} [other]  answers any other method (default: unsupported)
 */

// ---------------------------------------------------------------- guards and Graph's errors

/**
 * @param {Sandbox} _sb
 * @param {GraphCall} call
 * @returns {never}
 */
function unknownEdge(_sb, call) {
	throw new GraphError(400, {
		message: `Unknown path components: /${call.parts.slice(1).join('/')}`,
		type: 'OAuthException',
		code: 2500,
	});
}

/**
 * @param {Sandbox} _sb
 * @param {GraphCall} call
 * @returns {never}
 */
function unsupported(_sb, call) {
	throw new GraphError(400, {
		message: `Unsupported ${call.method.toLowerCase()} request. Object with ID '${call.parts[0]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
		type: 'GraphMethodException',
		code: 100,
		error_subcode: 33,
	});
}

/**
 * @param {GraphCall} call
 * @param {GraphCall['tokenKind']} kind
 */
function requireToken(call, kind) {
	if (call.tokenKind === kind) return;
	if (kind === 'app') {
		throw waError(15, undefined, {
			message: 'This method must be called with an app access_token.',
		});
	}
	throw waError(200, undefined, {
		status: 403,
		message: 'Permissions error: use a system-user access token with whatsapp_business_messaging',
	});
}

/**
 * The fields=… parameter, as a list.
 * @param {GraphCall} call
 */
function fieldsOf(call) {
	const raw = call.params.fields;
	if (raw === undefined || raw === '') return [];
	return String(raw)
		.split(',')
		.map((f) => f.trim())
		.filter(Boolean);
}

/** @param {GraphCall} call */
function requireMessagingProduct(call) {
	if (call.params.messaging_product !== 'whatsapp') {
		throw waError(100, 'The parameter messaging_product is required and must be "whatsapp"');
	}
}

/**
 * The group must exist, and the body must say messaging_product=whatsapp (every group write).
 * @param {Sandbox} sb
 * @param {GraphCall} call
 */
function groupWrite(sb, call) {
	lookups.group(sb, call.parts[0]);
	requireMessagingProduct(call);
}

// ---------------------------------------------------------------- the group and phone handlers

/** @satisfies {Record<string, Handler>} */
const groups = {
	list: (sb, call) => ({
		body: groupsModel.activeGroups(sb, call.parts[0], call.params, call.version),
	}),
	create: (sb, call) => {
		requireMessagingProduct(call);
		return { body: groupsModel.createGroup(sb, call.parts[0], call.params, call) };
	},
	info: (sb, call) => ({ body: groupsModel.groupInfo(sb, call.parts[0], fieldsOf(call)) }),
	remove: (sb, call) => ({ body: groupsModel.deleteGroup(sb, call.parts[0], call) }),
	update: (sb, call) => {
		groupWrite(sb, call);
		const files = call.body.files;
		const file =
			files.find((f) => f.field === 'file' || f.field === 'profile_picture_file') ?? files[0];
		if (
			call.body.kind === 'multipart' &&
			!file &&
			call.params.subject === undefined &&
			call.params.description === undefined
		) {
			throw waError(100, 'The multipart body has no file part (name it "file")');
		}
		return { body: updateSettings(sb, call.parts[0], call.params, file, call) };
	},
};

/** @satisfies {Record<string, Handler>} */
const invites = {
	get: (sb, call) => ({ body: inviteLinks.getInviteLink(sb, call.parts[0]) }),
	reset: (sb, call) => {
		groupWrite(sb, call);
		return { body: inviteLinks.resetInviteLink(sb, call.parts[0]) };
	},
};

/**
 * @param {'approve' | 'reject'} action
 * @returns {Handler}
 */
const actOnJoinRequests = (action) => (sb, call) => {
	groupWrite(sb, call);
	const ids = call.params.join_requests;
	return { body: joinRequestsModel.actOnJoinRequests(sb, call.parts[0], ids, action, call) };
};

/** @satisfies {Record<string, Handler>} */
const joinRequests = {
	list: (sb, call) => ({
		body: joinRequestsModel.listJoinRequests(sb, call.parts[0], call.params, call.version),
	}),
	approve: actOnJoinRequests('approve'),
	reject: actOnJoinRequests('reject'),
};

/** @satisfies {Record<string, Handler>} */
const participants = {
	remove: (sb, call) => {
		groupWrite(sb, call);
		return participantsModel.removeParticipants(sb, call.parts[0], call.params.participants, call);
	},
};

/** @satisfies {Record<string, Handler>} */
const messages = {
	send: (sb, call) => {
		requireMessagingProduct(call);
		return { body: messagesModel.sendMessage(sb, call.parts[0], call.params, call) };
	},
};

/** @type {Handler} */
const templates = (_sb, call) => ({
	body: account.templateLibrary(String(call.params.topic ?? '')),
});

/** @satisfies {Record<string, Handler>} */
const app = {
	get: (sb) => ({ body: { id: sb.appId, name: 'Sandbox App' } }),
	list: (sb) => ({ body: destinations.listAppSubscriptions(sb) }),
	subscribe: async (sb, call) => ({ body: await destinations.subscribeApp(sb, call.params) }),
	unsubscribe: (sb, call) => ({ body: destinations.unsubscribeApp(sb, call.params) }),
};

/** @satisfies {Record<string, Handler>} */
const waba = {
	get: (sb, call) => ({ body: account.wabaInfo(sb, fieldsOf(call)) }),
	phoneNumbers: (sb, call) => ({ body: account.phoneNumbers(sb, fieldsOf(call)) }),
	templates: (sb, call) => ({
		body: account.messageTemplates(sb, call.params, fieldsOf(call), call.version),
	}),
	listApps: (sb) => ({ body: destinations.listWabaSubscriptions(sb) }),
	subscribe: async (sb, call) => ({ body: await destinations.subscribeWaba(sb, call.params) }),
	unsubscribe: (sb) => ({ body: destinations.unsubscribeWaba(sb) }),
};

/** @satisfies {Record<string, Handler>} */
const phone = {
	get: (sb, call) => {
		const node = /** @type {import('../types').PhoneState} */ (lookups.phone(sb, call.parts[0]));
		return { body: account.phoneInfo(sb, node, fieldsOf(call)) };
	},
	setOverride: async (sb, call) => {
		if (call.params.webhook_configuration === undefined)
			throw waError(100, 'Nothing to update: send webhook_configuration');
		const config = call.params.webhook_configuration;
		return { body: await destinations.setPhoneOverride(sb, call.parts[0], config) };
	},
};

// ---------------------------------------------------------------- the route table

/**
 * Everything the sandbox answers under /<vN.N>/: node kind → edge ('' = the node) → method.
 * @type {Record<NodeKind, Record<string, Route>>}
 */
const GRAPH_ROUTES = {
	app: {
		'': { GET: app.get, other: unknownEdge },
		subscriptions: { token: 'app', GET: app.list, POST: app.subscribe, DELETE: app.unsubscribe },
	},
	waba: {
		'': { GET: waba.get },
		phone_numbers: { GET: waba.phoneNumbers },
		message_templates: { GET: waba.templates },
		subscribed_apps: { GET: waba.listApps, POST: waba.subscribe, DELETE: waba.unsubscribe },
		message_template_library: { GET: templates, other: unknownEdge },
	},
	templateLibrary: {
		'': { GET: templates },
	},
	phone: {
		'': { GET: phone.get, POST: phone.setOverride },
		groups: { GET: groups.list, POST: groups.create },
		messages: { POST: messages.send },
	},
	group: {
		'': { GET: groups.info, POST: groups.update, DELETE: groups.remove },
		invite_link: { GET: invites.get, POST: invites.reset },
		join_requests: {
			GET: joinRequests.list,
			POST: joinRequests.approve,
			DELETE: joinRequests.reject,
		},
		participants: { DELETE: participants.remove },
	},
};

/**
 * What kind of node the first path segment names. The Template Library is a root node for a plain
 * GET only; any other call naming it is taken for a group ID, like every unknown ID.
 * @param {Sandbox} sb
 * @param {GraphCall} call
 * @returns {NodeKind}
 */
function resolveNodeKind(sb, call) {
	const [id, edge] = call.parts;
	if (id === sb.appId) return 'app';
	if (id === sb.wabaId) return 'waba';
	if (id === 'message_template_library' && edge === undefined && call.method === 'GET')
		return 'templateLibrary';
	if (sb.phones.has(id)) return 'phone';
	return 'group';
}

/** @type {readonly string[]} */
const METHODS = ['GET', 'POST', 'DELETE'];

/**
 * Finds the handler for a call in GRAPH_ROUTES and runs it.
 * @param {Sandbox} sb
 * @param {GraphCall} call
 * @returns {Promise<RouteResult>}
 */
async function dispatchGraph(sb, call) {
	const [id, edge = '', ...rest] = call.parts;
	if (!id) unsupported(sb, call);
	if (rest.length > 0) unknownEdge(sb, call);
	const kind = resolveNodeKind(sb, call);
	// The app's own node takes either token; everything else needs the system user's.
	if (kind !== 'app') requireToken(call, 'user');
	const edges = GRAPH_ROUTES[kind];
	const route = Object.hasOwn(edges, edge) ? edges[edge] : undefined;
	if (!route) {
		// An unknown edge of an unknown group is an unknown group first.
		if (kind === 'group') lookups.group(sb, id);
		return unknownEdge(sb, call);
	}
	if (route.token) requireToken(call, route.token);
	const method = /** @type {Method} */ (call.method);
	const handler = (METHODS.includes(method) ? route[method] : undefined) ?? route.other;
	return (handler ?? unsupported)(sb, call);
}

/**
 * Bearer (or OAuth) header, or the access_token query parameter: the system-user token, or the
 * app token APP_ID|APP_SECRET.
 * @param {Sandbox} sb
 * @param {import('node:http').IncomingMessage} req
 * @param {URLSearchParams} query
 * @returns {GraphCall['tokenKind']}
 */
function authenticate(sb, req, query) {
	const header = String(req.headers.authorization ?? '');
	const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim());
	const token = match ? match[1].trim() : (query.get('access_token') ?? '');
	if (!token) {
		throw waError(190, undefined, {
			message: 'An active access token must be used to query information about the current user.',
		});
	}
	if (token === sb.token) return 'user';
	if (token === `${sb.appId}|${sb.appSecret}`) return 'app';
	throw waError(190, undefined, {
		message: 'Invalid OAuth access token - Cannot parse access token',
	});
}

/**
 * Meta's Graph API as a dialect of http/handler.js.
 * @type {import('./handler').Dialect}
 */
const GRAPH_DIALECT = {
	name: 'graph',
	match: (segments) =>
		segments.length > 0 && /^v\d+\.\d+$/.test(segments[0])
			? { version: segments[0], parts: segments.slice(1) }
			: undefined,
	authenticate: (sb, req, query) => ({ tokenKind: authenticate(sb, req, query) }),
	dispatch: dispatchGraph,
};

module.exports = { GRAPH_ROUTES, GRAPH_DIALECT, resolveNodeKind, dispatchGraph, authenticate };
