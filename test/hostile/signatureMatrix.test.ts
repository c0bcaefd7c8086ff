/**
 * What the trigger's public URL accepts and rejects: Meta's signature on POST deliveries and its
 * verification challenge on GET, attacked from every side — replayed signatures on altered bodies,
 * header name case and value variants, several signature headers, an empty app secret, very large
 * bodies — through the real webhook() handler, and over a real HTTP server for what Node's
 * parser does to header names and repeated headers.
 */
import { createHmac } from 'crypto';
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { metaSignature } from '../support/meta';
import { deriveVerifyToken } from '../../nodes/WhatsAppGroupsTrigger/webhook/verifyToken';
import { createWebhookContext, MemoryDeduplicationStore } from '../support/n8n/fakeContext';
import { startTriggerServer } from '../support/http/triggerServer';
import { delivery } from '../support/deliveries';
import { sendRaw } from '../support/http/rawHttp';
import type { Delivered } from '../support/webhook';
import {
	CREDENTIALS,
	deliver,
	FUZZ_APP_SIGNING,
	FUZZ_BEARER,
	runExecution,
	trigger,
	WEBHOOK_URL,
} from '../support/webhook';

const SAMPLE = JSON.stringify({
	object: 'whatsapp_business_account',
	entry: [
		{
			id: 'WABA_1',
			changes: [
				{
					field: 'group_lifecycle_update',
					value: {
						messaging_product: 'whatsapp',
						metadata: { display_phone_number: '15550001', phone_number_id: 'PHONE_1' },
						groups: [
							{
								timestamp: '1760000000',
								group_id: 'GROUP_A',
								type: 'group_create',
								request_id: 'req-1',
								subject: 'Cohort 7',
								invite_link: 'https://chat.whatsapp.com/AbC',
								join_approval_mode: 'auto_approve',
							},
						],
					},
				},
			],
		},
	],
});
const GOOD = metaSignature(SAMPLE, FUZZ_APP_SIGNING);
const HEX = GOOD.slice('sha256='.length);

function refused(outcome: Delivered, reason: string): void {
	expect(outcome.items).toBeUndefined();
	expect(outcome.result).toEqual({ noWebhookResponse: true });
	expect(outcome.response.sent).toEqual({
		statusCode: 401,
		headers: { 'content-type': 'text/plain; charset=utf-8' },
		body: 'Unauthorized',
	});
	expect(outcome.logger.warn).toHaveBeenCalledTimes(1);
	expect(String(outcome.logger.warn.mock.calls[0][0])).toContain(reason);
}

/**
 * Emitted, and left to n8n to answer: the trigger writes nothing, so Meta's 200 comes only once n8n
 * has accepted the execution, whatever the options.
 */
function accepted(outcome: Delivered, count = 1): void {
	expect(outcome.items).toHaveLength(count);
	expect(outcome.result.noWebhookResponse).toBeUndefined();
	expect(outcome.response.status).not.toHaveBeenCalled();
	expect(outcome.response.send).not.toHaveBeenCalled();
}

