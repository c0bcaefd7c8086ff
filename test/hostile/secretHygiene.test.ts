/**
 * Secret hygiene: every operation of the action node (in n8n's WorkflowExecute) and every
 * webhook method of the trigger is driven into its error paths by an API that echoes the access
 * token and the app secret back in every field it can (message, details, user message, trace id,
 * headers, a network error's text). The outputs, error messages and descriptions, the errors n8n
 * reports, the run data and every log line are then searched for both secrets, in plain text and
 * in the encodings a leak could take (URL-encoded, base64, the app token APP_ID|APP_SECRET).
 */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { LoggerProxy } from 'n8n-workflow';

import { WhatsAppGroupsTrigger } from '../../nodes/WhatsAppGroupsTrigger/WhatsAppGroupsTrigger.node';
import { metaSignature } from '../support/meta';
import { runNode } from '../support/n8n/engine';
import type { RunNodeResult } from '../support/n8n/engine';
import { createHookContext, createWebhookContext } from '../support/n8n/fakeContext';

const BASE = 'https://graph.hygiene.test';
const LEAKY_BEARER = 'EAAGleakyBEARERvalue1234567890abcdef';
const LEAKY_APP_SIGNING = 'leaky-app-signing-0b7c4e';
const APP_ID = '424242';
const PHONE = '1234567890';
const GROUP = 'Y2FwaV9ncm91cDpIWUdJRU5F';
const WEBHOOK_URL = 'https://n8n.example.com/webhook/hygiene/webhook';

const CREDENTIAL = {
	accessToken: LEAKY_BEARER,
	businessAccountId: '5555',
	appId: APP_ID,
	appSecret: LEAKY_APP_SIGNING,
	graphApiVersion: 'v26.0',
	baseUrl: BASE,
};

/** Every way the two secrets could show up in text. */
const NEEDLES = [
	LEAKY_BEARER,
	LEAKY_APP_SIGNING,
	`${APP_ID}|${LEAKY_APP_SIGNING}`,
	encodeURIComponent(`${APP_ID}|${LEAKY_APP_SIGNING}`),
	Buffer.from(LEAKY_BEARER).toString('base64'),
	Buffer.from(LEAKY_APP_SIGNING).toString('base64'),
	LEAKY_BEARER.slice(0, 20),
	LEAKY_APP_SIGNING.slice(0, 14),
];

/** Text of a value, own non-enumerable properties (message, stack, cause) included, cycles cut. */
function deepText(value: unknown): string {
	const seen = new WeakSet<object>();
	const parts: string[] = [];
	const walk = (current: unknown, depth: number) => {
		if (depth > 12) return;
		if (typeof current === 'string') {
			parts.push(current);
			return;
		}
		if (typeof current !== 'object' || current === null) {
			if (current !== undefined) parts.push(String(current));
			return;
		}
		if (seen.has(current)) return;
		seen.add(current);
		if (Buffer.isBuffer(current)) {
			parts.push(current.toString('utf8'));
			return;
		}
		for (const key of Object.getOwnPropertyNames(current)) {
			parts.push(key);
			try {
				walk((current as Record<string, unknown>)[key], depth + 1);
			} catch {
				// getters that throw are no leak
			}
		}
	};
	walk(value, 0);
	return parts.join('\n');
}

function expectNoSecret(label: string, value: unknown): void {
	const text = deepText(value);
	for (const needle of NEEDLES) {
		if (text.includes(needle)) {
			const at = text.indexOf(needle);
			throw new Error(
				`${label} leaks a secret ("${needle.slice(0, 8)}…"): …${text.slice(Math.max(0, at - 200), at + 80)}…`,
			);
		}
	}
}

/** A Graph error that repeats both secrets everywhere Meta puts text. */
function echoingError(code = 100): IDataObject {
	const both = `token ${LEAKY_BEARER} secret ${LEAKY_APP_SIGNING} app token ${APP_ID}|${LEAKY_APP_SIGNING}`;
	return {
		error: {
			message: `(#${code}) Invalid parameter: ${both}`,
			type: 'OAuthException',
			code,
			error_subcode: 2494010,
			error_user_title: `Bad ${LEAKY_BEARER}`,
			error_user_msg: `Please check ${LEAKY_APP_SIGNING}`,
			error_data: { messaging_product: 'whatsapp', details: both },
			fbtrace_id: `trace-${LEAKY_BEARER}`,
		},
	};
}

