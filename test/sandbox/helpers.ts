import { startSandbox } from '../../sandbox/index';
import {
	startReceiver,
	request,
	multipart,
	makeJpeg,
	sign,
	runCli,
	spawnServer,
	firstChange,
} from '../../sandbox/testing';

export {
	startSandbox,
	startReceiver,
	request,
	multipart,
	makeJpeg,
	sign,
	runCli,
	spawnServer,
	firstChange as change,
};

export type RunningSandbox = Awaited<ReturnType<typeof startSandbox>>;
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

export const TOKEN = 'sandbox-token';
export const WABA = '100000000000001';
export const PHONE = '100000000000002';
export const PHONE2 = '100000000000003';
export const APP = '100000000000009';
export const SECRET = 'sandbox-app-secret';
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
			fields: [
				'group_lifecycle_update',
				'group_participants_update',
				'group_settings_update',
				'group_status_update',
				'messages',
			],
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
