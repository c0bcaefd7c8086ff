// @ts-check
'use strict';

/**
 * Fake n8n contexts: enough of IHookFunctions / IWebhookFunctions (and the request helpers of an
 * execution context) to run node code outside n8n. The one set of fakes for the jest suites and
 * the bench.
 *
 * HTTP goes out for real (global fetch), so nock or a local server sees the exact method, path,
 * query, body and headers.
 *
 * Under jest every function a test may want to inspect (the logger's methods, the response's
 * methods, the request helpers) is a `jest.fn()`, so tests assert on `.mock.calls`. Anywhere else
 * (the bench) they are the plain functions: nothing is recorded, so timings and heap figures
 * measure the node, not the fake.
 */

/**
 * @typedef {import('n8n-workflow').IDataObject} IDataObject
 * @typedef {import('n8n-workflow').IHookFunctions} IHookFunctions
 * @typedef {import('n8n-workflow').IHttpRequestOptions} IHttpRequestOptions
 * @typedef {import('n8n-workflow').INode} INode
 * @typedef {import('n8n-workflow').IWebhookFunctions} IWebhookFunctions
 * @typedef {import('n8n-workflow').IExecuteFunctions} IExecuteFunctions
 * @typedef {import('n8n-workflow').INodeExecutionData} INodeExecutionData
 */

/**
 * jest's `jest.fn` when jest runs this module (jest injects `jest` into every module it loads),
 * otherwise the function itself.
 * @type {(implementation?: (...args: any[]) => any) => jest.Mock}
 */
const spy =
	typeof jest === 'undefined'
		? (implementation) =>
				/** @type {jest.Mock} */ (/** @type {unknown} */ (implementation ?? (() => {})))
		: (implementation) => jest.fn(implementation);

/**
 * @typedef {object} FakeLogger
 * @property {jest.Mock} debug
 * @property {jest.Mock} info
 * @property {jest.Mock} warn
 * @property {jest.Mock} error
 */

/** @returns {FakeLogger} */
function fakeLogger() {
	return { debug: spy(), info: spy(), warn: spy(), error: spy() };
}

/** @type {INode} */
const FAKE_NODE = {
	id: 'node-id-not-a-secret',
	name: 'WhatsApp Groups Trigger',
	type: 'n8n-nodes-whatsapp-groups.whatsAppGroupsTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/**
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} url
 * @property {Record<string, string>} headers
 * @property {string} [body]
 */

/** @param {IHttpRequestOptions} options */
function buildUrl(options) {
	const url = new URL(options.url, options.baseURL);
	for (const [key, value] of Object.entries(options.qs ?? {})) {
		if (value === undefined || value === null) continue;
		url.searchParams.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
	}
	return url.toString();
}

/**
 * Performs an n8n-style request with fetch, honouring the options the transport uses:
 * qs, headers, body, json, returnFullResponse, ignoreHttpStatusErrors and disableFollowRedirect
 * (a 3xx then comes back as it is; otherwise it is followed, as n8n does).
 * @param {IHttpRequestOptions} options
 * @param {Record<string, string>} [extraHeaders]
 * @param {RecordedRequest[]} [recorded]
 * @returns {Promise<unknown>}
 */
