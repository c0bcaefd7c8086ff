// @ts-check
'use strict';

/**
 * n8n's queue mode on one machine, for `npm run dev -- --queue` and `npm run test:queue`: a main
 * process, one worker and one webhook processor sharing PostgreSQL and Redis, the package loaded in
 * each, behind a small path router that plays the load balancer n8n's docs ask for (`/webhook/…`,
 * `/webhook-waiting/…`, `/form/…` to the webhook processor, everything else to main).
 *
 * PostgreSQL and Redis are the Debian packages (`apt-get install postgresql redis-server`, done
 * here when they are missing and we run as root, as on CI). Nothing system-wide is used: the
 * PostgreSQL cluster (initdb) and the Redis server are our own, in our own folder, on free ports on
 * 127.0.0.1. Every process is started here, recorded by PID and stopped by PID.
 */

const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const { N8n, freePort, waitFor } = require('./n8n');
const {
	EXIT_WITH_PARENT,
	PARENT_PID_ENV,
	spawnOptions,
	track,
	signalGroup,
} = require('./processes');

/** PostgreSQL's server programs from Debian's packages (/usr/lib/postgresql/<major>/bin); newest wins. */
function findPostgres() {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const majors = fs
		.readdirSync(root)
		.filter((v) => /^\d+$/.test(v))
		.filter((v) =>
			['initdb', 'postgres', 'psql'].every((p) => fs.existsSync(path.join(root, v, 'bin', p))),
		)
		.sort((a, b) => Number(b) - Number(a));
	if (majors.length === 0) return undefined;
	const bin = path.join(root, majors[0], 'bin');
	return {
		major: majors[0],
		initdb: path.join(bin, 'initdb'),
		postgres: path.join(bin, 'postgres'),
		psql: path.join(bin, 'psql'),
	};
}

function findRedis() {
	const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
	for (const dir of dirs) {
		const candidate = path.join(dir, 'redis-server');
		if (dir && fs.existsSync(candidate)) return candidate;
	}
	return undefined;
}

const PACKAGES = ['postgresql', 'redis-server'];

/**
 * PostgreSQL and Redis, installed from Debian's packages if missing (as root only). Services the
 * packages would start are kept from starting (a temporary policy-rc.d answering 101, Debian's
 * own switch for this), so the install starts nothing system-wide.
 * @param {{log?: (s: string) => void}} [o]
 */
function ensureServices(o = {}) {
	const log = o.log ?? (() => {});
	let postgres = findPostgres();
	let redis = findRedis();
	if (postgres && redis) return { postgres, redis };
	const missing = [!postgres && 'postgresql', !redis && 'redis-server'].filter(Boolean).join(', ');
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
		throw new Error(
			`n8n's queue mode needs PostgreSQL and Redis; missing: ${missing}. ` +
				`Install them (Debian/Ubuntu: sudo apt-get install ${PACKAGES.join(' ')}) and run again.`,
		);
	}
	const policy = '/usr/sbin/policy-rc.d';
	const ownPolicy = !fs.existsSync(policy);
	if (ownPolicy) fs.writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
	try {
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...PACKAGES]]) {
			log(`$ apt-get ${args.join(' ')}`);
			const r = spawnSync('apt-get', args, { env, encoding: 'utf8' });
			if (r.status !== 0) {
				throw new Error(
					`apt-get ${args.join(' ')} failed (${r.status ?? r.error})\n${(r.stdout ?? '').slice(-2000)}\n${(r.stderr ?? '').slice(-2000)}`,
				);
			}
		}
	} finally {
		if (ownPolicy) fs.rmSync(policy, { force: true });
	}
	postgres = findPostgres();
	redis = findRedis();
	if (!postgres || !redis)
		throw new Error(`apt-get installed ${PACKAGES.join(' ')}, yet ${missing} is still missing`);
	return { postgres, redis };
}

