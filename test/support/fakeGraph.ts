/**
 * A fake API host for the hostile suites, answered by nock: every request to `base`, whatever
 * its method and path, is recorded (method, path as it arrived, query, headers, body) and
 * answered by the suite's `answer` function; every request to any other host is recorded too
 * (nock's "no match") and fails, as the network is closed while the suite runs (`useNock`).
 * The path is the one the HTTP client sent, after URL resolution: `/v26.0/..` arrives as `/`.
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

export interface RecordedCall {
	method: string;
	host: string;
	/** The path as it arrived, without the query. */
	path: string;
	query: URLSearchParams;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

export interface FakeAnswer {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

export interface FakeGraph {
	/** Requests that reached `base`. */
	calls: RecordedCall[];
	/** Requests to any other host (never answered). */
	elsewhere: RecordedCall[];
	stop(): void;
}

const METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD'];

export function fakeGraph(base: string, answer: (call: RecordedCall) => FakeAnswer): FakeGraph {
	const calls: RecordedCall[] = [];
	const elsewhere: RecordedCall[] = [];
	const host = new URL(base).host;
	const scope = nock(base).persist();
	for (const method of METHODS) {
		scope.intercept(/.*/, method).reply(function reply(uri, body) {
			const url = new URL(uri, base);
			const call: RecordedCall = {
				method,
				host,
				path: url.pathname,
				query: url.searchParams,
				headers: this.req.headers as RecordedCall['headers'],
				body:
					typeof body === 'string' && body.startsWith('{')
						? (JSON.parse(body) as IDataObject)
						: body,
			};
			calls.push(call);
			const { status, body: answerBody, headers } = answer(call);
			return [status, answerBody === undefined ? '' : (answerBody as nock.Body), headers ?? {}];
		});
	}
	const onNoMatch = (request: {
		method?: string;
		host?: string;
		hostname?: string;
		path?: string;
		href?: string;
		headers?: RecordedCall['headers'];
	}) => {
		const url = request.href
			? new URL(request.href)
			: new URL(request.path ?? '/', `http://${request.host ?? request.hostname ?? 'unknown'}`);
		elsewhere.push({
			method: request.method ?? 'GET',
			host: url.host,
			path: url.pathname,
			query: url.searchParams,
			headers: request.headers ?? {},
			body: undefined,
		});
	};
	nock.emitter.on('no match', onNoMatch);
	return {
		calls,
		elsewhere,
		stop() {
			nock.emitter.removeListener('no match', onNoMatch);
			scope.persist(false);
			nock.cleanAll();
		},
	};
}
