#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * `npm run dev`: build the package, start the Groups API sandbox and a real n8n with the package
 * loaded, a ready credential that points at the sandbox and the example workflows imported.
 * Ctrl-C (or SIGTERM / SIGHUP to its PID or to npm's, or its parent going away) stops everything.
 *
 *   npm run dev                       build, install n8n once (cached), start
 *   npm run dev -- --no-build         skip `npm run build`
 *   npm run dev -- --reset            forget the local n8n data (.n8n-dev/) first
 *   npm run dev -- --clean-cache      remove the cached Node 24 + n8n install and exit
 *   npm run dev -- --port 5678 --sandbox-port 8787 --seed-groups 20 --verbose --log-level debug
 *   npm run dev -- --queue            queue mode: main + worker + webhook processor, PostgreSQL, Redis
 *
 * n8n takes port 5678 and the sandbox 8787 when they are free, other free ports otherwise (it says
 * which); a port given with --port or --sandbox-port must be free. `node sandbox/cli.js` finds the
 * sandbox through .n8n-dev/running.json, whatever its port.
 */

const fs = require('node:fs');
const path = require('node:path');

const { ensureN8n, cleanCache, cacheRoot, N8N_VERSION, NODE_VERSION } = require('./lib/install');
const { N8n, OWNER, choosePort, waitFor } = require('./lib/n8n');
const processes = require('./lib/processes');
const { devFolder, readRunning, writeRunning, removeRunning } = require('./lib/running');
const {
	REPO,
	CREDENTIAL_NAME,
	D360_CREDENTIAL_NAME,
	DEV_PHONE_NUMBERS,
	loadExamples,
	sandboxCredential,
	sandbox360dialogCredential,
	buildPackage,
	sandboxModule,
	configureMetaApp,
	TRIGGER_TYPE,
	unregisteredWorkflows,
} = require('./lib/stack');

const USER_FOLDER = devFolder();
const DEFAULT_N8N_PORT = 5678;
const DEFAULT_SANDBOX_PORT = 8787;
/** Trigger examples published (listening) from the first start on. */
const PUBLISH_ON_FIRST_START = ['join-request-approval', 'welcome-new-participants'];

/** @param {string[]} argv */
function parseArgs(argv) {
	/** @type {Record<string, string | boolean>} */
	const args = {};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (!a.startsWith('--')) throw new Error(`Unexpected argument ${a}`);
		const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
		if (['no-build', 'reset', 'clean-cache', 'verbose', 'help', 'queue'].includes(name))
			args[name] = true;
		else args[name] = inline ?? argv[++i];
	}
	return args;
}

const bold = (/** @type {string} */ s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (/** @type {string} */ s) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);
// The terminal or pipe may be gone when the parent is (an IDE stopping us): writing must not
// crash the clean-up.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
/** A path as the user can type it: relative when under the working directory. @param {string} p */
const shown = (p) => {
	const rel = path.relative(process.cwd(), p);
	return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
};
const say = (/** @type {string} */ s) => {
	if (process.stdout.writable) process.stdout.write(`${s}\n`);
};

/**
 * What runs, for stop(): whatever has started by the time a signal arrives.
 * @type {{n8n?: N8n, sandbox?: any, appCallback?: {stop: () => Promise<unknown>}, logStream?: fs.WriteStream, queueStack?: {stop: () => Promise<unknown>}, queueDir?: string}}
 */
const running = {};
/** When stop() began (0: running). */
let stopping = 0;

/**
 * Stops n8n (and any build or install still running), the sandbox and the app's callback, removes
 * the running-instance file, and exits. A second call (Ctrl-C twice) kills the children at once.
 * @param {number} code
 * @param {string} why
 */
