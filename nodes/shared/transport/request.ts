import type { IDataObject, IHttpRequestOptions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { Provider } from './endpoints';
import { PROVIDERS, resolvePath } from './endpoints';
import {
	describeMetaError,
	metaApiError,
	metaCodeOf,
	providerApiError,
	readErrorBody,
	redactSecrets,
} from './errors';
import { shownValue } from './path';
import type { Failure } from './retry';
import {
	classifyNetworkError,
	classifyResponse,
	DEFAULT_RETRY,
	parseRetryAfter,
	Retries,
} from './retry';
import type { GraphRequest, GraphResponse, N8nContext, PageResult, PaginateOptions } from './types';

/** Meta's credential (the default Authentication). */
export const CREDENTIAL_TYPE = 'whatsAppGroupsApi';
/** 360dialog's credential. */
export const D360_CREDENTIAL_TYPE = 'whatsAppGroups360DialogApi';

export const CREDENTIAL_TYPES: Record<Provider, string> = {
	cloudApi: CREDENTIAL_TYPE,
	'360dialog': D360_CREDENTIAL_TYPE,
};

export const META_DEFAULT_BASE_URL = 'https://graph.facebook.com';
export const D360_DEFAULT_BASE_URL = 'https://waba-v2.360dialog.io';

/**
 * The node's Authentication parameter: which API the node talks to. Read from the node itself
 * (or, in a list search, the parameters being edited), so that every n8n context reads it alike;
 * absent in workflows saved before it existed, which talk to Meta.
 */
export function providerOf(context: N8nContext): Provider {
	const current =
		'getCurrentNodeParameters' in context && typeof context.getCurrentNodeParameters === 'function'
			? context.getCurrentNodeParameters()
			: undefined;
	const node = context.getNode();
	const value = (current ?? node.parameters).authentication ?? 'cloudApi';
	if ((PROVIDERS as readonly unknown[]).includes(value)) return value as Provider;
	throw new NodeOperationError(
		node,
		`Unknown Authentication ${JSON.stringify(value)}: choose Meta Cloud API or 360dialog`,
	);
}

export interface Connection {
	provider: Provider;
	/** The credential n8n authenticates the requests with. */
	credentialType: string;
	/** Everything before the endpoint's path: Meta's base URL and Graph version, or 360dialog's host. */
	baseUrl: string;
	/** The credential's secrets, scrubbed from every error. */
	secrets: string[];
}

/**
 * Every form in which a secret can travel or come back: as stored and trimmed (n8n sends the
 * header `Bearer <token>` and the server drops the spaces around it, so an API that echoes the
 * token echoes the trimmed one). Longest first, so a secret that contains another is replaced
 * whole.
 */
export function secretForms(values: unknown[]): string[] {
	const forms = new Set<string>();
	for (const value of values) {
		if (typeof value !== 'string') continue;
		for (const form of [value, value.trim()]) if (form.length > 0) forms.add(form);
	}
	return [...forms].sort((a, b) => b.length - a.length);
}

/** Meta's API versions: v27.0. Anything else in the URL could reach another endpoint. */
const GRAPH_VERSION = /^v\d{1,3}\.\d{1,3}$/;

/** Provider, base URL and the secrets to scrub, from the credential. n8n adds the token or key. */
export async function getConnection(context: N8nContext): Promise<Connection> {
	const provider = providerOf(context);
	const credentialType = CREDENTIAL_TYPES[provider];
	const credentials = await context.getCredentials(credentialType);
	if (provider === '360dialog') {
		return {
			provider,
			credentialType,
			baseUrl: String(credentials.baseUrl || D360_DEFAULT_BASE_URL)
				.trim()
				.replace(/\/+$/, ''),
			secrets: secretForms([credentials.apiKey]),
		};
	}
	const base = String(credentials.baseUrl || META_DEFAULT_BASE_URL)
		.trim()
		.replace(/\/+$/, '');
	const version = String(credentials.graphApiVersion || 'v27.0')
		.trim()
		.replace(/^\/+|\/+$/g, '');
	if (!GRAPH_VERSION.test(version)) {
		throw new NodeOperationError(
			context.getNode(),
			`The credential's Graph API Version ${shownValue(version)} is not a version such as v27.0: correct it in the credential`,
			{ description: 'Nothing was sent.' },
		);
	}
	return {
		provider,
		credentialType,
		baseUrl: `${base}/${version}`,
		secrets: secretForms([credentials.accessToken, credentials.appSecret]),
	};
}

function parseBody(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body === 'string') {
		const text = body.trim();
		if (text.startsWith('{') || text.startsWith('[')) {
			try {
				return JSON.parse(text);
			} catch {
				return body;
			}
		}
	}
	return body;
}

