// @ts-check
'use strict';

/**
 * What `npm run dev` and `npm run test:e2e` share: building the package, the sandbox credential,
 * the example workflows.
 */

const fs = require('node:fs');
const path = require('node:path');

const { runToEnd } = require('./processes');

const REPO = path.resolve(__dirname, '..', '..');
const EXAMPLES_DIR = path.join(REPO, 'dev', 'examples');
const CREDENTIAL_ID = 'SandboxWaGroups1';
const CREDENTIAL_NAME = 'WhatsApp Groups sandbox';
const D360_CREDENTIAL_ID = 'Sandbox360dialog1';
const D360_CREDENTIAL_NAME = '360dialog sandbox';

/** The example workflows (dev/examples/*.json), by file name without .json. */
function loadExamples() {
	/** @type {Record<string, any>} */
	const out = {};
	for (const file of fs.readdirSync(EXAMPLES_DIR).sort()) {
		if (!file.endsWith('.json')) continue;
		out[file.replace(/\.json$/, '')] = JSON.parse(
			fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'),
		);
	}
	return out;
}

/**
 * The credential that points the nodes at a running sandbox.
 * @param {{url: string, config: {access_token: string, waba_id: string, app_id: string, app_secret: string}}} sandbox
 * @param {{id?: string, name?: string}} [o]
 */
function sandboxCredential(sandbox, o = {}) {
	return {
		id: o.id ?? CREDENTIAL_ID,
		name: o.name ?? CREDENTIAL_NAME,
		type: 'whatsAppGroupsApi',
		data: {
			accessToken: sandbox.config.access_token,
			businessAccountId: sandbox.config.waba_id,
			appId: sandbox.config.app_id,
			appSecret: sandbox.config.app_secret,
			graphApiVersion: 'v27.0',
			baseUrl: sandbox.url,
		},
	};
}

/**
 * The 360dialog credential that points the nodes at a running sandbox's 360dialog dialect: the API
 * key of one number (360dialog keys belong to one number; by default the sandbox's last one, so
 * that a 360dialog trigger does not take the Meta examples' numbers).
 * @param {{url: string, config: {d360_base_url: string, phone_numbers: Array<{id: string, d360_api_key: string}>}}} sandbox
 * @param {{id?: string, name?: string, phoneNumberId?: string}} [o]
 */
function sandbox360dialogCredential(sandbox, o = {}) {
	const numbers = sandbox.config.phone_numbers;
	const number = o.phoneNumberId
		? numbers.find((p) => p.id === o.phoneNumberId)
		: numbers[numbers.length - 1];
	if (!number) throw new Error(`The sandbox has no phone number ${o.phoneNumberId ?? ''}`);
	return {
		id: o.id ?? D360_CREDENTIAL_ID,
		name: o.name ?? D360_CREDENTIAL_NAME,
		type: 'whatsAppGroups360DialogApi',
		data: { apiKey: number.d360_api_key, baseUrl: sandbox.config.d360_base_url },
	};
}

/**
 * The sandbox's business numbers in `npm run dev`: its two defaults (the Meta examples use them)
 * and a third for the 360dialog credential.
 */
const DEV_PHONE_NUMBERS = [
	{ id: '100000000000002', display_phone_number: '15550001001', verified_name: 'Sandbox Business' },
	{
		id: '100000000000003',
		display_phone_number: '15550001002',
		verified_name: 'Sandbox Business Support',
	},
	{
		id: '100000000000004',
		display_phone_number: '15550001003',
		verified_name: 'Sandbox Business (360dialog)',
	},
];

/** Runs `npm run build` in the repository. @param {{quiet?: boolean}} [o] */
async function buildPackage(o = {}) {
	const started = Date.now();
	const { code, output } = await runToEnd('npm', ['run', 'build'], { cwd: REPO, quiet: o.quiet });
	if (code !== 0) throw new Error(`npm run build failed (exit ${code})\n${output.slice(-4000)}`);
	return { ms: Date.now() - started };
}

/** Whether dist/ holds the built nodes and credential that package.json lists. */
function isBuilt() {
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
	const files = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
	return files.length > 0 && files.every((f) => fs.existsSync(path.join(REPO, f)));
}

