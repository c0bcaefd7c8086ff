/**
 * The built WhatsApp Groups action node inside n8n's real execution engine (n8n-core's
 * WorkflowExecute, the package loaded from dist/ by PackageDirectoryLoader), HTTP answered by nock.
 * Parameters are given as a saved workflow holds them (expressions, resource locators), so n8n's
 * own parameter resolution, defaults, credential authentication, pairedItem and "On Error" handling
 * are what is tested.
 */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { runNode } from '../support/n8n/engine';

const TOKEN = 'EAAG-engine-test-token';
const GRAPH = 'https://graph.facebook.com';
const PHONE_NUMBER_ID = '1098765432109';
const CREDENTIALS = {
	whatsAppGroupsApi: {
		accessToken: TOKEN,
		businessAccountId: '2233445566',
		appId: '',
		appSecret: '',
		graphApiVersion: 'v26.0',
		baseUrl: GRAPH,
	},
};
const GROUPS = [
	{ groupId: 'Y2FwaV9ncm91cDpBQUFB', name: 'Ada' },
	{ groupId: 'Y2FwaV9ncm91cDpCQkJC', name: 'Grace' },
	{ groupId: 'Y2FwaV9ncm91cDpDQ0ND', name: 'Linus' },
];

/** The group picked "By ID" from the item, as the editor saves a resource locator expression. */
const groupFromItem = { __rl: true, mode: 'id', value: '={{ $json.groupId }}' };

const sendText: INodeParameters = {
	resource: 'message',
	operation: 'send',
	phoneNumberId: PHONE_NUMBER_ID,
	groupId: groupFromItem,
	messageType: 'text',
	text: '=Hello {{ $json.name }}, welcome!',
};

function graph() {
	return nock(GRAPH, { reqheaders: { authorization: `Bearer ${TOKEN}` } });
}

function textMessage(groupId: string, body: string) {
	return {
		messaging_product: 'whatsapp',
		recipient_type: 'group',
		to: groupId,
		type: 'text',
		text: { body, preview_url: false },
	};
}

const GROUP_UNKNOWN = {
	error: {
		message: '(#131041) Group unknown',
		type: 'OAuthException',
		code: 131041,
		error_data: { messaging_product: 'whatsapp', details: 'The group does not exist' },
		fbtrace_id: 'AbCdEfGh123',
	},
};

