/**
 * The Request Timeout option reaches every request of every operation. Each operation reads it in
 * `prepare` and passes it as `timeoutMs`; the transport reads no node parameter, so an operation
 * that forgot it would silently fall back to the default. Checked on the options n8n's HTTP helper
 * receives, for all 16 operations.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { router } from '../../nodes/WhatsAppGroups/actions/router';
import { actionNode, FAKE_BEARER, GROUP_ID, PHONE_ID } from '../support/action';
import { makeJpeg } from '../support/jpeg';

const SUBJECT = 'Timeout team';
const NOW = Math.floor(Date.now() / 1000);

/**
 * Meta's answer for each request the operations below make, by method and path. `created` says
 * whether the group was asked for yet: Create's Wait for Group lists the groups before and after.
 */
function answer(method: string, url: string, created: boolean): unknown {
	const path = new URL(url).pathname.replace(/^\/v26\.0/, '');
	if (method === 'GET' && path.endsWith('/groups'))
		return {
			data: { groups: created ? [{ id: GROUP_ID, subject: SUBJECT, created_at: NOW }] : [] },
		};
	if (path.endsWith('/groups')) return { request_id: 'request-1' };
	if (path.endsWith('/invite_link')) return { invite_link: 'https://chat.whatsapp.com/abc' };
	if (path.endsWith('/messages')) return { messages: [{ id: 'wamid.1' }] };
	if (method === 'GET' && path.endsWith('/join_requests'))
		return { data: [{ join_request_id: 'jr-1', wa_id: '4915112345678' }] };
	if (path.endsWith('/join_requests'))
		return { approved_join_requests: ['jr-1'], rejected_join_requests: ['jr-1'] };
	if (path.endsWith('/participants')) return { success: true };
	if (method === 'GET') return { id: GROUP_ID, subject: SUBJECT };
	return { success: true };
}

/** An execute context for the router whose HTTP helper records the options of every request. */
function executeContext(parameters: IDataObject[]) {
	const requests: IHttpRequestOptions[] = [];
	const picture = makeJpeg(192, 192);
	const context = {
		getInputData: () =>
			parameters.map(() => ({
				json: {},
				binary: { data: { data: '', mimeType: 'image/jpeg', fileName: 'p.jpg' } },
			})),
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) =>
			name in parameters[itemIndex] ? parameters[itemIndex][name] : fallback,
		getNode: () => actionNode(),
		continueOnFail: () => false,
		getCredentials: async () => ({
			accessToken: FAKE_BEARER,
			graphApiVersion: 'v26.0',
			baseUrl: 'https://graph.facebook.com',
		}),
		helpers: {
			getBinaryDataBuffer: async () => picture,
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
				requests.push(options);
				const created = requests.some(
					(request) => request.method === 'POST' && request.url.endsWith('/groups'),
				);
				return {
					statusCode: 200,
					headers: {},
					body: answer(options.method ?? 'GET', options.url, created),
				};
			},
		},
	} as unknown as IExecuteFunctions;
	return { context, requests };
}

const target = { phoneNumberId: PHONE_ID, groupId: GROUP_ID };

/** Every operation, with parameters that make it send all the requests it can. */
const OPERATIONS: Array<[string, string, IDataObject, number]> = [
	['group', 'create', { phoneNumberId: PHONE_ID, subject: SUBJECT }, 4],
	['group', 'delete', target, 1],
	['group', 'get', target, 1],
	['group', 'getMany', { phoneNumberId: PHONE_ID, returnAll: true }, 1],
	[
		'group',
		'update',
		{ ...target, updateFields: { subject: SUBJECT, pictureBinaryProperty: 'data' } },
		2,
	],
	['inviteLink', 'get', target, 1],
	['inviteLink', 'reset', target, 1],
	[
		'inviteLink',
		'send',
		{
			...target,
			recipient: '+4915112345678',
			templateName: 'group_invite_link',
			languageCode: 'en',
		},
		1,
	],
	['joinRequest', 'approve', { ...target, joinRequestIds: 'jr-1' }, 1],
	['joinRequest', 'getMany', { ...target, returnAll: true }, 1],
	['joinRequest', 'reject', { ...target, joinRequestIds: 'jr-1' }, 1],
	['message', 'markAsRead', { phoneNumberId: PHONE_ID, messageId: 'wamid.1' }, 1],
	['message', 'pin', { ...target, messageId: 'wamid.1' }, 1],
	['message', 'send', { ...target, messageType: 'text', text: 'Hello' }, 1],
	['message', 'unpin', { ...target, messageId: 'wamid.1' }, 1],
	['participant', 'remove', { ...target, participants: '+4915112345678' }, 1],
	// Wait for Confirmation's read-backs carry the timeout too.
	[
		'group',
		'update',
		{
			...target,
			updateFields: { subject: SUBJECT, pictureBinaryProperty: 'data' },
			options: { waitForConfirmation: true },
		},
		3,
	],
	[
		'participant',
		'remove',
		{ ...target, participants: '+4915112345678', options: { waitForConfirmation: true } },
		2,
	],
];

describe('Request Timeout reaches every request', () => {
	it.each(OPERATIONS)('%s > %s', async (resource, operation, parameters, requestCount) => {
		const options: IDataObject = { ...(parameters.options as IDataObject), requestTimeout: 7 };
		// Create also waits for the group: it reads the active groups before and after, and the link.
		if (operation === 'create') Object.assign(options, { waitForGroup: true, pollInterval: 1 });
		const { context, requests } = executeContext([{ resource, operation, ...parameters, options }]);
		await router.call(context);
		expect(requests.map((request) => request.timeout)).toEqual(
			Array.from({ length: requestCount }, () => 7000),
		);
	});

	it('is 60 seconds when the option is not set', async () => {
		const { context, requests } = executeContext([
			{ resource: 'group', operation: 'get', ...target },
		]);
		await router.call(context);
		expect(requests.map((request) => request.timeout)).toEqual([60000]);
	});

	it('a combined request waits as long as the first item for the group allows', async () => {
		const { context, requests } = executeContext([
			{
				resource: 'joinRequest',
				operation: 'approve',
				...target,
				joinRequestIds: 'jr-1',
				options: { requestTimeout: 9 },
			},
			{
				resource: 'joinRequest',
				operation: 'approve',
				...target,
				joinRequestIds: 'jr-2',
				options: { requestTimeout: 2 },
			},
		]);
		await router.call(context);
		expect(requests.map((request) => request.timeout)).toEqual([9000]);
	});
});
