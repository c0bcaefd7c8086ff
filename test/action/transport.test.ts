import type { IExecuteFunctions, IHttpRequestOptions, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { callGraphFull, paginateGraph } from '../../nodes/shared/transport/request';
import { MAX_THROTTLED_ATTEMPTS } from '../../nodes/shared/transport/retry';
import { actionNode, FAKE_APP_SIGNING, FAKE_BEARER } from '../support/action';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => undefined),
}));
const sleepMock = sleep as jest.MockedFunction<typeof sleep>;

type Answer = { statusCode: number; body: unknown; headers?: Record<string, string> } | Error;

/** A context whose HTTP layer answers from a script; records every request it was asked to send. */
function scriptedContext(
	answers: Answer[],
	credentials: Record<string, unknown> = {},
	parameters: Record<string, unknown> = {},
) {
	const requests: IHttpRequestOptions[] = [];
	const answer = async (options: IHttpRequestOptions) => {
		requests.push(options);
		const next = answers.shift();
		if (!next) throw new Error('no scripted answer left');
		if (next instanceof Error) throw next;
		return { headers: {}, ...next };
	};
	const context = {
		getNode: () => actionNode(parameters as INodeParameters),
		getCredentials: async () => ({
			accessToken: FAKE_BEARER,
			appSecret: FAKE_APP_SIGNING,
			graphApiVersion: 'v26.0',
			baseUrl: 'https://graph.facebook.com/',
			...credentials,
		}),
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) =>
				answer(options),
			httpRequest: async (options: IHttpRequestOptions) => answer(options),
		},
	} as unknown as IExecuteFunctions;
	return { context, requests };
}

function networkError(code: string, message: string): Error {
	// n8n wraps transport failures; the original code sits on the cause.
	return Object.assign(new Error(message), { cause: Object.assign(new Error(message), { code }) });
}

describe('transport: ambiguous and safe network failures', () => {
	beforeEach(() => sleepMock.mockClear());

	it('builds the URL from base URL and version, trimming slashes, and asks for the full response', async () => {
		const { context, requests } = scriptedContext([{ statusCode: 200, body: { id: 'x' } }]);
		await callGraphFull(context, {
			method: 'GET',
			endpoint: 'group',
			ids: { groupId: 'x' },
			qs: { fields: 'subject' },
		});
		expect(requests).toEqual([
			{
				method: 'GET',
				url: 'https://graph.facebook.com/v26.0/x',
				qs: { fields: 'subject' },
				headers: undefined,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: 60000,
			},
		]);
	});

	it('never retries a send after a dropped connection (ECONNRESET)', async () => {
		const { context, requests } = scriptedContext([networkError('ECONNRESET', 'socket hang up')]);
		const error = await callGraphFull(context, {
			method: 'POST',
			endpoint: 'messages',
			ids: { phoneNumberId: '1' },
			body: {},
			idempotent: false,
		}).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).message).toBe('Could not reach the WhatsApp API (ECONNRESET)');
		expect((error as NodeApiError).description).toContain('a retry could create a duplicate');
		expect(requests).toHaveLength(1);
		expect(sleepMock).not.toHaveBeenCalled();
	});

	it('retries a send when the connection was refused (it never left)', async () => {
		const { context, requests } = scriptedContext([
			networkError('ECONNREFUSED', 'connect ECONNREFUSED'),
			{ statusCode: 200, body: { messages: [{ id: 'wamid.1' }] } },
		]);
		const response = await callGraphFull(context, {
			method: 'POST',
			endpoint: 'messages',
			ids: { phoneNumberId: '1' },
			body: {},
			idempotent: false,
		});
		expect(response.body).toEqual({ messages: [{ id: 'wamid.1' }] });
		expect(requests).toHaveLength(2);
	});

	it('retries a read after a dropped connection', async () => {
		const { context, requests } = scriptedContext([
			networkError('ETIMEDOUT', 'timeout'),
			{ statusCode: 200, body: { id: 'g' } },
		]);
		await callGraphFull(context, { method: 'GET', endpoint: 'group', ids: { groupId: 'g' } });
		expect(requests).toHaveLength(2);
	});

	it('keeps the token and app secret out of network error messages', async () => {
		const { context } = scriptedContext([
			networkError('EPROTO', `handshake failed for Bearer ${FAKE_BEARER} / ${FAKE_APP_SIGNING}`),
		]);
		const error = (await callGraphFull(context, {
			method: 'POST',
			endpoint: 'groups',
			ids: { phoneNumberId: '1' },
			body: {},
			idempotent: false,
		}).catch((caught: unknown) => caught)) as NodeApiError;
		const text = JSON.stringify({
			message: error.message,
			description: error.description,
			context: error.context,
		});
		expect(text).toContain('[redacted]');
		expect(text).not.toContain(FAKE_BEARER);
		expect(text).not.toContain(FAKE_APP_SIGNING);
	});

	it('stops after the attempt cap for failures other than throttling (5xx on a read)', async () => {
		const failing = { statusCode: 503, body: { error: { code: 1, message: 'down' } } };
		const { context, requests } = scriptedContext([failing, failing, failing, failing]);
		const error = (await callGraphFull(context, {
			method: 'GET',
			endpoint: 'group',
			ids: { groupId: 'g' },
			retry: { maxAttempts: 3 },
		}).catch((caught: unknown) => caught)) as NodeApiError;
		expect(error.description).toContain('Gave up after 3 attempts.');
		expect(requests).toHaveLength(3);
		expect(sleepMock).toHaveBeenCalledTimes(2);
	});
});