async function performRequest(options, extraHeaders = {}, recorded) {
	/** @type {Record<string, string>} */
	const headers = {};
	for (const [key, value] of Object.entries(options.headers ?? {})) {
		if (value !== undefined) headers[key.toLowerCase()] = String(value);
	}
	for (const [key, value] of Object.entries(extraHeaders)) headers[key.toLowerCase()] = value;
	/** @type {string | Buffer | undefined} */
	let body;
	if (options.body !== undefined) {
		if (Buffer.isBuffer(options.body) || typeof options.body === 'string') {
			body = options.body;
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
	// As n8n's client: redirects are followed unless the request says not to.
	const response = await fetch(url, {
		method: options.method ?? 'GET',
		headers,
		body,
		redirect: options.disableFollowRedirect === true ? 'manual' : 'follow',
	});
	const text = await response.text();
	/** @type {unknown} */
	let parsed = text;
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
	/** @type {IDataObject} */
	const responseHeaders = {};
	response.headers.forEach((value, key) => {
		responseHeaders[key] = value;
	});
	return { statusCode: response.status, headers: responseHeaders, body: parsed };
}

/**
 * @typedef {object} FakeContextOptions
 * @property {Record<string, unknown>} [parameters] Node parameters by name; getNodeParameter falls back to the caller's default.
 * @property {Record<string, unknown>} [credentials] The node's credential (by default the whatsAppGroupsApi one).
 * @property {string} [credentialType] The credential type the node asks for; another type is an error. Default `whatsAppGroupsApi`.
 * @property {string} [webhookUrl] What getNodeWebhookUrl('default') answers.
 * @property {IDataObject} [staticData] The node's static data (shared object, so callers can look at it afterwards).
 * @property {Partial<INode>} [node]
 * @property {string} [mode] What getMode() answers: n8n runs a trigger's webhook methods with 'trigger' for a published workflow and 'manual' for "Listen for test event" (create, checkExists). Default 'trigger'.
 */

/** @param {Record<string, unknown>} parameters */
function parameterReader(parameters) {
	return (/** @type {string} */ name, /** @type {unknown} */ fallback) =>
		name in parameters ? parameters[name] : fallback;
}

/** @param {Record<string, unknown>} credentials @param {string} credentialType */
function credentialReader(credentials, credentialType) {
	return async (/** @type {string} */ type) => {
		if (type !== credentialType) throw new Error(`Unexpected credential type ${type}`);
		return /** @type {IDataObject} */ (credentials);
	};
}

/**
 * @param {Record<string, unknown>} credentials
 * @param {string} credentialType
 * @param {RecordedRequest[]} recorded
 */
function requestHelpers(credentials, credentialType, recorded) {
	return {
		// What the credential's `authenticate` does: Meta's bearer token header, or 360dialog's key.
		httpRequestWithAuthentication: spy(
			async (/** @type {string} */ type, /** @type {IHttpRequestOptions} */ options) => {
				if (type !== credentialType) throw new Error(`Unexpected credential type ${type}`);
				return await performRequest(
					options,
					type === 'whatsAppGroups360DialogApi'
						? { 'D360-API-KEY': String(credentials.apiKey) }
						: { Authorization: `Bearer ${String(credentials.accessToken)}` },
					recorded,
				);
			},
		),
		httpRequest: spy(
			async (/** @type {IHttpRequestOptions} */ options) =>
				await performRequest(options, {}, recorded),
		),
	};
}

/**
 * @typedef {object} FakeHookContext
 * @property {IHookFunctions} context
 * @property {FakeLogger} logger
 * @property {IDataObject} staticData
 * @property {RecordedRequest[]} requests
 */

/**
 * What n8n hands a trigger's webhookMethods (checkExists, create, delete).
 * @param {FakeContextOptions} [options]
 * @returns {FakeHookContext}
 */
function createHookContext(options = {}) {
	const credentials = options.credentials ?? {};
	const credentialType = options.credentialType ?? 'whatsAppGroupsApi';
	const staticData = options.staticData ?? {};
	const logger = fakeLogger();
	/** @type {RecordedRequest[]} */
	const requests = [];
	const context = /** @type {IHookFunctions} */ (
		/** @type {unknown} */ ({
			getNode: () => ({ ...FAKE_NODE, ...(options.node ?? {}) }),
			getNodeParameter: parameterReader(options.parameters ?? {}),
			getCredentials: credentialReader(credentials, credentialType),
			getNodeWebhookUrl: () => options.webhookUrl,
			getWebhookName: () => 'default',
			getWorkflowStaticData: () => staticData,
			getMode: () => options.mode ?? 'trigger',
			getActivationMode: () => (options.mode === 'manual' ? 'manual' : 'activate'),
			logger,
			helpers: requestHelpers(credentials, credentialType, requests),
		})
	);
	return { context, logger, staticData, requests };
}

/**
 * @typedef {object} FakeResponse
 * @property {jest.Mock} status
 * @property {jest.Mock} type
 * @property {jest.Mock} setHeader
 * @property {jest.Mock} send
 * @property {jest.Mock} end
 * @property {{ statusCode?: number, headers: Record<string, string>, body?: unknown }} sent What was sent, for assertions.
 */

/**
 * An express-like response that records what the node sent.
 * @returns {FakeResponse}
 */
function fakeResponse() {
	/** @type {FakeResponse['sent']} */
	const sent = { headers: {} };
	const response = /** @type {FakeResponse} */ ({ sent });
	response.status = spy((/** @type {number} */ code) => {
		sent.statusCode = code;
		return response;
	});
	response.type = spy((/** @type {string} */ type) => {
		sent.headers['content-type'] = type;
		return response;
	});
	response.setHeader = spy((/** @type {string} */ name, /** @type {string} */ value) => {
		sent.headers[name.toLowerCase()] = value;
		return response;
	});
	response.send = spy((/** @type {unknown} */ body) => {
		sent.body = body;
		return response;
	});
	response.end = spy(() => response);
	return response;
}

/**
 * @typedef {object} FakeWebhookExtras
 * @property {'default' | 'setup'} [webhookName]
 * @property {'GET' | 'POST'} [method]
 * @property {Record<string, string>} [headers]
 * @property {IDataObject} [query]
 * @property {Buffer | string} [rawBody] The exact bytes received; `body` defaults to its JSON parse.
 * @property {IDataObject} [body] The body as n8n parsed it.
 * @property {string} [resourceUrl] The URL the request arrived on (test or production); defaults to webhookUrl.
 */
/** @typedef {FakeContextOptions & FakeWebhookExtras} FakeWebhookOptions */

/**
 * @typedef {object} FakeWebhookContext
 * @property {IWebhookFunctions} context
 * @property {FakeLogger} logger
 * @property {IDataObject} staticData
 * @property {FakeResponse} response
 */

/**
 * What n8n hands a trigger's webhook() for one request: the request (raw bytes kept, JSON parsed
 * into `body`), headers, query, the node's parameters and credential, static data.
 * @param {FakeWebhookOptions} [options]
 * @returns {FakeWebhookContext}
 */
function createWebhookContext(options = {}) {
	const credentials = options.credentials ?? {};
	const credentialType = options.credentialType ?? 'whatsAppGroupsApi';
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
			body = /** @type {IDataObject} */ (JSON.parse(rawBody.toString('utf8')));
		} catch {
			body = {};
		}
	}
	/** @type {Record<string, string>} */
	const headers = {};
	for (const [key, value] of Object.entries(options.headers ?? {}))
		headers[key.toLowerCase()] = value;
	const request = {
		method: options.method ?? (options.webhookName === 'setup' ? 'GET' : 'POST'),
		headers,
		query: options.query ?? {},
		body: body ?? {},
		rawBody,
	};
	const context = /** @type {IWebhookFunctions} */ (
		/** @type {unknown} */ ({
			getNode: () => ({ ...FAKE_NODE, ...(options.node ?? {}) }),
			getNodeParameter: parameterReader(options.parameters ?? {}),
			getCredentials: credentialReader(credentials, credentialType),
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
				...requestHelpers(credentials, credentialType, []),
				returnJsonArray: (/** @type {IDataObject | IDataObject[]} */ data) =>
					(Array.isArray(data) ? data : [data]).map((json) => ({ json })),
			},
		})
	);
	return { context, logger, staticData, response };
}

