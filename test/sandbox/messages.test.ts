import {
	createGroup,
	addMembers,
	change,
	PHONE,
	PHONE2,
	type RunningSandbox,
	type Receiver,
	type Api,
	useSubscribedSandbox,
} from '../support/sandbox';

let sandbox: RunningSandbox;
let receiver: Receiver;
let api: Api;
let control: Api;
let groupId: string;

useSubscribedSandbox(async (fixture) => {
	({ sandbox, receiver, api, control } = fixture);
	({ groupId } = await createGroup(sandbox, 'Chat'));
	await addMembers(sandbox, groupId, ['15552000001', '15552000002']);
});

const send = (body: Record<string, unknown>, phone = PHONE) =>
	api('POST', `/${phone}/messages`, {
		messaging_product: 'whatsapp',
		recipient_type: 'group',
		to: groupId,
		...body,
	});

const statuses = () => receiver.byField('messages').flatMap((d) => change(d).value.statuses ?? []);

describe('sandbox: group messages', () => {
	it('sends text: the send response, then sent, delivered and read per participant', async () => {
		const res = await send({ type: 'text', text: { body: 'Hello group' } });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({
			messaging_product: 'whatsapp',
			contacts: [{ input: groupId, wa_id: groupId }],
			messages: [{ id: expect.stringMatching(/^wamid\./) }],
		});
		const id = res.body.messages[0].id;
		await sandbox.idle();
		const deliveries = receiver.byField('messages');
		expect(deliveries).toHaveLength(3);
		expect(deliveries.every((d) => d.signatureValid === true)).toBe(true);
		expect(change(deliveries[0]).value.statuses).toEqual([
			{
				id,
				status: 'sent',
				timestamp: expect.any(String),
				recipient_id: groupId,
				recipient_type: 'group',
			},
		]);
		const pricing = {
			billable: true,
			pricing_model: 'PMP',
			type: 'regular',
			category: 'group_service',
		};
		expect(change(deliveries[1]).value.statuses).toEqual([
			{
				id,
				status: 'delivered',
				timestamp: expect.any(String),
				recipient_id: groupId,
				recipient_type: 'group',
				recipient_participant_id: '15552000001',
				pricing,
			},
			{
				id,
				status: 'delivered',
				timestamp: expect.any(String),
				recipient_id: groupId,
				recipient_type: 'group',
				recipient_participant_id: '15552000002',
				pricing,
			},
		]);
		// Meta's delivered and read statuses of group messages name the participants in contacts[].
		const contacts = [
			{ profile: { name: 'User 15552000001' }, wa_id: '15552000001' },
			{ profile: { name: 'User 15552000002' }, wa_id: '15552000002' },
		];
		expect(change(deliveries[0]).value.contacts).toBeUndefined();
		expect(change(deliveries[1]).value.contacts).toEqual(contacts);
		expect(change(deliveries[2]).value.contacts).toEqual(contacts);
		expect(
			change(deliveries[2]).value.statuses.map(
				(s: { status: string; recipient_participant_id: string }) => [
					s.status,
					s.recipient_participant_id,
				],
			),
		).toEqual([
			['read', '15552000001'],
			['read', '15552000002'],
		]);
		expect(change(deliveries[0]).value.metadata).toEqual({
			display_phone_number: '15550001001',
			phone_number_id: PHONE,
		});
	});

	it('accepts image, video, audio, document, sticker and template', async () => {
		for (const [type, content] of [
			['image', { link: 'https://example.com/a.jpg', caption: 'c' }],
			['video', { id: '123' }],
			['audio', { id: '123' }],
			['document', { link: 'https://example.com/a.pdf', filename: 'a.pdf' }],
			['sticker', { id: '123' }],
			['template', { name: 'welcome', language: { code: 'en' } }],
		] as Array<[string, unknown]>) {
			const res = await send({ type, [type]: content });
			expect(res.status).toBe(200);
			expect(res.body.messages[0].id).toMatch(/^wamid\./);
		}
		await sandbox.idle();
		const templateDelivered = statuses().find(
			(s) => s.status === 'delivered' && s.pricing.category === 'group_utility',
		);
		expect(templateDelivered).toBeDefined();
	});

	it('refuses types groups do not support, and incomplete content', async () => {
		for (const type of ['interactive', 'reaction', 'location', 'contacts']) {
			const res = await send({ type, [type]: {} });
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe(131009);
			expect(res.body.error.error_data.details).toContain(type);
		}
		expect((await send({ type: 'text', text: {} })).body.error.code).toBe(100);
		expect((await send({ type: 'image', image: { caption: 'no media' } })).body.error.code).toBe(
			100,
		);
		expect((await send({ type: 'template', template: { name: 'x' } })).body.error.code).toBe(100);
		const noProduct = await api('POST', `/${PHONE}/messages`, {
			recipient_type: 'group',
			to: groupId,
			type: 'text',
			text: { body: 'x' },
		});
		expect(noProduct.body.error.code).toBe(100);
	});

	it('answers 131041 for an unknown group or a group of another number', async () => {
		expect(
			(await send({ to: 'Tm9Hcm91cA', type: 'text', text: { body: 'x' } })).body.error.code,
		).toBe(131041);
		const other = await send({ type: 'text', text: { body: 'x' } }, PHONE2);
		expect(other.status).toBe(400);
		expect(other.body.error.code).toBe(131041);
	});

	it('answers 131020 when nobody but the business is in the group', async () => {
		const { groupId: empty } = await createGroup(sandbox, 'Alone');
		const res = await api('POST', `/${PHONE}/messages`, {
			messaging_product: 'whatsapp',
			recipient_type: 'group',
			to: empty,
			type: 'text',
			text: { body: 'anyone?' },
		});
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe(131020);
	});

	it('prices free-form messages in the service window opened by a participant as free', async () => {
		await control('POST', '/users/message', {
			group_id: groupId,
			phone: '15552000001',
			text: 'hi business',
		});
		await sandbox.idle();
		receiver.clear();
		await send({ type: 'text', text: { body: 'hi back' } });
		await sandbox.idle();
		const delivered = statuses().filter((s) => s.status === 'delivered');
		expect(delivered[0].pricing).toEqual({
			billable: false,
			pricing_model: 'PMP',
			type: 'free_group_customer_service',
			category: 'group_service',
		});
	});

	it('sends 1:1 messages too (the invite-link template goes to a user)', async () => {
		const res = await api('POST', `/${PHONE}/messages`, {
			messaging_product: 'whatsapp',
			to: '+1 555 200 0009',
			type: 'template',
			template: {
				name: 'group_invite_link',
				language: { code: 'en' },
				components: [{ type: 'body', parameters: [{ type: 'group_id', group_id: groupId }] }],
			},
		});
		expect(res.status).toBe(200);
		expect(res.body.contacts).toEqual([{ input: '+1 555 200 0009', wa_id: '15552000009' }]);
		await sandbox.idle();
		expect(statuses()[0]).toMatchObject({ status: 'sent', recipient_id: '15552000009' });
		expect(statuses()[0].recipient_type).toBeUndefined();
		const library = await api(
			'GET',
			'/message_template_library?category=utility&topic=group_invite_link&language=en',
		);
		expect(library.body.data[0]).toMatchObject({
			name: 'group_invite_link',
			category: 'UTILITY',
			topic: 'group_invite_link',
		});
	});
});