const THROTTLED = {
	statusCode: 429,
	body: { error: { code: 131208, message: 'slow down' } },
	headers: { 'retry-after': '1' },
};

describe('transport: throttling is retried within the wait budget, not the attempt cap (issue 10, item 9)', () => {
	beforeEach(() => sleepMock.mockClear());

	it.each([429, 131208, 130429, 80007, 4, 613, 17, 32])(
		'retries a send throttled (%s) past the attempt cap of other failures, then succeeds',
		async (code) => {
			const throttled =
				code === 429
					? { statusCode: 429, body: { error: { message: 'Too many' } } }
					: { statusCode: 400, body: { error: { code, message: 'limit' } } };
			const answers: Answer[] = Array.from({ length: 7 }, () => throttled);
			answers.push({ statusCode: 200, body: { messages: [{ id: 'wamid.1' }] } });
			const { context, requests } = scriptedContext(answers);
			const response = await callGraphFull(context, {
				method: 'POST',
				endpoint: 'messages',
				ids: { phoneNumberId: '1' },
				body: {},
				idempotent: false,
			});
			expect(response.body).toEqual({ messages: [{ id: 'wamid.1' }] });
			// Eight attempts: more than the 5 other failures get, sent once successfully.
			expect(requests).toHaveLength(8);
			const waited = sleepMock.mock.calls.reduce((sum, [ms]) => sum + ms, 0);
			expect(waited).toBeLessThanOrEqual(60_000);
		},
	);

	it('gives up on throttling that never ends when the next wait would pass the 60 s budget, and says so', async () => {
		const { context, requests } = scriptedContext(
			Array.from({ length: MAX_THROTTLED_ATTEMPTS + 5 }, () => THROTTLED),
		);
		const error = (await callGraphFull(context, {
			method: 'GET',
			endpoint: 'group',
			ids: { groupId: 'g' },
		}).catch((caught: unknown) => caught)) as NodeApiError;
		expect(error.message).toBe(
			'Group operations rate limit reached for this phone number (code 131208)',
		);
		expect(error.description).toMatch(
			/Gave up after \d+ attempts: waiting \d+ s more would exceed the retry budget of 60 s\./,
		);
		const waited = sleepMock.mock.calls.reduce((sum, [ms]) => sum + ms, 0);
		expect(waited).toBeLessThanOrEqual(60_000);
		// Backoff steps of at most 8 s: about ten tries fit in the budget.
		expect(requests.length).toBeGreaterThanOrEqual(9);
		expect(requests.length).toBe(sleepMock.mock.calls.length + 1);
	});

	it('sends a throttled request at most MAX_THROTTLED_ATTEMPTS times even when every wait is 0', async () => {
		const noWait = { statusCode: 429, body: { error: { code: 131208 } }, headers: {} };
		const { context, requests } = scriptedContext(
			Array.from({ length: MAX_THROTTLED_ATTEMPTS + 5 }, () => noWait),
		);
		const error = (await callGraphFull(context, {
			method: 'GET',
			endpoint: 'group',
			ids: { groupId: 'g' },
			retry: { baseDelayMs: 0 },
		}).catch((caught: unknown) => caught)) as NodeApiError;
		expect(requests).toHaveLength(MAX_THROTTLED_ATTEMPTS);
		expect(error.description).toContain(`Gave up after ${MAX_THROTTLED_ATTEMPTS} attempts.`);
	});

	it('still counts other failures against the attempt cap when throttling came between them', async () => {
		const failing = { statusCode: 503, body: { error: { code: 1, message: 'down' } } };
		const { context, requests } = scriptedContext([
			failing,
			THROTTLED,
			failing,
			THROTTLED,
			failing,
			{ statusCode: 200, body: {} },
		]);
		const error = (await callGraphFull(context, {
			method: 'GET',
			endpoint: 'group',
			ids: { groupId: 'g' },
			retry: { maxAttempts: 3 },
		}).catch((caught: unknown) => caught)) as NodeApiError;
		expect(error.description).toContain('Gave up after 5 attempts.');
		expect(requests).toHaveLength(5);
	});
});