/**
 * n8n's deduplication store (behind Remove Duplicates and `helpers.checkProcessedAndRecord`), in
 * memory, as n8n 2.40's DeduplicationHelper keeps it in mode "entries": per context one list of the
 * newest `maxEntries` values (n8n stores their MD5; the values themselves here, for reading). The
 * trigger suites use it directly and, in engine tests, through n8n-core's DataDeduplicationService.
 *
 * Like n8n's, a call reads the list, then writes it back whole, without a lock: with `racy` on, the
 * read and the write are separate steps with a pause between them, so calls at the same moment
 * drop each other's values as n8n's do.
 */
class MemoryDeduplicationStore {
	/** @param {{racy?: boolean}} [o] */
	constructor(o = {}) {
		/** @type {Map<string, string[]>} */
		this.lists = new Map();
		/** Calls to checkProcessedAndRecord, for tests that count reads and writes. */
		this.calls = 0;
		/** Makes the next N calls throw before they read, as a database that is not reachable. */
		this.failNext = 0;
		/** Makes the next N calls throw after they wrote (the connection drops before the answer). */
		this.failAfterWriteNext = 0;
		this.racy = o.racy === true;
	}

	/**
	 * @param {Array<string | number>} items
	 * @param {string} context
	 * @param {{mode: string, maxEntries?: number}} options
	 */
	async checkProcessedAndRecord(items, context, options) {
		this.calls += 1;
		if (this.failNext > 0) {
			this.failNext -= 1;
			throw new Error('timeout exceeded when trying to connect');
		}
		if (options.mode !== 'entries') throw new Error(`mode ${options.mode} is not modelled`);
		// Read (a copy, as a row read from a database).
		const list = [...(this.lists.get(context) ?? [])];
		if (this.racy) await new Promise((resolve) => setTimeout(resolve, 1 + (this.calls % 3)));
		const known = new Set(list);
		/** @type {{new: Array<string | number>, processed: Array<string | number>}} */
		const result = { new: [], processed: [] };
		for (const item of items) {
			if (known.has(String(item))) result.processed.push(item);
			else {
				result.new.push(item);
				list.push(String(item));
			}
		}
		if (options.maxEntries) list.splice(0, Math.max(0, list.length - options.maxEntries));
		// Write the row back whole.
		this.lists.set(context, list);
		if (this.failAfterWriteNext > 0) {
			this.failAfterWriteNext -= 1;
			throw new Error('Connection terminated unexpectedly');
		}
		return result;
	}
}