/** The smallest JPEG the node can size: SOI, a baseline start-of-frame header, EOI. */
function jpeg(width: number, height: number): Buffer {
	const frame = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03]);
	frame.writeUInt16BE(height, 5);
	frame.writeUInt16BE(width, 7);
	const components = Buffer.from([0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
	return Buffer.concat([Buffer.from([0xff, 0xd8]), frame, components, Buffer.from([0xff, 0xd9])]);
}

function binaryItem(json: IDataObject, data: Buffer, mimeType: string, fileName: string) {
	return {
		json,
		binary: { data: { data: data.toString('base64'), mimeType, fileName } },
	};
}

describe('WhatsApp Groups action node in n8n WorkflowExecute', () => {
	afterEach(() => nock.cleanAll());

	it('Message > Send: one POST per item with the resolved text, output paired with its item', async () => {
		const scope = graph();
		GROUPS.forEach(({ groupId, name }, index) => {
			scope
				.post(`/v26.0/${PHONE_NUMBER_ID}/messages`, textMessage(groupId, `Hello ${name}, welcome!`))
				.reply(200, {
					messaging_product: 'whatsapp',
					messages: [{ id: `wamid.engine-${index}`, message_status: 'accepted' }],
				});
		});

		const result = await runNode({
			nodeType: 'whatsAppGroups',
			parameters: sendText,
			inputItems: GROUPS,
			credentials: CREDENTIALS,
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual(
			GROUPS.map(({ groupId }, index) => ({
				json: {
					groupId,
					messageId: `wamid.engine-${index}`,
					messageStatus: 'accepted',
					type: 'text',
				},
				pairedItem: { item: index },
			})),
		);
		expect(JSON.stringify(result.runData)).not.toContain(TOKEN);
		scope.done();
	});

	it('Group > Get: GET /<version>/<groupId>?fields=... for every item, with the node defaults', async () => {
		const fields =
			'subject,description,participants,join_approval_mode,suspended,creation_timestamp,total_participant_count';
		const scope = graph();
		GROUPS.forEach(({ groupId, name }) => {
			scope
				.get(`/v26.0/${groupId}`)
				.query({ fields })
				.reply(200, {
					id: groupId,
					subject: `${name}'s group`,
					join_approval_mode: 'auto_approve',
					suspended: false,
					creation_timestamp: 1700000000,
					total_participant_count: 2,
					participants: [{ wa_id: '15551234567' }],
				});
		});

		const result = await runNode({
			nodeType: 'whatsAppGroups',
			parameters: {
				resource: 'group',
				operation: 'get',
				phoneNumberId: PHONE_NUMBER_ID,
				groupId: groupFromItem,
			},
			inputItems: GROUPS,
			credentials: CREDENTIALS,
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual(
			GROUPS.map(({ groupId, name }, index) => ({
				json: {
					groupId,
					subject: `${name}'s group`,
					joinApprovalMode: 'auto_approve',
					suspended: false,
					createdAt: '2023-11-14T22:13:20.000Z',
					createdAtUnix: 1700000000,
					totalParticipantCount: 2,
					participants: [{ waId: '15551234567' }],
				},
				pairedItem: { item: index },
			})),
		);
		scope.done();
	});

	it('Group > Get: only the chosen fields are requested', async () => {
		const scope = graph()
			.get(`/v26.0/${GROUPS[0].groupId}`)
			.query({ fields: 'subject,suspended' })
			.reply(200, { id: GROUPS[0].groupId, subject: 'Ada', suspended: true });

		const result = await runNode({
			nodeType: 'whatsAppGroups',
			parameters: {
				resource: 'group',
				operation: 'get',
				phoneNumberId: PHONE_NUMBER_ID,
				groupId: { __rl: true, mode: 'id', value: GROUPS[0].groupId },
				fields: ['subject', 'suspended'],
			},
			inputItems: [{}],
			credentials: CREDENTIALS,
		});

		expect(result.items).toEqual([
			{
				json: { groupId: GROUPS[0].groupId, subject: 'Ada', suspended: true },
				pairedItem: { item: 0 },
			},
		]);
		scope.done();
	});

	it("continueOnFail: a Meta error on one item becomes that item's error, the others are sent", async () => {
		const [first, second, third] = GROUPS;
		const scope = graph()
			.post(`/v26.0/${PHONE_NUMBER_ID}/messages`, textMessage(first.groupId, 'Hello Ada, welcome!'))
			.reply(200, { messaging_product: 'whatsapp', messages: [{ id: 'wamid.first' }] })
			.post(
				`/v26.0/${PHONE_NUMBER_ID}/messages`,
				textMessage(second.groupId, 'Hello Grace, welcome!'),
			)
			.reply(400, GROUP_UNKNOWN)
			.post(
				`/v26.0/${PHONE_NUMBER_ID}/messages`,
				textMessage(third.groupId, 'Hello Linus, welcome!'),
			)
			.reply(200, { messaging_product: 'whatsapp', messages: [{ id: 'wamid.third' }] });

		const result = await runNode({
			nodeType: 'whatsAppGroups',
			parameters: sendText,
			inputItems: GROUPS,
			credentials: CREDENTIALS,
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		expect(result.items[0]).toEqual({
			json: { groupId: first.groupId, messageId: 'wamid.first', type: 'text' },
			pairedItem: { item: 0 },
		});
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(result.items[1].json).toMatchObject({
			error: expect.stringContaining('Group unknown'),
			code: 131041,
			httpCode: '400',
		});
		expect(result.items[1].json.description).toEqual(expect.stringContaining('AbCdEfGh123'));
		expect(result.items[2]).toEqual({
			json: { groupId: third.groupId, messageId: 'wamid.third', type: 'text' },
			pairedItem: { item: 2 },
		});
		expect(JSON.stringify(result.items)).not.toContain(TOKEN);
		scope.done();
	});

	it('without continueOnFail, a Meta error fails the execution with a NodeApiError carrying the Meta code', async () => {
		graph()
			.post(
				`/v26.0/${PHONE_NUMBER_ID}/messages`,
				textMessage(GROUPS[0].groupId, 'Hello Ada, welcome!'),
			)
			.reply(400, GROUP_UNKNOWN);

		const result = await runNode({
			nodeType: 'whatsAppGroups',
			parameters: sendText,
			inputItems: [GROUPS[0]],
			credentials: CREDENTIALS,
		});

		expect(result.run.status).toBe('error');
		expect(result.items).toEqual([]);
		expect(result.runData['WhatsApp Groups'][0].executionStatus).toBe('error');
		// As n8n stores it with the execution.
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '400',
			context: expect.objectContaining({ metaCode: 131041, itemIndex: 0 }),
		});
		expect(result.error?.message).toContain('Group unknown');
		// The thrown instance.
		const [thrown] = result.reportedErrors;
		expect(thrown).toBeInstanceOf(NodeApiError);
		expect((thrown as NodeApiError).context.metaCode).toBe(131041);
		expect(JSON.stringify(result.error)).not.toContain(TOKEN);
	});

	it('an invalid item stops the node before any request is sent, naming field and item', async () => {
		// Answers (and records) any request to Meta, so one sent by mistake is seen, not retried.
		const attempted: string[] = [];
		const guard = nock(GRAPH)
			.persist()
			.get(/.*/)
			.reply(418, { error: { message: 'unexpected request', code: 1 } })
			.post(/.*/)
			.reply(418, { error: { message: 'unexpected request', code: 1 } });
		guard.on('request', (request: { method: string; path: string }) =>
			attempted.push(`${request.method} ${request.path}`),
		);
		const result = await runNode({
			nodeType: 'whatsAppGroups',
			parameters: sendText,
			inputItems: [GROUPS[0], { groupId: '120363040468529076@g.us', name: 'Web JID' }],
			credentials: CREDENTIALS,
		});

		expect(result.error).toMatchObject({ name: 'NodeOperationError' });
		expect(result.error?.message).toBe(
			'Invalid "Group" in item 1: "120363040468529076@g.us" is a WhatsApp Web group JID, not a Cloud API group ID',
		);
		expect(result.reportedErrors[0]).toBeInstanceOf(NodeOperationError);
		expect(attempted).toEqual([]);
	});

	it('with continueOnFail, an invalid item gets its error and the valid ones are still sent', async () => {
		const scope = graph()
			.post(
				`/v26.0/${PHONE_NUMBER_ID}/messages`,
				textMessage(GROUPS[0].groupId, 'Hello Ada, welcome!'),
			)
			.reply(200, { messaging_product: 'whatsapp', messages: [{ id: 'wamid.ok' }] });

		const result = await runNode({
			nodeType: 'whatsAppGroups',
			parameters: sendText,
			inputItems: [{ groupId: 'not a group id', name: 'Broken' }, GROUPS[0]],
			credentials: CREDENTIALS,
			continueOnFail: true,
		});

		expect(result.items).toEqual([
			{
				json: expect.objectContaining({
					error: expect.stringContaining('Invalid "Group" in item 0'),
				}),
				pairedItem: { item: 0 },
			},
			{
				json: { groupId: GROUPS[0].groupId, messageId: 'wamid.ok', type: 'text' },
				pairedItem: { item: 1 },
			},
		]);
		scope.done();
	});

	it("Group > Update: the picture is read from the item's binary data and uploaded as multipart", async () => {
		const picture = jpeg(640, 640);
		const uploads: Buffer[] = [];
		const scope = nock(GRAPH, {
			reqheaders: {
				authorization: `Bearer ${TOKEN}`,
				'content-type': /^multipart\/form-data; boundary=/,
			},
		})
			.post(`/v26.0/${GROUPS[0].groupId}`, (body: string) => {
				// nock hands over a body that is not valid UTF-8 as hex.
				uploads.push(Buffer.from(body, /^[0-9a-f]+$/.test(body) ? 'hex' : 'utf8'));
				return true;
			})
			.reply(200, { success: true });

		const result = await runNode({
			nodeType: 'whatsAppGroups',
			parameters: {
				resource: 'group',
				operation: 'update',
				phoneNumberId: PHONE_NUMBER_ID,
				groupId: groupFromItem,
				updateFields: { pictureBinaryProperty: 'data' },
			},
			inputItems: [
				binaryItem({ groupId: GROUPS[0].groupId }, picture, 'image/jpeg', 'team.jpg'),
				binaryItem(
					{ groupId: GROUPS[1].groupId },
					Buffer.from('not a picture'),
					'text/plain',
					'a.txt',
				),
			],
			credentials: CREDENTIALS,
			continueOnFail: true,
		});

		expect(result.items).toEqual([
			{
				json: {
					groupId: GROUPS[0].groupId,
					status: 'requested',
					settings: { profilePicture: 'requested' },
				},
				pairedItem: { item: 0 },
			},
			{
				json: expect.objectContaining({
					error: expect.stringContaining('Invalid "Profile Picture (Binary Property)" in item 1'),
				}),
				pairedItem: { item: 1 },
			},
		]);
		scope.done();
		expect(uploads).toHaveLength(1);
		const upload = uploads[0];
		const text = upload.toString('latin1');
		expect(text).toContain('name="messaging_product"\r\n\r\nwhatsapp\r\n');
		expect(text).toContain('name="file"; filename="team.jpg"\r\nContent-Type: image/jpeg\r\n\r\n');
		expect(upload.includes(picture)).toBe(true);
	});
});
