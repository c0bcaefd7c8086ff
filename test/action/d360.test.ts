/**
 * The action node with Authentication = 360dialog: every operation's exact request (method, URL
 * on 360dialog's host with no phone number in the path, D360-API-KEY and no Authorization, body),
 * Create's two documented answers, paging that never follows a foreign `next`, 360dialog's three
 * error shapes, and what 360dialog cannot do refused before sending.
 */
import nock from 'nock';
import type { IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';

import {
	searchApprovedTemplates,
	searchGroups,
} from '../../nodes/WhatsAppGroups/methods/listSearch';
import { getPhoneNumbers } from '../../nodes/shared/methods/phoneNumbers';
import { everything, GROUP_ID, groupLocator, rows } from '../support/action';
import { d360, D360_HOST, FAKE_D360_KEY, runD360, sentHeaders } from '../support/d360';
import { makeJpeg } from '../support/jpeg';
import { FAKE_NODE, performRequest } from '../support/n8n/fakeContext';
import { useNock } from '../support/nock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	// Polling and backoff wait with n8n's sleep: no real waiting in tests.
	sleep: jest.fn(async () => undefined),
}));

const ALL_FIELDS =
	'subject,description,participants,join_approval_mode,suspended,creation_timestamp,total_participant_count';

const sendResponse = (id: string, to = GROUP_ID) => ({
	messaging_product: 'whatsapp',
	contacts: [{ input: to, wa_id: to }],
	messages: [{ id }],
});

/** Every request carried the key in D360-API-KEY and no Authorization header. */
function expectKeyHeaderOnly(result: Awaited<ReturnType<typeof runD360>>, count: number): void {
	const headers = sentHeaders(result);
	expect(headers).toHaveLength(count);
	for (const sent of headers) {
		expect(sent['d360-api-key']).toBe(FAKE_D360_KEY);
		expect(sent).not.toHaveProperty('authorization');
	}
}

