#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * `npm run dev`: build the package, start the Groups API sandbox and a real n8n with the package
 * loaded, a ready credential that points at the sandbox and the example workflows imported.
 * Ctrl-C stops everything.
 *
 *   npm run dev                       build, install n8n once (cached), start
 *   npm run dev -- --no-build         skip `npm run build`
 *   npm run dev -- --reset            forget the local n8n data (.n8n-dev/) first
 *   npm run dev -- --clean-cache      remove the cached Node 24 + n8n install and exit
 *   npm run dev -- --port 5678 --sandbox-port 8787 --seed-groups 20 --verbose --log-level debug
 */

const fs = require('node:fs');
const path = require('node:path');

const { ensureN8n, cleanCache, cacheRoot, N8N_VERSION, NODE_VERSION } = require('./lib/install');
const { N8n, OWNER, freePort, waitFor } = require('./lib/n8n');
const {
	REPO,
	CREDENTIAL_NAME,
	loadExamples,
	sandboxCredential,
	buildPackage,
	sandboxModule,
	configureMetaApp,
} = require('./lib/stack');

const USER_FOLDER = process.env.N8N_DEV_USER_FOLDER
	? path.resolve(process.env.N8N_DEV_USER_FOLDER)
	: path.join(REPO, '.n8n-dev');
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
		if (['no-build', 'reset', 'clean-cache', 'verbose', 'help'].includes(name)) args[name] = true;
		else args[name] = inline ?? argv[++i];
	}
	return args;
}

const bold = (/** @type {string} */ s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (/** @type {string} */ s) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);
const say = (/** @type {string} */ s) => process.stdout.write(`${s}\n`);

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		say(
			fs
				.readFileSync(__filename, 'utf8')
				.split('\n')
				.slice(5, 14)
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
	const sandboxPort = await freePort(Number(args['sandbox-port'] ?? 8787));
	const sandbox = await startSandbox({
		port: sandboxPort,
		log: (/** @type {string} */ line) => say(dim(`    [sandbox] ${line}`)),
	});
	const seedCount = Number(args['seed-groups'] ?? 12);
	const [mainPhone, secondPhone] = sandbox.config.phone_numbers.map(
		(/** @type {{id: string}} */ p) => p.id,
	);
	sandbox.state.seed({ count: seedCount, phone_number_id: mainPhone, seed: 'dev' });
	if (secondPhone) sandbox.state.seed({ count: 3, phone_number_id: secondPhone, seed: 'dev' });
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
	const appCallback = await configureMetaApp(sandbox);

	say(bold('4/4 Starting n8n'));
	const n8nPort = await freePort(Number(args.port ?? 5678));
	const logFile = path.join(USER_FOLDER, 'n8n.log');
	fs.mkdirSync(USER_FOLDER, { recursive: true });
	const logStream = fs.createWriteStream(logFile, { flags: 'a' });
	// n8n loads the built nodes from dist/ (N8N_CUSTOM_EXTENSIONS globs it for *.node.js and
	// *.credentials.js; the repository root would also pull in node_modules): rebuild and restart
	// to see your changes. N8N_DEV_EXTENSIONS points it at another folder.
	const extensions = process.env.N8N_DEV_EXTENSIONS
		? path.resolve(process.env.N8N_DEV_EXTENSIONS)
		: path.join(REPO, 'dist');
	const n8n = new N8n(install, {
		userFolder: USER_FOLDER,
		port: n8nPort,
		extensions,
		logLevel: typeof args['log-level'] === 'string' ? args['log-level'] : undefined,
	});

	let stopping = false;
	const stopAll = async (/** @type {number} */ code) => {
		if (stopping) return;
		stopping = true;
		say('\nStopping n8n and the sandbox…');
		await n8n.stop().catch(() => undefined);
		await sandbox.stop().catch(() => undefined);
		await appCallback.stop().catch(() => undefined);
		logStream.end();
		process.exit(code);
	};
	process.on('SIGINT', () => void stopAll(0));
	process.on('SIGTERM', () => void stopAll(0));

	// The credential follows the sandbox's URL on every start; the examples are imported once, so
	// your changes to them survive restarts (npm run dev -- --reset brings them back).
	const credential = sandboxCredential(sandbox);
	const credentialMarker = path.join(USER_FOLDER, 'credential-imported.json');
	const previous = fs.existsSync(credentialMarker) ? fs.readFileSync(credentialMarker, 'utf8') : '';
	if (previous !== JSON.stringify(credential)) {
		await n8n.importCredentials([credential]);
		fs.writeFileSync(credentialMarker, JSON.stringify(credential));
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
	let republished = 0;
	for (const summary of /** @type {any[]} */ (listed.data ?? listed)) {
		if (!summary.active) continue;
		const wf = await rest.getWorkflow(summary.id);
		if (
			!wf.nodes?.some(
				(/** @type {{type: string}} */ n) => n.type === 'CUSTOM.whatsAppGroupsTrigger',
			)
		)
			continue;
		try {
			await rest.deactivate(wf.id);
			await rest.activate(wf.id);
			republished += 1;
		} catch (err) {
			say(
				`    could not republish "${wf.name}": ${err instanceof Error ? err.message.slice(0, 300) : err}`,
			);
		}
	}
	// n8n activates asynchronously: wait until the triggers' destinations point at this n8n.
	const ours = () => {
		const st = sandbox.state;
		const urls = [...st.phones.values()].map((/** @type {any} */ p) => p.override?.uri);
		urls.push(st.waba.override?.uri, st.appSubscription?.callback_url);
		return urls.filter((u) => typeof u === 'string' && u.startsWith(n8n.baseUrl)).length;
	};
	await waitFor(
		() => ours() >= republished,
		30_000,
		'the triggers to register with the sandbox',
	).catch(() =>
		say(
			`    only ${ours()} of ${republished} published triggers registered with the sandbox; see ${logFile}`,
		),
	);

	n8n.server?.on('exit', (code) => {
		if (!stopping) {
			say(`n8n exited (code ${code}); see ${logFile}`);
			void stopAll(1);
		}
	});

	const c = sandbox.config;
	say('');
	say(
		bold(
			`n8n ${N8N_VERSION} is running with n8n-nodes-whatsapp-groups (ready in ${secs()}, n8n start ${(started.ms / 1000).toFixed(0)} s)`,
		),
	);
	say('');
	say(`  Open            ${bold(n8n.url)}`);
	say(`  Log in          ${OWNER.email}  /  ${OWNER.password}`);
	say(`  Credential      "${CREDENTIAL_NAME}" → sandbox ${sandbox.url} (token ${c.access_token})`);
	say(
		'  Workflows       ' +
			Object.values(examples)
				.map((wf) => wf.name.replace(/^WhatsApp Groups example: /, ''))
				.join(' · '),
	);
	say(
		`  Sandbox         ${sandbox.url}  WABA ${c.waba_id}, numbers ${c.phone_numbers.map((/** @type {{id: string}} */ p) => p.id).join(', ')}`,
	);
	say(
		`  Play a user     node sandbox/cli.js groups${sandbox.port === 8787 ? '' : ` --url ${sandbox.url}`}`,
	);
	say(`                  node sandbox/cli.js join <group id> 15557654321 --username ada`);
	say(`  n8n log         ${path.relative(process.cwd(), logFile)}`);
	say('');
	say('Press Ctrl-C to stop.');
}

main().catch((err) => {
	process.stderr.write(
		`\nnpm run dev failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
	);
	process.exit(1);
});