describe('signatures: replayed on altered bodies', () => {
	const alterations: Array<[string, (raw: string) => string]> = [
		['one character of a value changed', (raw) => raw.replace('Cohort 7', 'Cohort 8')],
		['a space appended', (raw) => `${raw} `],
		['a newline prepended', (raw) => `\n${raw}`],
		['pretty-printed (same JSON)', (raw) => JSON.stringify(JSON.parse(raw), null, 2)],
		[
			'keys reordered (same JSON)',
			(raw) =>
				JSON.stringify(
					Object.fromEntries(Object.entries(JSON.parse(raw) as IDataObject).reverse()),
				),
		],
		['unicode-escaped (same JSON)', (raw) => raw.replace('Cohort', '\\u0043ohort')],
		['the last byte cut', (raw) => raw.slice(0, -1)],
		['sent twice in one body', (raw) => `${raw}${raw}`],
		[
			'a second entry added',
			(raw) => raw.replace('"entry":[', '"entry":[{"id":"EVIL","changes":[]},'),
		],
		['empty', () => ''],
	];
	it.each(alterations)('answers 401 when the body was %s after signing', async (_label, alter) => {
		refused(
			await deliver(alter(SAMPLE), { headers: { 'x-hub-signature-256': GOOD } }),
			'does not match the body',
		);
	});

	it('answers 401 for any byte-level change of a random delivery under its original signature (300 cases)', async () => {
		await fc.assert(
			fc.asyncProperty(
				delivery,
				fc.nat(),
				fc.integer({ min: 1, max: 255 }),
				async (body, at, xor) => {
					const original = Buffer.from(JSON.stringify(body));
					const altered = Buffer.from(original);
					altered[at % altered.length] ^= xor;
					const outcome = await deliver(altered, {
						headers: { 'x-hub-signature-256': metaSignature(original, FUZZ_APP_SIGNING) },
					});
					expect(outcome.response.sent.statusCode).toBe(401);
					expect(outcome.items).toBeUndefined();
				},
			),
			{ numRuns: 300 },
		);
	});

	it('accepts the same bytes with the same signature (a real redelivery) and leaves dedupe to Ignore Redeliveries', async () => {
		const store = new MemoryDeduplicationStore();
		const options = { ignoreRedeliveries: true };
		const first = await deliver(SAMPLE, { options });
		accepted(first, 1);
		expect(await runExecution(first, store, options)).toEqual(first.items);
		const again = await deliver(SAMPLE, { options });
		accepted(again, 1);
		expect(await runExecution(again, store, options)).toEqual([]);
	});
});

describe('signatures: header value variants', () => {
	it.each([
		['lower-case hex, as Meta sends it', GOOD],
		['upper-case hex (same MAC)', `sha256=${HEX.toUpperCase()}`],
		['an upper-case algorithm name', `SHA256=${HEX}`],
		['surrounding whitespace', `  ${GOOD}\t`],
	])('accepts %s', async (_label, header) => {
		accepted(await deliver(SAMPLE, { headers: { 'x-hub-signature-256': header } }));
	});

	it.each([
		['missing', undefined, 'is missing'],
		['empty', '', 'is missing'],
		['the bare hex without "sha256="', HEX, 'is not "sha256=<64 hex digits>"'],
		[
			'a SHA-1 signature (X-Hub-Signature style)',
			`sha1=${createHmac('sha1', FUZZ_APP_SIGNING).update(SAMPLE).digest('hex')}`,
			'is not "sha256=',
		],
		['one hex digit short', GOOD.slice(0, -1), 'is not "sha256='],
		['one hex digit too many', `${GOOD}0`, 'is not "sha256='],
		['not hex', `sha256=${'g'.repeat(64)}`, 'is not "sha256='],
		['the last digit not hex', `${GOOD.slice(0, -1)}g`, 'is not "sha256='],
		['a space among the digits', `sha256=${HEX.slice(0, 30)} ${HEX.slice(31)}`, 'is not "sha256='],
		['the digits of the right MAC after "sha257="', `sha257=${HEX}`, 'is not "sha256='],
		['a sign before the digits', `sha256=-${HEX.slice(1)}`, 'is not "sha256='],
		['two signatures joined by a comma', `${GOOD}, ${GOOD}`, 'is not "sha256='],
		['signed with another secret', metaSignature(SAMPLE, 'another-app'), 'does not match the body'],
		['signed with an empty key', metaSignature(SAMPLE, ''), 'does not match the body'],
		['signed with the access token', metaSignature(SAMPLE, FUZZ_BEARER), 'does not match the body'],
		['all zeros', `sha256=${'0'.repeat(64)}`, 'does not match the body'],
	])('answers 401 when the signature is %s', async (_label, header, reason) => {
		const headers: Record<string, string> =
			header === undefined ? {} : { 'x-hub-signature-256': header };
		refused(await deliver(SAMPLE, { headers }), reason);
	});

	it('ignores the SHA-1 X-Hub-Signature header even when it is valid', async () => {
		const sha1 = `sha1=${createHmac('sha1', FUZZ_APP_SIGNING).update(SAMPLE).digest('hex')}`;
		refused(await deliver(SAMPLE, { headers: { 'x-hub-signature': sha1 } }), 'is missing');
	});

	it('checks the first value when n8n hands over repeated headers as an array', async () => {
		const wrong = metaSignature(SAMPLE, 'another-app');
		const asArray = (values: string[]) => ({ 'x-hub-signature-256': values as unknown as string });
		accepted(await deliver(SAMPLE, { headers: asArray([GOOD, wrong]) }));
		refused(await deliver(SAMPLE, { headers: asArray([wrong, GOOD]) }), 'does not match the body');
		refused(await deliver(SAMPLE, { headers: asArray([]) }), 'is missing');
	});
});