/** How long a request waits for Meta's answer when the caller sets no `timeoutMs`. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * The one way the nodes talk to Meta: authenticated by n8n with the credential, retried with
 * exponential backoff and jitter on throttling and transient failures (honouring Retry-After,
 * bounded in attempts and in total wait), never retried after an ambiguous failure of a
 * non-idempotent call unless asked, and every failure turned into a secret-free NodeApiError.
 *
 * Throttling (Meta refused the call before doing anything) is retried for as long as the wait
 * budget allows; other failures at most `maxAttempts` times. Never sent: a path whose IDs are not
 * IDs (`resolvePath` refuses `.`, `..`, `/`, `%`, spaces, … see `./path`). Never followed: a
 * redirect (the request carries the token, and n8n would send it on to whatever host a redirect
 * names).
 */
export async function callGraphFull<T>(
	context: N8nContext,
	request: GraphRequest,
): Promise<GraphResponse<T>> {
	const connection = await getConnection(context);
	const node = context.getNode();
	if (request.authentication === 'none' && connection.provider !== 'cloudApi') {
		throw new NodeOperationError(
			node,
			'Not available with 360dialog: an app token call is Meta-only',
			{
				description: 'Nothing was sent.',
			},
		);
	}
	const path = resolvePath(
		node,
		connection.provider,
		request.endpoint,
		request.ids,
		request.itemIndex,
	);
	const retries = new Retries(
		{ ...DEFAULT_RETRY, ...(request.retry ?? {}) },
		request.idempotent ?? request.method !== 'POST',
	);
	const isBuffer = Buffer.isBuffer(request.body);

	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${connection.baseUrl}${path}`,
		qs: request.qs,
		headers: request.headers,
		body: request.body,
		json: !isBuffer,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// n8n follows redirects and sends the credential along, to any host: never.
		disableFollowRedirect: true,
		timeout:
			request.timeoutMs !== undefined && Number.isFinite(request.timeoutMs) && request.timeoutMs > 0
				? request.timeoutMs
				: DEFAULT_TIMEOUT_MS,
	};
	if (options.qs && Object.keys(options.qs).length === 0) delete options.qs;
	if (options.body === undefined) delete options.body;

	for (let attempt = 1; ; attempt++) {
		let response: { statusCode: number; body: unknown; headers?: IDataObject } | undefined;
		let sendError: unknown;
		try {
			response = (
				request.authentication === 'none'
					? await context.helpers.httpRequest(options)
					: await context.helpers.httpRequestWithAuthentication.call(
							context,
							connection.credentialType,
							options,
						)
			) as { statusCode: number; body: unknown; headers?: IDataObject };
		} catch (error) {
			sendError = error;
		}
		let failure: Failure;
		if (response === undefined) {
			failure = networkFailure(node, sendError, request, connection);
		} else {
			const { statusCode } = response;
			const body = parseBody(response.body);
			const headers = response.headers ?? {};
			if (statusCode < 300 || request.acceptStatuses?.includes(statusCode)) {
				return { statusCode, body: body as T, headers };
			}
			if (statusCode < 400) {
				throw redirectError(node, statusCode, headers.location, request, connection);
			}
			const errorContext = {
				statusCode,
				itemIndex: request.itemIndex,
				secrets: connection.secrets,
			};
			const read = readErrorBody(body);
			if (read?.kind === 'provider') {
				// 360dialog's own layer (key, routing): `{"error": "…"}` or `meta.developer_message`.
				failure = {
					kind: classifyResponse(statusCode, undefined),
					error: providerApiError(node, read.message, errorContext),
					retryAfterMs: parseRetryAfter(headers['retry-after']),
				};
			} else {
				const detail = read?.detail ?? {
					message: `HTTP ${statusCode} without an error body`,
				};
				failure = {
					kind: classifyResponse(statusCode, detail),
					error: metaApiError(node, detail, errorContext),
					retryAfterMs: parseRetryAfter(headers['retry-after']),
				};
			}
		}

		await sleep(retries.waitAfter(failure, attempt));
	}
}

/** A request that got no HTTP answer: whether it may have reached Meta, and a secret-free error. */
function networkFailure(
	node: INode,
	error: unknown,
	request: GraphRequest,
	connection: Connection,
): Failure {
	const { kind, code } = classifyNetworkError(error);
	const rawMessage = error instanceof Error ? error.message : String(error);
	const message = redactSecrets(rawMessage, connection.secrets);
	const headline = `Could not reach the WhatsApp API${code ? ` (${code})` : ''}`;
	const networkError = new NodeApiError(
		node,
		{ message, networkErrorCode: code ?? 'UNKNOWN' },
		{
			message: headline,
			description: `${message}. Check the credential's Base URL and the network.`,
			itemIndex: request.itemIndex,
		},
	);
	// n8n swaps any message naming ECONNRESET & co. for a generic text; keep ours.
	networkError.message = headline;
	return { kind, error: networkError };
}