describe('sandbox: pin and unpin', () => {
	const pin = (body: Record<string, unknown>) => send({ type: 'pin', pin: body });
	async function message(text: string): Promise<string> {
		return (await send({ type: 'text', text: { body: text } })).body.messages[0].id;
	}

	it('pins with expiration_days 1–30 and keeps at most 3 pins, unpinning the oldest', async () => {
		const ids = [await message('1'), await message('2'), await message('3'), await message('4')];
		for (const id of ids) {
			const res = await pin({ type: 'pin', message_id: id, expiration_days: 7 });
			expect(res.status).toBe(200);
			expect(res.body.messages[0].id).toMatch(/^wamid\./);
		}
		expect(sandbox.state.groups.get(groupId)!.pins.map((p) => p.message_id)).toEqual(ids.slice(1));
		const unpin = await pin({ type: 'unpin', message_id: ids[2] });
		expect(unpin.status).toBe(200);
		expect(sandbox.state.groups.get(groupId)!.pins.map((p) => p.message_id)).toEqual([
			ids[1],
			ids[3],
		]);
	});

	it('a pin is followed by its sent status, then a delivered status per participant', async () => {
		const target = await message('to pin');
		await sandbox.idle();
		receiver.clear();
		const res = await pin({ type: 'pin', message_id: target, expiration_days: 2 });
		const id = res.body.messages[0].id;
		await sandbox.idle();
		const deliveries = receiver.byField('messages').map((d) => change(d).value);
		expect(deliveries).toHaveLength(2);
		expect(deliveries[0].statuses).toEqual([
			{
				id,
				status: 'sent',
				timestamp: expect.stringMatching(/^\d+$/),
				recipient_id: groupId,
				recipient_type: 'group',
			},
		]);
		expect(deliveries[1].contacts).toHaveLength(2);
		expect(deliveries[1].statuses).toEqual(
			['15552000001', '15552000002'].map((participant) => ({
				id,
				status: 'delivered',
				timestamp: expect.stringMatching(/^\d+$/),
				recipient_id: groupId,
				recipient_type: 'group',
				recipient_participant_id: participant,
			})),
		);
	});

	it('validates pins', async () => {
		const id = await message('pin me');
		expect((await pin({ type: 'pin', message_id: id })).body.error.code).toBe(100);
		expect((await pin({ type: 'pin', message_id: id, expiration_days: 0 })).body.error.code).toBe(
			100,
		);
		expect((await pin({ type: 'pin', message_id: id, expiration_days: 31 })).body.error.code).toBe(
			100,
		);
		expect((await pin({ type: 'pin', message_id: id, expiration_days: 30 })).status).toBe(200);
		expect((await pin({ type: 'unpin', message_id: id, expiration_days: 3 })).body.error.code).toBe(
			100,
		);
		expect((await pin({ type: 'hold', message_id: id })).body.error.code).toBe(100);
		expect(
			(await pin({ type: 'pin', message_id: 'wamid.unknown', expiration_days: 1 })).body.error.code,
		).toBe(131009);
		expect((await send({ type: 'pin' })).body.error.code).toBe(100);
	});
});

