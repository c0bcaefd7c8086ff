#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Starts the sandbox from the command line:
 *   node sandbox/server.js --port 8787 --token my-token --app-secret my-secret --seed-groups 10000
 * Run with --help for every option.
 */
const { startSandbox } = require('./index');

const HELP = `WhatsApp Groups API sandbox

Usage: node sandbox/server.js [options]

  --port <n>              port on 127.0.0.1 (default 8787; 0 = a free port)
  --host <addr>           interface (default 127.0.0.1)
  --token <t>             system-user access token (default sandbox-token)
  --app-id <id>           app ID (default 100000000000009)
  --app-secret <s>        app secret for X-Hub-Signature-256 (default sandbox-app-secret)
  --waba-id <id>          WhatsApp Business Account ID (default 100000000000001)
  --seed <s>              seed for every generated ID (default "sandbox")
  --seed-groups <n>       start with n deterministic groups on the first number
  --async-delay <ms>      delay before asynchronous outcomes (default 25)
  --status-delay <ms>     delay between sent / delivered / read (default 25)
  --cursor-ttl <ms>       paging cursors expire after this (default 600000)
  --no-waba-subscription  start with the app NOT subscribed to the WABA
  --latency <ms>          add latency to every Graph request
  --fault <json>          a fault rule, repeatable, e.g. '{"kind":"rate_limit","ratio":0.1}'
  --quiet                 do not log requests and deliveries
  --help
`;

/** @param {string[]} argv */
function parseArgs(argv) {
	/** @type {Record<string, string | boolean | string[]>} */
	const args = { fault: [] };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) throw new Error(`Unexpected argument ${arg}`);
		const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
		const flags = ['quiet', 'help', 'no-waba-subscription'];
		if (flags.includes(name)) {
			args[name] = true;
			continue;
		}
		const value = inline !== undefined ? inline : argv[++i];
		if (value === undefined) throw new Error(`--${name} needs a value`);
		if (name === 'fault') /** @type {string[]} */ (args.fault).push(value);
		else args[name] = value;
	}
	return args;
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		process.stdout.write(HELP);
		return;
	}
	/** @param {string} name */
	const str = (name) =>
		typeof args[name] === 'string' ? /** @type {string} */ (args[name]) : undefined;
	/** @param {string} name */
	const num = (name) => (str(name) !== undefined ? Number(str(name)) : undefined);
	/** @type {import('./types').FaultRule[]} */
	const faults = /** @type {string[]} */ (args.fault).map((json) => JSON.parse(json));
	if (num('latency')) faults.push({ kind: 'latency', ms: /** @type {number} */ (num('latency')) });
	const quiet = Boolean(args.quiet);
	const sandbox = await startSandbox({
		port: num('port') ?? 8787,
		host: str('host'),
		token: str('token'),
		appId: str('app-id'),
		appSecret: str('app-secret'),
		wabaId: str('waba-id'),
		seed: str('seed'),
		seedGroups: num('seed-groups'),
		asyncDelayMs: num('async-delay'),
		statusDelayMs: num('status-delay'),
		cursorTtlMs: num('cursor-ttl'),
		wabaSubscribed: !args['no-waba-subscription'],
		faults,
		log: quiet
			? undefined
			: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
	});
	const c = sandbox.config;
	process.stdout.write(
		[
			'WhatsApp Groups API sandbox is running',
			'',
			`  Base URL (credential)   ${sandbox.url}`,
			`  Graph API version       v27.0 (any vN.N is accepted)`,
			`  Access token            ${c.access_token}`,
			`  WABA ID                 ${c.waba_id}`,
			...c.phone_numbers.map(
				(p, i) =>
					`  Phone number ID ${i === 0 ? '(main)' : '      '}  ${p.id}  (+${p.display_phone_number})`,
			),
			`  App ID                  ${c.app_id}`,
			`  App secret              ${c.app_secret}`,
			`  App access token        ${c.app_access_token}`,
			'',
			`  360dialog credential    Base URL ${c.d360_base_url}, one API key per number:`,
			...c.phone_numbers.map((p) => `    ${p.id}  API key ${p.d360_api_key}`),
			'',
			`  Groups seeded           ${sandbox.state.groups.size}`,
			'',
			`  Control: ${sandbox.url}/_sandbox/config   Simulate users: node sandbox/cli.js --help`,
			'',
		].join('\n'),
	);
	const shutdown = () => {
		void sandbox.stop().then(() => process.exit(0));
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