describe('360dialog: Group', () => {
	useNock({ allUsed: true });

	it('Create posts the body to /groups (no phone number in the path) and outputs the group ID 360dialog answers', async () => {
		d360()
			.post('/groups', {
				messaging_product: 'whatsapp',
				subject: 'Cohort 7',
				description: 'Weekly check-ins',
				join_approval_mode: 'approval_required',
			})
			.matchHeader('content-type', /application\/json/)
			.reply(200, { id: GROUP_ID });
		const result = await runD360({
			resource: 'group',
			operation: 'create',
			// Left over from Meta: hidden with 360dialog, never read, never sent.
			phoneNumberId: '1234567890',
			subject: ' Cohort 7 ',
			additionalFields: { description: 'Weekly check-ins', joinApprovalMode: 'approval_required' },
		});
		expect(result.error).toBeUndefined();
		expect(rows(result)).toEqual([
			{
				json: {
					groupId: GROUP_ID,
					subject: 'Cohort 7',
					description: 'Weekly check-ins',
					joinApprovalMode: 'approval_required',
				},
				item: 0,
			},
		]);
		expectKeyHeaderOnly(result, 1);
	});

	it("Create also takes Meta's answer (request_id)", async () => {
		d360()
			.post('/groups', { messaging_product: 'whatsapp', subject: 'Cohort 8' })
			.reply(200, { messaging_product: 'whatsapp', request_id: 'REQ-8' });
		const result = await runD360({ resource: 'group', operation: 'create', subject: 'Cohort 8' });
		expect(rows(result)).toEqual([
			{
				json: { requestId: 'REQ-8', subject: 'Cohort 8', joinApprovalMode: 'auto_approve' },
				item: 0,
			},
		]);
	});

	it('Create with Wait for Group finds the answered ID among the active groups, not a same-named one', async () => {
		const now = Math.floor(Date.now() / 1000);
		d360()
			.post('/groups', { messaging_product: 'whatsapp', subject: 'Twins' })
			.reply(200, { id: 'NEW' })
			// Before the request: Wait for Group lists the groups that already carry the subject.
			.get('/groups')
			.query({ limit: 1024 })
			.reply(200, { data: { groups: [{ id: 'OTHER', subject: 'Twins', created_at: now }] } })
			.get('/groups')
			.query({ limit: 1024 })
			.reply(200, {
				data: {
					groups: [
						{ id: 'OTHER', subject: 'Twins', created_at: now },
						{ id: 'NEW', subject: 'Twins', created_at: now },
					],
				},
				paging: { cursors: { before: 'B', after: 'A' } },
			})
			.get('/groups/NEW/invite_link')
			.reply(200, { messaging_product: 'whatsapp', invite_link: 'https://chat.whatsapp.com/NEW' });
		const result = await runD360({
			resource: 'group',
			operation: 'create',
			subject: 'Twins',
			options: { waitForGroup: true },
		});
		expect(result.error).toBeUndefined();
		expect(rows(result)).toEqual([
			{
				json: {
					groupId: 'NEW',
					subject: 'Twins',
					joinApprovalMode: 'auto_approve',
					inviteLink: 'https://chat.whatsapp.com/NEW',
					createdAt: new Date(now * 1000).toISOString(),
					createdAtUnix: now,
				},
				item: 0,
			},
		]);
		expectKeyHeaderOnly(result, 4);
	});

	it('Delete sends DELETE /groups/<id>', async () => {
		d360().delete(`/groups/${GROUP_ID}`).reply(200, { success: true });
		const result = await runD360({
			resource: 'group',
			operation: 'delete',
			groupId: groupLocator(),
		});
		expect(rows(result)).toEqual([{ json: { groupId: GROUP_ID, status: 'requested' }, item: 0 }]);
		expectKeyHeaderOnly(result, 1);
	});

	it('Get reads /groups/<id> with the fields', async () => {
		d360()
			.get(`/groups/${GROUP_ID}`)
			.query({ fields: ALL_FIELDS })
			.reply(200, {
				id: GROUP_ID,
				subject: 'Support',
				creation_timestamp: 1700000000,
				total_participant_count: 1,
				participants: [{ wa_id: '4915112345678' }],
			});
		const result = await runD360({ resource: 'group', operation: 'get', groupId: groupLocator() });
		expect(rows(result)).toEqual([
			{
				json: {
					groupId: GROUP_ID,
					subject: 'Support',
					createdAt: '2023-11-14T22:13:20.000Z',
					createdAtUnix: 1700000000,
					totalParticipantCount: 1,
					participants: [{ waId: '4915112345678' }],
				},
				item: 0,
			},
		]);
		expectKeyHeaderOnly(result, 1);
	});

	it("Get Many pages with after= on 360dialog's host and never follows a next link that points elsewhere", async () => {
		// No interceptor answers graph.facebook.com: following `next` would fail the run.
		d360()
			.get('/groups')
			.query({ limit: 1024 })
			.reply(200, {
				data: { groups: [{ id: 'g1', subject: 'One', created_at: 1700000000 }] },
				paging: {
					cursors: { before: 'B', after: 'CUR1' },
					next: 'https://graph.facebook.com/v23.0/123/groups?after=CUR1&access_token=leak',
				},
			})
			.get('/groups')
			.query({ limit: 1024, after: 'CUR1' })
			.reply(200, {
				data: { groups: [{ id: 'g2', subject: 'Two', created_at: '1700000001' }] },
				paging: { cursors: { before: 'B', after: 'END' } },
			});
		const result = await runD360({ resource: 'group', operation: 'getMany', returnAll: true });
		expect(rows(result).map((row) => row.json.groupId)).toEqual(['g1', 'g2']);
		expect(rows(result)[1].json).toEqual({
			groupId: 'g2',
			subject: 'Two',
			createdAt: '2023-11-14T22:13:21.000Z',
			createdAtUnix: 1700000001,
		});
		expectKeyHeaderOnly(result, 2);
	});

	it('Update posts subject and description as JSON to /groups/<id>', async () => {
		d360()
			.post(`/groups/${GROUP_ID}`, {
				messaging_product: 'whatsapp',
				subject: 'New name',
				description: 'New text',
			})
			.matchHeader('content-type', /application\/json/)
			.reply(200, { success: true });
		const result = await runD360({
			resource: 'group',
			operation: 'update',
			groupId: groupLocator(),
			updateFields: { subject: 'New name', description: 'New text' },
		});
		expect(rows(result)).toEqual([
			{
				json: {
					groupId: GROUP_ID,
					status: 'requested',
					subject: 'New name',
					description: 'New text',
					settings: { subject: 'requested', description: 'requested' },
				},
				item: 0,
			},
		]);
		expectKeyHeaderOnly(result, 1);
	});

	it('Update uploads the picture as multipart/form-data to /groups/<id>', async () => {
		const jpeg = makeJpeg(640, 640, 2048);
		let received = Buffer.alloc(0);
		let contentType = '';
		d360()
			.post(`/groups/${GROUP_ID}`, (body) => {
				received =
					typeof body === 'string' && /^[0-9a-f]+$/.test(body)
						? Buffer.from(body, 'hex')
						: Buffer.from(JSON.stringify(body));
				return true;
			})
			.reply(function reply() {
				contentType = String(this.req.headers['content-type']);
				return [200, { success: true }];
			});
		const result = await runD360(
			{
				resource: 'group',
				operation: 'update',
				groupId: groupLocator(),
				updateFields: { pictureBinaryProperty: 'data' },
			},
			[
				{
					json: {},
					binary: {
						data: { data: jpeg.toString('base64'), mimeType: 'image/jpeg', fileName: 'logo.jpg' },
					},
				},
			],
		);
		expect(rows(result)).toEqual([
			{
				json: { groupId: GROUP_ID, status: 'requested', settings: { profilePicture: 'requested' } },
				item: 0,
			},
		]);
		const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(contentType)?.[1];
		expect(boundary).toBeDefined();
		const text = received.toString('binary');
		expect(text).toContain(
			`--${boundary}\r\nContent-Disposition: form-data; name="messaging_product"\r\n\r\nwhatsapp\r\n`,
		);
		expect(text).toContain(
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="logo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n${jpeg.toString('binary')}`,
		);
		expectKeyHeaderOnly(result, 1);
	});
});

