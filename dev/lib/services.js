// @ts-check
'use strict';

/**
 * PostgreSQL and Redis for n8n's queue mode on one machine (dev/lib/queue.js). They are the Debian
 * packages (`apt-get install postgresql redis-server`, done here when they are missing and we run
 * as root, as on CI). Nothing system-wide is used: the PostgreSQL cluster (initdb) and the Redis
 * server are our own, in our own folder, on free ports on 127.0.0.1, started and stopped by PID.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const { freePort } = require('./n8n');
const { OwnProcess } = require('./ownProcess');

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

module.exports = {
	ensureServices,
	findPostgres,
	findRedis,
	startPostgres,
	startRedis,
};
