/**
 * The transport's retry policy: which failures are retried (throttling, failures before the
 * request left, ambiguous failures of idempotent calls), how long to wait (exponential backoff
 * with jitter, honouring Retry-After), and when to give up (attempts and the wait budget).
 */
import type { NodeApiError } from 'n8n-workflow';

import type { GraphErrorDetail } from '../types';
import { metaErrorCode, THROTTLING_CODES } from './errors';
import type { RetryOptions } from './types';

export const DEFAULT_RETRY: RetryOptions = {
	maxAttempts: 5,
	maxTotalWaitMs: 60_000,
	baseDelayMs: 1_000,
	maxDelayMs: 8_000,
	retryAmbiguous: false,
};

/**
 * However short the waits (Retry-After: 0, a zero backoff step), a throttled request is sent at
 * most this many times: the wait budget bounds it in time, this in requests.
 */
export const MAX_THROTTLED_ATTEMPTS = 20;

/** Network failures where the request never left this machine: always safe to retry. */
const NOT_SENT_NETWORK_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);
/** Network failures after which Meta may or may not have processed the request. */
const AMBIGUOUS_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'ESOCKETTIMEDOUT',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'UND_ERR_SOCKET',
]);

export type FailureKind = 'throttled' | 'notSent' | 'ambiguous' | 'fatal';

/** A failed attempt: what kind of failure, the error to throw, and the wait Meta asked for. */
export interface Failure {
	kind: FailureKind;
	error: NodeApiError;
	retryAfterMs?: number;
}

function networkErrorCode(error: unknown): string | undefined {
	let current = error as { code?: unknown; cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		if (typeof current.code === 'string' && /^[A-Z_]+$/.test(current.code)) return current.code;
		current = current.cause as typeof current;
	}
	return undefined;
}

/** A request that got no HTTP answer: its network error code, and whether it may have reached Meta. */
export function classifyNetworkError(error: unknown): { kind: FailureKind; code?: string } {
	const code = networkErrorCode(error);
	const kind: FailureKind =
		code && NOT_SENT_NETWORK_CODES.has(code)
			? 'notSent'
			: code && AMBIGUOUS_NETWORK_CODES.has(code)
				? 'ambiguous'
				: code
					? 'ambiguous'
					: 'fatal';
	return { kind, code };
}

/** An error answer: throttled (Meta did nothing), ambiguous (5xx, transient) or fatal. */
export function classifyResponse(
	statusCode: number,
	detail: GraphErrorDetail | undefined,
): FailureKind {
	const code = metaErrorCode(detail);
	if (statusCode === 429 || (code !== undefined && THROTTLING_CODES.has(code))) return 'throttled';
	if (statusCode >= 500 || detail?.is_transient === true) return 'ambiguous';
	return 'fatal';
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const text = String(Array.isArray(value) ? value[0] : value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

export function backoffDelay(
	attempt: number,
	baseDelayMs: number,
	random = Math.random,
	maxDelayMs = Number.POSITIVE_INFINITY,
): number {
	const ceiling = Math.min(baseDelayMs * 2 ** (attempt - 1), maxDelayMs);
	// "Equal jitter": never less than half the step, so a storm of 429s still spreads out.
	return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * The retries of one request. Throttling (Meta refused the call before doing anything) is
 * retried for as long as the wait budget allows, at most MAX_THROTTLED_ATTEMPTS times; other
 * retryable failures at most `maxAttempts` times; an ambiguous failure of a non-idempotent call
 * only when `retryAmbiguous` asks for it.
 */
export class Retries {
	private waitedMs = 0;
	/** Attempts that failed other than by throttling: these count against `maxAttempts`. */
	private failedAttempts = 0;

	constructor(
		private readonly retry: RetryOptions,
		private readonly idempotent: boolean,
	) {}

	/**
	 * How long to wait before sending again after `failure` on attempt number `attempt` (the first
	 * is 1). When the request is not to be sent again, throws the failure's error, its description
	 * saying why.
	 */
	waitAfter(failure: Failure, attempt: number): number {
		const { retry, idempotent } = this;
		const throttled = failure.kind === 'throttled';
		if (!throttled) this.failedAttempts++;
		const retryable =
			throttled ||
			failure.kind === 'notSent' ||
			(failure.kind === 'ambiguous' && (idempotent || retry.retryAmbiguous));
		const capped = throttled
			? attempt >= MAX_THROTTLED_ATTEMPTS
			: this.failedAttempts >= retry.maxAttempts;
		if (!retryable || capped) {
			if (failure.kind === 'ambiguous' && !idempotent && !retry.retryAmbiguous) {
				failure.error.description =
					`${failure.error.description ?? ''} Not retried automatically: the request may have reached Meta, and a retry could create a duplicate. Check before running it again, or turn on "Retry After Ambiguous Failures".`.trim();
			} else if (retryable) {
				failure.error.description =
					`${failure.error.description ?? ''} Gave up after ${attempt} attempts.`.trim();
			}
			throw failure.error;
		}
		const step = throttled ? attempt : this.failedAttempts;
		const delay = Math.max(
			failure.retryAfterMs ?? 0,
			backoffDelay(step, retry.baseDelayMs, Math.random, retry.maxDelayMs),
		);
		if (this.waitedMs + delay > retry.maxTotalWaitMs) {
			failure.error.description =
				`${failure.error.description ?? ''} Gave up after ${attempt} attempts: waiting ${Math.ceil(delay / 1000)} s more would exceed the retry budget of ${Math.round(retry.maxTotalWaitMs / 1000)} s.`.trim();
			throw failure.error;
		}
		this.waitedMs += delay;
		return delay;
	}
}
