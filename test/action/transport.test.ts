import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { callGraphFull } from '../../nodes/shared/transport/request';
import { FAKE_APP_SIGNING, FAKE_BEARER } from '../support/action';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => undefined),
}));
const sleepMock = sleep as jest.MockedFunction<typeof sleep>;

type Answer = { statusCode: number; body: unknown; headers?: Record<string, string> } | Error;

/** A context whose HTTP layer answers from a script; records every request it was asked to send. */
function scriptedContext(answers: Answer[]) {
	const requests: IHttpRequestOptions[] = [];
	const context = {
		getNode: () => ({
			id: 'n',
			name: 'WhatsApp Groups',
			type: 'whatsAppGroups',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
		getCredentials: async () => ({
			accessToken: FAKE_BEARER,
			appSecret: FAKE_APP_SIGNING,
			graphApiVersion: 'v26.0',
			baseUrl: 'https://graph.facebook.com/',
		}),
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
				requests.push(options);
				const answer = answers.shift();
				if (!answer) throw new Error('no scripted answer left');
				if (answer instanceof Error) throw answer;
				return { headers: {}, ...answer };
			},
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

	it('stops after the attempt cap with throttling that never ends', async () => {
		const throttled = { statusCode: 429, body: { error: { code: 131208, message: 'slow down' } } };
		const { context, requests } = scriptedContext([
			throttled,
			throttled,
			throttled,
			throttled,
			throttled,
		]);
		const error = (await callGraphFull(context, {
			method: 'GET',
			endpoint: 'group',
			ids: { groupId: 'g' },
			retry: { maxAttempts: 3 },
		}).catch((caught: unknown) => caught)) as NodeApiError;
		expect(error.message).toBe(
			'Group operations rate limit reached for this phone number (code 131208)',
		);
		expect(requests).toHaveLength(3);
		expect(sleepMock).toHaveBeenCalledTimes(2);
	});
});
