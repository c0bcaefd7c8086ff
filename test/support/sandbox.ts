/**
 * The sandbox as the jest suites use it: its test helpers (sandbox/testing.js), its default
 * credentials and IDs, and shortcuts for the Graph and control APIs.
 */
import { TRIGGER_WEBHOOK_FIELDS } from '../../nodes/shared/types/webhooks';
import { Sandbox, startSandbox } from '../../sandbox/index';
import { request, startReceiver } from '../../sandbox/testing';

export { startSandbox, startReceiver, request };
export {
	multipart,
	makeJpeg,
	sign,
	runCli,
	spawnServer,
	firstChange as change,
} from '../../sandbox/testing';

export type RunningSandbox = Awaited<ReturnType<typeof startSandbox>>;
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/**
 * The defaults of a sandbox started without options (what its `.config` answers), read from the
 * sandbox itself rather than copied; test/sandbox/control.test.ts checks them against the values
 * the README documents.
 */
const defaults = new Sandbox();
const [defaultPhone, secondPhone] = [...defaults.phones.keys()];
export const TOKEN = defaults.token;
export const WABA = defaults.wabaId;
export const PHONE = defaultPhone;
export const PHONE2 = secondPhone;
export const APP = defaults.appId;
export const SECRET = defaults.appSecret;
/** The 360dialog API keys of the two numbers (one key per number). */
export const D360_KEY = defaults.phones.get(defaultPhone)!.d360_api_key;
export const D360_KEY2 = defaults.phones.get(secondPhone)!.d360_api_key;
/** An app access token as Meta forms it: "<app id>|<app secret>". */
export const APP_TOKEN = `${APP}|${SECRET}`;

export type ApiResponse = Awaited<ReturnType<typeof request>>;

export interface Api {
	(
		method: string,
		path: string,
		body?: unknown,
		opts?: { token?: string | null; headers?: Record<string, string>; raw?: Buffer | string },
	): Promise<ApiResponse>;
}

/** Calls the sandbox's Graph API (path below the version) with the system-user token. */
export function graphApi(sandbox: RunningSandbox, version = 'v26.0'): Api {
	return async (method, path, body, opts = {}) => {
		const headers: Record<string, string> = { ...(opts.headers ?? {}) };
		const token = opts.token === undefined ? TOKEN : opts.token;
		if (token !== null) headers.authorization = `Bearer ${token}`;
		return request(`${sandbox.url}/${version}${path}`, {
			method,
			headers,
			json: opts.raw === undefined ? body : undefined,
			body: opts.raw,
		});
	};
}

/** Calls the sandbox in 360dialog's dialect (path without version) with a number's API key. */
export function d360Api(sandbox: RunningSandbox, key: string | null = D360_KEY): Api {
	return async (method, path, body, opts = {}) => {
		const headers: Record<string, string> = { ...(opts.headers ?? {}) };
		if (key !== null) headers['d360-api-key'] = key;
		return request(`${sandbox.url}${path}`, {
			method,
			headers,
			json: opts.raw === undefined ? body : undefined,
			body: opts.raw,
		});
	};
}

/** Calls a /_sandbox control endpoint. */
export function controlApi(sandbox: RunningSandbox): Api {
	return async (method, path, body) =>
		request(`${sandbox.url}/_sandbox${path}`, { method, json: body });
}

/** Creates a group and waits until it exists; returns its id and the create webhook item. */
export async function createGroup(
	sandbox: RunningSandbox,
	subject = 'Test group',
	extra: Record<string, unknown> = {},
	phone = PHONE,
): Promise<{ groupId: string; requestId: string }> {
	const api = graphApi(sandbox);
	const res = await api('POST', `/${phone}/groups`, {
		messaging_product: 'whatsapp',
		subject,
		...extra,
	});
	if (res.status !== 200) throw new Error(`create failed: ${res.text}`);
	await sandbox.idle();
	const request = sandbox.state.requests.get(res.body.request_id);
	if (!request?.group_id) throw new Error('group was not created');
	return { groupId: request.group_id, requestId: res.body.request_id };
}

/** Subscribes the app (after the challenge) to every group field and messages at the receiver. */
export async function subscribeApp(
	sandbox: RunningSandbox,
	receiver: Receiver,
	verifyToken = 'verify-me',
): Promise<void> {
	const api = graphApi(sandbox);
	const res = await api(
		'POST',
		`/${APP}/subscriptions`,
		{
			object: 'whatsapp_business_account',
			callback_url: receiver.url,
			verify_token: verifyToken,
			fields: [...TRIGGER_WEBHOOK_FIELDS],
		},
		{ token: APP_TOKEN },
	);
	if (res.status !== 200) throw new Error(`subscribe failed: ${res.text}`);
}

/** Joins users (auto_approve group) through the sandbox's simulation endpoint. */
export async function addMembers(
	sandbox: RunningSandbox,
	groupId: string,
	phones: string[],
): Promise<void> {
	const control = controlApi(sandbox);
	for (const phone of phones) {
		const res = await control('POST', '/users/join', {
			group_id: groupId,
			phone,
			name: `User ${phone}`,
		});
		if (res.status !== 200) throw new Error(`join failed: ${res.text}`);
	}
	await sandbox.idle();
}

export const FAST = { asyncDelayMs: 5, statusDelayMs: 5, deliveryRetryDelayMs: 20 };

export interface SubscribedSandbox {
	sandbox: RunningSandbox;
	/** Subscribed (after the challenge) to every group field and messages; checks signatures. */
	receiver: Receiver;
	api: Api;
	control: Api;
	/** Waits until no outcome or delivery is pending, then forgets what the receiver got. */
	settle: () => Promise<void>;
}

/**
 * jest hooks for the sandbox suites' usual setup: a sandbox with FAST timings whose app is
 * subscribed to a new receiver, started before the tests (then `use` gets it, for variables and
 * more setup), stopped after them, and settled before each test so statuses and webhooks of one
 * test do not leak into the next (`settleBeforeEach: false` leaves that to the suite).
 */
export function useSubscribedSandbox(
	use: (fixture: SubscribedSandbox) => unknown,
	options: { settleBeforeEach?: boolean } = {},
): void {
	let fixture: SubscribedSandbox | undefined;
	beforeAll(async () => {
		const sandbox = await startSandbox(FAST);
		const receiver = await startReceiver({ appSecret: sandbox.state.appSecret });
		await subscribeApp(sandbox, receiver);
		fixture = {
			sandbox,
			receiver,
			api: graphApi(sandbox),
			control: controlApi(sandbox),
			settle: async () => {
				await sandbox.idle();
				receiver.clear();
			},
		};
		await use(fixture);
	});
	afterAll(async () => {
		await fixture?.sandbox.stop();
		await fixture?.receiver.stop();
	});
	if (options.settleBeforeEach !== false) {
		beforeEach(async () => {
			await fixture?.settle();
		});
	}
}
