// @ts-check
'use strict';

/**
 * The sandbox's HTTP handler. /_sandbox/… goes to the control table (http/control.js); every
 * other path must belong to an API dialect: Meta's Graph API (http/graph.js) or 360dialog's
 * hosted Cloud API (http/d360.js). A dialect's request is authenticated, its parameters parsed
 * (query overlaid by the body), the fault injector applied, and the dialect's route table answers;
 * errors get Meta's shapes, or 360dialog's own for its own layer.
 */
const { parseBody } = require('../body');
const { parseMaybeJson } = require('../util');
const { GraphError, ControlError, D360Error, waError } = require('./errors');
const { GRAPH_DIALECT } = require('./graph');
const { D360_DIALECT } = require('./d360');
const { dispatchControl } = require('./control');
const { applyFaults, serverError } = require('../sim/faults');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('../types').GraphCall} GraphCall */
/** @typedef {import('../types').RouteResult} RouteResult */

/**
 * One API the sandbox speaks: which paths are its, how a caller authenticates, and the route
 * table that answers.
 * @typedef {object} Dialect
 * @property {string} name
 * @property {(segments: string[]) => { version: string, parts: string[] } | undefined} match  the path's segments → the version and the segments below it, or undefined when the path is not this dialect's
 * @property {(sb: Sandbox, req: IncomingMessage, query: URLSearchParams) => { tokenKind: GraphCall['tokenKind'], phoneId?: string }} authenticate  who calls (and, for a per-number key, its number); throws when the caller is not allowed in
 * @property {(sb: Sandbox, call: GraphCall) => Promise<RouteResult>} dispatch
 */

/** @type {Dialect[]} */
const DIALECTS = [GRAPH_DIALECT, D360_DIALECT];

/**
 * @param {ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function sendJson(res, status, body, headers = {}) {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=UTF-8',
		'content-length': String(Buffer.byteLength(text)),
		...headers,
	});
	res.end(text);
}

/**
 * @param {Sandbox} sb
 * @param {ServerResponse} res
 * @param {GraphError} error
 */
function sendGraphError(sb, res, error) {
	sendJson(
		res,
		error.status,
		{ error: { ...error.error, fbtrace_id: sb.newFbtraceId() } },
		error.headers,
	);
}

/**
 * @param {Sandbox} sb
 * @returns {(req: IncomingMessage, res: ServerResponse) => void}
 */
function createHandler(sb) {
	return (req, res) => {
		handle(sb, req, res).catch((error) => {
			if (res.headersSent) {
				res.destroy();
				return;
			}
			if (error instanceof GraphError) {
				sendGraphError(sb, res, error);
				return;
			}
			if (error instanceof D360Error) {
				sendJson(res, error.status, error.body);
				return;
			}
			if (error instanceof ControlError) {
				sendJson(res, error.status, { error: { message: error.message } });
				return;
			}
			const status = typeof error?.statusCode === 'number' ? error.statusCode : 500;
			sb.log(
				`sandbox: ${req.method} ${req.url} failed: ${error instanceof Error ? error.stack : String(error)}`,
			);
			sendJson(res, status, {
				error: {
					message: error instanceof Error ? error.message : String(error),
					type: 'SandboxError',
					code: 1,
				},
			});
		});
	};
}

/**
 * @param {Sandbox} sb
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 */
async function handle(sb, req, res) {
	const url = new URL(req.url ?? '/', 'http://sandbox.local');
	const method = (req.method ?? 'GET').toUpperCase();
	const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
	if (segments[0] === '_sandbox') {
		const body = await parseBody(req);
		const result = await dispatchControl(sb, method, segments.slice(1), url.searchParams, body);
		sendJson(res, result.status ?? 200, result.body);
		return;
	}
	/** @type {{ dialect: Dialect, version: string, parts: string[] } | undefined} */
	let matched;
	for (const dialect of DIALECTS) {
		const match = dialect.match(segments);
		if (match) {
			matched = { dialect, ...match };
			break;
		}
	}
	if (!matched) {
		throw new GraphError(404, {
			message: `Unknown path ${url.pathname}: Graph API paths start with a version, for example /v27.0/<id>`,
			type: 'GraphMethodException',
			code: 2500,
		});
	}
	const { dialect, version, parts } = matched;

	const { tokenKind, phoneId } = dialect.authenticate(sb, req, url.searchParams);
	const body = await parseBody(req);
	if (body.error) throw waError(100, `Invalid request body: ${body.error}`);
	/** @type {Record<string, unknown>} */
	const params = {};
	for (const [key, value] of url.searchParams)
		if (key !== 'access_token') params[key] = parseMaybeJson(value);
	for (const [key, value] of Object.entries(body.fields)) params[key] = parseMaybeJson(value);

	const { partial, errorAfter } = await applyFaults(sb, method, `/${parts.join('/')}`);
	/** @type {GraphCall} */
	const call = {
		method,
		version,
		parts,
		query: url.searchParams,
		params,
		body,
		tokenKind,
		partial,
	};
	if (phoneId !== undefined) call.phoneId = phoneId;
	const result = await dialect.dispatch(sb, call);
	sb.log(`${method} ${url.pathname} → ${result.status ?? 200}`);
	if (errorAfter) throw serverError(errorAfter);
	sendJson(res, result.status ?? 200, result.body);
}

module.exports = { createHandler, sendJson, DIALECTS };