describe('360dialog: Invite Link', () => {
	useNock({ allUsed: true });

	it('Get reads /groups/<id>/invite_link', async () => {
		d360()
			.get(`/groups/${GROUP_ID}/invite_link`)
			.reply(200, { messaging_product: 'whatsapp', invite_link: 'https://chat.whatsapp.com/AAA' });
		const result = await runD360({
			resource: 'inviteLink',
			operation: 'get',
			groupId: groupLocator(),
		});
		expect(rows(result)).toEqual([
			{ json: { groupId: GROUP_ID, inviteLink: 'https://chat.whatsapp.com/AAA' }, item: 0 },
		]);
		expectKeyHeaderOnly(result, 1);
	});

	it('Reset posts to /groups/<id>/invite_link', async () => {
		d360()
			.post(`/groups/${GROUP_ID}/invite_link`, { messaging_product: 'whatsapp' })
			.reply(200, { messaging_product: 'whatsapp', invite_link: 'https://chat.whatsapp.com/BBB' });
		const result = await runD360({
			resource: 'inviteLink',
			operation: 'reset',
			groupId: groupLocator(),
		});
		expect(rows(result)).toEqual([
			{
				json: {
					groupId: GROUP_ID,
					inviteLink: 'https://chat.whatsapp.com/BBB',
					previousLinksRevoked: true,
				},
				item: 0,
			},
		]);
		expectKeyHeaderOnly(result, 1);
	});

	it('Send posts the template to /messages, with the template By Name', async () => {
		d360()
			.post('/messages', {
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				to: '4915112345678',
				type: 'template',
				template: {
					name: 'group_invite_link',
					language: { code: 'en' },
					components: [{ type: 'body', parameters: [{ type: 'group_id', group_id: GROUP_ID }] }],
				},
			})
			.reply(200, sendResponse('wamid.INV', '4915112345678'));
		const result = await runD360({
			resource: 'inviteLink',
			operation: 'send',
			groupId: groupLocator(),
			recipient: '+49 151 1234-5678',
			templateName: { __rl: true, mode: 'name', value: 'group_invite_link' },
			languageCode: 'en',
		});
		expect(rows(result)).toEqual([
			{
				json: {
					groupId: GROUP_ID,
					recipient: '4915112345678',
					waId: '4915112345678',
					messageId: 'wamid.INV',
					templateName: 'group_invite_link',
				},
				item: 0,
			},
		]);
		expectKeyHeaderOnly(result, 1);
	});
});

