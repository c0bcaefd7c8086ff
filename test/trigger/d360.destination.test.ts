/*
 * The trigger with 360dialog credentials (issue 15): it registers the number's one webhook at
 * 360dialog (GET/POST /v1/configs/webhook, D360-API-KEY, no Authorization) with a header derived
 * from the API key and the URL, takes over only what takeover.ts allows, gives back what it
 * replaced (a test's and a published workflow's), refuses URLs 360dialog refuses before calling
 * it, and refuses every delivery without the header (401, no execution). Every request is exact.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import nock from 'nock';

import groupCreated from '../fixtures/meta-doc-samples/group_lifecycle_update__create_succeed.json';
import { D360_RECORD_PROPERTY } from '../../nodes/WhatsAppGroupsTrigger/destinations/d360Webhook';
import {
	D360_TOKEN_HEADER,
	deriveHeaderToken,
	deriveVerifyToken,
} from '../../nodes/WhatsAppGroupsTrigger/webhook/verifyToken';
import { WhatsAppGroupsTrigger } from '../../nodes/WhatsAppGroupsTrigger/WhatsAppGroupsTrigger.node';
import { FAKE_D360_KEY } from '../support/d360';
import { createWebhookContext } from '../support/n8n/fakeContext';
import { useNock } from '../support/nock';
import {
	hookFor,
	keptByN8n,
	listenThenEnd,
	methods,
	OTHER_URL,
	TEST_URL,
	WEBHOOK_ID,
	WEBHOOK_URL,
} from './destinations.fixture';

const HOST = 'https://waba-v2.360dialog.io';
const CREDENTIAL_TYPE = 'whatsAppGroups360DialogApi';
const CREDENTIALS = { apiKey: FAKE_D360_KEY, baseUrl: HOST };
const HEADER = D360_TOKEN_HEADER;
/** The header values written out from the rule (HMAC-SHA256 of the key over a prefixed URL). */
const OWN = deriveHeaderToken(FAKE_D360_KEY, WEBHOOK_URL);
const TEST_OWN = deriveHeaderToken(FAKE_D360_KEY, TEST_URL);
/** The Manual destination's Header Value (a fake one). */
const headerValue = 'a-long-random-header-value-42';
const OTHER_HEADERS = { Authorization: 'Basic b3RoZXI6cmVjZWl2ZXI=' };

useNock({ allUsed: true });

const hook = hookFor({
	parameters: { authentication: '360dialog', destination: 'phoneNumber' },
	credentials: CREDENTIALS,
	credentialType: CREDENTIAL_TYPE,
});

/** 360dialog: the key in D360-API-KEY, never an Authorization header. */
function api(host = HOST) {
	return nock(host, {
		reqheaders: { 'd360-api-key': FAKE_D360_KEY },
		badheaders: ['authorization'],
	});
}

function current(config: IDataObject = {}, host = HOST) {
	return api(host).get('/v1/configs/webhook').reply(200, config);
}

function set(url: string, headers: Record<string, string>, host = HOST) {
	return api(host).post('/v1/configs/webhook', { url, headers }).reply(200, { url, headers });
}

/** Everything the fake logger received, as one text. */
function logged(logger: ReturnType<typeof hook>['logger']): string {
	return [logger.debug, logger.info, logger.warn, logger.error]
		.flatMap((fn) => fn.mock.calls.map((call) => call.join(' ')))
		.join('\n');
}

describe('the header', () => {
	it('is an HMAC of the API key and the URL, different per URL and per key, never the key', () => {
		expect(OWN).toMatch(/^[0-9a-f]{64}$/);
		expect(OWN).not.toBe(TEST_OWN);
		expect(OWN).not.toBe(deriveHeaderToken('another-key', WEBHOOK_URL));
		expect(OWN).not.toContain(FAKE_D360_KEY);
		// Not Meta's verify token for the same secret and URL (another purpose, another value).
		expect(OWN).not.toBe(deriveVerifyToken(FAKE_D360_KEY, WEBHOOK_URL));
		// 360dialog refuses "_" in webhook headers.
		expect(HEADER).toMatch(/^[A-Za-z0-9-]+$/);
	});
});

