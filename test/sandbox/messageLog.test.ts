/*
 * The sandbox keeps every message (type, text or caption, template, sender, time, statuses) and
 * shows a group's messages: GET /_sandbox/groups/<id>/messages and `cli.js messages <group>`.
 */
import {
	createGroup,
	addMembers,
	runCli,
	PHONE,
	useSubscribedSandbox,
	type RunningSandbox,
	type Receiver,
	type Api,
} from '../support/sandbox';

const BUSINESS = {
	business: true,
	phone_number_id: PHONE,
	display_phone_number: '15550001001',
};

describe('sandbox: the messages it keeps', () => {
	let sandbox: RunningSandbox;
	let receiver: Receiver;
	let api: Api;
	let control: Api;
	let groupId: string;
	let started: number;
	useSubscribedSandbox(async (fixture) => {
		({ sandbox, receiver, api, control } = fixture);
		started = Math.floor(Date.now() / 1000);
		({ groupId } = await createGroup(sandbox, 'Message log'));
		await addMembers(sandbox, groupId, ['15551110001', '15551110002']);
	});

	const send = async (body: Record<string, unknown>, to = groupId) => {
		const res = await api('POST', `/${PHONE}/messages`, {
			messaging_product: 'whatsapp',
			recipient_type: 'group',
			to,
			...body,
		});
		expect(res.status).toBe(200);
		return res.body.messages[0].id as string;
	};
	const log = async (id = groupId) => {
		await sandbox.idle();
		return control('GET', `/groups/${encodeURIComponent(id)}/messages`);
	};
	const perParticipant = (status: string) => [
		{ status, timestamp: expect.any(Number), participant: '15551110001' },
		{ status, timestamp: expect.any(Number), participant: '15551110002' },
	];
	const SENT = { status: 'sent', timestamp: expect.any(Number) };

	it('keeps what the business sent, with its statuses as they were reported', async () => {
		const text = await send({ type: 'text', text: { body: 'Welcome, everyone!' } });
		const image = await send({
			type: 'image',
			image: { link: 'https://example.com/a.jpg', caption: 'Our logo' },
		});
		const doc = await send({
			type: 'document',
			document: { id: '1234567890', filename: 'rules.pdf' },
		});
		const template = await send({
			type: 'template',
			template: { name: 'group_welcome', language: { code: 'en_US' } },
		});
		const pin = await send({
			type: 'pin',
			pin: { type: 'pin', message_id: text, expiration_days: 7 },
		});
		const res = await log();
		expect(res.status).toBe(200);
		const common = { group_id: groupId, phone_number_id: PHONE, from: BUSINESS };
		const delivered = [SENT, ...perParticipant('delivered'), ...perParticipant('read')];
		expect(res.body).toEqual({
			group_id: groupId,
			phone_number_id: PHONE,
			deleted: false,
			messages: [
				{
					...common,
					id: text,
					type: 'text',
					text: 'Welcome, everyone!',
					recipients: 2,
					timestamp: expect.any(Number),
					statuses: delivered,
				},
				{
					...common,
					id: image,
					type: 'image',
					media: { link: 'https://example.com/a.jpg' },
					caption: 'Our logo',
					recipients: 2,
					timestamp: expect.any(Number),
					statuses: delivered,
				},
				{
					...common,
					id: doc,
					type: 'document',
					media: { id: '1234567890' },
					filename: 'rules.pdf',
					recipients: 2,
					timestamp: expect.any(Number),
					statuses: delivered,
				},
				{
					...common,
					id: template,
					type: 'template',
					template: { name: 'group_welcome', language: 'en_US' },
					recipients: 2,
					timestamp: expect.any(Number),
					statuses: delivered,
				},
				{
					...common,
					id: pin,
					type: 'pin',
					pin: { type: 'pin', message_id: text, expiration_days: 7 },
					recipients: 2,
					timestamp: expect.any(Number),
					// Meta reports a pin's sent status, then delivered per participant.
					statuses: [SENT, ...perParticipant('delivered')],
				},
			],
		});
		const now = Math.floor(Date.now() / 1000);
		for (const m of res.body.messages) {
			expect(m.timestamp).toBeGreaterThanOrEqual(started);
			expect(m.timestamp).toBeLessThanOrEqual(now);
			for (const s of m.statuses) expect(s.timestamp).toBeGreaterThanOrEqual(m.timestamp);
		}
		// The statuses kept are the ones the webhooks carried.
		const reported = receiver
			.byField('messages')
			.flatMap(
				(d) =>
					(JSON.parse(d.raw).entry[0].changes[0].value.statuses ?? []) as Array<{
						id: string;
						status: string;
					}>,
			)
			.filter((s) => s.id === text)
			.map((s) => s.status);
		expect(reported).toEqual(['sent', 'delivered', 'delivered', 'read', 'read']);
	});

	it('keeps what participants wrote, with who wrote it', async () => {
		await control('POST', '/users/join', {
			group_id: groupId,
			phone: '15551110003',
			name: 'Ada',
			username: 'ada',
		});
		expect(
			(
				await control('POST', '/users/message', {
					group_id: groupId,
					phone: '15551110003',
					text: 'hi all',
				})
			).status,
		).toBe(200);
		expect(
			(
				await control('POST', '/users/message', {
					group_id: groupId,
					phone: '15551110001',
					type: 'image',
					caption: 'look',
				})
			).status,
		).toBe(200);
		const messages = (await log()).body.messages.slice(-2);
		expect(messages).toEqual([
			{
				id: expect.stringMatching(/^wamid\./),
				group_id: groupId,
				phone_number_id: PHONE,
				from: { business: false, name: 'Ada', wa_id: '15551110003', username: 'ada' },
				type: 'text',
				text: 'hi all',
				timestamp: expect.any(Number),
				statuses: [],
			},
			{
				id: expect.stringMatching(/^wamid\./),
				group_id: groupId,
				phone_number_id: PHONE,
				from: { business: false, name: 'User 15551110001', wa_id: '15551110001' },
				type: 'image',
				caption: 'look',
				mime_type: 'image/jpeg',
				timestamp: expect.any(Number),
				statuses: [],
			},
		]);
	});

	it('keeps a failed status with its error (partial fault), and 1:1 messages outside the group', async () => {
		await control('POST', '/faults', { kind: 'partial', count: 1 });
		const id = await send({ type: 'text', text: { body: 'one misses it' } });
		const oneToOne = await send(
			{ recipient_type: 'individual', type: 'text', text: { body: 'just you' } },
			'15557654321',
		);
		const kept = (await log()).body.messages.find((m: { id: string }) => m.id === id);
		expect(kept.recipients).toBe(3);
		expect(kept.statuses.filter((s: { status: string }) => s.status === 'failed')).toEqual([
			{
				status: 'failed',
				timestamp: expect.any(Number),
				errors: [
					{
						code: 131000,
						title: 'Something went wrong',
						message: 'Something went wrong',
						details: 'Message not delivered to 15551110003 (fault injected by the sandbox)',
					},
				],
			},
		]);
		expect((await log()).body.messages.map((m: { id: string }) => m.id)).not.toContain(oneToOne);
		const dump = (await control('GET', '/state')).body;
		expect(dump.messages.find((m: { id: string }) => m.id === oneToOne)).toEqual({
			id: oneToOne,
			group_id: null,
			phone_number_id: PHONE,
			from: BUSINESS,
			to: '15557654321',
			type: 'text',
			text: 'just you',
			timestamp: expect.any(Number),
			statuses: [
				{ status: 'sent', timestamp: expect.any(Number), recipient: '15557654321' },
				{ status: 'delivered', timestamp: expect.any(Number), recipient: '15557654321' },
			],
		});
	});

	it('`cli.js messages` prints them, `cli.js groups` names each group’s number', async () => {
		const { body } = await log();
		const out = await runCli(['messages', groupId], sandbox.url);
		expect(out.stderr).toBe('');
		const lines = out.stdout.split('\n');
		expect(lines[0]).toBe(`Group ${groupId} of number ${PHONE}: ${body.messages.length} messages`);
		const at = (i: number) =>
			new Date(body.messages[i].timestamp * 1000).toISOString().replace('.000Z', 'Z');
		const id = (i: number) => body.messages[i].id;
		expect(lines.slice(1, 11)).toEqual([
			`${at(0)}  ${id(0)}  business +15550001001  text  "Welcome, everyone!"`,
			'    sent · delivered 2/2 · read 2/2',
			`${at(1)}  ${id(1)}  business +15550001001  image  caption "Our logo", https://example.com/a.jpg`,
			'    sent · delivered 2/2 · read 2/2',
			`${at(2)}  ${id(2)}  business +15550001001  document  file "rules.pdf", media 1234567890`,
			'    sent · delivered 2/2 · read 2/2',
			`${at(3)}  ${id(3)}  business +15550001001  template  group_welcome (en_US)`,
			'    sent · delivered 2/2 · read 2/2',
			`${at(4)}  ${id(4)}  business +15550001001  pin  ${id(0)} for 7 days`,
			'    sent · delivered 2/2',
		]);
		expect(lines.slice(11, 13)).toEqual([
			`${at(5)}  ${id(5)}  @ada Ada (15551110003)  text  "hi all"`,
			`${at(6)}  ${id(6)}  User 15551110001 (15551110001)  image  caption "look", image/jpeg`,
		]);
		expect(lines[13]).toBe(`${at(7)}  ${id(7)}  business +15550001001  text  "one misses it"`);
		expect(lines[14]).toBe(
			'    sent · delivered 2/3 · read 2/3 · failed (131000 Something went wrong Message not delivered to 15551110003 (fault injected by the sandbox))',
		);
		const json = await runCli(['messages', groupId, '--json'], sandbox.url);
		expect(JSON.parse(json.stdout)).toEqual(body);
		const groups = await runCli(['groups'], sandbox.url);
		expect(groups.stdout).toContain(
			`${groupId}  Message log  (number ${PHONE} +15550001001, 3 participants, auto_approve)`,
		);
	});

	it('still shows the messages of a deleted group; an unknown group is a 404', async () => {
		const { groupId: doomed } = await createGroup(sandbox, 'Short-lived');
		await addMembers(sandbox, doomed, ['15551110009']);
		await send({ type: 'text', text: { body: 'bye' } }, doomed);
		expect((await api('DELETE', `/${doomed}`)).status).toBe(200);
		const res = await log(doomed);
		expect(res.body).toMatchObject({ group_id: doomed, phone_number_id: PHONE, deleted: true });
		expect(res.body.messages.map((m: { text: string }) => m.text)).toEqual(['bye']);
		const unknown = await control('GET', '/groups/nope/messages');
		expect(unknown.status).toBe(404);
		expect(unknown.body.error.message).toBe('No group nope');
		const cli = await runCli(['messages', 'nope'], sandbox.url);
		expect(cli.code).toBe(1);
		expect(cli.stderr).toBe('404: No group nope\n');
	});
});
