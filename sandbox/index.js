// @ts-check
'use strict';

/**
 * The WhatsApp Groups API sandbox: a stateful local emulator of Meta's Graph API for groups,
 * with signed webhooks, simulated WhatsApp users, fault injection and seeding.
 *
 *   const { startSandbox } = require('./sandbox');
 *   const sandbox = await startSandbox({ port: 0 });
 *   // sandbox.url, sandbox.graphUrl ("<url>/v27.0"), sandbox.state (live), await sandbox.stop()
 */
const http = require('node:http');

const { Sandbox } = require('./state');
const { createHandler } = require('./http/handler');
const { config } = require('./http/control');
const { startReceiver } = require('./testing');

/** @typedef {import('./types').SandboxOptions} SandboxOptions */

/**
 * @typedef {object} RunningSandbox
 * @property {string} url  e.g. http://127.0.0.1:8787 (use it as the credential's Base URL)
 * @property {string} graphUrl  url + "/v27.0"
 * @property {number} port
 * @property {Sandbox} state  the live state and operations
 * @property {ReturnType<typeof config>} config  token, WABA ID, phone number IDs, app ID and secret
 * @property {() => Promise<void>} idle  resolves when no asynchronous outcome or delivery is pending
 * @property {() => Promise<void>} stop
 */

/**
 * @param {SandboxOptions} [options]
 * @returns {Promise<RunningSandbox>}
 */
async function startSandbox(options = {}) {
	const sandbox = new Sandbox(options);
	const server = http.createServer(createHandler(sandbox));
	server.keepAliveTimeout = 1000;
	const host = options.host ?? '127.0.0.1';
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => resolve(undefined));
	});
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	const url = `http://${host}:${address.port}`;
	sandbox.baseUrl = url;
	return {
		url,
		graphUrl: `${url}/v27.0`,
		port: address.port,
		state: sandbox,
		config: config(sandbox),
		idle: () => sandbox.whenIdle(),
		stop: () =>
			new Promise((resolve) => {
				// Timers of this sandbox must not fire into a stopped server's state.
				sandbox.generation += 1;
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

module.exports = { startSandbox, startReceiver, Sandbox };
