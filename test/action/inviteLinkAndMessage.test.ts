import { graph, graphError, GROUP_ID, groupLocator, PHONE_ID, rows, run } from '../support/action';
import { useNock } from '../support/nock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	// Retries back off with n8n's sleep: no real waiting in tests.
	sleep: jest.fn(async () => undefined),
}));

const sendResponse = (id: string) => ({
	messaging_product: 'whatsapp',
	contacts: [{ input: GROUP_ID, wa_id: GROUP_ID }],
	messages: [{ id }],
});

describe('Invite Link', () => {
	useNock();

	it('gets the invite link', async () => {
		const scope = graph()
			.get(`/v26.0/${GROUP_ID}/invite_link`)
			.reply(200, { messaging_product: 'whatsapp', invite_link: 'https://chat.whatsapp.com/AAA' });
		const result = await run({
			resource: 'inviteLink',
			operation: 'get',
			phoneNumberId: PHONE_ID,
			groupId: groupLocator(),
		});
		expect(rows(result)).toEqual([
			{ json: { groupId: GROUP_ID, inviteLink: 'https://chat.whatsapp.com/AAA' }, item: 0 },
		]);
		scope.done();
	});

	it('resets the invite link', async () => {
		const scope = graph()
			.post(`/v26.0/${GROUP_ID}/invite_link`, { messaging_product: 'whatsapp' })
			.reply(200, { messaging_product: 'whatsapp', invite_link: 'https://chat.whatsapp.com/BBB' });
		const result = await run({
			resource: 'inviteLink',
			operation: 'reset',
			phoneNumberId: PHONE_ID,
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
		scope.done();
	});

	it('sends the invite link template to a person with the group_id parameter in place', async () => {
		const scope = graph()
			.post(`/v26.0/${PHONE_ID}/messages`, {
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				to: '4915112345678',
				type: 'template',
				template: {
					name: 'group_invite_link',
					language: { code: 'en_US' },
					components: [
						{
							type: 'body',
							parameters: [
								{ type: 'text', text: 'Ana' },
								{ type: 'group_id', group_id: GROUP_ID },
							],
						},
					],
				},
			})
			.reply(200, {
				messaging_product: 'whatsapp',
				contacts: [{ input: '4915112345678', wa_id: '4915112345678' }],
				messages: [{ id: 'wamid.INV' }],
			});
		const result = await run({
			resource: 'inviteLink',
			operation: 'send',
			phoneNumberId: PHONE_ID,
			groupId: groupLocator(),
			recipient: '+49 151 1234-5678',
			templateName: { __rl: true, mode: 'name', value: 'group_invite_link' },
			languageCode: 'en_US',
			bodyParameters: { parameter: [{ text: 'Ana' }] },
			groupLinkPosition: 2,
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
		scope.done();
	});
});

describe('Invite Link > Send to a business-scoped user ID, with a template from the list', () => {
	useNock();

	const invite = (recipient: string) => ({
		resource: 'inviteLink',
		operation: 'send',
		phoneNumberId: PHONE_ID,
		groupId: groupLocator(),
		recipient,
		templateName: { __rl: true, mode: 'list', value: 'group_invite_link' },
		languageCode: 'en',
	});

	it('sends a BSUID as recipient (never to) and outputs the user ID Meta answers', async () => {
		const scope = graph()
			.post(`/v26.0/${PHONE_ID}/messages`, {
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				recipient: 'US.ENT.11815799212886844830',
				type: 'template',
				template: {
					name: 'group_invite_link',
					language: { code: 'en' },
					components: [{ type: 'body', parameters: [{ type: 'group_id', group_id: GROUP_ID }] }],
				},
			})
			.reply(200, {
				messaging_product: 'whatsapp',
				contacts: [
					{ input: 'US.ENT.11815799212886844830', user_id: 'US.ENT.11815799212886844830' },
				],
				messages: [{ id: 'wamid.BSU' }],
			});
		expect(rows(await run(invite('US.ENT.11815799212886844830')))).toEqual([
			{
				json: {
					groupId: GROUP_ID,
					recipient: 'US.ENT.11815799212886844830',
					userId: 'US.ENT.11815799212886844830',
					messageId: 'wamid.BSU',
					templateName: 'group_invite_link',
				},
				item: 0,
			},
		]);
		scope.done();
	});

	it('explains 131062 (a message a BSUID cannot receive)', async () => {
		const scope = graph()
			.post(`/v26.0/${PHONE_ID}/messages`)
			.reply(
				400,
				graphError(
					131062,
					'Business-scoped User ID (BSUID) recipients are not supported for this message.',
				),
			);
		const result = await run(invite('US.13491208655302741918'));
		expect(result.error?.message).toBe(
			'This message cannot be sent to a business-scoped user ID (code 131062)',
		);
		expect(result.error?.description).toContain("Send it to the person's phone number instead.");
		scope.done();
	});
});

describe('Message > Mark as Read', () => {
	useNock();

	const markAsRead = (messageId: string) => ({
		resource: 'message',
		operation: 'markAsRead',
		phoneNumberId: PHONE_ID,
		messageId,
	});

	it('posts status read with the message ID to the number and says it is marked', async () => {
		const scope = graph()
			.post(`/v26.0/${PHONE_ID}/messages`, {
				messaging_product: 'whatsapp',
				status: 'read',
				message_id: 'wamid.IN1',
			})
			.matchHeader('content-type', /application\/json/)
			.reply(200, { success: true });
		expect(rows(await run(markAsRead(' wamid.IN1 ')))).toEqual([
			{
				json: { phoneNumberId: PHONE_ID, messageId: 'wamid.IN1', markedAsRead: true },
				item: 0,
			},
		]);
		scope.done();
	});

	it('is retried after a 5xx, as marking twice changes nothing', async () => {
		const scope = graph()
			.post(`/v26.0/${PHONE_ID}/messages`)
			.reply(503, graphError(2, 'Service temporarily unavailable'))
			.post(`/v26.0/${PHONE_ID}/messages`)
			.reply(200, { success: true });
		expect(rows(await run(markAsRead('wamid.IN2')))[0].json.markedAsRead).toBe(true);
		scope.done();
	});

	it('explains 131009 (not a message this number received)', async () => {
		const scope = graph()
			.post(`/v26.0/${PHONE_ID}/messages`)
			.reply(400, graphError(131009, '(#131009) Parameter value is not valid'));
		const result = await run(markAsRead('wamid.OWN'));
		expect(result.error?.message).toBe('A parameter value is not valid (code 131009)');
		expect(result.error?.description).toContain('Mark as Read, use the ID (wamid) of a message');
		scope.done();
	});
});

describe('Message', () => {
	useNock();

	const base = {
		resource: 'message',
		operation: 'send',
		phoneNumberId: PHONE_ID,
		groupId: groupLocator(),
	};

	it('sends text with link preview to the group', async () => {
		const scope = graph()
			.post(`/v26.0/${PHONE_ID}/messages`, {
				messaging_product: 'whatsapp',
				recipient_type: 'group',
				to: GROUP_ID,
				type: 'text',
				text: { body: 'See https://example.com', preview_url: true },
			})
			.reply(200, sendResponse('wamid.T1'));
		const result = await run({
			...base,
			messageType: 'text',
			text: 'See https://example.com',
			previewUrl: true,
		});
		expect(rows(result)).toEqual([
			{ json: { groupId: GROUP_ID, messageId: 'wamid.T1', type: 'text' }, item: 0 },
		]);
		scope.done();
	});

	it.each([
		[
			'image',
			{ mediaSource: 'id', mediaId: 'MEDIA1', caption: 'Look' },
			{ id: 'MEDIA1', caption: 'Look' },
		],
		[
			'video',
			{ mediaSource: 'link', mediaLink: 'https://cdn.example.com/v.mp4', caption: 'Clip' },
			{ link: 'https://cdn.example.com/v.mp4', caption: 'Clip' },
		],
		['audio', { mediaSource: 'id', mediaId: 'AUD' }, { id: 'AUD' }],
		[
			'document',
			{
				mediaSource: 'link',
				mediaLink: 'https://cdn.example.com/a.pdf',
				caption: 'Agenda',
				filename: 'agenda.pdf',
			},
			{ link: 'https://cdn.example.com/a.pdf', caption: 'Agenda', filename: 'agenda.pdf' },
		],
		['sticker', { mediaSource: 'id', mediaId: 'STK' }, { id: 'STK' }],
	])('sends %s media with the fields that type has', async (type, parameters, expected) => {
		const scope = graph()
			.post(`/v26.0/${PHONE_ID}/messages`, {
				messaging_product: 'whatsapp',
				recipient_type: 'group',
				to: GROUP_ID,
				type,
				[type]: expected,
			})
			.reply(200, sendResponse(`wamid.${type}`));
		const result = await run({ ...base, messageType: type, ...parameters });
		expect(rows(result)).toEqual([
			{ json: { groupId: GROUP_ID, messageId: `wamid.${type}`, type }, item: 0 },
		]);
		scope.done();
	});

	it('sends a template with its components', async () => {
		const components = [{ type: 'body', parameters: [{ type: 'text', text: 'Monday' }] }];
		const scope = graph()
			.post(`/v26.0/${PHONE_ID}/messages`, {
				messaging_product: 'whatsapp',
				recipient_type: 'group',
				to: GROUP_ID,
				type: 'template',
				template: { name: 'weekly_reminder', language: { code: 'en_US' }, components },
			})
			.reply(200, sendResponse('wamid.TPL'));
		const result = await run({
			...base,
			messageType: 'template',
			templateName: 'weekly_reminder',
			languageCode: 'en_US',
			components: JSON.stringify(components),
		});
		expect(rows(result)).toEqual([
			{ json: { groupId: GROUP_ID, messageId: 'wamid.TPL', type: 'template' }, item: 0 },
		]);
		scope.done();
	});

	it('pins a message for the given days', async () => {
		const scope = graph()
			.post(`/v26.0/${PHONE_ID}/messages`, {
				messaging_product: 'whatsapp',
				recipient_type: 'group',
				to: GROUP_ID,
				type: 'pin',
				pin: { type: 'pin', message_id: 'wamid.X', expiration_days: 30 },
			})
			.reply(200, sendResponse('wamid.PIN'));
		const result = await run({
			...base,
			operation: 'pin',
			messageId: 'wamid.X',
			expirationDays: 30,
		});
		expect(rows(result)).toEqual([
			{
				json: {
					groupId: GROUP_ID,
					messageId: 'wamid.PIN',
					type: 'pin',
					pinnedMessageId: 'wamid.X',
					expirationDays: 30,
				},
				item: 0,
			},
		]);
		scope.done();
	});

	it('unpins a message', async () => {
		const scope = graph()
			.post(`/v26.0/${PHONE_ID}/messages`, {
				messaging_product: 'whatsapp',
				recipient_type: 'group',
				to: GROUP_ID,
				type: 'pin',
				pin: { type: 'unpin', message_id: 'wamid.X' },
			})
			.reply(200, sendResponse('wamid.UNPIN'));
		const result = await run({ ...base, operation: 'unpin', messageId: 'wamid.X' });
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
		scope.done();
	});

	it('resolves expressions per item and pairs every output with its input', async () => {
		const scope = graph()
			.post(`/v26.0/${PHONE_ID}/messages`, (body) => body.text?.body === 'Hello Ana')
			.reply(200, sendResponse('wamid.A'))
			.post(`/v26.0/${PHONE_ID}/messages`, (body) => body.text?.body === 'Hello Bo')
			.reply(200, sendResponse('wamid.B'));
		const result = await run({ ...base, messageType: 'text', text: '=Hello {{ $json.name }}' }, [
			{ name: 'Ana' },
			{ name: 'Bo' },
		]);
		expect(rows(result)).toEqual([
			{ json: { groupId: GROUP_ID, messageId: 'wamid.A', type: 'text' }, item: 0 },
			{ json: { groupId: GROUP_ID, messageId: 'wamid.B', type: 'text' }, item: 1 },
		]);
		scope.done();
	});
});