describe('sandbox: participants writing in the group', () => {
	it('sends a messages webhook with contacts and group_id', async () => {
		const res = await control('POST', '/users/message', {
			group_id: groupId,
			phone: '15552000002',
			name: 'Tiago',
			text: 'What does everyone think?',
		});
		expect(res.status).toBe(200);
		await sandbox.idle();
		const value = change(receiver.byField('messages')[0]).value;
		expect(value.contacts).toEqual([
			{ profile: { name: 'User 15552000002' }, wa_id: '15552000002' },
		]);
		// A participant with a BSUID and a username: both in contacts, the username inside profile.
		receiver.clear();
		await control('POST', '/users/join', {
			group_id: groupId,
			phone: '15552000003',
			user_id: 'US.52000003',
			username: 'inez',
			name: 'Inez',
			hide_phone: true,
		});
		const bsuid = await control('POST', '/users/message', {
			group_id: groupId,
			user_id: 'US.52000003',
			text: 'hi',
		});
		await sandbox.idle();
		const hidden = change(receiver.byField('messages')[0]).value;
		expect(hidden.contacts).toEqual([
			{ profile: { name: 'Inez', username: 'inez' }, user_id: 'US.52000003' },
		]);
		expect(hidden.messages[0]).toEqual({
			from_user_id: 'US.52000003',
			group_id: groupId,
			id: bsuid.body.message_id,
			timestamp: expect.stringMatching(/^\d+$/),
			text: { body: 'hi' },
			type: 'text',
		});
		await control('POST', '/users/leave', { group_id: groupId, user_id: 'US.52000003' });
		expect(value.messages).toEqual([
			{
				from: '15552000002',
				group_id: groupId,
				id: res.body.message_id,
				timestamp: expect.stringMatching(/^\d+$/),
				text: { body: 'What does everyone think?' },
				type: 'text',
			},
		]);
	});

	it('sends media and unsupported messages like Meta', async () => {
		await control('POST', '/users/message', {
			group_id: groupId,
			phone: '15552000001',
			type: 'image',
			caption: 'look',
		});
		await control('POST', '/users/message', {
			group_id: groupId,
			phone: '15552000001',
			type: 'unsupported',
		});
		await sandbox.idle();
		const [image, unsupported] = receiver
			.byField('messages')
			.map((d) => change(d).value.messages[0]);
		expect(image).toMatchObject({
			type: 'image',
			image: {
				id: expect.any(String),
				mime_type: 'image/jpeg',
				sha256: expect.any(String),
				caption: 'look',
			},
		});
		expect(unsupported).toMatchObject({
			type: 'unsupported',
			errors: [{ code: 130501, title: 'Unsupported message type' }],
		});
		expect(
			(
				await control('POST', '/users/message', {
					group_id: groupId,
					phone: '15559999999',
					text: 'not a member',
				})
			).status,
		).toBe(404);
	});
});