/** uid/gid to run PostgreSQL as: initdb refuses root, so as root we use Debian's `postgres` user. */
function postgresUser() {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((l) => l.startsWith('postgres:'));
	if (!line)
		throw new Error('running as root, but there is no "postgres" user to run PostgreSQL as');
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

/**
 * A process of ours: its output goes to a log file (and to `onLine`), it is stopped by PID. It runs
 * in its own process group (what it starts goes with it: n8n's task runner, PostgreSQL's
 * backends) and is tracked for processes.stopAll() (a second Ctrl-C in `npm run dev`).
 */
class OwnProcess {
	/**
	 * @param {string} name
	 * @param {string} command
	 * @param {string[]} args
	 * @param {{env?: NodeJS.ProcessEnv, cwd?: string, uid?: number, gid?: number, logFile: string,
	 *   onLine?: (line: string) => void, stopSignal?: NodeJS.Signals}} o
	 */
	constructor(name, command, args, o) {
		this.name = name;
		this.logFile = o.logFile;
		this.stopSignal = o.stopSignal ?? 'SIGTERM';
		this.output = '';
		/** @type {Array<{pattern: RegExp | string, resolve: () => void}>} */
		this.waiters = [];
		const logStream = fs.createWriteStream(o.logFile, { flags: 'a' });
		this.child = track(
			spawn(command, args, {
				env: o.env,
				cwd: o.cwd,
				uid: o.uid,
				gid: o.gid,
				stdio: ['ignore', 'pipe', 'pipe'],
				...spawnOptions(),
			}),
		);
		this.pid = this.child.pid;
		let pending = '';
		/** @param {Buffer} d */
		const onData = (d) => {
			const text = d.toString();
			logStream.write(text);
			this.output += text;
			if (this.output.length > 4_000_000) this.output = this.output.slice(-2_000_000);
			pending += text;
			const lines = pending.split('\n');
			pending = lines.pop() ?? '';
			for (const line of lines) {
				o.onLine?.(line);
				this.waiters = this.waiters.filter((w) => {
					const hit =
						typeof w.pattern === 'string' ? line.includes(w.pattern) : w.pattern.test(line);
					if (hit) w.resolve();
					return !hit;
				});
			}
		};
		this.child.stdout?.on('data', onData);
		this.child.stderr?.on('data', onData);
		/** @type {Promise<{code: number | null, signal: NodeJS.Signals | null}>} */
		this.exited = new Promise((resolve) =>
			this.child.on('exit', (code, signal) => {
				logStream.end();
				resolve({ code, signal });
			}),
		);
	}

	get running() {
		return this.child.exitCode === null && this.child.signalCode === null;
	}

	/**
	 * Resolves when a line of output matches, rejects if the process exits or time runs out.
	 * @param {RegExp | string} pattern
	 * @param {number} timeoutMs
	 */
	async waitForLine(pattern, timeoutMs) {
		const already =
			typeof pattern === 'string' ? this.output.includes(pattern) : pattern.test(this.output);
		if (already) return;
		/** @type {() => void} */
		let resolveLine = () => {};
		const line = new Promise((resolve) => (resolveLine = () => resolve(undefined)));
		this.waiters.push({ pattern, resolve: resolveLine });
		/** @type {NodeJS.Timeout | undefined} */
		let timer;
		const timeout = new Promise((_resolve, reject) => {
			timer = setTimeout(
				() =>
					reject(
						new Error(
							`${this.name} did not log ${pattern} within ${timeoutMs / 1000} s\n${this.output.slice(-4000)}`,
						),
					),
				timeoutMs,
			);
		});
		const exit = this.exited.then(({ code, signal }) => {
			throw new Error(
				`${this.name} exited (code ${code}, signal ${signal}) before logging ${pattern}\n${this.output.slice(-4000)}`,
			);
		});
		try {
			await Promise.race([line, timeout, exit]);
		} finally {
			clearTimeout(timer);
		}
	}

	/**
	 * Stops the process: its stop signal, then SIGKILL to its process group after the grace
	 * period; then SIGKILL to whatever is left of its group.
	 */
	async stop(graceMs = 30_000) {
		if (this.running) {
			const timer = setTimeout(() => signalGroup(this.child, 'SIGKILL'), graceMs);
			this.child.kill(this.stopSignal);
			await this.exited;
			clearTimeout(timer);
		}
		signalGroup(this.child, 'SIGKILL');
	}
}

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

/**
 * Our own PostgreSQL cluster: initdb into `<dir>/postgres`, the server on a free port on
 * 127.0.0.1, a database for n8n. As root it runs as Debian's `postgres` user.
 * @param {{postgres: NonNullable<ReturnType<typeof findPostgres>>, dir: string, log?: (s: string) => void}} o
 */
async function startPostgres(o) {
	const user = postgresUser();
	// As root, the cluster lives in a folder of its own that the postgres user can reach (the
	// caller's folder may sit under one only root can enter); it is removed when the server stops.
	const root = user
		? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-postgres-'))
		: path.join(o.dir, 'postgres');
	fs.mkdirSync(path.join(root, 'socket'), { recursive: true });
	const password = `n8n-queue-${process.pid}-${Date.now()}`;
	const pwfile = path.join(root, 'pwfile');
	fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
	if (user) {
		for (const p of [o.dir, root, path.join(root, 'socket'), pwfile])
			fs.chownSync(p, user.uid, user.gid);
	}
	const env = { ...process.env, HOME: root, LC_ALL: 'C' };
	const dataDir = path.join(root, 'data');
	const init = spawnSync(
		o.postgres.initdb,
		[
			'-D',
			dataDir,
			'-U',
			'n8n',
			`--pwfile=${pwfile}`,
			'--auth=scram-sha-256',
			'-E',
			'UTF8',
			'--locale=C',
			'--no-sync',
		],
		{ env, cwd: root, uid: user?.uid, gid: user?.gid, encoding: 'utf8' },
	);
	const removeRoot = () => {
		if (user) fs.rmSync(root, { recursive: true, force: true });
	};
	if (init.status !== 0) {
		removeRoot();
		throw new Error(`initdb failed (${init.status ?? init.error})\n${init.stdout}\n${init.stderr}`);
	}
	const port = await freePort();
	const server = new OwnProcess(
		'postgres',
		o.postgres.postgres,
		[
			'-D',
			dataDir,
			'-p',
			String(port),
			'-k',
			path.join(root, 'socket'),
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'max_connections=200',
		],
		{
			env,
			cwd: root,
			uid: user?.uid,
			gid: user?.gid,
			logFile: path.join(o.dir, 'postgres.log'),
			stopSignal: 'SIGINT',
		},
	);
	const stop = async () => {
		await server.stop();
		removeRoot();
	};
	try {
		await server.waitForLine('database system is ready to accept connections', 60_000);
	} catch (error) {
		await stop();
		throw error;
	}
	const connection = { host: '127.0.0.1', port, user: 'n8n', password, database: 'n8n' };
	const create = spawnSync(
		o.postgres.psql,
		[
			'-h',
			'127.0.0.1',
			'-p',
			String(port),
			'-U',
			'n8n',
			'-d',
			'postgres',
			'-v',
			'ON_ERROR_STOP=1',
			'-c',
			'CREATE DATABASE n8n',
		],
		{ env: { ...process.env, PGPASSWORD: password }, encoding: 'utf8' },
	);
	if (create.status !== 0) {
		await stop();
		throw new Error(`creating the n8n database failed\n${create.stdout}\n${create.stderr}`);
	}
	o.log?.(
		`PostgreSQL ${o.postgres.major} on 127.0.0.1:${port} (pid ${server.pid}, data in ${dataDir})`,
	);
	return { server, connection, stop, root };
}

/**
 * Our own Redis: no persistence, a free port on 127.0.0.1.
 * @param {{redis: string, dir: string, log?: (s: string) => void}} o
 */
async function startRedis(o) {
	const dir = path.join(o.dir, 'redis');
	fs.mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const server = new OwnProcess(
		'redis',
		o.redis,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--daemonize',
			'no',
		],
		{ cwd: dir, logFile: path.join(o.dir, 'redis.log') },
	);
	await server.waitForLine(/Ready to accept connections/, 30_000);
	o.log?.(`Redis on 127.0.0.1:${port} (pid ${server.pid})`);
	return { server, port };
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
	ensureServices,
	findPostgres,
	findRedis,
	startPostgres,
	startRedis,
	startRouter,
	startQueueStack,
	OwnProcess,
	WEBHOOK_PROCESSOR_PATHS,
};
