// @ts-check
'use strict';

/**
 * The fault injector: rules added from options, the CLI or /_sandbox/faults, matched against each
 * Graph request (method, path, ratio, count), and applied before the route runs: latency, rate
 * limits with Retry-After, server errors (before or after doing the work), and partial failures
 * the model carries out for the request.
 */
const { randomString, delay } = require('../util');
const { waError, ControlError } = require('../http/errors');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').FaultRule} FaultRule */

/**
 * Fault rules from JSON or query strings (numbers as text).
 * @param {unknown} rule
 */
function normalizeFault(rule) {
	const r =
		rule && typeof rule === 'object' ? /** @type {Record<string, unknown>} */ ({ ...rule }) : {};
	for (const key of ['ms', 'status', 'code', 'retryAfter', 'ratio', 'count']) {
		if (typeof r[key] === 'string' && r[key] !== '') r[key] = Number(r[key]);
	}
	if (typeof r.after === 'string') r.after = r.after === 'true';
	return r;
}

/**
 * @param {Sandbox} sb
 * @param {FaultRule} rule
 */
function addFault(sb, rule) {
	const kinds = ['latency', 'rate_limit', 'server_error', 'partial'];
	if (!rule || !kinds.includes(rule.kind))
		throw new ControlError(400, `kind must be one of ${kinds.join(', ')}`);
	if (rule.ratio !== undefined && !(rule.ratio >= 0 && rule.ratio <= 1))
		throw new ControlError(400, 'ratio must be between 0 and 1');
	if (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count > 0))
		throw new ControlError(400, 'count must be a positive integer');
	if (rule.path !== undefined) {
		try {
			new RegExp(rule.path);
		} catch {
			throw new ControlError(400, 'path must be a valid regular expression');
		}
	}
	/** @type {FaultRule} */
	const stored = {
		...rule,
		id: rule.id ?? `fault-${sb.faults.length + 1}-${randomString(sb.faultRng, 6)}`,
	};
	sb.faults.push(stored);
	return stored;
}

/**
 * The faults that fire for this request (consuming counts).
 * @param {Sandbox} sb
 * @param {string} method
 * @param {string} path  below the version, e.g. /123/groups
 */
function firingFaults(sb, method, path) {
	/** @type {FaultRule[]} */
	const firing = [];
	for (const rule of sb.faults) {
		if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
		if (rule.path && !new RegExp(rule.path).test(path)) continue;
		if (rule.count !== undefined && rule.count <= 0) continue;
		if (rule.ratio !== undefined && !(sb.faultRng() < rule.ratio)) continue;
		if (rule.count !== undefined) rule.count -= 1;
		firing.push({ ...rule });
	}
	sb.faults = sb.faults.filter((rule) => rule.count === undefined || rule.count > 0);
	return firing;
}

/**
 * Applies the faults that fire for this request, before its route runs: waits out latency, throws
 * a rate limit or a server error. What is left for later: whether the request fails partly, and
 * a server error to answer once the route has done its work.
 * @param {Sandbox} sb
 * @param {string} method
 * @param {string} path  below the version, e.g. /123/groups
 * @returns {Promise<{ partial: boolean, errorAfter: FaultRule | undefined }>}
 */
async function applyFaults(sb, method, path) {
	const faults = firingFaults(sb, method, path);
	let partial = false;
	/** @type {FaultRule | undefined} */
	let errorAfter;
	for (const fault of faults) {
		if (fault.kind === 'latency') await delay(fault.ms ?? 1000);
	}
	for (const fault of faults) {
		if (fault.kind === 'rate_limit') {
			const code = fault.code ?? 131208;
			const retryAfter = String(fault.retryAfter ?? 1);
			throw waError(
				code,
				`Rate limited by the sandbox (fault ${fault.id}). Retry after ${retryAfter} s.`,
				{
					status: fault.status ?? 429,
					headers: { 'retry-after': retryAfter },
				},
			);
		}
		if (fault.kind === 'server_error') {
			if (fault.after) {
				errorAfter = fault;
				continue;
			}
			throw serverError(fault);
		}
		if (fault.kind === 'partial') partial = true;
	}
	return { partial, errorAfter };
}

/**
 * The transient 5xx a server_error fault answers.
 * @param {FaultRule} fault
 */
function serverError(fault) {
	const status = fault.status ?? 500;
	const code = fault.code ?? (status === 503 ? 2 : 1);
	const error = waError(code, `Server error injected by the sandbox (fault ${fault.id})`, {
		status,
		transient: true,
	});
	delete error.error.error_data;
	error.error.message =
		code === 2 ? 'Service temporarily unavailable' : 'An unknown error has occurred.';
	return error;
}

module.exports = { normalizeFault, addFault, firingFaults, applyFaults, serverError };