describe('360dialog: Join Request', () => {
	useNock({ allUsed: true });

	it('Get Many reads /groups/<id>/join_requests with cursors', async () => {
		d360()
			.get(`/groups/${GROUP_ID}/join_requests`)
			.query({ limit: 25 })
			.reply(200, {
				data: [{ join_request_id: 'JR1', wa_id: '4915100000001', creation_timestamp: 1700000000 }],
				paging: { cursors: { after: 'C1' } },
			});
		const result = await runD360({
			resource: 'joinRequest',
			operation: 'getMany',
			groupId: groupLocator(),
			limit: 25,
		});
		expect(rows(result)).toEqual([
			{
				json: {
					groupId: GROUP_ID,
					joinRequestId: 'JR1',
					waId: '4915100000001',
					createdAt: '2023-11-14T22:13:20.000Z',
					createdAtUnix: 1700000000,
				},
				item: 0,
			},
		]);
		expectKeyHeaderOnly(result, 1);
	});

	it('Approve posts the IDs to /groups/<id>/join_requests', async () => {
		d360()
			.post(`/groups/${GROUP_ID}/join_requests`, {
				messaging_product: 'whatsapp',
				join_requests: ['JR1', 'JR2'],
			})
			.reply(200, { messaging_product: 'whatsapp', approved_join_requests: ['JR1', 'JR2'] });
		const result = await runD360({
			resource: 'joinRequest',
			operation: 'approve',
			groupId: groupLocator(),
			joinRequestIds: 'JR1, JR2',
		});
		expect(rows(result)).toEqual([
			{ json: { groupId: GROUP_ID, joinRequestId: 'JR1', status: 'approved' }, item: 0 },
			{ json: { groupId: GROUP_ID, joinRequestId: 'JR2', status: 'approved' }, item: 0 },
		]);
		expectKeyHeaderOnly(result, 1);
	});

	it('Reject sends DELETE /groups/<id>/join_requests with the IDs', async () => {
		d360()
			.delete(`/groups/${GROUP_ID}/join_requests`, {
				messaging_product: 'whatsapp',
				join_requests: ['JR3'],
			})
			.reply(200, { messaging_product: 'whatsapp', rejected_join_requests: ['JR3'] });
		const result = await runD360({
			resource: 'joinRequest',
			operation: 'reject',
			groupId: groupLocator(),
			joinRequestIds: 'JR3',
		});
		expect(rows(result)).toEqual([
			{ json: { groupId: GROUP_ID, joinRequestId: 'JR3', status: 'rejected' }, item: 0 },
		]);
		expectKeyHeaderOnly(result, 1);
	});
});

describe('360dialog: Participant', () => {
	useNock({ allUsed: true });

	it('Remove sends DELETE /groups/<id>/participants', async () => {
		d360()
			.delete(`/groups/${GROUP_ID}/participants`, {
				messaging_product: 'whatsapp',
				participants: [{ user: '4915112345678' }, { user_id: 'US.13491208655302741918' }],
			})
			.reply(200, { success: true });
		const result = await runD360({
			resource: 'participant',
			operation: 'remove',
			groupId: groupLocator(),
			participants: '+49 151 12345678, US.13491208655302741918',
		});
		expect(rows(result)).toEqual([
			{ json: { groupId: GROUP_ID, participant: '4915112345678', status: 'requested' }, item: 0 },
			{
				json: { groupId: GROUP_ID, userId: 'US.13491208655302741918', status: 'requested' },
				item: 0,
			},
		]);
		expectKeyHeaderOnly(result, 1);
	});
});

