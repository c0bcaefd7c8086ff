import { sleep } from 'n8n-workflow';

import { META_ERROR_EXPLANATIONS } from '../../nodes/shared/transport/errors';
import { backoffDelay, parseRetryAfter } from '../../nodes/shared/transport/retry';
import {
	FAKE_APP_SIGNING,
	everything,
	graph,
	graphError,
	GROUP_ID,
	groupLocator,
	PHONE_ID,
	rows,
	run,
	FAKE_BEARER,
} from '../support/action';
import { useNock } from '../support/nock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => undefined),
}));
const sleepMock = sleep as jest.MockedFunction<typeof sleep>;

const getGroup = {
	resource: 'group',
	operation: 'get',
	phoneNumberId: PHONE_ID,
	groupId: groupLocator(),
	fields: ['subject'],
};
const createGroup = {
	resource: 'group',
	operation: 'create',
	phoneNumberId: PHONE_ID,
	subject: 'New',
};
const sendText = {
	resource: 'message',
	operation: 'send',
	phoneNumberId: PHONE_ID,
	groupId: groupLocator(),
	messageType: 'text',
	text: 'hi',
};

const GROUPS_CODES: Array<[number, number]> = [
	[131020, 400],
	[131041, 400],
	[131059, 400],
	[131202, 400],
	[131203, 400],
	[131204, 400],
	[131207, 403],
	[131209, 400],
	[131210, 400],
	[131211, 400],
	[131212, 400],
	[131213, 400],
	[131214, 400],
	[131215, 400],
];

describe('Meta errors become NodeApiErrors with code, plain message, hint and fbtrace_id', () => {
	useNock();

	it('knows every Groups error code of the reference, plus 131201 and the throttling codes', () => {
		for (const code of [...GROUPS_CODES.map(([c]) => c), 131201, 131208, 130429, 80007, 4, 613]) {
			expect(META_ERROR_EXPLANATIONS[code]).toEqual({
				message: expect.any(String),
				hint: expect.any(String),
			});
		}
	});

	it.each(GROUPS_CODES)('maps %i (HTTP %i)', async (code, status) => {
		const scope = graph()
			.get(`/v26.0/${GROUP_ID}`)
			.query(true)
			.reply(status, graphError(code, `Meta says ${code}`));
		const result = await run(getGroup);
		const known = META_ERROR_EXPLANATIONS[code];
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe(`${known.message} (code ${code})`);
		expect(result.error?.description).toBe(
			`Meta says: Meta says ${code}. Details: details for ${code}. ${known.hint} Meta error code ${code}. fbtrace_id: AbCdEfGh123`,
		);
		expect(result.error?.httpCode).toBe(String(status));
		scope.done();
	});

	it('131215 tells the user the number is not eligible and why', async () => {
		const scope = graph().get(`/v26.0/${GROUP_ID}`).query(true).reply(400, graphError(131215));
		const result = await run(getGroup);
		expect(result.error?.message).toBe(
			'This phone number is not eligible for the Groups API (code 131215)',
		);
		expect(result.error?.description).toContain('Official Business Accounts');
		expect(result.error?.description).toContain('Coexistence');
		scope.done();
	});

	it("keeps Meta's own message for codes it does not know", async () => {
		const scope = graph()
			.get(`/v26.0/${GROUP_ID}`)
			.query(true)
			.reply(400, graphError(99999, 'Something new'));
		const result = await run(getGroup);
		expect(result.error?.message).toBe('Something new (code 99999)');
		scope.done();
	});
});