describe('signatures: the app secret', () => {
	it.each([
		['empty', ''],
		['only whitespace', '   '],
		['missing', undefined],
	])(
		'refuses every delivery (401) when the credential secret is %s, even one signed with an empty key',
		async (_label, appSecret) => {
			const credentials: Record<string, unknown> = { ...CREDENTIALS, appSecret };
			for (const header of [metaSignature(SAMPLE, ''), metaSignature(SAMPLE, '   '), GOOD]) {
				refused(
					await deliver(SAMPLE, {
						headers: { 'x-hub-signature-256': header },
						extra: { credentials },
					}),
					'no App Secret',
				);
			}
		},
	);

	it('accepts unsigned deliveries only when Verify Signatures is off (the documented opt-out)', async () => {
		const fake = createWebhookContext({
			credentials: { ...CREDENTIALS, appSecret: '' },
			parameters: { verifySignatures: false },
			webhookUrl: WEBHOOK_URL,
			rawBody: SAMPLE,
		});
		const result = await trigger.webhook.call(fake.context);
		expect(result.workflowData?.[0]).toHaveLength(1);
	});
});

describe('signatures: very large bodies', () => {
	/** A messages change with `count` statuses: about 330 bytes each. */
	function bigDelivery(count: number): string {
		const statuses = Array.from({ length: count }, (_unused, index) => ({
			id: `wamid.big-${index}`,
			status: 'delivered',
			timestamp: '1760000000',
			recipient_id: 'GROUP_A',
			recipient_type: 'group',
			recipient_participant_id: `1555${String(index).padStart(7, '0')}`,
			pricing: { billable: true, pricing_model: 'PMP', category: 'group_service', type: 'regular' },
		}));
		return JSON.stringify({
			object: 'whatsapp_business_account',
			entry: [
				{
					id: 'WABA_1',
					changes: [
						{ field: 'messages', value: { metadata: { phone_number_id: 'PHONE_1' }, statuses } },
					],
				},
			],
		});
	}

	it('accepts a signed 10 MB delivery and emits every one of its 40,000 statuses, in bounded time', async () => {
		const raw = bigDelivery(40_000);
		expect(raw.length).toBeGreaterThan(10_000_000);
		const started = Date.now();
		const outcome = await deliver(raw, {
			options: { includeOneToOne: false, ignoreRedeliveries: true },
		});
		accepted(outcome, 40_000);
		expect(new Set(outcome.items?.map((item) => item.messageId)).size).toBe(40_000);
		// The run's first step takes all 40,000 in; the redelivery memory stays bounded.
		const store = new MemoryDeduplicationStore();
		const taken = await runExecution(outcome, store, {
			includeOneToOne: false,
			ignoreRedeliveries: true,
		});
		expect(Date.now() - started).toBeLessThan(15_000);
		expect(taken).toHaveLength(40_000);
		expect([...store.lists.values()][0]).toHaveLength(1000);
	}, 30_000);

	it('refuses a 10 MB body with a replayed signature before parsing it', async () => {
		const raw = bigDelivery(40_000);
		const started = Date.now();
		refused(
			await deliver(`${raw} `, {
				headers: { 'x-hub-signature-256': metaSignature(raw, FUZZ_APP_SIGNING) },
			}),
			'does not match the body',
		);
		expect(Date.now() - started).toBeLessThan(5_000);
	}, 30_000);
});

