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