describe('Retries: backoff with jitter, Retry-After, caps, and no duplicate creates or sends', () => {
	useNock();
	beforeEach(() => sleepMock.mockClear());

	it('computes exponential backoff with equal jitter', () => {
		expect(backoffDelay(1, 1000, () => 0)).toBe(500);
		expect(backoffDelay(1, 1000, () => 1)).toBe(1000);
		expect(backoffDelay(3, 1000, () => 0)).toBe(2000);
		expect(backoffDelay(3, 1000, () => 1)).toBe(4000);
	});

	it('reads Retry-After in seconds and as an HTTP date', () => {
		expect(parseRetryAfter('7')).toBe(7000);
		expect(
			parseRetryAfter('Wed, 21 Oct 2026 07:28:05 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT')),
		).toBe(5000);
		expect(parseRetryAfter(undefined)).toBeUndefined();
		expect(parseRetryAfter('soon')).toBeUndefined();
	});

	it.each([
		['HTTP 429', 429, graphError(80007, 'Rate limit')],
		['131208 group rate limit', 429, graphError(131208, 'Group rate limit')],
		['130429 throughput', 400, graphError(130429, 'Throughput')],
		['code 4', 400, graphError(4, 'App limit')],
		['code 613', 400, graphError(613, 'Call limit')],
	])(
		'retries a create after %s, honouring Retry-After, without creating twice',
		async (_label, status, body) => {
			const scope = graph()
				.post(`/v26.0/${PHONE_ID}/groups`)
				.reply(status, body, { 'Retry-After': '7' })
				.post(`/v26.0/${PHONE_ID}/groups`)
				.reply(200, { messaging_product: 'whatsapp', request_id: 'REQ' });
			const result = await run(createGroup);
			expect(result.error).toBeUndefined();
			expect(rows(result)).toEqual([
				{
					json: {
						requestId: 'REQ',
						phoneNumberId: PHONE_ID,
						subject: 'New',
						joinApprovalMode: 'auto_approve',
					},
					item: 0,
				},
			]);
			expect(sleepMock).toHaveBeenCalledTimes(1);
			// Retry-After wins over a shorter backoff step (the first is 0.5–1 s).
			expect(sleepMock).toHaveBeenCalledWith(7000);
			scope.done();
		},
	);

	it('retries reads on 5xx and transient errors with growing waits, up to 5 attempts', async () => {
		const scope = graph()
			.get(`/v26.0/${GROUP_ID}`)
			.query(true)
			.times(5)
			.reply(503, graphError(2, 'Service temporarily unavailable', { is_transient: true }));
		const result = await run(getGroup);
		expect(result.error?.message).toBe('Service temporarily unavailable (code 2)');
		expect(result.error?.description).toContain('Gave up after 5 attempts.');
		const waits = sleepMock.mock.calls.map(([ms]) => ms as number);
		expect(waits).toHaveLength(4);
		waits.forEach((ms, index) => {
			expect(ms).toBeGreaterThanOrEqual(500 * 2 ** index);
			expect(ms).toBeLessThanOrEqual(1000 * 2 ** index);
		});
		scope.done();
	});

	it('gives up when Retry-After would exceed the total wait budget', async () => {
		const scope = graph()
			.get(`/v26.0/${GROUP_ID}`)
			.query(true)
			.reply(429, graphError(131208), { 'Retry-After': '3600' });
		const result = await run(getGroup);
		expect(result.error?.message).toBe(
			'Group operations rate limit reached for this phone number (code 131208)',
		);
		expect(result.error?.description).toContain('would exceed the retry budget of 60 s');
		expect(sleepMock).not.toHaveBeenCalled();
		scope.done();
	});

	it('never retries a create after an ambiguous 5xx', async () => {
		const scope = graph()
			.post(`/v26.0/${PHONE_ID}/groups`)
			.once()
			.reply(500, graphError(1, 'Unknown error'));
		const result = await run(createGroup);
		expect(result.error?.message).toBe('Unknown error (code 1)');
		expect(result.error?.description).toContain(
			'Not retried automatically: the request may have reached Meta',
		);
		expect(sleepMock).not.toHaveBeenCalled();
		scope.done();
	});

	it('retries a send after an ambiguous failure when the user opts in', async () => {
		const scope = graph()
			.post(`/v26.0/${PHONE_ID}/messages`)
			.reply(502, 'Bad Gateway')
			.post(`/v26.0/${PHONE_ID}/messages`)
			.reply(200, { messaging_product: 'whatsapp', messages: [{ id: 'wamid.R' }] });
		const result = await run({ ...sendText, options: { retryAmbiguous: true } });
		expect(rows(result)).toEqual([
			{ json: { groupId: GROUP_ID, messageId: 'wamid.R', type: 'text' }, item: 0 },
		]);
		scope.done();
	});
});

describe('Secrets never leave the node', () => {
	useNock();

	it('scrubs the token and app secret even when Meta echoes them', async () => {
		const scope = graph()
			.get(`/v26.0/${GROUP_ID}`)
			.query(true)
			.reply(
				400,
				graphError(
					190,
					`Invalid OAuth access token ${FAKE_BEARER} (app secret ${FAKE_APP_SIGNING})`,
					{
						error_data: { details: `token=${FAKE_BEARER}` },
					},
				),
			);
		const result = await run(getGroup);
		expect(result.error?.message).toBe('The access token is invalid or expired (code 190)');
		const text = everything(result);
		expect(text).toContain('[redacted]');
		expect(text).not.toContain(FAKE_BEARER);
		expect(text).not.toContain(FAKE_APP_SIGNING);
		scope.done();
	});
});