async function stop(code, why) {
	if (stopping) {
		// Ctrl-C in a terminal reaches dev.js twice at once (from the terminal, and forwarded by
		// npm): only a signal that comes later asks to stop at once.
		if (Date.now() - stopping < 1000) return;
		await processes.stopAll({ now: true });
		process.exit(code || 130);
	}
	stopping = Date.now();
	if (running.n8n || running.sandbox)
		say(`\n${why}: stopping n8n and the sandbox… (again to stop at once)`);
	await running.n8n?.stop().catch(() => undefined);
	await running.queueStack?.stop().catch(() => undefined);
	if (running.queueDir) fs.rmSync(running.queueDir, { recursive: true, force: true });
	await processes.stopAll().catch(() => undefined);
	await running.sandbox?.stop().catch(() => undefined);
	await running.appCallback?.stop().catch(() => undefined);
	removeRunning(USER_FOLDER);
	running.logStream?.end();
	process.exit(code);
}

for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
	process.on(signal, () => void stop(0, signal));
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		const source = fs.readFileSync(__filename, 'utf8');
		say(
			source
				.slice(source.indexOf('/**') + 4, source.indexOf(' */'))
				.split('\n')
				.map((l) => l.replace(/^ \* ?/, ''))
				.join('\n'),
		);
		return;
	}
	if (args['clean-cache']) {
		say(`Removed the n8n install cache ${cleanCache()}`);
		return;
	}
	const t0 = Date.now();
	const secs = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;

	// One `npm run dev` per n8n data folder (two n8n on one SQLite database corrupt it).
	const other = readRunning(USER_FOLDER);
	if (other && other.pid !== process.pid) {
		throw Object.assign(
			new Error(
				`npm run dev is already running in this repository (PID ${other.pid}: n8n ${other.n8n?.url ?? 'starting'}, sandbox ${other.sandbox.url}). Stop it first, or give this one its own data folder with N8N_DEV_USER_FOLDER.`,
			),
			{ plain: true },
		);
	}
	// npm killed outright (or a shell between npm and us that does not pass a signal on): notice
	// that our parent (or npm) is gone and stop, instead of running on with n8n and the sandbox.
	processes.watchParents((pid) => void stop(0, `the parent process ${pid} is gone`), {
		npmScript: /dev\.js/.test(process.env.npm_lifecycle_script ?? ''),
	});

	if (args.reset) {
		fs.rmSync(USER_FOLDER, { recursive: true, force: true });
		say(`Removed the local n8n data in ${USER_FOLDER}`);
	}

	if (!args['no-build']) {
		say(bold('1/4 Building the package (npm run build)'));
		await buildPackage({ quiet: true });
	}

	say(bold(`2/4 Node.js ${NODE_VERSION} and n8n ${N8N_VERSION} (cache: ${cacheRoot()})`));
	const install = await ensureN8n({ log: (s) => say(dim(`    ${s}`)) });

	say(bold('3/4 Starting the WhatsApp Groups API sandbox'));
	const { startSandbox } = sandboxModule();
	const sandboxPort = await choosePort({
		requested: args['sandbox-port'],
		preferred: DEFAULT_SANDBOX_PORT,
		option: '--sandbox-port',
	});
	if (sandboxPort.moved)
		say(`    port ${DEFAULT_SANDBOX_PORT} is in use: the sandbox listens on ${sandboxPort.port}`);
	const sandbox = await startSandbox({
		port: sandboxPort.port,
		phoneNumbers: DEV_PHONE_NUMBERS,
		log: (/** @type {string} */ line) => say(dim(`    [sandbox] ${line}`)),
	});
	running.sandbox = sandbox;
	/** @type {import('./lib/running').RunningDev} */
	const runningInfo = {
		pid: process.pid,
		repo: REPO,
		startedAt: new Date().toISOString(),
		sandbox: { url: sandbox.url, port: sandbox.port },
	};
	// From now on `node sandbox/cli.js` (of this repository) finds this sandbox by itself.
	writeRunning(runningInfo, USER_FOLDER);
	const seedCount = Number(args['seed-groups'] ?? 12);
	const [mainPhone, ...otherPhones] = sandbox.config.phone_numbers.map(
		(/** @type {{id: string}} */ p) => p.id,
	);
	sandbox.state.seed({ count: seedCount, phone_number_id: mainPhone, seed: 'dev' });
	// The second number (Meta examples) and the third (the 360dialog credential's) get a few.
	for (const phone of otherPhones)
		sandbox.state.seed({ count: 3, phone_number_id: phone, seed: 'dev' });
	// Two old, empty groups for the clean-up example to find.
	const longAgo = Math.floor(Date.UTC(2026, 0, 1) / 1000);
	for (const subject of ['Spring cohort 2025 (empty)', 'Old support group (empty)']) {
		sandbox.state.insertGroup({
			id: sandbox.state.newGroupId(),
			phone_number_id: mainPhone,
			subject,
			description: '',
			join_approval_mode: 'auto_approve',
			creation_timestamp: longAgo,
		});
	}
	// Like a real Meta app: its own default callback, subscribed to the group fields.
	running.appCallback = await configureMetaApp(sandbox);

	if (args.queue) {
		await startQueueMode({ args, install, sandbox, t0, runningInfo });
		return;
	}

	say(bold('4/4 Starting n8n'));
	const n8nPort = await choosePort({
		requested: args.port,
		preferred: DEFAULT_N8N_PORT,
		option: '--port',
	});
	if (n8nPort.moved) say(`    port ${DEFAULT_N8N_PORT} is in use: n8n listens on ${n8nPort.port}`);
	const logFile = path.join(USER_FOLDER, 'n8n.log');
	fs.mkdirSync(USER_FOLDER, { recursive: true });
	const logStream = fs.createWriteStream(logFile, { flags: 'a' });
	running.logStream = logStream;
	// n8n loads the built nodes from dist/ (N8N_CUSTOM_EXTENSIONS globs it for *.node.js and
	// *.credentials.js; the repository root would also pull in node_modules): rebuild and restart
	// to see your changes. N8N_DEV_EXTENSIONS points it at another folder.
	const extensions = process.env.N8N_DEV_EXTENSIONS
		? path.resolve(process.env.N8N_DEV_EXTENSIONS)
		: path.join(REPO, 'dist');
	const n8n = new N8n(install, {
		userFolder: USER_FOLDER,
		port: n8nPort.port,
		extensions,
		logLevel: typeof args['log-level'] === 'string' ? args['log-level'] : undefined,
	});
	running.n8n = n8n;

	// The credential follows the sandbox's URL on every start; the examples are imported once, so
	// your changes to them survive restarts (npm run dev -- --reset brings them back).
	// Meta's credential and 360dialog's (the API key of the sandbox's third number).
	const d360 = sandbox360dialogCredential(sandbox);
	const credentials = [sandboxCredential(sandbox), d360];
	const credentialMarker = path.join(USER_FOLDER, 'credential-imported.json');
	const previous = fs.existsSync(credentialMarker) ? fs.readFileSync(credentialMarker, 'utf8') : '';
	if (previous !== JSON.stringify(credentials)) {
		await n8n.importCredentials(credentials);
		fs.writeFileSync(credentialMarker, JSON.stringify(credentials));
	}
	const marker = path.join(USER_FOLDER, 'examples-imported.json');
	const imported = fs.existsSync(marker) ? JSON.parse(fs.readFileSync(marker, 'utf8')) : [];
	const examples = loadExamples();
	const missing = Object.entries(examples).filter(([name]) => !imported.includes(name));
	if (missing.length > 0) {
		await n8n.importWorkflows(missing.map(([, wf]) => wf));
		for (const [name, wf] of missing) {
			if (PUBLISH_ON_FIRST_START.includes(name)) await n8n.publishOffline(wf.id);
		}
		fs.writeFileSync(
			marker,
			JSON.stringify([...imported, ...missing.map(([name]) => name)], null, 2),
		);
	}

	const started = await n8n.start({
		onLine: (line) => {
			logStream.write(`${line}\n`);
			if (args.verbose) say(dim(`    [n8n] ${line}`));
		},
	});
	// The sandbox starts empty every time, but n8n remembers that its published triggers are
	// registered and does not register them again at start: republish them so that each sets its
	// webhook destination on this sandbox (with Meta, destinations persist and this is not needed).
	const rest = await n8n.rest();
	const listed = await rest.request('GET', '/workflows');
	/** @type {any[]} */
	const republished = [];
	for (const summary of /** @type {any[]} */ (listed.data ?? listed)) {
		if (!summary.active) continue;
		const wf = await rest.getWorkflow(summary.id);
		if (!wf.nodes?.some((/** @type {{type: string}} */ n) => n.type === TRIGGER_TYPE)) continue;
		try {
			await rest.deactivate(wf.id);
			await rest.activate(wf.id);
			republished.push(wf);
		} catch (err) {
			say(
				`    could not republish "${wf.name}" (${wf.id}): ${err instanceof Error ? err.message.slice(0, 300) : err}`,
			);
		}
	}
	// n8n activates asynchronously: wait until each trigger's destination points at this n8n, and
	// name the workflows whose trigger did not register, with n8n's activation error.
	await waitFor(
		() => unregisteredWorkflows(republished, sandbox.state, n8n.baseUrl).length === 0,
		30_000,
		'the triggers to register with the sandbox',
	).catch(async () => {
		const missing = unregisteredWorkflows(republished, sandbox.state, n8n.baseUrl);
		say(
			`    ${republished.length - missing.length} of ${republished.length} published workflows with a WhatsApp Groups Trigger registered with the sandbox within 30 s; not:`,
		);
		for (const wf of missing) {
			const error = await rest
				.request('GET', `/active-workflows/error/${wf.id}`)
				.catch(() => undefined);
			say(
				`    - "${wf.name}" (${wf.id})${error ? `: ${String(typeof error === 'string' ? error : JSON.stringify(error)).slice(0, 500)}` : ''}`,
			);
		}
		say(`    n8n's log: ${shown(logFile)}`);
	});

	n8n.server?.on('exit', (code) => {
		if (!stopping) {
			say(`n8n exited (code ${code}); see ${logFile}`);
			void stop(1, 'n8n exited');
		}
	});
	runningInfo.n8n = { url: n8n.url, port: n8n.port, pid: n8n.pid };
	writeRunning(runningInfo, USER_FOLDER);

	const c = sandbox.config;
	say('');
	say(
		bold(
			`n8n ${N8N_VERSION} is running with n8n-nodes-whatsapp-groups (ready in ${secs()}, n8n start ${(started.ms / 1000).toFixed(0)} s)`,
		),
	);
	say('');
	/** @param {{moved: boolean}} chosen @param {number} usual */
	const movedNote = (chosen, usual) =>
		chosen.moved ? `  (not ${usual}: that port is in use)` : '';
	say(`  Open            ${bold(n8n.url)}${movedNote(n8nPort, DEFAULT_N8N_PORT)}`);
	say(`  Log in          ${OWNER.email}  /  ${OWNER.password}`);
	say(`  Credential      "${CREDENTIAL_NAME}" → sandbox ${sandbox.url} (token ${c.access_token})`);
	const d360Number = c.phone_numbers[c.phone_numbers.length - 1];
	say(
		`                  "${D360_CREDENTIAL_NAME}" → sandbox ${d360.data.baseUrl} (360dialog API key ${d360.data.apiKey} of the number ${d360Number.id})`,
	);
	say(
		'  Workflows       ' +
			Object.values(examples)
				.map((wf) => wf.name.replace(/^WhatsApp Groups example: /, ''))
				.join(' · '),
	);
	say(
		`  Sandbox         ${sandbox.url}${movedNote(sandboxPort, DEFAULT_SANDBOX_PORT)}  WABA ${c.waba_id}, numbers ${c.phone_numbers.map((/** @type {{id: string}} */ p) => p.id).join(', ')}`,
	);
	// The CLI reads the sandbox's URL from the running-instance file: no --url, whatever the port.
	say(`  Play a user     node sandbox/cli.js groups`);
	say(`                  node sandbox/cli.js join <group id> 15557654321 --username ada`);
	say(
		dim(
			`                  (the CLI of this repository finds this sandbox through ${shown(path.join(USER_FOLDER, 'running.json'))})`,
		),
	);
	say(`  n8n log         ${shown(logFile)}`);
	say('');
	say('Press Ctrl-C to stop.');
}

