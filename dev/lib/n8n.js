// @ts-check
'use strict';

/**
 * Runs the real n8n installed by ./install.js: its CLI (import, publish, execute) and its server;
 * `rest()` gives a client of its editor's REST API (./rest.js).
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const {
	EXIT_WITH_PARENT,
	lineSplitter,
	PARENT_PID_ENV,
	signalGroup,
	spawnOptions,
	stopChild,
	track,
} = require('./processes');
const { RestClient } = require('./rest');

/** Login of the local owner account created from environment variables at every start. */
const OWNER = {
	email: 'dev@sandbox.local',
	password: 'Sandbox-dev-2026',
	firstName: 'Sandbox',
	lastName: 'Developer',
	// bcrypt hash of the password above (n8n takes the owner password pre-hashed).
	passwordHash: '$2a$10$wugqAI3fjvwPRbzqZg.cRuv7fF9HX7YpunE59sNZhppy3Js4q3ld6',
};

/**
 * Environment for every n8n process of one instance.
 * @param {{userFolder: string, port: number, extensions: string, logLevel?: string}} o
 * @returns {NodeJS.ProcessEnv}
 */
function n8nEnv(o) {
	/** @type {NodeJS.ProcessEnv} */
	const env = {};
	// Keep the caller's environment minus npm's and any N8N_/DB_ settings that could point
	// this instance at another database or folder (WEBHOOK_URL: n8n 2.40 still reads the old name
	// when N8N_WEBHOOK_URL is empty).
	for (const [k, v] of Object.entries(process.env)) {
		if (/^(npm_|N8N_|DB_|WEBHOOK_URL$)/i.test(k)) continue;
		env[k] = v;
	}
	return {
		...env,
		N8N_USER_FOLDER: o.userFolder,
		DB_TYPE: 'sqlite',
		N8N_PORT: String(o.port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${o.port}/`,
		N8N_WEBHOOK_URL: `http://127.0.0.1:${o.port}/`,
		N8N_CUSTOM_EXTENSIONS: o.extensions,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_LEVEL: o.logLevel ?? 'info',
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: OWNER.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: OWNER.lastName,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: OWNER.passwordHash,
	};
}

class N8n {
	/**
	 * @param {{nodeBin: string, n8nBin: string}} install from ensureN8n()
	 * @param {{userFolder: string, port: number, extensions: string, logLevel?: string, log?: (s: string) => void}} options
	 */
	constructor(install, options) {
		this.install = install;
		this.options = options;
		this.port = options.port;
		this.url = `http://127.0.0.1:${options.port}`;
		this.baseUrl = `http://127.0.0.1:${options.port}`;
		this.env = n8nEnv(options);
		// n8n 2.40 always runs Code nodes in a task runner (N8N_RUNNERS_ENABLED is gone), which it
		// starts as `node` from PATH: put the cached Node 24 first, so that the runner does not start
		// on the Node that runs this script.
		this.env.PATH = [path.dirname(install.nodeBin), process.env.PATH]
			.filter(Boolean)
			.join(path.delimiter);
		this.log = options.log ?? (() => {});
		/** @type {import('node:child_process').ChildProcess | undefined} */
		this.server = undefined;
		this.serverLog = '';
		fs.mkdirSync(options.userFolder, { recursive: true });
	}

	/**
	 * Runs one n8n CLI command to its end.
	 * @param {string[]} args
	 * @param {{timeoutMs?: number}} [o]
	 * @returns {Promise<{code: number | null, stdout: string, stderr: string, ms: number}>}
	 */
	cli(args, o = {}) {
		const started = Date.now();
		return new Promise((resolve, reject) => {
			const child = this.spawn(args);
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (d) => (stdout += d));
			child.stderr.on('data', (d) => (stderr += d));
			const timer = setTimeout(() => {
				child.kill('SIGKILL');
				reject(
					new Error(
						`n8n ${args.join(' ')} timed out\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`,
					),
				);
			}, o.timeoutMs ?? 180_000);
			child.on('error', reject);
			child.on('close', (code) => {
				clearTimeout(timer);
				resolve({ code, stdout, stderr, ms: Date.now() - started });
			});
		});
	}

	/** @param {string[]} args */
	async cliOk(args) {
		const r = await this.cli(args);
		if (r.code !== 0)
			throw new Error(
				`n8n ${args.join(' ')} exited with ${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`,
			);
		return r;
	}

	/** @param {object[]} credentials n8n credential exports ({id, name, type, data}) with plain data */
	async importCredentials(credentials) {
		const file = path.join(
			fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-dev-cred-')),
			'credentials.json',
		);
		fs.writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
		try {
			return await this.cliOk(['import:credentials', `--input=${file}`]);
		} finally {
			fs.rmSync(path.dirname(file), { recursive: true, force: true });
		}
	}

	/** @param {object[]} workflows n8n workflow exports, each with an id */
	async importWorkflows(workflows) {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-dev-wf-'));
		workflows.forEach((wf, i) => fs.writeFileSync(path.join(dir, `${i}.json`), JSON.stringify(wf)));
		try {
			return await this.cliOk(['import:workflow', '--separate', `--input=${dir}`]);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}

	/** Publishes a workflow while the server is stopped (it listens from the next start). @param {string} id */
	publishOffline(id) {
		return this.cliOk(['publish:workflow', `--id=${id}`]);
	}

	/**
	 * Runs a workflow from its Manual Trigger with `n8n execute` (server stopped) and returns the
	 * run data. Throws with n8n's output when the execution failed.
	 * @param {string} id
	 */
	async execute(id) {
		const r = await this.cli(['execute', `--id=${id}`, '--rawOutput']);
		const start = r.stdout.indexOf('{');
		if (r.code !== 0 || start < 0) {
			const err = new Error(
				`n8n execute --id=${id} failed (exit ${r.code})\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`,
			);
			throw err;
		}
		const data = JSON.parse(r.stdout.slice(start));
		return { data, ms: r.ms };
	}

	/**
	 * Starts `n8n start` and resolves once the editor and the published workflows are up.
	 * @param {{onLine?: (line: string) => void, timeoutMs?: number}} [o]
	 */
	async start(o = {}) {
		if (this.server) throw new Error('n8n is already running');
		const started = Date.now();
		// n8n opens its task broker even with runners off; keep it off the default port 5679 so
		// that several instances (npm run dev and the e2e suite) can run side by side.
		this.env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
		this.env.N8N_RUNNERS_BROKER_LISTEN_ADDRESS = '127.0.0.1';
		const child = this.spawn(['start']);
		this.server = child;
		this.serverLog = '';
		let ready = false;
		/** @type {(v?: unknown) => void} */
		let onReady = () => {};
		/** @type {(e: Error) => void} */
		let onFail = () => {};
		const readyPromise = new Promise((resolve, reject) => {
			onReady = resolve;
			onFail = reject;
		});
		const splitLines = lineSplitter((line) => {
			o.onLine?.(line);
			if (!ready && line.includes('Editor is now accessible via')) {
				ready = true;
				onReady();
			}
		});
		/** @param {Buffer} d */
		const onData = (d) => {
			const text = d.toString();
			this.serverLog += text;
			if (this.serverLog.length > 2_000_000) this.serverLog = this.serverLog.slice(-1_000_000);
			splitLines(text);
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
		child.on('exit', (code, signal) => {
			this.server = undefined;
			// Whatever n8n left in its process group (its task runner) goes with it.
			signalGroup(child, 'SIGKILL');
			if (!ready)
				onFail(
					new Error(
						`n8n exited before it was ready (code ${code}, signal ${signal})\n${this.serverLog.slice(-4000)}`,
					),
				);
		});
		const timer = setTimeout(
			() =>
				onFail(
					new Error(
						`n8n did not start within ${(o.timeoutMs ?? 240_000) / 1000} s\n${this.serverLog.slice(-4000)}`,
					),
				),
			o.timeoutMs ?? 240_000,
		);
		try {
			await readyPromise;
		} catch (err) {
			await this.stop();
			throw err;
		} finally {
			clearTimeout(timer);
		}
		// The editor line comes after the published workflows are activated; check health too.
		await waitFor(async () => (await fetch(`${this.baseUrl}/healthz`)).ok, 60_000, 'n8n /healthz');
		return { ms: Date.now() - started };
	}

	/**
	 * Starts an n8n process: in its own process group (stopping n8n also stops its task runner),
	 * tracked for processes.stopAll(), and with EXIT_WITH_PARENT preloaded (n8n shuts down when this
	 * process is gone).
	 * @param {string[]} args
	 */
	spawn(args) {
		return track(
			spawn(this.install.nodeBin, ['--require', EXIT_WITH_PARENT, this.install.n8nBin, ...args], {
				env: { ...this.env, [PARENT_PID_ENV]: String(process.pid) },
				stdio: ['ignore', 'pipe', 'pipe'],
				...spawnOptions(),
			}),
		);
	}

	/** The PID of `n8n start` while it runs. */
	get pid() {
		return this.server?.pid;
	}

	/** Stops the server (SIGTERM, then SIGKILL to its process group after a grace period). */
	async stop(graceMs = 20_000) {
		const child = this.server;
		if (!child) return;
		await stopChild(child, graceMs);
		this.server = undefined;
	}

	/** A REST client logged in as the owner. */
	async rest() {
		const client = new RestClient(this.baseUrl);
		await client.login(OWNER.email, OWNER.password);
		return client;
	}
}

/**
 * Polls until check() returns a truthy value.
 * @template T
 * @param {() => Promise<T> | T} check
 * @param {number} timeoutMs
 * @param {string} what
 * @param {number} [intervalMs]
 * @returns {Promise<T>}
 */
async function waitFor(check, timeoutMs, what, intervalMs = 250) {
	const deadline = Date.now() + timeoutMs;
	let lastError;
	for (;;) {
		try {
			const v = await check();
			if (v) return v;
		} catch (err) {
			lastError = err;
		}
		if (Date.now() > deadline) {
			throw new Error(
				`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError}` : ''}`,
			);
		}
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}

/**
 * Whether a TCP port on 127.0.0.1 can be listened on; resolves to the port taken (port 0: a free one).
 * @param {number} port
 * @returns {Promise<number>}
 */
function tryPort(port) {
	const net = require('node:net');
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', reject);
		srv.listen(port, '127.0.0.1', () => {
			const addr = srv.address();
			srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : port));
		});
	});
}

/** A free TCP port on 127.0.0.1: `preferred` when it is free. @param {number} [preferred] */
function freePort(preferred) {
	return preferred ? tryPort(preferred).catch(() => tryPort(0)) : tryPort(0);
}

/**
 * The port of a server of the dev stack. A port asked for on the command line must be free (an
 * error names the option otherwise); else the default when it is free, else any free port, with
 * `moved: true` so that the caller says so.
 * @param {{requested?: string | number | boolean, preferred: number, option: string}} o
 * @returns {Promise<{port: number, moved: boolean}>}
 */
async function choosePort(o) {
	if (o.requested !== undefined && o.requested !== true) {
		const port = Number(o.requested);
		if (!Number.isInteger(port) || port < 0 || port > 65535)
			throw new Error(`${o.option} ${o.requested}: not a port number`);
		try {
			return { port: await tryPort(port), moved: false };
		} catch (err) {
			throw new Error(
				`${o.option} ${port}: that port is in use on 127.0.0.1 (${/** @type {NodeJS.ErrnoException} */ (err).code}); choose another, or leave ${o.option} out to take a free one`,
			);
		}
	}
	try {
		return { port: await tryPort(o.preferred), moved: false };
	} catch {
		return { port: await tryPort(0), moved: true };
	}
}

module.exports = { N8n, OWNER, waitFor, freePort, choosePort };