const captured: unknown[] = [];
const captureLogger = {
	error: (...args: unknown[]) => captured.push(args),
	warn: (...args: unknown[]) => captured.push(args),
	info: (...args: unknown[]) => captured.push(args),
	debug: (...args: unknown[]) => captured.push(args),
};

beforeAll(() => {
	nock.disableNetConnect();
	LoggerProxy.init(captureLogger as never);
});
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
	captured.length = 0;
});
afterEach(() => nock.cleanAll());

const groupLocator = { __rl: true, mode: 'id', value: GROUP };

/** Every resource and operation of the action node, with valid parameters. */
const OPERATIONS: Array<[string, INodeParameters]> = [
	[
		'Group > Create',
		{ resource: 'group', operation: 'create', phoneNumberId: PHONE, subject: 'Cohort' },
	],
	[
		'Group > Delete',
		{ resource: 'group', operation: 'delete', phoneNumberId: PHONE, groupId: groupLocator },
	],
	[
		'Group > Get',
		{ resource: 'group', operation: 'get', phoneNumberId: PHONE, groupId: groupLocator },
	],
	[
		'Group > Get Many',
		{ resource: 'group', operation: 'getMany', phoneNumberId: PHONE, returnAll: true },
	],
	[
		'Group > Update',
		{
			resource: 'group',
			operation: 'update',
			phoneNumberId: PHONE,
			groupId: groupLocator,
			updateFields: { subject: 'New' },
		},
	],
	[
		'Invite Link > Get',
		{ resource: 'inviteLink', operation: 'get', phoneNumberId: PHONE, groupId: groupLocator },
	],
	[
		'Invite Link > Reset',
		{ resource: 'inviteLink', operation: 'reset', phoneNumberId: PHONE, groupId: groupLocator },
	],
	[
		'Invite Link > Send',
		{
			resource: 'inviteLink',
			operation: 'send',
			phoneNumberId: PHONE,
			groupId: groupLocator,
			recipient: '4915112345678',
			templateName: 'group_invite',
			languageCode: 'en',
		},
	],
	[
		'Join Request > Approve',
		{
			resource: 'joinRequest',
			operation: 'approve',
			phoneNumberId: PHONE,
			groupId: groupLocator,
			joinRequestIds: 'JR1, JR2',
		},
	],
	[
		'Join Request > Get Many',
		{
			resource: 'joinRequest',
			operation: 'getMany',
			phoneNumberId: PHONE,
			groupId: groupLocator,
			returnAll: true,
		},
	],
	[
		'Join Request > Reject',
		{
			resource: 'joinRequest',
			operation: 'reject',
			phoneNumberId: PHONE,
			groupId: groupLocator,
			joinRequestIds: 'JR1',
		},
	],
	[
		'Message > Mark as Read',
		{ resource: 'message', operation: 'markAsRead', phoneNumberId: PHONE, messageId: 'wamid.IN' },
	],
	[
		'Message > Pin',
		{
			resource: 'message',
			operation: 'pin',
			phoneNumberId: PHONE,
			groupId: groupLocator,
			messageId: 'wamid.PIN',
			expirationDays: 7,
		},
	],
	[
		'Message > Send',
		{
			resource: 'message',
			operation: 'send',
			phoneNumberId: PHONE,
			groupId: groupLocator,
			messageType: 'text',
			text: 'Hi',
		},
	],
	[
		'Message > Unpin',
		{
			resource: 'message',
			operation: 'unpin',
			phoneNumberId: PHONE,
			groupId: groupLocator,
			messageId: 'wamid.PIN',
		},
	],
	[
		'Participant > Remove',
		{
			resource: 'participant',
			operation: 'remove',
			phoneNumberId: PHONE,
			groupId: groupLocator,
			participants: '4915112345678',
		},
	],
];

/** The same answer to every request, whatever its method and path. */
function everyRequest(answer: (interceptor: nock.Interceptor) => nock.Scope): void {
	for (const method of ['GET', 'POST', 'DELETE'])
		answer(nock(BASE).persist().intercept(/.*/, method));
}

