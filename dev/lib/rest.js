// @ts-check
'use strict';

/**
 * A small client for the REST API of n8n's editor (log in, workflows, publish / unpublish, read
 * executions), and the decoder of the execution data n8n stores.
 */

class RestClient {
	/** @param {string} baseUrl */
	constructor(baseUrl) {
		this.baseUrl = baseUrl;
		this.cookie = '';
		this.browserId = `n8n-dev-${process.pid}`;
	}

	/**
	 * @param {string} method
	 * @param {string} p path under /rest
	 * @param {unknown} [body]
	 */
	async request(method, p, body) {
		const res = await fetch(`${this.baseUrl}/rest${p}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		/** @type {any} */
		let json;
		try {
			json = JSON.parse(text);
		} catch {
			json = text;
		}
		if (!res.ok) {
			const err = new Error(`${method} /rest${p} → ${res.status}: ${text.slice(0, 1000)}`);
			Object.assign(err, { status: res.status, body: json });
			throw err;
		}
		const setCookie = res.headers.getSetCookie?.() ?? [];
		for (const c of setCookie) if (c.startsWith('n8n-auth=')) this.cookie = c.split(';')[0];
		return json && typeof json === 'object' && 'data' in json ? json.data : json;
	}

	/** @param {string} email @param {string} password */
	login(email, password) {
		return this.request('POST', '/login', { emailOrLdapLoginId: email, password });
	}

	/** @param {string} id */
	getWorkflow(id) {
		return this.request('GET', `/workflows/${id}`);
	}

	/** Publishes (activates) a workflow while n8n runs: its triggers register at once. @param {string} id */
	async activate(id) {
		const wf = await this.getWorkflow(id);
		return this.request('POST', `/workflows/${id}/activate`, { versionId: wf.versionId });
	}

	/** @param {string} id */
	deactivate(id) {
		return this.request('POST', `/workflows/${id}/deactivate`, {});
	}

	/**
	 * Executions of a workflow, newest first.
	 * @param {string} workflowId
	 */
	async executions(workflowId) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const r = await this.request('GET', `/executions?filter=${filter}&limit=100`);
		return /** @type {any[]} */ (r.results ?? r);
	}

	/**
	 * One execution with its run data parsed (n8n stores it "flatted").
	 * @param {string} id
	 */
	async execution(id) {
		const e = await this.request('GET', `/executions/${id}`);
		if (typeof e.data === 'string') e.data = unflatten(e.data);
		return e;
	}
}

/**
 * Decodes n8n's stored execution data (the `flatted` format: an array whose first element is the
 * root, string values that are numeric indexes point to other elements).
 * @param {string} text
 */
function unflatten(text) {
	const input = JSON.parse(text);
	if (!Array.isArray(input)) return input;
	const seen = new Map();
	/** @param {unknown} ref */
	const revive = (ref) => {
		if (typeof ref !== 'string' || !/^\d+$/.test(ref)) return ref;
		const idx = Number(ref);
		if (seen.has(idx)) return seen.get(idx);
		const value = input[idx];
		if (value === null || typeof value !== 'object') {
			seen.set(idx, value);
			return value;
		}
		const out = Array.isArray(value) ? [] : {};
		seen.set(idx, out);
		for (const [k, v] of Object.entries(value)) /** @type {any} */ (out)[k] = revive(v);
		return out;
	};
	return revive('0');
}

module.exports = { RestClient, unflatten };