describe('transport: IDs that are not IDs never reach a path (issue 10, item 3)', () => {
	it.each(
		[
			['..', 'The group ID ".." is not an ID: it is only dots'],
			[' .. ', 'The group ID ".." is not an ID: it is only dots'],
			['\t.\t', 'The group ID "." is not an ID: it is only dots'],
			['...', 'The group ID "..." is not an ID: it is only dots'],
			['', 'The group ID is missing'],
			['%2E%2E', 'contains "%"'],
			['../invite_link', 'contains "/"'],
			['a b', 'contains a space'],
			['a\u0000', 'contains the control character U+0000'],
			['a?b=c', 'contains "?"'],
			['a#b', 'contains "#"'],
			['\uFF0E\uFF0E', 'U+FF0E (．), which is not an ASCII character'],
			['\uFF0F', 'U+FF0F (／), which is not an ASCII character'],
			['9'.repeat(513), 'it has 513 characters; IDs have at most 512'],
		].map(([groupId, reason]) => [
			groupId.length > 40
				? `"${groupId.slice(0, 9)}…" (${groupId.length} characters)`
				: JSON.stringify(groupId),
			groupId,
			reason,
		]),
	)(
		'refuses the group ID %s for both providers, without sending anything',
		async (_label, groupId, reason) => {
			for (const authentication of ['cloudApi', '360dialog']) {
				const { context, requests } = scriptedContext(
					[{ statusCode: 200, body: {} }],
					{ apiKey: 'k' },
					{ authentication },
				);
				const error = (await callGraphFull(context, {
					method: 'DELETE',
					endpoint: 'group',
					ids: { groupId },
					itemIndex: 2,
				}).catch((caught: unknown) => caught)) as NodeOperationError;
				expect(error).toBeInstanceOf(NodeOperationError);
				expect(error.message).toContain(reason);
				expect(error.context.itemIndex).toBe(2);
				expect(error.description).toBe('Nothing was sent.');
				expect(requests).toHaveLength(0);
			}
		},
	);

	it('sends IDs of letters, digits and . _ - = ~ + : in one segment', async () => {
		const { context, requests } = scriptedContext([{ statusCode: 200, body: {} }]);
		await callGraphFull(context, {
			method: 'GET',
			endpoint: 'inviteLink',
			ids: { groupId: ' Y2FwaV9n-cm91cD_o.x~1 ' },
		});
		expect(requests[0].url).toBe(
			'https://graph.facebook.com/v26.0/Y2FwaV9n-cm91cD_o.x~1/invite_link',
		);
	});

	it.each(['v26.0/..', '..', 'v26.0/../../x', 'latest', ' v26.0/x'])(
		'refuses a credential whose Graph API Version is %j',
		async (graphApiVersion) => {
			const { context, requests } = scriptedContext([{ statusCode: 200, body: {} }], {
				graphApiVersion,
			});
			const error = (await callGraphFull(context, {
				method: 'GET',
				endpoint: 'group',
				ids: { groupId: 'g' },
			}).catch((caught: unknown) => caught)) as Error;
			expect(error.message).toMatch(
				/^The credential's Graph API Version .* is not a version such as v27\.0/,
			);
			expect(requests).toHaveLength(0);
		},
	);

	it('accepts the version with spaces or slashes around it', async () => {
		const { context, requests } = scriptedContext([{ statusCode: 200, body: {} }], {
			graphApiVersion: ' /v27.0/ ',
		});
		await callGraphFull(context, { method: 'GET', endpoint: 'group', ids: { groupId: 'g' } });
		expect(requests[0].url).toBe('https://graph.facebook.com/v27.0/g');
	});
});

describe('transport: redirects are never followed (issue 10, item 6)', () => {
	it.each([301, 302, 303, 307, 308])(
		'asks n8n not to follow redirects and reports a %s without retrying it',
		async (statusCode) => {
			const { context, requests } = scriptedContext([
				{
					statusCode,
					body: '',
					headers: { location: `https://evil.example/steal?t=${FAKE_BEARER}` },
				},
				{ statusCode: 200, body: {} },
			]);
			const error = (await callGraphFull(context, {
				method: 'POST',
				endpoint: 'messages',
				ids: { phoneNumberId: '1' },
				body: {},
				itemIndex: 1,
			}).catch((caught: unknown) => caught)) as NodeApiError;
			expect(requests).toHaveLength(1);
			expect(requests[0].disableFollowRedirect).toBe(true);
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toBe(
				`The WhatsApp API answered with a redirect (HTTP ${statusCode}), which the node does not follow`,
			);
			expect(error.description).toContain('It pointed to https://evil.example.');
			expect(error.context.itemIndex).toBe(1);
			expect(JSON.stringify({ m: error.message, d: error.description })).not.toContain(FAKE_BEARER);
			expect(sleepMock).not.toHaveBeenCalled();
		},
	);

	it('asks n8n not to follow redirects on calls that carry their own token too', async () => {
		const { context, requests } = scriptedContext([{ statusCode: 200, body: {} }]);
		await callGraphFull(context, {
			method: 'GET',
			endpoint: 'appSubscriptions',
			ids: { appId: '1' },
			qs: { access_token: 'x|y' },
			authentication: 'none',
		});
		expect(requests[0].disableFollowRedirect).toBe(true);
	});
});