describe('activation (published workflow)', () => {
	it('sets the webhook with its header when none is set, and records nothing to give back', async () => {
		current({});
		set(WEBHOOK_URL, { [HEADER]: OWN });
		const { context, staticData, requests, logger } = hook();
		expect(await methods.checkExists.call(context)).toBe(false);
		current({});
		expect(await methods.create.call(context)).toBe(true);
		expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
			`GET ${HOST}/v1/configs/webhook`,
			`GET ${HOST}/v1/configs/webhook`,
			`POST ${HOST}/v1/configs/webhook`,
		]);
		expect(JSON.parse(requests[2].body ?? '')).toEqual({
			url: WEBHOOK_URL,
			headers: { [HEADER]: OWN },
		});
		expect(staticData).toEqual({});
		expect(logged(logger)).not.toContain(FAKE_D360_KEY);
	});

	it('treats a 404 from GET /v1/configs/webhook as no webhook', async () => {
		api().get('/v1/configs/webhook').reply(404, { error: 'webhook not found' });
		set(WEBHOOK_URL, { [HEADER]: OWN });
		expect(await methods.create.call(hook().context)).toBe(true);
	});

	it('exists only when 360dialog reports its URL with its header', async () => {
		current({ url: WEBHOOK_URL, headers: { [HEADER.toLowerCase()]: OWN } });
		expect(await methods.checkExists.call(hook().context)).toBe(true);
		current({ url: WEBHOOK_URL, headers: { [HEADER]: 'stale-value' } });
		expect(await methods.checkExists.call(hook().context)).toBe(false);
		current({ url: WEBHOOK_URL });
		expect(await methods.checkExists.call(hook().context)).toBe(false);
		current({ url: OTHER_URL, headers: { [HEADER]: OWN } });
		expect(await methods.checkExists.call(hook().context)).toBe(false);
	});

	it('sets its header again over its own URL without one (a new API key), without asking', async () => {
		current({ url: WEBHOOK_URL, headers: { [HEADER]: 'made-with-the-old-key' } });
		set(WEBHOOK_URL, { [HEADER]: OWN });
		const { context, staticData } = hook();
		expect(await methods.create.call(context)).toBe(true);
		expect(staticData).toEqual({});
	});

	it('refuses another webhook without Replace Existing Callback, naming it; sends nothing else', async () => {
		current({ url: OTHER_URL, headers: OTHER_HEADERS });
		const { context, requests } = hook();
		const error = await methods.create.call(context).catch((e: Error) => e);
		expect((error as Error).message).toContain(
			`The number's 360dialog webhook already sends its webhooks to ${OTHER_URL}, which is not this trigger.`,
		);
		expect((error as Error).message).toContain('Replace Existing Callback');
		expect(requests).toHaveLength(1);
	});

	it('replaces it with Replace Existing Callback, and gives it back with its reported headers on deactivation', async () => {
		current({ url: OTHER_URL, headers: OTHER_HEADERS });
		set(WEBHOOK_URL, { [HEADER]: OWN });
		const created = hook({ replaceExisting: true });
		expect(await methods.create.call(created.context)).toBe(true);
		expect(created.staticData).toEqual({
			[D360_RECORD_PROPERTY]: { url: WEBHOOK_URL, previous: OTHER_URL, headers: OTHER_HEADERS },
		});

		current({ url: WEBHOOK_URL, headers: { [HEADER]: OWN } });
		set(OTHER_URL, OTHER_HEADERS);
		const deleted = hook(
			{ replaceExisting: true },
			{ mode: 'internal', staticData: keptByN8n(created.staticData) },
		);
		expect(await methods.delete.call(deleted.context)).toBe(true);
		expect(deleted.staticData).toEqual({});
		expect(deleted.logger.info).toHaveBeenCalledWith(
			`WhatsApp Groups Trigger: the number's 360dialog webhook is ${OTHER_URL} again.`,
		);
	});

	it('gives a replaced webhook whose headers 360dialog did not report back with the derived header, and says so', async () => {
		current({ url: OTHER_URL });
		set(WEBHOOK_URL, { [HEADER]: OWN });
		const created = hook({ replaceExisting: true });
		expect(await methods.create.call(created.context)).toBe(true);
		expect(created.logger.warn.mock.calls.flat().join('\n')).toContain(
			`360dialog did not report the headers of ${OTHER_URL}`,
		);

		current({ url: WEBHOOK_URL, headers: { [HEADER]: OWN } });
		set(OTHER_URL, { [HEADER]: deriveHeaderToken(FAKE_D360_KEY, OTHER_URL) });
		const deleted = hook({}, { mode: 'internal', staticData: keptByN8n(created.staticData) });
		expect(await methods.delete.call(deleted.context)).toBe(true);
		expect(deleted.staticData).toEqual({});
	});

	it('leaves its URL when it replaced nothing (360dialog has no delete), and says so', async () => {
		current({ url: WEBHOOK_URL, headers: { [HEADER]: OWN } });
		const { context, requests, logger } = hook({}, { mode: 'internal' });
		expect(await methods.delete.call(context)).toBe(true);
		expect(requests).toHaveLength(1);
		expect(logger.warn.mock.calls.flat().join('\n')).toContain(
			`the number's 360dialog webhook stays ${WEBHOOK_URL}: 360dialog has no way to remove a webhook`,
		);
	});

	it('leaves a webhook that is no longer its own alone, and forgets what it had replaced', async () => {
		current({ url: 'https://newer.example.com/hook', headers: {} });
		const staticData = {
			[D360_RECORD_PROPERTY]: { url: WEBHOOK_URL, previous: OTHER_URL },
		};
		const { context, requests } = hook({}, { mode: 'internal', staticData });
		expect(await methods.delete.call(context)).toBe(true);
		expect(requests).toHaveLength(1);
		expect(staticData).toEqual({});
	});

	it('logs (and keeps its URL) when 360dialog refuses the give-back', async () => {
		current({ url: WEBHOOK_URL, headers: { [HEADER]: OWN } });
		api().post('/v1/configs/webhook').reply(400, { error: 'invalid url' });
		const { context, logger } = hook(
			{},
			{
				mode: 'internal',
				staticData: { [D360_RECORD_PROPERTY]: { url: WEBHOOK_URL, previous: OTHER_URL } },
			},
		);
		expect(await methods.delete.call(context)).toBe(true);
		expect(logger.error.mock.calls.flat().join('\n')).toContain(
			`could not give the number's 360dialog webhook back to ${OTHER_URL}`,
		);
	});
});

