// @ts-check
'use strict';

/**
 * n8n's queue mode on one machine, for `npm run dev -- --queue` and `npm run test:queue`: a main
 * process, one worker and one webhook processor sharing PostgreSQL and Redis, the package loaded in
 * each, behind a small path router that plays the load balancer n8n's docs ask for (`/webhook/…`,
 * `/webhook-waiting/…`, `/form/…` to the webhook processor, everything else to main).
 *
 * PostgreSQL and Redis come from `services.js` (our own cluster and server, on free ports on
 * 127.0.0.1); every server is an `OwnProcess` (`ownProcess.js`), started here, recorded by PID and
 * stopped by PID.
 */

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { spawn } = require('node:child_process');

const { N8n, freePort, waitFor } = require('./n8n');
const { OwnProcess } = require('./ownProcess');
const { EXIT_WITH_PARENT, PARENT_PID_ENV, spawnOptions } = require('./processes');
const { ensureServices, startPostgres, startRedis } = require('./services');

/**
 * The reaper: a small process of its own (its own process group, so a Ctrl-C in the terminal does
 * not reach it) that watches us and, should we be gone without stopping the stack (killed with
 * SIGKILL), stops the processes we started, by PID and their process groups, and removes their
 * folders. PostgreSQL and Redis, unlike n8n, cannot watch us themselves. It is the first thing
 * stop() ends, by its PID.
 */
const REAPER_SCRIPT = `
const fs = require('node:fs');
const [parent, file] = [Number(process.argv[1]), process.argv[2]];
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const signal = (pid, sig) => { try { process.kill(-pid, sig); } catch { try { process.kill(pid, sig); } catch {} } };
const timer = setInterval(() => {
	if (alive(parent)) return;
	clearInterval(timer);
	let list = { targets: [], folders: [] };
	try { list = JSON.parse(fs.readFileSync(file, 'utf8')); } catch {}
	for (const t of list.targets) signal(t.pid, t.signal);
	const deadline = Date.now() + 30000;
	const wait = setInterval(() => {
		if (Date.now() < deadline && list.targets.some((t) => alive(t.pid))) return;
		clearInterval(wait);
		for (const t of list.targets) signal(t.pid, 'SIGKILL');
		for (const folder of list.folders) fs.rmSync(folder, { recursive: true, force: true });
		process.exit(0);
	}, 250);
}, 500);
`;

/**
 * Starts the reaper (REAPER_SCRIPT); `update(targets, folders)` tells it what to stop.
 * @param {string} nodeBin
 * @param {string} file where the list of processes and folders is kept for it
 */
function startReaper(nodeBin, file) {
	/** @param {Array<{pid: number | undefined, signal: NodeJS.Signals}>} targets @param {string[]} folders */
	const update = (targets, folders) =>
		fs.writeFileSync(file, JSON.stringify({ targets: targets.filter((t) => t.pid), folders }));
	update([], []);
	const child = spawn(nodeBin, ['-e', REAPER_SCRIPT, String(process.pid), file], {
		stdio: 'ignore',
		...spawnOptions(),
	});
	child.unref();
	return {
		pid: child.pid,
		update,
		stop: async () => {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGKILL');
			await exited;
		},
	};
}
/** Path prefixes n8n's webhook processors serve in queue mode (n8n 2.40.7 abstract-server.js). */
const WEBHOOK_PROCESSOR_PATHS = [
	'/webhook/',
	'/webhook-waiting/',
	'/form/',
	'/form-waiting/',
	'/mcp/',
];

/**
 * The load balancer of n8n's queue-mode docs, reduced to a path router: production webhook paths
 * to the webhook processor, the rest (editor, REST API, test webhooks) to main. It records which
 * process served each request, so tests can check the process that answered.
 * @param {{main: number, webhook: number}} ports
 */
