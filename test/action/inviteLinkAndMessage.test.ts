import { graph, GROUP_ID, groupLocator, PHONE_ID, rows, run } from '../support/action';
import { useNock } from '../support/nock';

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
			recipientPhoneNumber: '+49 151 1234-5678',
			templateName: 'group_invite_link',
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