/** Failures the API can produce, each echoing the secrets. */
const FAILURES: Array<[string, () => void]> = [
	[
		'a 400 Graph error',
		() =>
			everyRequest((request) => request.reply(400, echoingError(100), { 'x-echo': LEAKY_BEARER })),
	],
	[
		'a 403 group-suspended error',
		() => everyRequest((request) => request.reply(403, echoingError(131207))),
	],
	[
		'a permanent 429 storm',
		() =>
			everyRequest((request) => request.reply(429, echoingError(131208), { 'retry-after': '0' })),
	],
	[
		'a 500 that is not JSON',
		() =>
			everyRequest((request) =>
				request.reply(500, `<html>${LEAKY_BEARER} ${LEAKY_APP_SIGNING}</html>`),
			),
	],
	[
		'a network error naming the secrets',
		() =>
			everyRequest((request) =>
				request.replyWithError({
					code: 'ECONNRESET',
					message: `socket hang up while sending Bearer ${LEAKY_BEARER} (${LEAKY_APP_SIGNING})`,
				}),
			),
	],
];

function scanRun(label: string, result: RunNodeResult): void {
	expectNoSecret(`${label}: output items`, result.items);
	expectNoSecret(`${label}: execution error`, result.error);
	expectNoSecret(`${label}: reported errors`, result.reportedErrors);
	expectNoSecret(`${label}: run data`, result.runData);
	expectNoSecret(`${label}: logs`, captured);
}

describe('action node: no secret in outputs, errors, run data or logs, whatever the API echoes', () => {
	jest.setTimeout(120_000);

	for (const [failure, arrange] of FAILURES) {
		it(`every operation, on ${failure}, with and without Continue On Fail`, async () => {
			for (const [operation, parameters] of OPERATIONS) {
				for (const continueOnFail of [false, true]) {
					nock.cleanAll();
					const network = failure.startsWith('a network error');
					// n8n's HTTP client does not see nock's replyWithError until its timeout; a refused
					// connection is the network failure here (retried by reads, with the sleep mocked).
					if (network) nock.enableNetConnect('127.0.0.1:9');
					else arrange();
					const result = await runNode({
						nodeType: 'whatsAppGroups',
						parameters: { ...parameters, options: { requestTimeout: 5 } },
						inputItems: [{}],
						credentials: {
							whatsAppGroupsApi: network
								? { ...CREDENTIAL, baseUrl: 'http://127.0.0.1:9' }
								: CREDENTIAL,
						},
						continueOnFail,
					});
					nock.disableNetConnect();
					const label = `${operation} (${continueOnFail ? 'continue' : 'stop'}) on ${failure}`;
					// It did fail (an error or error items), so the error path was exercised.
					const failedItems = result.items.filter(
						(item) => item.json.error !== undefined || item.json.status === 'failed',
					);
					expect({ label, failed: result.error !== undefined || failedItems.length > 0 }).toEqual({
						label,
						failed: true,
					});
					scanRun(label, result);
				}
			}
		});
	}
});

describe('secrets stored with spaces around them (issue 10, item 5): redacted as sent, trimmed', () => {
	jest.setTimeout(120_000);
	/** As pasted: spaces, a tab, a line break. The API sees (and echoes) the trimmed values. */
	const PADDED = {
		...CREDENTIAL,
		accessToken: `  ${LEAKY_BEARER}\n`,
		appSecret: `\t${LEAKY_APP_SIGNING} `,
	};
	const [, arrangeEcho] = FAILURES[0];

	it('every operation, with and without Continue On Fail', async () => {
		for (const [operation, parameters] of OPERATIONS) {
			for (const continueOnFail of [false, true]) {
				nock.cleanAll();
				arrangeEcho();
				const result = await runNode({
					nodeType: 'whatsAppGroups',
					parameters: { ...parameters, options: { requestTimeout: 5 } },
					inputItems: [{}],
					credentials: { whatsAppGroupsApi: PADDED },
					continueOnFail,
				});
				const label = `${operation} (${continueOnFail ? 'continue' : 'stop'}), padded secrets`;
				const failedItems = result.items.filter(
					(item) => item.json.error !== undefined || item.json.status === 'failed',
				);
				expect({ label, failed: result.error !== undefined || failedItems.length > 0 }).toEqual({
					label,
					failed: true,
				});
				scanRun(label, result);
			}
		}
	});

	it('the trigger activation methods', async () => {
		const trigger = new WhatsAppGroupsTrigger();
		for (const destination of ['phoneNumber', 'businessAccount', 'app']) {
			for (const method of ['checkExists', 'create', 'delete'] as const) {
				nock.cleanAll();
				arrangeEcho();
				const fake = createHookContext({
					parameters: { destination, phoneNumberId: PHONE, verifySignatures: true },
					credentials: PADDED,
					webhookUrl: WEBHOOK_URL,
				});
				const thrown = await trigger.webhookMethods.default[method]
					.call(fake.context)
					.catch((error: unknown) => error);
				const label = `${destination} ${method}, padded secrets`;
				expect({ label, failed: thrown !== undefined }).toEqual({ label, failed: true });
				expectNoSecret(`${label}: error`, thrown);
				expectNoSecret(`${label}: logs`, [
					fake.logger.warn.mock.calls,
					fake.logger.info.mock.calls,
					fake.logger.error.mock.calls,
				]);
			}
		}
	});
});

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => undefined),
}));

