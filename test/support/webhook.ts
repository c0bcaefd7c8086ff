/**
 * Calls the real webhook() of the trigger node with a fake n8n webhook context, signed like Meta
 * signs (unless told otherwise), and returns what n8n would see.
 */
import type { IDataObject, IWebhookResponseData } from 'n8n-workflow';

import { WhatsAppGroupsTrigger } from '../../nodes/WhatsAppGroupsTrigger/WhatsAppGroupsTrigger.node';
import { metaSignature } from './meta';
import type {
	FakeLogger,
	FakeResponse,
	FakeWebhookOptions,
	MemoryDeduplicationStore,
} from './n8n/fakeContext';
import { createExecuteContext, createWebhookContext } from './n8n/fakeContext';
import { ALL_EVENTS } from './deliveries';

/** Fake credential values; named so the secret linter does not mistake them for real ones. */
export const FUZZ_APP_SIGNING = 'fuzz-app-signing-key-7f3a';
export const FUZZ_BEARER = 'EAAGfuzzBEARERvalue0123456789';
export const WEBHOOK_URL = 'https://n8n.example.com/webhook/4f1c/webhook';
export const CREDENTIALS = {
	accessToken: FUZZ_BEARER,
	businessAccountId: 'WABA_1',
	appId: 'APP_1',
	appSecret: FUZZ_APP_SIGNING,
};

const trigger = new WhatsAppGroupsTrigger();

export interface Delivered {
	result: IWebhookResponseData;
	response: FakeResponse;
	logger: FakeLogger;
	staticData: IDataObject;
	/** The emitted items' JSON; undefined when the workflow was not started. */
	items?: Array<Record<string, unknown>>;
}

/**
 * The body n8n 2.40.7 hands a version-1 node for these bytes and this Content-Type (its
 * body-parser's parseBody, read in n8n's code): `JSON.parse` for `application/json`, after decoding
 * the bytes with the declared charset (UTF-8 when none) and stripping a byte-order mark; the text
 * for `text/plain`; the parsed form for `application/x-www-form-urlencoded`; nothing (`{}`) for
 * other types. Where n8n cannot parse (not JSON, an unknown charset) it answers 422 itself and never
 * calls the node; `{}` stands for that here.
 */
export function n8nBody(bytes: Buffer, contentType: string | undefined): unknown {
	if (contentType === undefined) return {};
	const [type, ...parameters] = contentType.split(';');
	let charset = 'utf-8';
	for (const parameter of parameters) {
		const equals = parameter.indexOf('=');
		if (equals === -1) continue;
		if (parameter.slice(0, equals).trim().toLowerCase() === 'charset') {
			charset = parameter
				.slice(equals + 1)
				.trim()
				.replace(/^"(.*)"$/, '$1')
				.toLowerCase();
		}
	}
	try {
		const text = bytes.toString(charset as BufferEncoding);
		const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
		switch (type.toLowerCase()) {
			case 'application/json':
				return JSON.parse(withoutBom) as unknown;
			case 'text/plain':
				return text;
			case 'application/x-www-form-urlencoded':
				return Object.fromEntries(new URLSearchParams(withoutBom));
			default:
				return {};
		}
	} catch {
		return {};
	}
}

export interface DeliverOptions {
	/** Node options (Group IDs, Ignore Redeliveries, …); default: everything emitted, no dedupe. */
	options?: IDataObject;
	events?: string[];
	/** Headers instead of Meta's signature header. */
	headers?: Record<string, string>;
	/**
	 * The request's Content-Type (default `application/json`, as Meta sends; null: none). The body
	 * the node gets is what n8n parses from the bytes for it (n8nBody), unless `extra.body` says.
	 */
	contentType?: string | null;
	staticData?: IDataObject;
	extra?: Partial<FakeWebhookOptions>;
}

export async function deliver(raw: string | Buffer, opts: DeliverOptions = {}): Promise<Delivered> {
	const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8');
	const contentType = opts.contentType === undefined ? 'application/json' : opts.contentType;
	const headers = {
		...(opts.headers ?? { 'x-hub-signature-256': metaSignature(raw, FUZZ_APP_SIGNING) }),
	};
	if (contentType !== null) headers['content-type'] ??= contentType;
	const fake = createWebhookContext({
		body: n8nBody(bytes, headers['content-type']) as IDataObject,
		credentials: CREDENTIALS,
		parameters: {
			verifySignatures: true,
			events: opts.events ?? ALL_EVENTS,
			options: opts.options ?? { includeOneToOne: true, ignoreRedeliveries: false },
		},
		webhookUrl: WEBHOOK_URL,
		rawBody: raw,
		headers,
		staticData: opts.staticData,
		...(opts.extra ?? {}),
	});
	const result = await trigger.webhook.call(fake.context);
	return {
		result,
		response: fake.response,
		logger: fake.logger,
		staticData: fake.staticData,
		items: result.workflowData?.[0].map((item) => item.json as Record<string, unknown>),
	};
}

/**
 * The trigger's step in the run n8n starts from a delivery's items: with Ignore Redeliveries on,
 * it passes on the events no earlier run took in (the store is n8n's deduplication store).
 */
export async function runExecution(
	delivered: Delivered,
	store: MemoryDeduplicationStore,
	options: IDataObject = { includeOneToOne: true, ignoreRedeliveries: true },
): Promise<Array<Record<string, unknown>>> {
	const { context } = createExecuteContext((delivered.items ?? []) as IDataObject[], {
		parameters: { options },
		store,
	});
	const [passed] = await trigger.execute.call(context);
	return passed.map((item) => item.json as Record<string, unknown>);
}

export { trigger };