/**
 * Copies the built package (package.json and dist/) to `dest`, so that a running n8n is not
 * disturbed by a rebuild in the working tree. Returns `dest`.
 * @param {string} dest
 */
function snapshotPackage(dest) {
	fs.rmSync(dest, { recursive: true, force: true });
	fs.mkdirSync(dest, { recursive: true });
	fs.copyFileSync(path.join(REPO, 'package.json'), path.join(dest, 'package.json'));
	fs.cpSync(path.join(REPO, 'dist'), path.join(dest, 'dist'), { recursive: true });
	return dest;
}

const APP_FIELDS = [
	'group_lifecycle_update',
	'group_participants_update',
	'group_settings_update',
	'group_status_update',
	'messages',
];

/**
 * Sets the sandbox up like a Meta app that is already configured for groups: the app has its
 * own default webhook callback (here a local receiver that records what reaches it) subscribed to
 * the four group fields and messages. Phone-number and WABA overrides - which the trigger's
 * default destinations set - only redirect fields the app is subscribed to.
 * @param {any} sandbox a running sandbox from startSandbox()
 */
async function configureMetaApp(sandbox) {
	const { startReceiver } = sandboxModule();
	const verifyToken = 'app-default-callback';
	const receiver = await startReceiver({ verifyToken, appSecret: sandbox.config.app_secret });
	await sandbox.state.subscribeApp({
		object: 'whatsapp_business_account',
		callback_url: receiver.url,
		verify_token: verifyToken,
		fields: APP_FIELDS.join(','),
	});
	return receiver;
}

/** The trigger's node type as n8n names it when the package is loaded from N8N_CUSTOM_EXTENSIONS. */
const TRIGGER_TYPE = 'CUSTOM.whatsAppGroupsTrigger';

/**
 * The production webhook URLs where a workflow's WhatsApp Groups Triggers register (the Manual
 * destination registers nothing; a node without a webhookId has no URL yet).
 * @param {{nodes?: Array<{type: string, disabled?: boolean, webhookId?: string, parameters?: Record<string, unknown>}>}} workflow
 * @param {string} baseUrl n8n's webhook base, e.g. http://127.0.0.1:5678
 */
function triggerUrls(workflow, baseUrl) {
	return (workflow.nodes ?? [])
		.filter(
			(n) =>
				n.type === TRIGGER_TYPE &&
				!n.disabled &&
				n.webhookId &&
				(n.parameters?.destination ?? 'phoneNumber') !== 'manual',
		)
		.map((n) => `${baseUrl.replace(/\/+$/, '')}/webhook/${n.webhookId}/webhook`);
}

/**
 * Every callback URL a running sandbox would deliver to now: the phone numbers' overrides and
 * 360dialog webhooks, the WABA's override and the app's callback.
 * @param {any} state sandbox.state
 */
function sandboxCallbacks(state) {
	const urls = [...state.phones.values()].flatMap((/** @type {any} */ p) => [
		p.override?.uri,
		p.d360_webhook?.url,
	]);
	urls.push(state.waba.override?.uri, state.appSubscription?.callback_url);
	return new Set(urls.filter((u) => typeof u === 'string'));
}

/**
 * The workflows among `workflows` whose triggers have not (all) registered with the sandbox.
 * @template {{nodes?: any[]}} W
 * @param {W[]} workflows
 * @param {any} state sandbox.state
 * @param {string} baseUrl
 * @returns {W[]}
 */
function unregisteredWorkflows(workflows, state, baseUrl) {
	const callbacks = sandboxCallbacks(state);
	return workflows.filter((wf) => triggerUrls(wf, baseUrl).some((url) => !callbacks.has(url)));
}

/** The sandbox's programmatic API (sandbox/index.js). */
function sandboxModule() {
	return require(path.join(REPO, 'sandbox', 'index.js'));
}

module.exports = {
	REPO,
	EXAMPLES_DIR,
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	D360_CREDENTIAL_ID,
	D360_CREDENTIAL_NAME,
	DEV_PHONE_NUMBERS,
	loadExamples,
	sandboxCredential,
	sandbox360dialogCredential,
	buildPackage,
	isBuilt,
	snapshotPackage,
	sandboxModule,
	configureMetaApp,
	APP_FIELDS,
	TRIGGER_TYPE,
	triggerUrls,
	sandboxCallbacks,
	unregisteredWorkflows,
};