/**
 * The run n8n starts from a production webhook call: it calls the start node's execute with the
 * webhook's items as input. Enough of IExecuteFunctions for the trigger's step (its input, its
 * parameters for item 0, the mode, the workflow and node, the logger, n8n's deduplication helper
 * with scope "node");
 * test/trigger/engine.test.ts runs the same in n8n's own WorkflowExecute.
 * @param {IDataObject[]} items
 * @param {{parameters?: Record<string, unknown>, node?: Partial<INode>, store?: MemoryDeduplicationStore, mode?: string, workflowId?: string}} [options]
 * @returns {{context: IExecuteFunctions, input: INodeExecutionData[], store: MemoryDeduplicationStore, logger: FakeLogger}}
 */
function createExecuteContext(items, options = {}) {
	const store = options.store ?? new MemoryDeduplicationStore();
	/** @type {INodeExecutionData[]} */
	const input = items.map((json) => ({ json }));
	const parameters = options.parameters ?? {};
	const node = { ...FAKE_NODE, ...(options.node ?? {}) };
	const logger = fakeLogger();
	const context = /** @type {IExecuteFunctions} */ (
		/** @type {unknown} */ ({
			getNode: () => node,
			getWorkflow: () => ({
				id: options.workflowId ?? 'workflow-1',
				name: 'Workflow',
				active: true,
			}),
			getInputData: () => input,
			getNodeParameter: (
				/** @type {string} */ name,
				/** @type {number} */ _itemIndex,
				/** @type {unknown} */ fallback,
			) => (name in parameters ? parameters[name] : fallback),
			getMode: () => options.mode ?? 'webhook',
			logger,
			helpers: {
				checkProcessedAndRecord: async (
					/** @type {Array<string | number>} */ values,
					/** @type {string} */ scope,
					/** @type {{mode: string, maxEntries?: number}} */ checkOptions,
				) =>
					store.checkProcessedAndRecord(
						values,
						scope === 'node' ? `n:${node.id}` : '',
						checkOptions,
					),
			},
		})
	);
	return { context, input, store, logger };
}

module.exports = {
	FAKE_NODE,
	fakeLogger,
	fakeResponse,
	performRequest,
	createHookContext,
	createWebhookContext,
	createExecuteContext,
	MemoryDeduplicationStore,
};