describe('signatures over real HTTP: header name case and repeated headers', () => {
	let server: Awaited<ReturnType<typeof startTriggerServer>>;
	let url: string;
	const warnings: string[] = [];
	const emitted: IDataObject[] = [];

	beforeAll(async () => {
		server = await startTriggerServer(async (call) => {
			const fake = createWebhookContext({
				credentials: CREDENTIALS,
				parameters: { destination: 'phoneNumber' },
				webhookUrl: WEBHOOK_URL,
				webhookName: call.method === 'GET' ? 'setup' : 'default',
				query: call.query,
				headers: call.headers,
				rawBody: call.method === 'GET' ? undefined : call.rawBody,
			});
			const result = await trigger.webhook.call(fake.context);
			warnings.push(...fake.logger.warn.mock.calls.map((args) => String(args[0])));
			if (result.workflowData) {
				emitted.push(...result.workflowData[0].map((item) => item.json));
				return { status: 200, body: 'OK' };
			}
			return {
				status: fake.response.sent.statusCode ?? 500,
				headers: fake.response.sent.headers,
				body: String(fake.response.sent.body ?? ''),
			};
		});
		url = `${server.url}/webhook/4f1c/webhook`;
	});
	afterAll(async () => server.stop());
	beforeEach(() => {
		warnings.length = 0;
		emitted.length = 0;
	});

	it.each([
		'X-Hub-Signature-256',
		'x-hub-signature-256',
		'X-HUB-SIGNATURE-256',
		'x-HuB-sIgNaTuRe-256',
	])('accepts the signature header spelled %s', async (name) => {
		const answer = await sendRaw(url, {
			headers: [
				[name, GOOD],
				['Content-Type', 'application/json'],
			],
			body: SAMPLE,
		});
		expect(answer.status).toBe(200);
		expect(emitted).toHaveLength(1);
	});

	it.each([
		['the valid one twice', [GOOD, GOOD]],
		['a valid one, then a forged one', [GOOD, metaSignature(SAMPLE, 'another-app')]],
		['a forged one, then the valid one', [metaSignature(SAMPLE, 'another-app'), GOOD]],
		['in two spellings', [GOOD, GOOD]],
	])(
		'answers 401 to several signature headers (%s): Node joins them into one value that is no signature',
		async (label, values) => {
			const names =
				label === 'in two spellings'
					? ['X-Hub-Signature-256', 'x-hub-signature-256']
					: ['X-Hub-Signature-256', 'X-Hub-Signature-256'];
			const answer = await sendRaw(url, {
				headers: [
					[names[0], values[0]],
					[names[1], values[1]],
					['Content-Type', 'application/json'],
				],
				body: SAMPLE,
			});
			expect(answer.status).toBe(401);
			expect(emitted).toHaveLength(0);
			expect(warnings.join('\n')).toContain('is not "sha256=<64 hex digits>"');
		},
	);

	it('answers 401 over HTTP to a replayed signature on a changed body and to a SHA-1-only delivery', async () => {
		const changed = await sendRaw(url, {
			headers: [['X-Hub-Signature-256', GOOD]],
			body: SAMPLE.replace('Cohort 7', 'Cohort 9'),
		});
		const sha1 = await sendRaw(url, {
			headers: [
				[
					'X-Hub-Signature',
					`sha1=${createHmac('sha1', FUZZ_APP_SIGNING).update(SAMPLE).digest('hex')}`,
				],
			],
			body: SAMPLE,
		});
		expect([changed.status, sha1.status]).toEqual([401, 401]);
		expect(emitted).toHaveLength(0);
	});

	it('answers the challenge whatever the case of the parameter values Node hands over', async () => {
		const token = deriveVerifyToken(FUZZ_APP_SIGNING, WEBHOOK_URL);
		const ok = await sendRaw(
			`${url}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`,
			{ method: 'GET' },
		);
		expect([ok.status, ok.body]).toEqual([200, '1158201444']);
		const shouting = await sendRaw(
			`${url}?hub.mode=SUBSCRIBE&hub.verify_token=${token}&hub.challenge=1`,
			{ method: 'GET' },
		);
		expect(shouting.status).toBe(403);
	});
});