async function startRouter(ports) {
	/** @type {Array<{method: string, path: string, to: 'main' | 'webhook', status: number}>} */
	const served = [];
	const server = http.createServer((req, res) => {
		const url = req.url ?? '/';
		const to = WEBHOOK_PROCESSOR_PATHS.some((p) => url.startsWith(p)) ? 'webhook' : 'main';
		const upstream = http.request(
			{ host: '127.0.0.1', port: ports[to], method: req.method, path: url, headers: req.headers },
			(up) => {
				served.push({ method: req.method ?? '', path: url, to, status: up.statusCode ?? 0 });
				res.writeHead(up.statusCode ?? 502, up.headers);
				up.pipe(res);
			},
		);
		upstream.on('error', (error) => {
			served.push({ method: req.method ?? '', path: url, to, status: 502 });
			if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
			res.end(`router: ${to} unreachable: ${error.message}`);
		});
		req.pipe(upstream);
	});
	const port = await freePort();
	await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
	return {
		port,
		url: `http://127.0.0.1:${port}`,
		served,
		stop: () => new Promise((resolve) => server.close(() => resolve(undefined))),
	};
}

/**
 * Starts the whole stack. `prepare(cli)` runs before n8n starts, with an N8n helper whose CLI uses
 * the stack's database (import credentials and workflows, publish them).
 * @param {{install: {nodeBin: string, n8nBin: string}, dir: string, extensions: string,
 *   poolSize?: number, workerConcurrency?: number, log?: (s: string) => void,
 *   onLine?: (role: string, line: string) => void,
 *   prepare?: (cli: N8n) => Promise<void>}} o
 */