describe('"Listen for test event" gives the webhook back as it found it', () => {
	it("takes the published workflow's URL over without asking and gives it back with its header", async () => {
		const published = { url: WEBHOOK_URL, headers: { [HEADER]: OWN } };
		current(published);
		current(published);
		set(TEST_URL, { [HEADER]: TEST_OWN });
		const { created, deleted } = await listenThenEnd(hook, {}, () => {
			current({ url: TEST_URL, headers: { [HEADER]: TEST_OWN } });
			set(WEBHOOK_URL, { [HEADER]: OWN });
		});
		expect(created.logger.warn.mock.calls.flat().join('\n')).toContain(
			`instead of the published workflow's ${WEBHOOK_URL}`,
		);
		expect(deleted.staticData).toEqual({});
		// The published workflow's record is not the test's business.
		expect(created.staticData[D360_RECORD_PROPERTY]).toBeUndefined();
	});

	it('refuses another webhook without Replace Existing Callback, saying how the test would give it back', async () => {
		current({ url: OTHER_URL, headers: OTHER_HEADERS });
		current({ url: OTHER_URL, headers: OTHER_HEADERS });
		const created = hook({}, { test: true });
		expect(await methods.checkExists.call(created.context)).toBe(false);
		const error = await methods.create.call(created.context).catch((e: Error) => e);
		expect((error as Error).message).toContain(
			`The number's 360dialog webhook sends its webhooks to ${OTHER_URL}, so listening for a test event here would take them away from it.`,
		);
		expect((error as Error).message).toContain('360dialog reports the headers of that webhook');
	});

	it('with Replace Existing Callback, gives another webhook back with the headers 360dialog reported', async () => {
		current({ url: OTHER_URL, headers: OTHER_HEADERS });
		current({ url: OTHER_URL, headers: OTHER_HEADERS });
		set(TEST_URL, { [HEADER]: TEST_OWN });
		const { created } = await listenThenEnd(hook, { replaceExisting: true }, () => {
			current({ url: TEST_URL, headers: { [HEADER]: TEST_OWN } });
			set(OTHER_URL, OTHER_HEADERS);
		});
		// A test never writes the published workflow's record.
		expect(created.staticData[D360_RECORD_PROPERTY]).toBeUndefined();
	});

	it('leaves its test URL when nothing was there (no delete at 360dialog), and says so', async () => {
		current({});
		current({});
		set(TEST_URL, { [HEADER]: TEST_OWN });
		const { deleted } = await listenThenEnd(hook, {}, () => {
			current({ url: TEST_URL, headers: { [HEADER]: TEST_OWN } });
		});
		expect(deleted.logger.warn.mock.calls.flat().join('\n')).toContain(
			`stays ${TEST_URL}: 360dialog has no way to remove a webhook`,
		);
	});

	it('publishing takes its own leftover test URL over without asking and records nothing', async () => {
		current({ url: TEST_URL, headers: { [HEADER]: TEST_OWN } });
		set(WEBHOOK_URL, { [HEADER]: OWN });
		const { context, staticData } = hook();
		expect(await methods.create.call(context)).toBe(true);
		expect(staticData).toEqual({});
	});
});

