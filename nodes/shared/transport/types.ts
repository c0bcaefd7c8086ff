/** The transport's contract: who may call it, what a request says, and what comes back. */
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import type { GraphPaging } from '../types';
import type { EndpointName, PathIds } from './endpoints';

/** The n8n function contexts that may call Meta (action, list searches, trigger hooks and webhook). */
export type N8nContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IWebhookFunctions;

export interface RetryOptions {
	/**
	 * Attempts in all, the first included, for failures other than throttling. A throttled answer
	 * (Meta refused the call before doing anything) is retried for as long as `maxTotalWaitMs`
	 * allows, at most MAX_THROTTLED_ATTEMPTS times.
	 */
	maxAttempts: number;
	/** The most the request may spend waiting between attempts, in milliseconds. */
	maxTotalWaitMs: number;
	/** First backoff step; doubles on each attempt, with equal jitter (see `backoffDelay`). */
	baseDelayMs: number;
	/** The longest backoff step (a longer Retry-After is still honoured). */
	maxDelayMs: number;
	/** Retry a non-idempotent request (create, send) after a failure that may have reached Meta. */
	retryAmbiguous: boolean;
}

export interface GraphRequest {
	method: IHttpRequestMethods;
	/** Which endpoint (see ENDPOINTS): its path depends on the provider the node talks to. */
	endpoint: EndpointName;
	/** The IDs the endpoint's path names (a 360dialog path names no phone number). */
	ids?: PathIds;
	qs?: IDataObject;
	body?: IDataObject | Buffer;
	headers?: IDataObject;
	/**
	 * False for operations that must not happen twice (create a group, send a message): a failure
	 * after which the request may have reached Meta is then not retried unless `retryAmbiguous`.
	 */
	idempotent?: boolean;
	itemIndex?: number;
	retry?: Partial<RetryOptions>;
	/** HTTP statuses answered as data rather than thrown (e.g. 206 partial success). */
	acceptStatuses?: number[];
	/**
	 * How long to wait for Meta's answer, in milliseconds; DEFAULT_TIMEOUT_MS when unset. The
	 * caller decides (the action node passes each item's Request Timeout): the transport reads no
	 * node parameter.
	 */
	timeoutMs?: number;
	/**
	 * 'credential' (default): n8n adds the credential's token or API key. 'none': sent as is, for
	 * the few Meta calls that carry another token themselves (app-level subscriptions need an app
	 * token).
	 */
	authentication?: 'credential' | 'none';
}

export interface GraphResponse<T> {
	statusCode: number;
	body: T;
	headers: IDataObject;
}

export interface PageResult<T> {
	items: T[];
	paging?: GraphPaging;
}

export interface PaginateOptions<TItem> {
	/** Stop after this many items (default: all). */
	limit?: number;
	/** Sent as `limit`; shrunk on the last page so no more is fetched than needed. */
	pageSize?: number;
	/**
	 * When a cursor expires mid-way (131059), start again from the first page once and skip the
	 * items already collected, recognised by this key. Without it the error is thrown.
	 */
	restartKey?: (item: TItem) => string;
	/**
	 * Also follow the `after` cursor when the page has no `next` link but holds as many items as
	 * asked for (`pageSize`): for edges whose documented answer carries cursors only.
	 */
	followCursorWhenFull?: boolean;
}