describe('transport: secrets stored with spaces around them are redacted as sent (issue 10, item 5)', () => {
	it.each([
		['spaces', `  ${FAKE_BEARER}  `, `  ${FAKE_APP_SIGNING}  `],
		['a tab and a line break', `\t${FAKE_BEARER}\n`, `\n${FAKE_APP_SIGNING}\t`],
	])(
		'redacts the trimmed token and app secret (%s around them)',
		async (_label, accessToken, appSecret) => {
			const echo = `token ${FAKE_BEARER} secret ${FAKE_APP_SIGNING}`;
			const { context } = scriptedContext(
				[
					{
						statusCode: 400,
						body: {
							error: {
								code: 100,
								message: echo,
								error_data: { details: echo },
								fbtrace_id: echo,
								error_user_title: echo,
							},
						},
					},
				],
				{ accessToken, appSecret },
			);
			const error = (await callGraphFull(context, {
				method: 'GET',
				endpoint: 'group',
				ids: { groupId: 'g' },
			}).catch((caught: unknown) => caught)) as NodeApiError;
			const text = JSON.stringify({
				message: error.message,
				description: error.description,
				context: error.context,
				cause: error.cause,
			});
			expect(text).toContain('[redacted]');
			expect(text).not.toContain(FAKE_BEARER);
			expect(text).not.toContain(FAKE_APP_SIGNING);
		},
	);
});

describe('transport: a paging cursor that comes back stops the paging (issue 10, item 7)', () => {
	const page = (ids: string[], after: string, next = true) => ({
		statusCode: 200,
		body: {
			data: ids.map((id) => ({ id })),
			paging: { cursors: { after }, ...(next ? { next: 'x' } : {}) },
		},
	});

	it.each([
		['the same cursor at once', [page(['a'], 'C1'), page(['b'], 'C1')], 2],
		[
			'a cursor from two pages before',
			[page(['a'], 'C1'), page(['b'], 'C2'), page(['c'], 'C1')],
			3,
		],
	])('stops with a clear error on %s', async (_label, answers, requestCount) => {
		const { context, requests } = scriptedContext([...answers, ...answers, ...answers]);
		const error = (await paginateGraph(
			context,
			{ method: 'GET', endpoint: 'groups', ids: { phoneNumberId: '1' }, itemIndex: 4 },
			(body: { data: Array<{ id: string }>; paging: never }) => ({
				items: body.data,
				paging: body.paging,
			}),
			{ pageSize: 10 },
		).catch((caught: unknown) => caught)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'The WhatsApp API sent a page cursor it had already sent: stopped paging',
		);
		expect(error.context.itemIndex).toBe(4);
		expect(requests).toHaveLength(requestCount);
	});

	it('stops on a repeated cursor of join requests too (pages followed when full)', async () => {
		const full = (after: string) => ({
			statusCode: 200,
			body: { data: [{ id: `${after}-1` }, { id: `${after}-2` }], paging: { cursors: { after } } },
		});
		const { context, requests } = scriptedContext([full('J1'), full('J1'), full('J1')]);
		const error = (await paginateGraph(
			context,
			{ method: 'GET', endpoint: 'joinRequests', ids: { groupId: 'g' } },
			(body: { data: Array<{ id: string }>; paging: never }) => ({
				items: body.data,
				paging: body.paging,
			}),
			{ pageSize: 2, followCursorWhenFull: true },
		).catch((caught: unknown) => caught)) as Error;
		expect(error.message).toContain('stopped paging');
		expect(requests).toHaveLength(2);
	});

	it('may see a cursor again after it restarted from the first page on an expired cursor', async () => {
		const expired = { statusCode: 400, body: { error: { code: 131059, message: 'expired' } } };
		const { context, requests } = scriptedContext([
			page(['a'], 'C1'),
			expired,
			page(['a'], 'C1'),
			page(['b'], 'C2', false),
		]);
		const items = await paginateGraph(
			context,
			{ method: 'GET', endpoint: 'groups', ids: { phoneNumberId: '1' } },
			(body: { data: Array<{ id: string }>; paging: never }) => ({
				items: body.data,
				paging: body.paging,
			}),
			{ restartKey: (item) => item.id },
		);
		expect(items.map((item) => item.id)).toEqual(['a', 'b']);
		expect(requests).toHaveLength(4);
	});
});