describe('sandbox: mark as read', () => {
	const markRead = (messageId: unknown, phone = PHONE, extra: Record<string, unknown> = {}) =>
		api('POST', `/${phone}/messages`, {
			messaging_product: 'whatsapp',
			status: 'read',
			message_id: messageId,
			...extra,
		});

	it('marks a message the number received in a group as read, again and again, with {success: true}', async () => {
		const received = await control('POST', '/users/message', {
			group_id: groupId,
			phone: '15552000001',
			text: 'read me',
		});
		const id = received.body.message_id;
		expect(sandbox.state.messages.get(id)?.read).toBeUndefined();
		const res = await markRead(id);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ success: true });
		expect(sandbox.state.messages.get(id)?.read).toBe(true);
		expect((await markRead(id)).body).toEqual({ success: true });
		await sandbox.idle();
		// Marking as read sends no webhook.
		expect(receiver.byField('messages')).toHaveLength(1);
	});

	it("answers 131009 for an unknown ID, the business's own message or another number's message, 100 without an ID", async () => {
		const unknown = await markRead('wamid.not-a-message');
		expect(unknown.status).toBe(400);
		expect(unknown.body.error).toMatchObject({
			code: 131009,
			error_data: {
				details:
					'message_id wamid.not-a-message is not a message this business phone number received',
			},
		});
		const own = await send({ type: 'text', text: { body: 'mine' } });
		expect((await markRead(own.body.messages[0].id)).body.error.code).toBe(131009);
		const received = await control('POST', '/users/message', {
			group_id: groupId,
			phone: '15552000002',
			text: 'for PHONE only',
		});
		expect((await markRead(received.body.message_id, PHONE2)).body.error.code).toBe(131009);
		expect((await markRead(undefined)).body.error.code).toBe(100);
		expect(
			(await markRead(received.body.message_id, PHONE, { status: 'seen' })).body.error.code,
		).toBe(100);
	});
});

describe('sandbox: messages to a business-scoped user ID', () => {
	const template = {
		name: 'group_invite_link',
		language: { code: 'en' },
		components: [{ type: 'body', parameters: [{ type: 'group_id', group_id: 'G' }] }],
	};
	const direct = (body: Record<string, unknown>) =>
		api('POST', `/${PHONE}/messages`, {
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			type: 'template',
			template,
			...body,
		});

	it('sends to recipient (a BSUID): contacts carry input and user_id, statuses recipient_user_id', async () => {
		const res = await direct({ recipient: 'US.13491208655302741918' });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({
			messaging_product: 'whatsapp',
			contacts: [{ input: 'US.13491208655302741918', user_id: 'US.13491208655302741918' }],
			messages: [{ id: expect.stringMatching(/^wamid\./) }],
		});
		await sandbox.idle();
		expect(statuses()).toEqual([
			{
				id: res.body.messages[0].id,
				status: 'sent',
				timestamp: expect.stringMatching(/^\d+$/),
				recipient_user_id: 'US.13491208655302741918',
			},
			{
				id: res.body.messages[0].id,
				status: 'delivered',
				timestamp: expect.stringMatching(/^\d+$/),
				recipient_user_id: 'US.13491208655302741918',
				pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' },
			},
		]);
	});

	it('takes to (the phone number) when both are set, and a parent BSUID', async () => {
		const both = await direct({ to: '+15552000009', recipient: 'US.13491208655302741918' });
		expect(both.body.contacts).toEqual([{ input: '+15552000009', wa_id: '15552000009' }]);
		const parent = await direct({ recipient: 'US.ENT.11815799212886844830' });
		expect(parent.body.contacts).toEqual([
			{ input: 'US.ENT.11815799212886844830', user_id: 'US.ENT.11815799212886844830' },
		]);
	});

	it('refuses a malformed BSUID (100), nothing to send to (100), and an authentication template to a BSUID (131062)', async () => {
		expect((await direct({ recipient: 'us.123' })).body.error.code).toBe(100);
		expect((await direct({ recipient: 'US.12-3' })).body.error.code).toBe(100);
		expect((await direct({ recipient: `US.${'a'.repeat(129)}` })).body.error.code).toBe(100);
		expect((await direct({ recipient: `US.${'a'.repeat(128)}` })).status).toBe(200);
		expect((await direct({})).body.error.code).toBe(100);
		const auth = await direct({
			recipient: 'US.13491208655302741918',
			template: { name: 'verification_code', language: { code: 'en_US' } },
		});
		expect(auth.status).toBe(400);
		expect(auth.body.error).toMatchObject({
			code: 131062,
			error_data: {
				details: 'Business-scoped User ID (BSUID) recipients are not supported for this message.',
			},
		});
		expect(
			(
				await direct({
					to: '15552000009',
					template: { name: 'verification_code', language: { code: 'en_US' } },
				})
			).status,
		).toBe(200);
	});
});