describe('360dialog: Message', () => {
	useNock({ allUsed: true });

	const base = { resource: 'message', groupId: groupLocator() };

	it('Send posts the group message to /messages', async () => {
		d360()
			.post('/messages', {
				messaging_product: 'whatsapp',
				recipient_type: 'group',
				to: GROUP_ID,
				type: 'text',
				text: { body: 'Hello', preview_url: false },
			})
			.reply(200, sendResponse('wamid.T1'));
		const result = await runD360({
			...base,
			operation: 'send',
			messageType: 'text',
			text: 'Hello',
		});
		expect(rows(result)).toEqual([
			{ json: { groupId: GROUP_ID, messageId: 'wamid.T1', type: 'text' }, item: 0 },
		]);
		expectKeyHeaderOnly(result, 1);
	});

	it('Pin posts type pin to /messages', async () => {
		d360()
			.post('/messages', {
				messaging_product: 'whatsapp',
				recipient_type: 'group',
				to: GROUP_ID,
				type: 'pin',
				pin: { type: 'pin', message_id: 'wamid.X', expiration_days: 7 },
			})
			.reply(200, sendResponse('wamid.PIN'));
		const result = await runD360({
			...base,
			operation: 'pin',
			messageId: 'wamid.X',
			expirationDays: 7,
		});
		expect(rows(result)).toEqual([
			{
				json: {
					groupId: GROUP_ID,
					messageId: 'wamid.PIN',
					type: 'pin',
					pinnedMessageId: 'wamid.X',
					expirationDays: 7,
				},
				item: 0,
			},
		]);
		expectKeyHeaderOnly(result, 1);
	});

	it('Unpin posts type unpin to /messages', async () => {
		d360()
			.post('/messages', {
				messaging_product: 'whatsapp',
				recipient_type: 'group',
				to: GROUP_ID,
				type: 'pin',
				pin: { type: 'unpin', message_id: 'wamid.X' },
			})
			.reply(200, sendResponse('wamid.UNPIN'));
		const result = await runD360({ ...base, operation: 'unpin', messageId: 'wamid.X' });
		expect(rows(result)).toEqual([
			{
				json: {
					groupId: GROUP_ID,
					messageId: 'wamid.UNPIN',
					type: 'pin',
					unpinnedMessageId: 'wamid.X',
				},
				item: 0,
			},
		]);
		expectKeyHeaderOnly(result, 1);
	});

	it('Mark as Read posts status read to /messages', async () => {
		d360()
			.post('/messages', { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN1' })
			.reply(200, { success: true });
		const result = await runD360({
			resource: 'message',
			operation: 'markAsRead',
			messageId: 'wamid.IN1',
		});
		expect(rows(result)).toEqual([
			{ json: { messageId: 'wamid.IN1', markedAsRead: true }, item: 0 },
		]);
		expectKeyHeaderOnly(result, 1);
	});
});

describe("360dialog: errors in each of 360dialog's shapes, the key never shown", () => {
	useNock({ allUsed: true });

	const getGroup = { resource: 'group', operation: 'get', groupId: groupLocator() };

	it('{"error": "<text>"} (401): a clear NodeApiError with the hint about the key', async () => {
		d360()
			.get(`/groups/${GROUP_ID}`)
			.query(true)
			.reply(401, {
				error: `Unauthorized - Invalid or missing D360-API-KEY (got ${FAKE_D360_KEY})`,
			});
		const result = await runD360(getGroup);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('360dialog refused the request (HTTP 401)');
		expect(result.error?.description).toBe(
			'360dialog says: Unauthorized - Invalid or missing D360-API-KEY (got [redacted]). Check the API key in the 360dialog credential: 360dialog issues one key per phone number, and generating a new key revokes the old ones.',
		);
		expect(everything(result)).not.toContain(FAKE_D360_KEY);
	});

	it('{"meta": {"developer_message": …}} (400): its message and details', async () => {
		d360()
			.get(`/groups/${GROUP_ID}`)
			.query(true)
			.reply(400, {
				meta: {
					success: false,
					http_code: 400,
					developer_message: `Key ${FAKE_D360_KEY} cannot do this`,
					details: 'Number is not on the Cloud API',
				},
			});
		const result = await runD360(getGroup);
		expect(result.error?.message).toBe('360dialog refused the request (HTTP 400)');
		expect(result.error?.description).toBe(
			'360dialog says: Key [redacted] cannot do this Number is not on the Cloud API.',
		);
		expect(everything(result)).not.toContain(FAKE_D360_KEY);
	});

	it("Meta's error object passed on: Meta's code and hint, as with Meta directly", async () => {
		d360()
			.get(`/groups/${GROUP_ID}`)
			.query(true)
			.reply(400, {
				error: {
					message: `(#131041) Group unknown ${FAKE_D360_KEY}`,
					type: 'OAuthException',
					code: 131041,
					error_data: { messaging_product: 'whatsapp', details: 'No such group' },
					fbtrace_id: 'TRACE',
				},
			});
		const result = await runD360(getGroup);
		expect(result.error?.message).toBe(
			'Group unknown: it does not exist or the business is not a member (code 131041)',
		);
		expect(result.error?.description).toContain('Details: No such group.');
		expect(everything(result)).not.toContain(FAKE_D360_KEY);
	});

	it('a 429 without a body is retried, then answered', async () => {
		d360()
			.get(`/groups/${GROUP_ID}`)
			.query(true)
			.reply(429, { error: 'Too Many Requests' })
			.get(`/groups/${GROUP_ID}`)
			.query(true)
			.reply(200, { id: GROUP_ID, subject: 'S' });
		const result = await runD360({ ...getGroup, fields: ['subject'] });
		expect(rows(result)).toEqual([{ json: { groupId: GROUP_ID, subject: 'S' }, item: 0 }]);
	});
});

describe('360dialog: what it cannot do, refused before sending', () => {
	useNock();

	function loadOptionsContext(parameters: Record<string, unknown>): ILoadOptionsFunctions {
		return {
			getNode: () => ({
				...FAKE_NODE,
				parameters,
				credentials: { whatsAppGroups360DialogApi: { id: 'c', name: '360dialog' } },
			}),
			getCurrentNodeParameters: () => parameters,
			getCurrentNodeParameter: (name: string) => parameters[name],
			getCredentials: async (type: string) => {
				if (type !== 'whatsAppGroups360DialogApi') throw new Error(`Unexpected ${type}`);
				return { apiKey: FAKE_D360_KEY, baseUrl: D360_HOST };
			},
			helpers: {
				httpRequestWithAuthentication: async (type: string, options: IHttpRequestOptions) => {
					if (type !== 'whatsAppGroups360DialogApi') throw new Error(`Unexpected ${type}`);
					return performRequest(options, { 'D360-API-KEY': FAKE_D360_KEY });
				},
			},
		} as unknown as ILoadOptionsFunctions;
	}

	it("the group list reads the key's number's groups (no phone number needed)", async () => {
		const scope = d360()
			.get('/groups')
			.query({ limit: 1024 })
			.reply(200, {
				data: { groups: [{ id: 'G1', subject: 'Cohort Alpha', created_at: 1 }] },
				paging: { cursors: { after: 'P2' }, next: 'https://elsewhere.example/next' },
			});
		await expect(
			searchGroups.call(loadOptionsContext({ authentication: '360dialog' })),
		).resolves.toEqual({
			results: [{ name: 'Cohort Alpha · G1', value: 'G1' }],
			paginationToken: 'P2',
		});
		scope.done();
	});

	it('the template list and the phone number list say why they are not available, and ask nothing', async () => {
		const templates: Error = await searchApprovedTemplates
			.call(loadOptionsContext({ authentication: '360dialog' }))
			.then(
				() => new Error('listed'),
				(error: Error) => error,
			);
		expect(templates.message).toBe(
			"Not available with 360dialog: the template list reads Meta's business account, which a 360dialog key does not reach: enter the template By Name",
		);
		const numbers: Error = await getPhoneNumbers
			.call(loadOptionsContext({ authentication: '360dialog' }))
			.then(
				() => new Error('listed'),
				(error: Error) => error,
			);
		expect(numbers.message).toMatch(
			/^Not available with 360dialog: a 360dialog API key belongs to one phone number/,
		);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('an unknown Authentication value is refused, and nothing is sent', async () => {
		const result = await runD360({
			authentication: '360Dialog',
			resource: 'group',
			operation: 'getMany',
		});
		expect(result.error?.message).toBe(
			'Unknown Authentication "360Dialog": choose Meta Cloud API or 360dialog',
		);
		expect(result.authenticatedRequests).toEqual([]);
	});
});