describe('URLs 360dialog refuses, refused before calling it', () => {
	it.each([
		['http://n8n.example.com/webhook/5b0c/webhook', 'public HTTPS'],
		['https://n8n.example.com:8443/webhook/5b0c/webhook', 'refuses webhook URLs with a port'],
		['https://my_n8n.example.com/webhook/5b0c/webhook', '"_" in the host name'],
		['https://localhost/webhook/5b0c/webhook', 'cannot reach'],
		['https://127.0.0.1/webhook/5b0c/webhook', 'cannot reach'],
		['https://192.168.1.20/webhook/5b0c/webhook', 'cannot reach'],
		['https://user:pa55@n8n.example.com/webhook/5b0c/webhook', 'user name or password'],
		['not a url', 'not a valid URL'],
	])('%s', async (url, expected) => {
		const { context, requests } = hook({}, { webhookUrl: url });
		const error = await methods.create.call(context).catch((e: Error) => e);
		expect((error as Error).message).toContain(expected);
		expect((error as Error).message).not.toContain('pa55');
		expect(requests).toEqual([]);
	});

	it('lets the sandbox (another Base URL) call a local n8n on a port over HTTP', async () => {
		const sandbox = 'http://127.0.0.1:4010';
		const local = 'http://127.0.0.1:5678/webhook/5b0c/webhook';
		current({}, sandbox);
		set(local, { [HEADER]: deriveHeaderToken(FAKE_D360_KEY, local) }, sandbox);
		const { context } = hook(
			{},
			{ webhookUrl: local, credentials: { apiKey: FAKE_D360_KEY, baseUrl: sandbox } },
		);
		expect(await methods.create.call(context)).toBe(true);
	});

	it('still refuses credentials and "_" in the URL against the sandbox', async () => {
		const sandbox = 'http://127.0.0.1:4010';
		for (const url of [
			'http://u:p@127.0.0.1:5678/webhook/5b0c/webhook',
			'http://my_host:5678/webhook/5b0c/webhook',
		]) {
			const { context, requests } = hook(
				{},
				{ webhookUrl: url, credentials: { apiKey: FAKE_D360_KEY, baseUrl: sandbox } },
			);
			await expect(methods.create.call(context)).rejects.toThrow();
			expect(requests).toEqual([]);
		}
	});
});

describe('what cannot activate with 360dialog', () => {
	it('refuses a credential without an API key before sending anything', async () => {
		const { context, requests } = hook({}, { credentials: { apiKey: '  ', baseUrl: HOST } });
		await expect(methods.create.call(context)).rejects.toThrow(
			'The 360dialog credential has no API key',
		);
		expect(requests).toEqual([]);
	});

	it.each(['businessAccount', 'app'])(
		"refuses Meta's %s destination before sending anything, and deletes nothing for it",
		async (destination) => {
			const { context, requests } = hook({ destination });
			await expect(methods.create.call(context)).rejects.toThrow(
				"destination is Meta's and does not exist with 360dialog",
			);
			const deleted = hook({ destination }, { mode: 'internal' });
			expect(await methods.delete.call(deleted.context)).toBe(true);
			expect([...requests, ...deleted.requests]).toEqual([]);
		},
	);

	it('explains a refused key without repeating it', async () => {
		api()
			.get('/v1/configs/webhook')
			.reply(401, { error: `Unauthorized - Invalid or missing D360-API-KEY ${FAKE_D360_KEY}` });
		const error = (await methods.create.call(hook().context).catch((e: Error) => e)) as Error & {
			description?: string;
		};
		expect(error.message).toContain('360dialog refused the API key');
		expect(`${error.message} ${error.description ?? ''}`).not.toContain(FAKE_D360_KEY);
	});
});

