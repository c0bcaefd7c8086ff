// @ts-check
'use strict';

/**
 * A proxy in front of the sandbox that drops connections, the one fault the sandbox cannot
 * inject (it always answers). Rules match by method and path (regular expression):
 *   - "before": the socket is destroyed without forwarding; the request never reaches the API.
 *   - "after": the request is forwarded and carried out, then the socket is destroyed instead of
 *     answering, so the client cannot know whether it worked (the dangerous case for creates and
 *     sends).
 */
const http = require('node:http');

/**
 * @typedef {object} DropRule
 * @property {'before' | 'after'} when
 * @property {string} [method]
 * @property {string} [path]  regular expression on the URL path
 * @property {number} [count]  only the next N matching requests (default: all)
 */

/**
 * @param {string} target  e.g. http://127.0.0.1:8787
 */
async function startFaultProxy(target) {
	/** @type {DropRule[]} */
	let rules = [];
	const stats = { forwarded: 0, droppedBefore: 0, droppedAfter: 0 };
	const upstream = new URL(target);

	/** @param {string} method @param {string} path */
	function firing(method, path) {
		for (const rule of rules) {
			if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
			if (rule.path && !new RegExp(rule.path).test(path)) continue;
			if (rule.count !== undefined) {
				if (rule.count <= 0) continue;
				rule.count -= 1;
			}
			return rule;
		}
		return undefined;
	}

	const server = http.createServer((req, res) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (/** @type {Buffer} */ chunk) => chunks.push(chunk));
		req.on('end', () => {
			const path = new URL(req.url ?? '/', 'http://proxy.local').pathname;
			const rule = firing(req.method ?? 'GET', path);
			if (rule?.when === 'before') {
				stats.droppedBefore += 1;
				req.socket.destroy();
				return;
			}
			const body = Buffer.concat(chunks);
			const headers = { ...req.headers, host: upstream.host };
			const forward = http.request(
				{
					host: upstream.hostname,
					port: upstream.port,
					method: req.method,
					path: req.url,
					headers,
				},
				(answer) => {
					/** @type {Buffer[]} */
					const parts = [];
					answer.on('data', (/** @type {Buffer} */ part) => parts.push(part));
					answer.on('end', () => {
						stats.forwarded += 1;
						if (rule?.when === 'after') {
							stats.droppedAfter += 1;
							req.socket.destroy();
							return;
						}
						const payload = Buffer.concat(parts);
						const out = { ...answer.headers };
						delete out['transfer-encoding'];
						out['content-length'] = String(payload.length);
						res.writeHead(answer.statusCode ?? 502, out);
						res.end(payload);
					});
				},
			);
			forward.on('error', () => req.socket.destroy());
			forward.end(body);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${address.port}`,
		stats,
		/** @param {DropRule[]} next */
		setRules: (next) => {
			rules = next.map((rule) => ({ ...rule }));
		},
		stop: () =>
			/** @type {Promise<void>} */ (
				new Promise((resolve) => {
					server.close(() => resolve());
					server.closeAllConnections();
				})
			),
	};
}

module.exports = { startFaultProxy };
