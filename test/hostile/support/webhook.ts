/**
 * Calls the real webhook() of the trigger node with a fake n8n webhook context, signed like Meta
 * signs (unless told otherwise), and returns what n8n would see.
 */
import type { IDataObject, IWebhookResponseData } from 'n8n-workflow';

import { WhatsAppGroupsTrigger } from '../../../nodes/WhatsAppGroupsTrigger/WhatsAppGroupsTrigger.node';
import { signBody } from '../../../nodes/WhatsAppGroupsTrigger/webhook/signature';
import type { FakeLogger, FakeResponse, FakeWebhookOptions } from '../../helpers/fakeContext';
import { createWebhookContext } from '../../helpers/fakeContext';
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

export interface DeliverOptions {
	/** Node options (Group IDs, Ignore Redeliveries, …); default: everything emitted, no dedupe. */
	options?: IDataObject;
	events?: string[];
	/** Headers instead of Meta's signature header. */
	headers?: Record<string, string>;
	staticData?: IDataObject;
	extra?: Partial<FakeWebhookOptions>;
}

export async function deliver(raw: string | Buffer, opts: DeliverOptions = {}): Promise<Delivered> {
	const fake = createWebhookContext({
		credentials: CREDENTIALS,
		parameters: {
			verifySignatures: true,
			events: opts.events ?? ALL_EVENTS,
			options: opts.options ?? { includeOneToOne: true, ignoreRedeliveries: false },
		},
		webhookUrl: WEBHOOK_URL,
		rawBody: raw,
		headers: opts.headers ?? { 'x-hub-signature-256': signBody(raw, FUZZ_APP_SIGNING) },
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

export { trigger };