/**
 * `npm run dev -- --queue`: the same sandbox and examples in n8n's queue mode (dev/lib/queue.js):
 * PostgreSQL and Redis of its own, main, one worker, one webhook processor, and the path router
 * that plays the load balancer. Nothing is kept between starts.
 * @param {{args: Record<string, string | boolean>, install: any, sandbox: any, t0: number, runningInfo: import('./lib/running').RunningDev}} o
 */
async function startQueueMode(o) {
	const { startQueueStack } = require('./lib/queue');
	const os = require('node:os');
	say(bold('4/4 Starting n8n in queue mode (PostgreSQL, Redis, main, worker, webhook processor)'));
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-wag-dev-queue-'));
	running.queueDir = dir;
	const extensions = process.env.N8N_DEV_EXTENSIONS
		? path.resolve(process.env.N8N_DEV_EXTENSIONS)
		: path.join(REPO, 'dist');
	const examples = loadExamples();
	const stack = await startQueueStack({
		install: o.install,
		dir,
		extensions,
		log: (s) => say(dim(`    ${s}`)),
		onLine: o.args.verbose ? (role, line) => say(dim(`    [${role}] ${line}`)) : undefined,
		prepare: async (cli) => {
			await cli.importCredentials([sandboxCredential(o.sandbox)]);
			await cli.importWorkflows(Object.values(examples));
			for (const name of PUBLISH_ON_FIRST_START) await cli.publishOffline(examples[name].id);
		},
	});
	// Ctrl-C (stop() above) stops the stack, the sandbox and the app's callback.
	running.queueStack = stack;
	const publicUrl = stack.publicUrl;
	// As in regular mode: n8n does not register at start a trigger it counts as registered, so
	// publish the example triggers again, now that the stack is up (see dev/README.md).
	const rest = await stack.cli.rest();
	for (const name of PUBLISH_ON_FIRST_START) {
		await rest.deactivate(examples[name].id).catch(() => undefined);
		await rest.activate(examples[name].id);
	}
	await waitFor(
		() =>
			[...o.sandbox.state.phones.values()].filter((p) => p.override?.uri?.startsWith(publicUrl))
				.length >= PUBLISH_ON_FIRST_START.length,
		60_000,
		'the example triggers to register with the sandbox',
	).catch(() => say('    the example triggers did not register with the sandbox; see the logs'));
	// The sandbox CLI (and a second npm run dev) find this stack: n8n is the router's URL, main's PID.
	o.runningInfo.n8n = {
		url: publicUrl.replace(/\/$/, ''),
		port: stack.router.port,
		pid: stack.pids()['n8n main'],
	};
	writeRunning(o.runningInfo, USER_FOLDER);
	const c = o.sandbox.config;
	const pids = stack.pids();
	say('');
	say(
		bold(
			`n8n ${N8N_VERSION} in queue mode with n8n-nodes-whatsapp-groups (ready in ${((Date.now() - o.t0) / 1000).toFixed(0)} s)`,
		),
	);
	say('');
	say(
		`  Open            ${bold(publicUrl)}  (router: /webhook/… to the webhook processor, the rest to main)`,
	);
	say(`  Log in          ${OWNER.email}  /  ${OWNER.password}`);
	say(
		`  Processes       main ${stack.mainUrl} (pid ${pids['n8n main']}), worker (pid ${pids['n8n worker']}), webhook processor ${stack.webhookUrl} (pid ${pids['n8n webhook']})`,
	);
	say(
		`  Databases       PostgreSQL ${stack.postgresMajor} 127.0.0.1:${stack.postgres.port} (pid ${pids.postgres}), Redis 127.0.0.1:${stack.redisPort} (pid ${pids.redis})`,
	);
	say(
		`  Sandbox         ${o.sandbox.url}  WABA ${c.waba_id}, numbers ${c.phone_numbers.map((/** @type {{id: string}} */ p) => p.id).join(', ')}`,
	);
	say(`  Logs            ${dir}  (not kept: every start is a fresh database)`);
	say('');
	say('Press Ctrl-C to stop.');
}

main().catch((err) => {
	const text =
		err instanceof Error
			? /** @type {{plain?: boolean}} */ (err).plain
				? err.message
				: (err.stack ?? err.message)
			: String(err);
	if (process.stderr.writable) process.stderr.write(`\nnpm run dev failed: ${text}\n`);
	void stop(1, 'npm run dev failed');
});