describe('Manual destination with 360dialog', () => {
	it('registers nothing and says where to set the URL and the header', async () => {
		const { context, requests, logger } = hook({
			destination: 'manual',
			manualVerifyToken: headerValue,
		});
		expect(await methods.checkExists.call(context)).toBe(false);
		expect(await methods.create.call(context)).toBe(true);
		expect(await methods.delete.call(context)).toBe(true);
		expect(requests).toEqual([]);
		expect(logger.info.mock.calls.flat().join('\n')).toContain(
			`set the number's webhook URL to ${WEBHOOK_URL} with the header ${HEADER}`,
		);
	});

	it.each([
		['short', 'at least 16 characters'],
		['has spaces in the middle of it', 'visible ASCII'],
	])('refuses the header value %j', async (token, expected) => {
		const { context } = hook({ destination: 'manual', manualVerifyToken: token });
		await expect(methods.create.call(context)).rejects.toThrow(expected);
	});
});

describe('deliveries from 360dialog', () => {
	const trigger = new WhatsAppGroupsTrigger();
	const raw = JSON.stringify(groupCreated);

	function receive(
		headers: Record<string, string>,
		options: { parameters?: IDataObject; resourceUrl?: string; method?: 'GET' | 'POST' } = {},
	) {
		const parameters = {
			authentication: '360dialog',
			destination: 'phoneNumber',
			events: ['group_created'],
			options: {},
			...(options.parameters ?? {}),
		};
		return createWebhookContext({
			parameters,
			node: { webhookId: WEBHOOK_ID, parameters: parameters as INodeParameters },
			credentials: CREDENTIALS,
			credentialType: CREDENTIAL_TYPE,
			webhookUrl: WEBHOOK_URL,
			resourceUrl: options.resourceUrl,
			rawBody: raw,
			headers: { 'content-type': 'application/json', ...headers },
			webhookName: options.method === 'GET' ? 'setup' : 'default',
			method: options.method,
		});
	}

	it('starts the workflow with the typed event when the header is right (unsigned, as 360dialog sends)', async () => {
		const fake = receive({ [HEADER]: OWN });
		const result = await trigger.webhook.call(fake.context);
		const items = result.workflowData?.[0].map((item) => item.json);
		expect(items).toEqual([
			{
				event: 'group_created',
				field: 'group_lifecycle_update',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_ACCOUNT_ID',
				phoneNumberId: 'PHONE_NUMBER_ID',
				displayPhoneNumber: 'DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				requestId: 'REQUEST_ID',
				subject: 'test invite link',
				inviteLink: 'https://chat.whatsapp.com/LINK_ID',
				joinApprovalMode: 'JOIN_APPROVAL_MODE',
			},
		]);
	});

	it.each([
		['missing', {}, 'header is missing'],
		['wrong', { [HEADER]: 'f'.repeat(64) }, 'does not match'],
		["the test URL's on the production URL", { [HEADER]: TEST_OWN }, 'does not match'],
		["Meta's signature instead", { 'x-hub-signature-256': 'sha256=00' }, 'header is missing'],
	])(
		'refuses a delivery whose header is %s: 401, no execution, a log line',
		async (_, headers, reason) => {
			const fake = receive(headers);
			const result = await trigger.webhook.call(fake.context);
			expect(result.workflowData).toBeUndefined();
			expect(fake.response.sent.statusCode).toBe(401);
			const text = logged(fake.logger);
			expect(text).toContain('refused a delivery (401)');
			expect(text).toContain(reason);
			expect(text).not.toContain(FAKE_D360_KEY);
			expect(text).not.toContain(OWN);
		},
	);

	it("checks a test URL's delivery against the test URL's header", async () => {
		const fake = receive({ [HEADER]: TEST_OWN }, { resourceUrl: TEST_URL });
		const result = await trigger.webhook.call(fake.context);
		expect(result.workflowData?.[0]).toHaveLength(1);
	});

	it("checks the Manual destination's deliveries against the node's Header Value", async () => {
		const parameters = {
			destination: 'manual',
			manualVerifyToken: headerValue,
		};
		const good = receive({ [HEADER]: headerValue }, { parameters });
		expect((await trigger.webhook.call(good.context)).workflowData?.[0]).toHaveLength(1);
		const bad = receive({ [HEADER]: OWN }, { parameters });
		expect((await trigger.webhook.call(bad.context)).workflowData).toBeUndefined();
		expect(bad.response.sent.statusCode).toBe(401);
	});

	it('answers a GET (360dialog sends no verification request) with 403 and starts nothing', async () => {
		const fake = receive({}, { method: 'GET' });
		const result = await trigger.webhook.call(fake.context);
		expect(result.workflowData).toBeUndefined();
		expect(fake.response.sent.statusCode).toBe(403);
	});
});