/**
 * A redirect is never followed: the request carries the credential. The error names where it
 * pointed (scheme and host only) so the user can correct the Base URL.
 */
function redirectError(
	node: INode,
	statusCode: number,
	location: unknown,
	request: GraphRequest,
	connection: Connection,
): NodeApiError {
	let target = 'another address';
	try {
		const url = new URL(
			String(Array.isArray(location) ? location[0] : location),
			connection.baseUrl,
		);
		target =
			url.origin === new URL(connection.baseUrl).origin
				? 'another path on the same host'
				: url.origin;
	} catch {
		// No readable Location: "another address".
	}
	return new NodeApiError(
		node,
		{ message: `HTTP ${statusCode} redirect`, httpCode: String(statusCode) },
		{
			message: `The WhatsApp API answered with a redirect (HTTP ${statusCode}), which the node does not follow`,
			description: redactSecrets(
				`It pointed to ${target}. Requests carry the credential, so they go only to the credential's Base URL (${connection.baseUrl}) and are never forwarded: set the Base URL to the address that answers the API itself. Not retried.`,
				connection.secrets,
			),
			httpCode: String(statusCode),
			itemIndex: request.itemIndex,
		},
	);
}

/** Clean, secret-free error description for output items (continueOnFail, per-ID failures). */
export { describeMetaError };

const EXPIRED_CURSOR_CODE = 131059;

/**
 * Follows `paging.cursors.after` while Meta announces a `next` page (or, with
 * `followCursorWhenFull`, while a page comes back full), until `limit` items are collected.
 * `extract` pulls the items out of a page (active groups nest them in `data.groups`). A cursor
 * that comes back a second time would ask for a page already read, for ever: that stops the
 * paging with an error.
 */
export async function paginateGraph<TPage, TItem>(
	context: N8nContext,
	request: GraphRequest,
	extract: (page: TPage) => PageResult<TItem>,
	options: PaginateOptions<TItem> = {},
): Promise<TItem[]> {
	const limit = options.limit ?? Number.POSITIVE_INFINITY;
	const collected: TItem[] = [];
	const seen = new Set<string>();
	/** The cursors asked for since the (re)start, the first page's as ''. */
	const cursorsUsed = new Set<string>(['']);
	let after: string | undefined;
	let restarted = false;
	let pages = 0;
	for (;;) {
		const remaining = limit - collected.length;
		const qs: IDataObject = { ...(request.qs ?? {}) };
		if (options.pageSize !== undefined)
			qs.limit = Math.min(options.pageSize, Math.max(1, remaining));
		if (after) qs.after = after;
		let page: TPage | undefined;
		let failure: unknown;
		try {
			page = await callGraph<TPage>(context, { ...request, qs });
		} catch (error) {
			failure = error;
		}
		if (page === undefined) {
			const expired = after !== undefined && metaCodeOf(failure) === EXPIRED_CURSOR_CODE;
			if (expired && options.restartKey && !restarted) {
				restarted = true;
				after = undefined;
				cursorsUsed.clear();
				cursorsUsed.add('');
				continue;
			}
			throw failure;
		}
		pages++;
		const { items, paging } = extract(page);
		for (const item of items) {
			if (collected.length >= limit) break;
			if (options.restartKey) {
				const key = options.restartKey(item);
				if (seen.has(key)) continue;
				seen.add(key);
			}
			collected.push(item);
		}
		const nextCursor = paging?.cursors?.after;
		// Meta announces a next page with `next`; some edges (join requests) document only cursors,
		// so there a full page with an `after` cursor means there may be more.
		const full =
			options.followCursorWhenFull === true &&
			qs.limit !== undefined &&
			items.length >= Number(qs.limit);
		const more = paging?.next !== undefined || full;
		if (collected.length >= limit || !more || !nextCursor || items.length === 0) break;
		const cursor = String(nextCursor);
		if (cursorsUsed.has(cursor)) {
			throw new NodeOperationError(
				context.getNode(),
				'The WhatsApp API sent a page cursor it had already sent: stopped paging',
				{
					itemIndex: request.itemIndex,
					description: `After ${pages} page${pages === 1 ? '' : 's'} and ${collected.length} item${collected.length === 1 ? '' : 's'}, Meta's next cursor pointed to a page already read; following it would ask for the same pages for ever. Nothing is returned for this item: run it again later, or turn off Return All and set a Limit.`,
				},
			);
		}
		cursorsUsed.add(cursor);
		after = cursor;
	}
	return collected;
}

/** The body of `callGraphFull`'s answer, for callers that need neither status nor headers. */
export async function callGraph<T>(context: N8nContext, request: GraphRequest): Promise<T> {
	return (await callGraphFull<T>(context, request)).body;
}
