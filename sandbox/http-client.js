// @ts-check
'use strict';

/**
 * A minimal HTTP client on node:http, used by the CLI, the capture receiver and the tests
 * (the test files cannot import node built-ins, and @types/node here has no fetch types).
 */
const http = require('node:http');
const https = require('node:https');

/**
 * @typedef {object} ClientResponse
 * @property {number} status
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {string} text
 * @property {any} body  JSON-parsed text, or undefined when the text is not JSON
 */

/**
 * @typedef {object} ClientRequest
 * @property {string} [method]
 * @property {Record<string, string>} [headers]
 * @property {unknown} [json]  sent as application/json
 * @property {Buffer | string} [body]  sent as is
 * @property {number} [timeoutMs]
 */

/**
 * @param {string} url
 * @param {ClientRequest} [options]
 * @returns {Promise<ClientResponse>}
 */
function request(url, options = {}) {
	const target = new URL(url);
	const lib = target.protocol === 'https:' ? https : http;
	/** @type {Record<string, string>} */
	const headers = { ...(options.headers ?? {}) };
	/** @type {Buffer | undefined} */
	let payload;
	if (options.json !== undefined) {
		payload = Buffer.from(JSON.stringify(options.json));
		if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
			headers['content-type'] = 'application/json';
	} else if (options.body !== undefined) {
		payload = Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
	}
	if (payload) headers['content-length'] = String(payload.length);
	return new Promise((resolve, reject) => {
		const req = lib.request(
			target,
			{ method: options.method ?? 'GET', headers, timeout: options.timeoutMs ?? 30000 },
			(res) => {
				/** @type {Buffer[]} */
				const chunks = [];
				res.on('data', (/** @type {Buffer} */ chunk) => chunks.push(chunk));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let body;
					try {
						body = text ? JSON.parse(text) : undefined;
					} catch {
						body = undefined;
					}
					resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
				});
				res.on('error', reject);
			},
		);
		req.on('timeout', () =>
			req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })),
		);
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

/**
 * A multipart/form-data body with text fields and one file.
 * @param {Record<string, string>} fields
 * @param {{ field: string, filename: string, contentType: string, data: Buffer } | undefined} file
 * @param {string} [boundary]
 * @returns {{ body: Buffer, contentType: string }}
 */
function multipart(fields, file, boundary = 'sandbox-boundary-7MA4YWxkTrZu0gW') {
	/** @type {Buffer[]} */
	const parts = [];
	for (const [name, value] of Object.entries(fields)) {
		parts.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
			),
		);
	}
	if (file) {
		parts.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
			),
			file.data,
			Buffer.from('\r\n'),
		);
	}
	parts.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

module.exports = { request, multipart };