describe('verification challenge matrix', () => {
	const token = deriveVerifyToken(FUZZ_APP_SIGNING, WEBHOOK_URL);

	async function challenge(
		query: IDataObject,
		extra: { parameters?: IDataObject; credentials?: IDataObject; resourceUrl?: string } = {},
	) {
		const fake = createWebhookContext({
			credentials: extra.credentials ?? CREDENTIALS,
			parameters: extra.parameters ?? { destination: 'phoneNumber' },
			webhookUrl: WEBHOOK_URL,
			resourceUrl: extra.resourceUrl,
			webhookName: 'setup',
			query,
		});
		const result = await trigger.webhook.call(fake.context);
		expect(result).toEqual({ noWebhookResponse: true });
		return fake;
	}

	it.each([
		['a number', '1158201444'],
		['10,000 characters', 'x'.repeat(10_000)],
		['markup (sent back as text/plain, not HTML)', '<script>alert(1)</script>'],
		['odd Unicode', '\u202e👩‍👩‍👧‍👦\u0000'],
	])('echoes a challenge that is %s with the right token', async (_label, value) => {
		const { response } = await challenge({
			'hub.mode': 'subscribe',
			'hub.verify_token': token,
			'hub.challenge': value,
		});
		expect(response.sent).toEqual({
			statusCode: 200,
			headers: { 'content-type': 'text/plain; charset=utf-8' },
			body: value,
		});
	});

	it.each<[string, IDataObject, IDataObject?]>([
		[
			'a wrong token',
			{ 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1' },
		],
		['an empty token', { 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' }],
		['no token', { 'hub.mode': 'subscribe', 'hub.challenge': '1' }],
		[
			'the token in upper case',
			{ 'hub.mode': 'subscribe', 'hub.verify_token': token.toUpperCase(), 'hub.challenge': '1' },
		],
		[
			'the token twice (an array)',
			{ 'hub.mode': 'subscribe', 'hub.verify_token': [token, token], 'hub.challenge': '1' },
		],
		[
			'the token plus a suffix',
			{ 'hub.mode': 'subscribe', 'hub.verify_token': `${token}x`, 'hub.challenge': '1' },
		],
		[
			'the app secret itself as token',
			{ 'hub.mode': 'subscribe', 'hub.verify_token': FUZZ_APP_SIGNING, 'hub.challenge': '1' },
		],
		[
			'hub.mode unsubscribe',
			{ 'hub.mode': 'unsubscribe', 'hub.verify_token': token, 'hub.challenge': '1' },
		],
		['no hub.mode', { 'hub.verify_token': token, 'hub.challenge': '1' }],
		['no challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': token }],
		[
			'an empty challenge',
			{ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '' },
		],
		[
			'a challenge array',
			{ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': ['1', '2'] },
		],
		['no query at all', {}],
		[
			'the production token on the test URL',
			{ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1' },
			{ resourceUrl: WEBHOOK_URL.replace('/webhook/', '/webhook-test/') },
		],
		[
			'a manual destination without a token, and an empty token',
			{ 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' },
			{ parameters: { destination: 'manual', manualVerifyToken: '' } },
		],
		[
			'a credential with neither secret nor token',
			{
				'hub.mode': 'subscribe',
				'hub.verify_token': deriveVerifyToken('', WEBHOOK_URL),
				'hub.challenge': '1',
			},
			{ credentials: { ...CREDENTIALS, appSecret: '', accessToken: '' } },
		],
		// A rest parameter: with (label, query, extra) jest would count 3 arguments and pass `done`.
	])('answers 403 and logs why for %s', async (...[, query, extra]) => {
		const { response, logger } = await challenge(query, extra ?? {});
		expect(response.sent).toEqual({
			statusCode: 403,
			headers: { 'content-type': 'text/plain; charset=utf-8' },
			body: 'Forbidden',
		});
		expect(logger.warn).toHaveBeenCalledTimes(1);
		expect(String(logger.warn.mock.calls[0][0])).toMatch(
			/refused (a GET request|Meta's verification) \(403\)/,
		);
	});
});
