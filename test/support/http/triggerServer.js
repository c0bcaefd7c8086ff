// @ts-check
'use strict';

/**
 * A tiny HTTP front for the trigger in the in-process jest tests (the sandbox integration test,
 * the signature matrix): every request (Meta's GET challenge or a POSTed delivery) is read whole,
 * raw body kept, and handed to `handle`, whose answer is sent back.
 */
const http = require('node:http');

/**
 * @typedef {object} IncomingCall
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string>} query
 * @property {Record<string, string>} headers  lower-case names
 * @property {Buffer} rawBody
 */

/**
 * @typedef {object} Answer
 * @property {number} status
 * @property {Record<string, string>} [headers]
 * @property {string} [body]
 */

/**
 * @param {(call: IncomingCall) => Promise<Answer>} handle
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
async function startTriggerServer(handle) {
	const server = http.createServer((req, res) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (/** @type {Buffer} */ chunk) => chunks.push(chunk));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://trigger.local');
			/** @type {Record<string, string>} */
			const headers = {};
			for (const [key, value] of Object.entries(req.headers)) {
				if (typeof value === 'string') headers[key.toLowerCase()] = value;
			}
			handle({
				method: req.method ?? 'GET',
				path: url.pathname,
				query: Object.fromEntries(url.searchParams.entries()),
				headers,
				rawBody: Buffer.concat(chunks),
			}).then(
				(answer) => {
					res.writeHead(answer.status, answer.headers ?? {});
					res.end(answer.body ?? '');
				},
				(error) => {
					res.writeHead(500, { 'content-type': 'text/plain' });
					res.end(String(error));
				},
			);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${address.port}`,
		stop: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

module.exports = { startTriggerServer };