describe('trigger: no secret in activation errors, webhook answers or logs', () => {
	const trigger = new WhatsAppGroupsTrigger();
	const methods = trigger.webhookMethods.default;

	it.each(['phoneNumber', 'businessAccount', 'app'])(
		'checkExists, create and delete with the %s destination fail without naming a secret',
		async (destination) => {
			for (const [failure, arrange] of FAILURES) {
				for (const method of ['checkExists', 'create', 'delete'] as const) {
					nock.cleanAll();
					arrange();
					const fake = createHookContext({
						parameters: {
							destination,
							phoneNumberId: PHONE,
							verifySignatures: true,
							replaceExisting: true,
						},
						credentials: CREDENTIAL,
						webhookUrl: WEBHOOK_URL,
						staticData: {
							appSubscriptionRecord: {
								created: true,
								fields: ['messages'],
								callbackUrl: WEBHOOK_URL,
							},
						},
					});
					let thrown: unknown;
					try {
						await methods[method].call(fake.context);
					} catch (error) {
						thrown = error;
					}
					const label = `${destination} ${method} on ${failure}`;
					expect({ label, failed: thrown !== undefined }).toEqual({ label, failed: true });
					expectNoSecret(`${label}: error`, thrown);
					expectNoSecret(`${label}: logs`, [
						fake.logger.warn.mock.calls,
						fake.logger.info.mock.calls,
						fake.logger.error.mock.calls,
						fake.logger.debug.mock.calls,
					]);
				}
			}
		},
	);

	const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
	const rejections: Array<[string, Parameters<typeof createWebhookContext>[0]]> = [
		[
			'a forged signature',
			{ rawBody: body, headers: { 'x-hub-signature-256': metaSignature(body, 'forged') } },
		],
		['no signature', { rawBody: body }],
		[
			'a signature header holding the secret',
			{ rawBody: body, headers: { 'x-hub-signature-256': LEAKY_APP_SIGNING } },
		],
		[
			'a challenge with a wrong token',
			{
				webhookName: 'setup',
				query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1' },
			},
		],
		['a challenge that is not one', { webhookName: 'setup', query: { 'hub.mode': 'nonsense' } }],
		[
			'a body that is not JSON',
			{
				rawBody: `{${LEAKY_BEARER.slice(0, 3)}`,
				headers: {
					'x-hub-signature-256': metaSignature(`{${LEAKY_BEARER.slice(0, 3)}`, LEAKY_APP_SIGNING),
				},
			},
		],
	];

	it.each(rejections)(
		'answers %s without a secret in the answer or the log',
		async (label, options) => {
			const fake = createWebhookContext({
				credentials: CREDENTIAL,
				parameters: { destination: 'phoneNumber' },
				webhookUrl: WEBHOOK_URL,
				...options,
			});
			const result = await trigger.webhook.call(fake.context);
			expectNoSecret(`${label}: result`, result);
			expectNoSecret(`${label}: response`, fake.response.sent);
			expectNoSecret(`${label}: logs`, [
				fake.logger.warn.mock.calls,
				fake.logger.info.mock.calls,
				fake.logger.error.mock.calls,
				fake.logger.debug.mock.calls,
			]);
		},
	);
});
