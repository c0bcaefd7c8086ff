/**
 * Fake n8n contexts for unit tests: enough of IHookFunctions / IWebhookFunctions /
 * IExecuteFunctions-like objects to run node code outside n8n. HTTP goes out for real (global
 * fetch), so nock sees the exact method, path, query, body and headers.
 */
import type {
	IDataObject,
	IHookFunctions,
	IHttpRequestOptions,
	INode,
	IWebhookFunctions,
} from 'n8n-workflow';

export interface FakeLogger {
	debug: jest.Mock;
	info: jest.Mock;
	warn: jest.Mock;
	error: jest.Mock;
}

export function fakeLogger(): FakeLogger {
	return { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
}

export const FAKE_NODE: INode = {
	id: 'node-id-not-a-secret',
	name: 'WhatsApp Groups Trigger',
	type: 'n8n-nodes-whatsapp-groups.whatsAppGroupsTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export interface RecordedRequest {
	method: string;
	url: string;
	headers: Record<string, string>;
	body?: string;
}

function buildUrl(options: IHttpRequestOptions): string {
	const url = new URL(options.url, options.baseURL);
	for (const [key, value] of Object.entries(options.qs ?? {})) {
		if (value === undefined || value === null) continue;
		url.searchParams.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
	}
	return url.toString();
}

/**
 * Performs an n8n-style request with fetch, honouring the options the transport uses:
 * qs, headers, body, json, returnFullResponse and ignoreHttpStatusErrors.
 */
export async function performRequest(
	options: IHttpRequestOptions,
	extraHeaders: Record<string, string> = {},
	recorded?: RecordedRequest[],
): Promise<unknown> {
	const headers: Record<string, string> = {};
	for (const [key, value] of Object.entries(options.headers ?? {})) {
		if (value !== undefined) headers[key.toLowerCase()] = String(value);
	}
	for (const [key, value] of Object.entries(extraHeaders)) headers[key.toLowerCase()] = value;
	let body: string | Buffer | undefined;
	if (options.body !== undefined) {
		if (Buffer.isBuffer(options.body) || typeof options.body === 'string') {
			body = options.body as Buffer | string;
		} else {
			body = JSON.stringify(options.body);
			headers['content-type'] ??= 'application/json';
		}
	}
	if (options.json) headers.accept ??= 'application/json';
	const url = buildUrl(options);
	recorded?.push({
		method: options.method ?? 'GET',
		url,
		headers,
		body: body === undefined ? undefined : body.toString(),
	});
	const response = await fetch(url, { method: options.method ?? 'GET', headers, body });
	const text = await response.text();
	let parsed: unknown = text;
	if (text !== '') {
		try {
			parsed = JSON.parse(text);
		} catch {
			parsed = text;
		}
	}
	if (!options.ignoreHttpStatusErrors && response.status >= 400) {
		throw Object.assign(new Error(`Request failed with status code ${response.status}`), {
			httpCode: String(response.status),
			response: { status: response.status, data: parsed },
		});
	}
	if (!options.returnFullResponse) return parsed;
	const responseHeaders: IDataObject = {};
	response.headers.forEach((value, key) => {
		responseHeaders[key] = value;
	});
	return { statusCode: response.status, headers: responseHeaders, body: parsed };
}

export interface FakeContextOptions {
	/** Node parameters by name; getNodeParameter falls back to the caller's default. */
	parameters?: Record<string, unknown>;
	/** The whatsAppGroupsApi credential. */
	credentials?: Record<string, unknown>;
	/** What getNodeWebhookUrl('default') answers. */
	webhookUrl?: string;
	/** The node's static data (shared object, so tests can look at it afterwards). */
	staticData?: IDataObject;
	node?: Partial<INode>;
}

function parameterReader(parameters: Record<string, unknown>) {
	return (name: string, fallback?: unknown) => (name in parameters ? parameters[name] : fallback);
}

function credentialReader(credentials: Record<string, unknown>) {
	return async (type: string) => {
		if (type !== 'whatsAppGroupsApi') throw new Error(`Unexpected credential type ${type}`);
		return credentials as IDataObject;
	};
}

function requestHelpers(credentials: Record<string, unknown>, recorded: RecordedRequest[]) {
	return {
		// What the credential's `authenticate` does: a bearer token header.
		httpRequestWithAuthentication: jest.fn(async (type: string, options: IHttpRequestOptions) => {
			if (type !== 'whatsAppGroupsApi') throw new Error(`Unexpected credential type ${type}`);
			return await performRequest(
				options,
				{ Authorization: `Bearer ${String(credentials.accessToken)}` },
				recorded,
			);
		}),
		httpRequest: jest.fn(
			async (options: IHttpRequestOptions) => await performRequest(options, {}, recorded),
		),
	};
}

export interface FakeHookContext {
	context: IHookFunctions;
	logger: FakeLogger;
	staticData: IDataObject;
	requests: RecordedRequest[];
}

export function createHookContext(options: FakeContextOptions = {}): FakeHookContext {
	const credentials = options.credentials ?? {};
	const staticData = options.staticData ?? {};
	const logger = fakeLogger();
	const requests: RecordedRequest[] = [];
	const context = {
		getNode: () => ({ ...FAKE_NODE, ...(options.node ?? {}) }),
		getNodeParameter: parameterReader(options.parameters ?? {}),
		getCredentials: credentialReader(credentials),
		getNodeWebhookUrl: () => options.webhookUrl,
		getWebhookName: () => 'default',
		getWorkflowStaticData: () => staticData,
		getMode: () => 'trigger',
		getActivationMode: () => 'activate',
		logger,
		helpers: requestHelpers(credentials, requests),
	} as unknown as IHookFunctions;
	return { context, logger, staticData, requests };
}

export interface FakeResponse {
	status: jest.Mock;
	setHeader: jest.Mock;
	send: jest.Mock;
	end: jest.Mock;
	/** What was sent, for assertions. */
	sent: { statusCode?: number; headers: Record<string, string>; body?: unknown };
}

/** An express-like response that records what the node sent. */
export function fakeResponse(): FakeResponse {
	const sent: FakeResponse['sent'] = { headers: {} };
	const response = {} as FakeResponse;
	response.sent = sent;
	response.status = jest.fn((code: number) => {
		sent.statusCode = code;
		return response;
	});
	response.setHeader = jest.fn((name: string, value: string) => {
		sent.headers[name.toLowerCase()] = value;
		return response;
	});
	response.send = jest.fn((body: unknown) => {
		sent.body = body;
		return response;
	});
	response.end = jest.fn(() => response);
	return response;
}

export interface FakeWebhookOptions extends FakeContextOptions {
	webhookName?: 'default' | 'setup';
	method?: 'GET' | 'POST';
	headers?: Record<string, string>;
	query?: IDataObject;
	/** The exact bytes received; `body` defaults to its JSON parse. */
	rawBody?: Buffer | string;
	body?: IDataObject;
	/** The URL the request arrived on (test or production); defaults to webhookUrl. */
	resourceUrl?: string;
}

export interface FakeWebhookContext {
	context: IWebhookFunctions;
	logger: FakeLogger;
	staticData: IDataObject;
	response: FakeResponse;
}

export function createWebhookContext(options: FakeWebhookOptions = {}): FakeWebhookContext {
	const credentials = options.credentials ?? {};
	const staticData = options.staticData ?? {};
	const logger = fakeLogger();
	const response = fakeResponse();
	const rawBody =
		options.rawBody === undefined
			? undefined
			: Buffer.isBuffer(options.rawBody)
				? options.rawBody
				: Buffer.from(options.rawBody, 'utf8');
	let body = options.body;
	if (body === undefined && rawBody !== undefined) {
		try {
			body = JSON.parse(rawBody.toString('utf8')) as IDataObject;
		} catch {
			body = {};
		}
	}
	const headers: Record<string, string> = {};
	for (const [key, value] of Object.entries(options.headers ?? {}))
		headers[key.toLowerCase()] = value;
	const request = {
		method: options.method ?? (options.webhookName === 'setup' ? 'GET' : 'POST'),
		headers,
		query: options.query ?? {},
		body: body ?? {},
		rawBody,
	};
	const context = {
		getNode: () => ({ ...FAKE_NODE, ...(options.node ?? {}) }),
		getNodeParameter: parameterReader(options.parameters ?? {}),
		getCredentials: credentialReader(credentials),
		getNodeWebhookUrl: () => options.webhookUrl,
		getWebhookResourceUrl: () => options.resourceUrl ?? options.webhookUrl,
		getWebhookName: () => options.webhookName ?? 'default',
		getWorkflowStaticData: () => staticData,
		getMode: () => 'webhook',
		getRequestObject: () => request,
		getResponseObject: () => response,
		getHeaderData: () => headers,
		getQueryData: () => request.query,
		getBodyData: () => request.body,
		logger,
		helpers: {
			...requestHelpers(credentials, []),
			returnJsonArray: (data: IDataObject | IDataObject[]) =>
				(Array.isArray(data) ? data : [data]).map((json) => ({ json })),
		},
	} as unknown as IWebhookFunctions;
	return { context, logger, staticData, response };
}
