// @ts-check
'use strict';

/**
 * Test helpers: a webhook receiver that answers Meta's GET challenge and records signed
 * deliveries, a small HTTP client, a JPEG maker, the signature of a body, and runners for the
 * two CLIs (sandbox/cli.js, sandbox/server.js). Used by test/sandbox and usable by e2e tests.
 * The signer and the JPEG maker are the tests' own (test/support), independent of the sandbox's
 * signing and JPEG reading, so the sandbox's tests check the sandbox against them.
 */
const { execFile, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const http = require('node:http');
const path = require('node:path');

const { request, multipart } = require('./http-client');
const { readJpegSize } = require('./jpeg');
const { makeJpeg } = require('../test/support/jpeg');
const { metaSignature } = require('../test/support/meta');

/** @typedef {import('../nodes/shared/types').WebhookDelivery} WebhookDelivery */

/**
 * @typedef {object} ReceivedDelivery
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {string} raw
 * @property {WebhookDelivery} body
 * @property {string | undefined} signature  X-Hub-Signature-256
 * @property {boolean | undefined} signatureValid  undefined when the receiver has no app secret
 * @property {string} path
 */

/**
 * @typedef {object} Receiver
 * @property {string} url
 * @property {ReceivedDelivery[]} deliveries
 * @property {{ mode: string | null, token: string | null, challenge: string | null, answered: number }[]} challenges
 * @property {(status: number) => void} setStatus  what deliveries get answered with (default 200)
 * @property {(predicate: (d: ReceivedDelivery) => boolean, timeoutMs?: number) => Promise<ReceivedDelivery>} waitFor
 * @property {(field?: string) => ReceivedDelivery[]} byField
 * @property {() => void} clear
 * @property {() => Promise<void>} stop
 */

/**
 * A webhook endpoint: answers GET challenges whose verify token matches (403 otherwise), records
 * POSTed deliveries and checks their signature with the app secret.
 * @param {{ verifyToken?: string, appSecret?: string, port?: number, status?: number, challengeStatus?: number }} [options]
 * @returns {Promise<Receiver>}
 */
async function startReceiver(options = {}) {
	const verifyToken = options.verifyToken ?? 'verify-me';
	let status = options.status ?? 200;
	/** @type {ReceivedDelivery[]} */
	const deliveries = [];
	/** @type {Receiver['challenges']} */
	const challenges = [];
	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://receiver.local');
		if (req.method === 'GET') {
			const mode = url.searchParams.get('hub.mode');
			const token = url.searchParams.get('hub.verify_token');
			const challenge = url.searchParams.get('hub.challenge');
			const ok = mode === 'subscribe' && token === verifyToken && challenge !== null;
			const answered = ok ? (options.challengeStatus ?? 200) : 403;
			challenges.push({ mode, token, challenge, answered });
			res.writeHead(answered, { 'content-type': 'text/plain' });
			res.end(ok ? challenge : 'verification failed');
			return;
		}
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (/** @type {Buffer} */ c) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			const signature = /** @type {string | undefined} */ (req.headers['x-hub-signature-256']);
			let signatureValid;
			if (options.appSecret) {
				const expected = metaSignature(raw, options.appSecret);
				signatureValid =
					typeof signature === 'string' &&
					signature.length === expected.length &&
					crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
			}
			let body;
			try {
				body = JSON.parse(raw);
			} catch {
				body = {};
			}
			if (status === 200)
				deliveries.push({
					headers: req.headers,
					raw,
					body,
					signature,
					signatureValid,
					path: url.pathname,
				});
			res.writeHead(status, { 'content-type': 'text/plain' });
			res.end(status === 200 ? 'EVENT_RECEIVED' : 'refused');
		});
	});
	await new Promise((resolve) =>
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined)),
	);
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${address.port}/webhook`,
		deliveries,
		challenges,
		setStatus: (next) => {
			status = next;
		},
		byField: (field) =>
			deliveries.filter((d) => !field || d.body.entry?.[0]?.changes?.[0]?.field === field),
		waitFor: (predicate, timeoutMs = 5000) =>
			new Promise((resolve, reject) => {
				const deadline = Date.now() + timeoutMs;
				const check = () => {
					const found = deliveries.find(predicate);
					if (found) {
						resolve(found);
						return;
					}
					if (Date.now() > deadline) {
						reject(
							new Error(
								`no matching delivery within ${timeoutMs} ms (${deliveries.length} received)`,
							),
						);
						return;
					}
					setTimeout(check, 10);
				};
				check();
			}),
		clear: () => {
			deliveries.length = 0;
			challenges.length = 0;
		},
		stop: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/** X-Hub-Signature-256 value of a raw body: `sign(raw, appSecret)`. */
const sign = metaSignature;

/**
 * Runs the simulation CLI (sandbox/cli.js) against a sandbox and returns its output.
 * @param {string[]} args
 * @param {string} url
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
function runCli(args, url) {
	return new Promise((resolve) => {
		execFile(
			process.execPath,
			[path.join(__dirname, 'cli.js'), ...args, '--url', url],
			(error, stdout, stderr) => {
				resolve({
					code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
					stdout,
					stderr,
				});
			},
		);
	});
}

/**
 * The first change ({field, value}) of a recorded delivery, loosely typed for assertions.
 * @param {{ body: unknown }} delivery
 * @returns {{ field: string, value: any }}
 */
function firstChange(delivery) {
	return /** @type {any} */ (delivery.body).entry[0].changes[0];
}

/**
 * Starts `node sandbox/server.js <args>` as a child process and resolves once it prints its
 * banner. stop() ends that child (by its own pid).
 * @param {string[]} args
 * @returns {Promise<{ url: string, banner: string, stop: () => Promise<void> }>}
 */
function spawnServer(args) {
	const child = spawn(process.execPath, [path.join(__dirname, 'server.js'), ...args], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	return new Promise((resolve, reject) => {
		let out = '';
		let err = '';
		const timer = setTimeout(() => {
			child.kill();
			reject(new Error(`server did not start: ${out}${err}`));
		}, 15000);
		child.stderr.on('data', (chunk) => {
			err += chunk;
		});
		child.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`server exited with ${code}: ${err}`));
		});
		child.stdout.on('data', (chunk) => {
			out += chunk;
			const match = /Base URL \(credential\)\s+(\S+)/.exec(out);
			if (match && out.includes('Control:')) {
				clearTimeout(timer);
				child.removeAllListeners('exit');
				resolve({
					url: match[1],
					banner: out,
					stop: () =>
						new Promise((done) => {
							child.once('exit', () => done());
							child.kill('SIGTERM');
						}),
				});
			}
		});
	});
}

module.exports = {
	startReceiver,
	request,
	multipart,
	makeJpeg,
	readJpegSize,
	sign,
	runCli,
	firstChange,
	spawnServer,
};