async function startQueueStack(o) {
	const log = o.log ?? (() => {});
	fs.mkdirSync(o.dir, { recursive: true });
	/** @type {Array<{stop: () => Promise<unknown>, pid?: number}>} */
	const started = [];
	/** @type {string[]} */
	const folders = [];
	/** @param {{stop: () => Promise<unknown>, pid?: number}} thing */
	const processOf = (thing) =>
		/** @type {OwnProcess | undefined} */ (
			'server' in thing
				? /** @type {any} */ (thing).server
				: thing instanceof OwnProcess
					? thing
					: undefined
		);
	// Should we be killed outright, the reaper stops what we started (see REAPER_SCRIPT).
	const reaper = startReaper(o.install.nodeBin, path.join(o.dir, 'reaper.json'));
	/** Tells the reaper what runs now. */
	const remember = () =>
		reaper.update(
			started.flatMap((thing) => {
				const own = processOf(thing);
				return own ? [{ pid: own.pid, signal: own.stopSignal }] : [];
			}),
			folders,
		);
	// If this process ends without stop() (an uncaught error, Ctrl-C), kill what we started, by
	// PID and process group, so that no server of ours outlives us.
	const onExit = () => {
		for (const thing of started) {
			const pid = processOf(thing)?.pid;
			if (pid)
				try {
					process.kill(-pid, 'SIGKILL');
				} catch {
					// already gone
				}
		}
		for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
	};
	process.once('exit', onExit);
	const stopAll = async () => {
		process.off('exit', onExit);
		for (const thing of [...started].reverse()) {
			try {
				await thing.stop();
			} catch (error) {
				log(`stopping: ${error instanceof Error ? error.message : error}`);
			}
		}
		started.length = 0;
		await reaper.stop();
		fs.rmSync(path.join(o.dir, 'reaper.json'), { force: true });
	};
	try {
		const services = ensureServices({ log });
		const postgres = await startPostgres({ postgres: services.postgres, dir: o.dir, log });
		started.push(postgres);
		folders.push(postgres.root);
		remember();
		const redis = await startRedis({ redis: services.redis, dir: o.dir, log });
		started.push(redis.server);
		remember();

		const ports = {
			main: await freePort(),
			webhook: await freePort(),
			workerHealth: await freePort(),
		};
		const router = await startRouter(ports);
		started.push(router);
		const publicUrl = `${router.url}/`;
		const poolSize = o.poolSize ?? 10;
		/** Environment shared by every n8n process (and the CLI): the same database, queue and key. */
		const queueEnv = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: postgres.connection.host,
			DB_POSTGRESDB_PORT: String(postgres.connection.port),
			DB_POSTGRESDB_DATABASE: postgres.connection.database,
			DB_POSTGRESDB_USER: postgres.connection.user,
			DB_POSTGRESDB_PASSWORD: postgres.connection.password,
			DB_POSTGRESDB_POOL_SIZE: String(poolSize),
			N8N_ENCRYPTION_KEY: `queue-stack-key-${process.pid}-${Date.now()}`,
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			N8N_WEBHOOK_URL: publicUrl,
			N8N_EDITOR_BASE_URL: publicUrl,
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(ports.workerHealth),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		};
		/** @param {string} role @param {number} port */
		const helperFor = (role, port) => {
			const n8n = new N8n(/** @type {any} */ (o.install), {
				userFolder: path.join(o.dir, `n8n-${role}`),
				port,
				extensions: o.extensions,
			});
			// n8nEnv() points the deprecated WEBHOOK_URL at the process itself; the stack uses
			// N8N_WEBHOOK_URL (n8n 2.40's name) for every process.
			delete n8n.env.WEBHOOK_URL;
			Object.assign(n8n.env, queueEnv);
			return n8n;
		};
		const cli = helperFor('main', ports.main);
		if (o.prepare) await o.prepare(cli);

		/** @type {Record<string, OwnProcess>} */
		const processes = {};
		/** @param {'main' | 'worker' | 'webhook'} role @param {string[]} args @param {number} port @param {string} ready */
		const startRole = async (role, args, port, ready) => {
			const env = {
				...helperFor(role, port).env,
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				[PARENT_PID_ENV]: String(process.pid),
			};
			// With EXIT_WITH_PARENT preloaded, n8n shuts down by itself if we are gone.
			const command = ['--require', EXIT_WITH_PARENT, o.install.n8nBin, ...args];
			const proc = new OwnProcess(`n8n ${role}`, o.install.nodeBin, command, {
				env,
				logFile: path.join(o.dir, `n8n-${role}.log`),
				onLine: o.onLine ? (line) => o.onLine?.(role, line) : undefined,
			});
			started.push(proc);
			remember();
			processes[role] = proc;
			const t0 = Date.now();
			await proc.waitForLine(ready, 240_000);
			log(`n8n ${role} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (pid ${proc.pid})`);
			return proc;
		};
		// main first: it runs the migrations and sets the owner up.
		await startRole('main', ['start'], ports.main, 'Editor is now accessible via');
		await waitFor(
			async () => (await fetch(`http://127.0.0.1:${ports.main}/healthz`)).ok,
			60_000,
			'main /healthz',
		);
		await startRole(
			'worker',
			['worker', `--concurrency=${o.workerConcurrency ?? 10}`],
			ports.main,
			'n8n worker is now ready',
		);
		await startRole(
			'webhook',
			['webhook'],
			ports.webhook,
			'Webhook listener waiting for requests.',
		);
		await waitFor(
			async () => (await fetch(`http://127.0.0.1:${ports.webhook}/healthz`)).ok,
			60_000,
			'webhook /healthz',
		);

		return {
			publicUrl,
			mainUrl: `http://127.0.0.1:${ports.main}`,
			webhookUrl: `http://127.0.0.1:${ports.webhook}`,
			workerHealthUrl: `http://127.0.0.1:${ports.workerHealth}/healthz`,
			router,
			processes,
			cli,
			poolSize,
			postgres: postgres.connection,
			postgresMajor: services.postgres.major,
			redisPort: redis.port,
			/** @type {import('./db').DatabaseTarget} */
			database: { kind: 'postgres', ...postgres.connection },
			/** Every PID this stack started. */
			pids: () =>
				Object.fromEntries([
					['postgres', postgres.server.pid],
					['redis', redis.server.pid],
					['reaper', reaper.pid],
					...Object.entries(processes).map(([role, p]) => [`n8n ${role}`, p.pid]),
				]),
			stop: stopAll,
		};
	} catch (error) {
		await stopAll();
		throw error;
	}
}

module.exports = {
	startRouter,
	startQueueStack,
	WEBHOOK_PROCESSOR_PATHS,
};
