import type { IDataObject } from 'n8n-workflow';

import { WhatsAppGroupsTrigger } from '../../nodes/WhatsAppGroupsTrigger/WhatsAppGroupsTrigger.node';
import { TRIGGER_EVENTS } from '../../nodes/WhatsAppGroupsTrigger/webhook/eventTypes';
import { parseDelivery } from '../../nodes/WhatsAppGroupsTrigger/webhook/events';
import {
	REDELIVERY_MEMORY_SIZE,
	STORE_WAIT_MS,
} from '../../nodes/WhatsAppGroupsTrigger/webhook/redeliveries';
import { checkSignature } from '../../nodes/WhatsAppGroupsTrigger/webhook/signature';
import { metaSignature } from '../support/meta';
import { deriveVerifyToken } from '../../nodes/WhatsAppGroupsTrigger/webhook/verifyToken';
import type { FakeWebhookOptions } from '../support/n8n/fakeContext';
import {
	createExecuteContext,
	createWebhookContext,
	FAKE_NODE,
	MemoryDeduplicationStore,
} from '../support/n8n/fakeContext';
import { n8nBody } from '../support/webhook';
import statusAggregated from '../fixtures/meta-doc-samples/messages__group_status_aggregated_multi_participant.json';
import groupCreated from '../fixtures/meta-doc-samples/group_lifecycle_update__create_succeed.json';

const APP_SECRET = 'app-secret-for-tests';
const WEBHOOK_URL = 'https://n8n.example.com/webhook/5b0c/webhook';
const CREDENTIALS = {
	accessToken: 'user-token',
	businessAccountId: 'WABA_1',
	appId: 'APP_1',
	appSecret: APP_SECRET,
};
const trigger = new WhatsAppGroupsTrigger();

function delivery(entries: unknown[]): string {
	return JSON.stringify({ object: 'whatsapp_business_account', entry: entries });
}

/** A signed POST with the given parameters. */
async function post(
	rawBody: string,
	parameters: Record<string, unknown> = {},
	extra: Partial<FakeWebhookOptions> = {},
) {
	const fake = createWebhookContext({
		credentials: CREDENTIALS,
		parameters: { verifySignatures: true, ...parameters },
		webhookUrl: WEBHOOK_URL,
		rawBody,
		headers: { 'x-hub-signature-256': metaSignature(rawBody, APP_SECRET) },
		...extra,
	});
	const result = await trigger.webhook.call(fake.context);
	return { ...fake, result, items: result.workflowData?.[0].map((item) => item.json) };
}

/**
 * The trigger node's step in the run n8n starts from the delivery's items, with n8n's
 * deduplication store (shared between runs when the same store is passed).
 */
async function runExecution(
	items: IDataObject[],
	parameters: Record<string, unknown> = {},
	store = new MemoryDeduplicationStore(),
	mode = 'webhook',
) {
	const fake = createExecuteContext(items, { parameters, store, mode });
	const output = await trigger.execute.call(fake.context);
	return {
		output,
		passed: output[0].map((item) => item.json),
		input: fake.input,
		store,
		logger: fake.logger,
	};
}

async function challenge(query: IDataObject, extra: Partial<FakeWebhookOptions> = {}) {
	const fake = createWebhookContext({
		credentials: CREDENTIALS,
		parameters: { destination: 'phoneNumber' },
		webhookUrl: WEBHOOK_URL,
		webhookName: 'setup',
		query,
		...extra,
	});
	const result = await trigger.webhook.call(fake.context);
	return { ...fake, result };
}

const metadata = { display_phone_number: '15550001111', phone_number_id: 'PHONE_1' };

describe('signature check on deliveries', () => {
	const body = JSON.stringify(groupCreated);

	it.each([
		['on (the default)', {}],
		['off', { options: { ignoreRedeliveries: false } }],
	])(
		'accepts a delivery signed with the app secret and leaves the answer to n8n, which answers once it has accepted the execution (Ignore Redeliveries %s)',
		async (_label, parameters) => {
			const { result, response, items } = await post(body, parameters);
			expect(items).toHaveLength(1);
			expect(items?.[0].event).toBe('group_created');
			expect(result.noWebhookResponse).toBeUndefined();
			expect(response.status).not.toHaveBeenCalled();
			expect(response.send).not.toHaveBeenCalled();
		},
	);

	it.each([
		['missing', {}, 'the X-Hub-Signature-256 header is missing'],
		[
			'signed with another secret',
			{ 'x-hub-signature-256': metaSignature(body, 'other-secret') },
			'does not match the body',
		],
		['malformed', { 'x-hub-signature-256': 'sha1=abc' }, 'is not "sha256=<64 hex digits>"'],
		[
			'uppercase but wrong',
			{ 'x-hub-signature-256': `sha256=${'A'.repeat(64)}` },
			'does not match the body',
		],
	])(
		'answers 401, starts nothing and logs why when the signature is %s',
		async (_label, headers, reason) => {
			const { result, response, logger } = await post(body, {}, { headers });
			expect(result).toEqual({ noWebhookResponse: true });
			expect(response.sent).toEqual({
				statusCode: 401,
				headers: { 'content-type': 'text/plain; charset=utf-8' },
				body: 'Unauthorized',
			});
			expect(logger.warn).toHaveBeenCalledTimes(1);
			expect(logger.warn.mock.calls[0][0]).toContain(reason);
		},
	);

	it('refuses a tampered body whose signature was valid for the original', async () => {
		const tampered = body.replace('test invite link', 'hacked subject');
		const { result, response, logger } = await post(
			tampered,
			{},
			{
				headers: { 'x-hub-signature-256': metaSignature(body, APP_SECRET) },
			},
		);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response.sent.statusCode).toBe(401);
		expect(logger.warn.mock.calls[0][0]).toContain('does not match the body');
	});

	it('refuses everything when the credential has no app secret and verification is on', async () => {
		const { result, response, logger } = await post(
			body,
			{},
			{
				credentials: { ...CREDENTIALS, appSecret: '' },
			},
		);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response.sent.statusCode).toBe(401);
		expect(logger.warn.mock.calls[0][0]).toContain('no App Secret');
	});

	it('refuses when n8n kept no raw body to check', async () => {
		const fake = createWebhookContext({
			credentials: CREDENTIALS,
			parameters: {},
			webhookUrl: WEBHOOK_URL,
			body: groupCreated as unknown as IDataObject,
			headers: { 'x-hub-signature-256': metaSignature(body, APP_SECRET) },
		});
		const result = await trigger.webhook.call(fake.context);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(fake.response.sent.statusCode).toBe(401);
		expect(fake.logger.warn.mock.calls[0][0]).toContain('raw request body');
	});

	it('accepts unsigned deliveries only when the user turned verification off', async () => {
		const { items, result, response } = await post(
			body,
			{ verifySignatures: false },
			{ headers: {} },
		);
		expect(items?.map((item) => item.event)).toEqual(['group_created']);
		// Emitted: n8n answers 200 once it has accepted the execution.
		expect(result.noWebhookResponse).toBeUndefined();
		expect(response.status).not.toHaveBeenCalled();
	});

	it('checks the exact bytes: the same JSON re-serialised with other spacing fails', () => {
		const spaced = JSON.stringify(groupCreated, null, 2);
		expect(
			checkSignature(Buffer.from(spaced), metaSignature(body, APP_SECRET), APP_SECRET),
		).toEqual({
			valid: false,
			reason: expect.stringContaining('does not match'),
		});
		expect(checkSignature(Buffer.from(body), metaSignature(body, APP_SECRET), APP_SECRET)).toEqual({
			valid: true,
		});
	});
});

describe("Meta's verification request (GET)", () => {
	const token = deriveVerifyToken(APP_SECRET, WEBHOOK_URL);

	it('answers 200 with the challenge as plain text for the right token', async () => {
		const { result, response } = await challenge({
			'hub.mode': 'subscribe',
			'hub.verify_token': token,
			'hub.challenge': '1158201444',
		});
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response.sent).toEqual({
			statusCode: 200,
			headers: { 'content-type': 'text/plain; charset=utf-8' },
			body: '1158201444',
		});
	});

	it.each([
		[
			'a wrong token',
			{ 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1' },
		],
		[
			'the node ID as token',
			{ 'hub.mode': 'subscribe', 'hub.verify_token': FAKE_NODE.id, 'hub.challenge': '1' },
		],
		[
			'another mode',
			{ 'hub.mode': 'unsubscribe', 'hub.verify_token': token, 'hub.challenge': '1' },
		],
		['no challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': token }],
		['no parameters', {}],
	])('answers 403 for %s and logs it', async (_label, query) => {
		const { result, response, logger } = await challenge(query);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response.sent.statusCode).toBe(403);
		expect(response.sent.body).toBe('Forbidden');
		expect(logger.warn).toHaveBeenCalledTimes(1);
	});

	it('binds the token to the URL served, so the test URL verifies with its own token', async () => {
		const testUrl = 'https://n8n.example.com/webhook-test/5b0c/webhook';
		const good = await challenge(
			{
				'hub.mode': 'subscribe',
				'hub.verify_token': deriveVerifyToken(APP_SECRET, testUrl),
				'hub.challenge': 'x',
			},
			{ resourceUrl: testUrl },
		);
		expect(good.response.sent.statusCode).toBe(200);
		const productionTokenOnTestUrl = await challenge(
			{ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': 'x' },
			{ resourceUrl: testUrl },
		);
		expect(productionTokenOnTestUrl.response.sent.statusCode).toBe(403);
	});

	it("uses the user's token for the manual destination and nothing else", async () => {
		const manual = { destination: 'manual', manualVerifyToken: 'my-own-long-verify-token' };
		const good = await challenge(
			{
				'hub.mode': 'subscribe',
				'hub.verify_token': 'my-own-long-verify-token',
				'hub.challenge': '42',
			},
			{ parameters: manual },
		);
		expect(good.response.sent).toEqual({
			statusCode: 200,
			headers: { 'content-type': 'text/plain; charset=utf-8' },
			body: '42',
		});
		const derived = await challenge(
			{ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '42' },
			{ parameters: manual },
		);
		expect(derived.response.sent.statusCode).toBe(403);
	});

	it('derives a stable token that depends on the secret and the URL', () => {
		expect(deriveVerifyToken(APP_SECRET, WEBHOOK_URL)).toBe(
			deriveVerifyToken(APP_SECRET, WEBHOOK_URL),
		);
		expect(deriveVerifyToken(APP_SECRET, WEBHOOK_URL)).toMatch(/^[0-9a-f]{64}$/);
		expect(deriveVerifyToken('other', WEBHOOK_URL)).not.toBe(token);
		expect(deriveVerifyToken(APP_SECRET, `${WEBHOOK_URL}2`)).not.toBe(token);
	});
});

describe('deliveries', () => {
	const allEvents = { events: [...TRIGGER_EVENTS], options: { ignoreRedeliveries: false } };

	it('emits every entry and every change, in order', async () => {
		const body = delivery([
			{
				id: 'WABA_1',
				changes: [
					{
						field: 'group_lifecycle_update',
						value: {
							messaging_product: 'whatsapp',
							metadata,
							groups: [
								{ timestamp: 1760000000, group_id: 'G1', type: 'group_delete', request_id: 'R1' },
								{ timestamp: '1760000001', group_id: 'G2', type: 'group_delete' },
							],
						},
					},
					{
						field: 'group_participants_update',
						value: {
							messaging_product: 'whatsapp',
							metadata,
							groups: [
								{
									timestamp: 1760000002,
									group_id: 'G1',
									type: 'group_participants_add',
									reason: 'invite_link',
									added_participants: [{ wa_id: '4915100000001' }],
								},
							],
						},
					},
				],
			},
			{
				id: 'WABA_2',
				changes: [
					{
						field: 'group_status_update',
						value: {
							messaging_product: 'whatsapp',
							metadata: { display_phone_number: '15550002222', phone_number_id: 'PHONE_2' },
							groups: [{ timestamp: 1760000003, group_id: 'G9', type: 'group_suspend_cleared' }],
						},
					},
				],
			},
		]);
		const { items } = await post(body, allEvents);
		expect(items).toEqual([
			{
				event: 'group_deleted',
				field: 'group_lifecycle_update',
				groupId: 'G1',
				businessAccountId: 'WABA_1',
				phoneNumberId: 'PHONE_1',
				displayPhoneNumber: '15550001111',
				timestamp: '2025-10-09T08:53:20.000Z',
				timestampUnix: 1760000000,
				requestId: 'R1',
			},
			{
				event: 'group_deleted',
				field: 'group_lifecycle_update',
				groupId: 'G2',
				businessAccountId: 'WABA_1',
				phoneNumberId: 'PHONE_1',
				displayPhoneNumber: '15550001111',
				timestamp: '2025-10-09T08:53:21.000Z',
				timestampUnix: 1760000001,
			},
			{
				event: 'participants_joined',
				field: 'group_participants_update',
				groupId: 'G1',
				businessAccountId: 'WABA_1',
				phoneNumberId: 'PHONE_1',
				displayPhoneNumber: '15550001111',
				timestamp: '2025-10-09T08:53:22.000Z',
				timestampUnix: 1760000002,
				reason: 'invite_link',
				participants: [{ waId: '4915100000001' }],
			},
			{
				event: 'group_suspension_cleared',
				field: 'group_status_update',
				groupId: 'G9',
				businessAccountId: 'WABA_2',
				phoneNumberId: 'PHONE_2',
				displayPhoneNumber: '15550002222',
				timestamp: '2025-10-09T08:53:23.000Z',
				timestampUnix: 1760000003,
			},
		]);
	});

	it('reads business-scoped user IDs when wa_id and from are missing', async () => {
		const body = delivery([
			{
				id: 'WABA_1',
				changes: [
					{
						field: 'messages',
						value: {
							messaging_product: 'whatsapp',
							metadata,
							contacts: [{ profile: { name: 'Ana' }, user_id: 'US.111', username: 'ana' }],
							messages: [
								{
									from_user_id: 'US.111',
									group_id: 'G1',
									id: 'wamid.A',
									timestamp: 1760000000,
									type: 'image',
									image: {
										id: 'MEDIA_1',
										mime_type: 'image/jpeg',
										sha256: 'HASH',
										caption: 'look',
									},
								},
							],
							statuses: [
								{
									id: 'wamid.B',
									status: 'read',
									timestamp: 1760000005,
									recipient_id: 'G1',
									recipient_type: 'group',
									recipient_participant_user_id: 'US.222',
								},
							],
						},
					},
				],
			},
			{
				id: 'WABA_1',
				changes: [
					{
						field: 'group_participants_update',
						value: {
							metadata,
							groups: [
								{
									timestamp: '1760000009',
									group_id: 'G1',
									type: 'group_join_request_created',
									join_request_id: 'JR_1',
									user_id: 'US.333',
									parent_user_id: 'US.300',
									username: 'bo',
								},
							],
						},
					},
				],
			},
		]);
		const { items } = await post(body, allEvents);
		const common = {
			businessAccountId: 'WABA_1',
			phoneNumberId: 'PHONE_1',
			displayPhoneNumber: '15550001111',
			groupId: 'G1',
		};
		expect(items).toEqual([
			{
				...common,
				event: 'message_received',
				field: 'messages',
				timestamp: '2025-10-09T08:53:20.000Z',
				timestampUnix: 1760000000,
				id: 'wamid.A',
				fromUserId: 'US.111',
				senderName: 'Ana',
				senderUserId: 'US.111',
				senderUsername: 'ana',
				type: 'image',
				media: { id: 'MEDIA_1', mimeType: 'image/jpeg', sha256: 'HASH', caption: 'look' },
			},
			{
				...common,
				event: 'message_read',
				field: 'messages',
				timestamp: '2025-10-09T08:53:25.000Z',
				timestampUnix: 1760000005,
				messageId: 'wamid.B',
				status: 'read',
				recipientParticipantUserId: 'US.222',
			},
			{
				...common,
				event: 'join_request_created',
				field: 'group_participants_update',
				timestamp: '2025-10-09T08:53:29.000Z',
				timestampUnix: 1760000009,
				joinRequestId: 'JR_1',
				participant: { userId: 'US.333', parentUserId: 'US.300', username: 'bo' },
			},
		]);
	});

	it("names the person of each group status from the change's contacts[], by BSUID or phone number, in a long list too", async () => {
		// Ten participants read one message: the contacts are looked up in an index (over eight).
		const people = Array.from({ length: 10 }, (_, index) => ({
			profile: { name: `Reader ${index}`, username: `reader${index}` },
			wa_id: `49151000000${String(index).padStart(2, '0')}`,
			user_id: `DE.${index}00`,
			parent_user_id: `DE.ENT.${index}00`,
		}));
		const statuses = [
			// By BSUID only (the phone number hidden), by phone number only, and a stranger.
			{
				recipient_participant_user_id: 'DE.700',
				recipient_participant_parent_user_id: 'DE.ENT.700',
			},
			{ recipient_participant_id: '4915100000003' },
			{ recipient_participant_user_id: 'DE.999' },
		].map((who, index) => ({
			id: 'wamid.R',
			status: 'read',
			timestamp: String(1760000000 + index),
			recipient_id: 'G1',
			recipient_type: 'group',
			...who,
		}));
		const body = delivery([
			{
				id: 'WABA_1',
				changes: [
					{
						field: 'messages',
						value: { messaging_product: 'whatsapp', metadata, contacts: people, statuses },
					},
				],
			},
		]);
		const { items } = await post(body, allEvents);
		expect(items?.map((item) => [item.recipientParticipantParentUserId, item.recipient])).toEqual([
			[
				'DE.ENT.700',
				{
					waId: '4915100000007',
					userId: 'DE.700',
					parentUserId: 'DE.ENT.700',
					username: 'reader7',
					name: 'Reader 7',
				},
			],
			[
				undefined,
				{
					waId: '4915100000003',
					userId: 'DE.300',
					parentUserId: 'DE.ENT.300',
					username: 'reader3',
					name: 'Reader 3',
				},
			],
			// Not among the contacts: no recipient rather than a guess.
			[undefined, undefined],
		]);
		expect(items?.[2]).not.toHaveProperty('recipient');
	});

	it("reads the username inside the contact's profile (Meta's shape) before one beside it", async () => {
		const message = (id: string, from: string) => ({
			from,
			group_id: 'G1',
			id,
			timestamp: '1760000000',
			type: 'text',
			text: { body: 'hi' },
		});
		const body = delivery([
			{
				id: 'WABA_1',
				changes: [
					{
						field: 'messages',
						value: {
							metadata,
							contacts: [
								{
									profile: { name: 'Ana', username: 'ana.profile' },
									wa_id: '1',
									username: 'ana.beside',
								},
								{ profile: { name: 'Bo' }, wa_id: '2', username: 'bo.beside' },
								{ profile: 'not an object', wa_id: '3', username: 'cy' },
							],
							messages: [message('wamid.1', '1'), message('wamid.2', '2'), message('wamid.3', '3')],
						},
					},
				],
			},
		]);
		const { items } = await post(body, allEvents);
		expect(items?.map((item) => [item.senderName, item.senderUsername])).toEqual([
			['Ana', 'ana.profile'],
			['Bo', 'bo.beside'],
			[undefined, 'cy'],
		]);
	});

	it('splits aggregated statuses into one item per participant', async () => {
		const { items } = await post(JSON.stringify(statusAggregated), allEvents);
		expect(items?.map((item) => [item.event, item.messageId, item.recipientParticipantId])).toEqual(
			[
				['message_read', 'WHATSAPP_MESSAGE_ID', 'GROUP_PARTICIPANT_PHONE_NUMBER_1'],
				['message_read', 'WHATSAPP_MESSAGE_ID', 'GROUP_PARTICIPANT_PHONE_NUMBER_2'],
			],
		);
	});

	it('takes initiated_by from beside the group object when Meta prints it there', async () => {
		const body = delivery([
			{
				id: 'WABA_1',
				changes: [
					{
						field: 'group_participants_update',
						value: {
							metadata,
							initiated_by: 'participant',
							groups: [
								{
									timestamp: 1760000000,
									group_id: 'G1',
									type: 'group_participants_remove',
									request_id: 'R9',
									removed_participants: [{ wa_id: '4915100000001', user_id: 'US.1' }],
								},
							],
						},
					},
				],
			},
		]);
		const { items } = await post(body, allEvents);
		expect(items).toEqual([
			{
				event: 'participant_left',
				field: 'group_participants_update',
				groupId: 'G1',
				businessAccountId: 'WABA_1',
				phoneNumberId: 'PHONE_1',
				displayPhoneNumber: '15550001111',
				timestamp: '2025-10-09T08:53:20.000Z',
				timestampUnix: 1760000000,
				requestId: 'R9',
				initiatedBy: 'participant',
				participants: [{ waId: '4915100000001', userId: 'US.1' }],
			},
		]);
	});

	it('turns whatever it does not recognise into unknown items with the raw change', async () => {
		const unknownField = { field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } };
		const unknownType = { timestamp: 1760000000, group_id: 'G1', type: 'group_pinned_something' };
		const emptyMessages = { field: 'messages', value: { metadata, errors: [{ code: 131000 }] } };
		const oddStatus = {
			id: 'wamid.C',
			status: 'played',
			recipient_id: 'G1',
			recipient_type: 'group',
		};
		const body = delivery([
			{
				id: 'WABA_1',
				changes: [
					unknownField,
					{ field: 'group_lifecycle_update', value: { metadata, groups: [unknownType] } },
					emptyMessages,
					{ field: 'messages', value: { metadata, statuses: [oddStatus] } },
				],
			},
			{ id: 'WABA_1' },
		]);
		const { items } = await post(body, allEvents);
		const nothing = {
			groupId: null,
			phoneNumberId: null,
			displayPhoneNumber: null,
			timestamp: null,
			timestampUnix: null,
		};
		expect(items).toEqual([
			{
				...nothing,
				event: 'unknown',
				field: 'account_update',
				businessAccountId: 'WABA_1',
				change: unknownField,
			},
			{
				event: 'unknown',
				field: 'group_lifecycle_update',
				groupId: 'G1',
				businessAccountId: 'WABA_1',
				phoneNumberId: 'PHONE_1',
				displayPhoneNumber: '15550001111',
				timestamp: '2025-10-09T08:53:20.000Z',
				timestampUnix: 1760000000,
				// The change around the element, without its list of elements (see below).
				change: { field: 'group_lifecycle_update', value: { metadata } },
				item: unknownType,
			},
			{
				...nothing,
				event: 'unknown',
				field: 'messages',
				businessAccountId: 'WABA_1',
				phoneNumberId: 'PHONE_1',
				displayPhoneNumber: '15550001111',
				change: emptyMessages,
			},
			{
				...nothing,
				event: 'unknown',
				field: 'messages',
				businessAccountId: 'WABA_1',
				phoneNumberId: 'PHONE_1',
				displayPhoneNumber: '15550001111',
				change: { field: 'messages', value: { metadata } },
				item: oddStatus,
			},
			{
				...nothing,
				event: 'unknown',
				field: null,
				businessAccountId: 'WABA_1',
				change: { id: 'WABA_1' },
			},
		]);
	});

	it('takes the event from the field and the type together: a pair Meta does not document is unknown, with its element', async () => {
		// A group_create element under group_participants_update once became group_created and lost
		// the removed participants it carried.
		const misplaced = {
			timestamp: 1760000000,
			group_id: 'G1',
			type: 'group_create',
			request_id: 'R1',
			removed_participants: [{ wa_id: '4915100000001' }, { user_id: 'US.2' }],
		};
		const suspendUnderSettings = { timestamp: 1760000001, group_id: 'G2', type: 'group_suspend' };
		const createUnderNewField = { timestamp: 1760000002, group_id: 'G3', type: 'group_create' };
		const inherited = { timestamp: 1760000003, group_id: 'G4', type: 'toString' };
		const body = delivery([
			{
				id: 'WABA_1',
				changes: [
					{ field: 'group_participants_update', value: { metadata, groups: [misplaced] } },
					{
						field: 'group_settings_update',
						value: { metadata, groups: [suspendUnderSettings, inherited] },
					},
					{ field: 'group_membership_update', value: { metadata, groups: [createUnderNewField] } },
				],
			},
		]);
		const { items } = await post(body, allEvents);
		const around = (field: string) => ({ field, value: { metadata } });
		const common = {
			event: 'unknown',
			businessAccountId: 'WABA_1',
			phoneNumberId: 'PHONE_1',
			displayPhoneNumber: '15550001111',
		};
		expect(items).toEqual([
			{
				...common,
				field: 'group_participants_update',
				groupId: 'G1',
				timestamp: '2025-10-09T08:53:20.000Z',
				timestampUnix: 1760000000,
				requestId: 'R1',
				change: around('group_participants_update'),
				item: misplaced,
			},
			{
				...common,
				field: 'group_settings_update',
				groupId: 'G2',
				timestamp: '2025-10-09T08:53:21.000Z',
				timestampUnix: 1760000001,
				change: around('group_settings_update'),
				item: suspendUnderSettings,
			},
			{
				...common,
				field: 'group_settings_update',
				groupId: 'G4',
				timestamp: '2025-10-09T08:53:23.000Z',
				timestampUnix: 1760000003,
				change: around('group_settings_update'),
				item: inherited,
			},
			{
				...common,
				field: 'group_membership_update',
				groupId: 'G3',
				timestamp: '2025-10-09T08:53:22.000Z',
				timestampUnix: 1760000002,
				change: around('group_membership_update'),
				item: createUnderNewField,
			},
		]);
	});

	it('gives an unknown element its own element and the change around it, not its siblings (output linear in the body)', async () => {
		// 1,000 statuses of a kind this version does not know, about 150 kB signed: each used to
		// carry the whole change, 1,000 copies of 150 kB, too large to serialise.
		const statuses = Array.from({ length: 1000 }, (_, index) => ({
			id: `wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI${String(index).padStart(6, '0')}`,
			status: 'played',
			timestamp: String(1760000000 + index),
			recipient_id: 'G1',
			recipient_type: 'group',
			recipient_participant_id: `4915100${String(index).padStart(6, '0')}`,
		}));
		const contacts = [{ wa_id: '4915100000001', profile: { name: 'Ada' } }];
		const value = {
			messaging_product: 'whatsapp',
			metadata,
			contacts,
			messages: [{ from: '4915100000001', group_id: 'G1', id: 'wamid.M', type: 'text' }],
			statuses,
		};
		const body = delivery([{ id: 'WABA_1', changes: [{ field: 'messages', value }] }]);
		expect(body.length).toBeGreaterThan(150_000);
		const { items } = await post(body, {
			...allEvents,
			options: { ignoreRedeliveries: false, includeRaw: true },
		});
		expect(items).toHaveLength(1001);
		const unknown = (items ?? []).filter((item) => item.event === 'unknown');
		expect(unknown).toHaveLength(1000);
		const envelope = { field: 'messages', value: { messaging_product: 'whatsapp', metadata } };
		for (const [index, item] of unknown.entries()) {
			// Checked one by one, so the old quadratic output fails at the first item.
			expect(JSON.stringify(item).length).toBeLessThan(1200);
			expect(item).toMatchObject({
				groupId: null,
				phoneNumberId: 'PHONE_1',
				timestamp: new Date((1760000000 + index) * 1000).toISOString(),
				change: envelope,
				item: statuses[index],
				raw: statuses[index],
			});
		}
		// Linear: each item is its status twice (item and raw), the common keys and the envelope.
		expect(JSON.stringify(items).length).toBeLessThan(6 * body.length);
	});

	it('keeps every other key of an unknown element\'s change, a "__proto__" one too', () => {
		const body = JSON.parse(
			'{"entry":[{"id":"W","changes":[{"field":"group_status_update","extra":1,"value":{"__proto__":{"x":1},"initiated_by":"business","groups":[42,{"type":"group_suspend","group_id":"G"}]}}]}]}',
		) as unknown;
		const [first, second] = parseDelivery(body);
		expect(first.item).toMatchObject({ event: 'unknown', item: 42 });
		const change = (first.item as { change: Record<string, unknown> }).change;
		expect(Object.keys(change)).toEqual(['field', 'extra', 'value']);
		const value = change.value as Record<string, unknown>;
		expect(Object.keys(value)).toEqual(['__proto__', 'initiated_by']);
		expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
		expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ x: 1 });
		expect(second.item.event).toBe('group_suspended');
	});

	it('turns a body without entries into one unknown item', async () => {
		const { items } = await post(JSON.stringify({ hello: 'world' }), allEvents);
		expect(items).toEqual([
			{
				event: 'unknown',
				field: null,
				groupId: null,
				businessAccountId: null,
				phoneNumberId: null,
				displayPhoneNumber: null,
				timestamp: null,
				timestampUnix: null,
				change: { hello: 'world' },
			},
		]);
	});
});

describe('which parse the items come from', () => {
	const allEvents = { events: [...TRIGGER_EVENTS], options: { ignoreRedeliveries: false } };
	const message = {
		from: '4915100000001',
		group_id: 'G1',
		id: 'wamid.UMLAUT',
		timestamp: '1760000000',
		type: 'text',
		text: { body: 'Grüße aus Köln ✓' },
	};
	const raw = delivery([
		{ id: 'WABA_1', changes: [{ field: 'messages', value: { metadata, messages: [message] } }] },
	]);

	async function postAs(bytes: Buffer, contentType: string | undefined, body?: unknown) {
		const headers: Record<string, string> = {
			'x-hub-signature-256': metaSignature(bytes, APP_SECRET),
		};
		if (contentType !== undefined) headers['content-type'] = contentType;
		const fake = createWebhookContext({
			credentials: CREDENTIALS,
			parameters: {
				verifySignatures: true,
				...allEvents,
				options: { ...allEvents.options, includeRaw: true },
			},
			webhookUrl: WEBHOOK_URL,
			rawBody: bytes,
			headers,
			body: (body === undefined ? n8nBody(bytes, contentType) : body) as IDataObject,
		});
		const result = await trigger.webhook.call(fake.context);
		return {
			...fake,
			body: fake.context.getBodyData() as unknown,
			items: result.workflowData?.[0].map((item) => item.json),
		};
	}

	const bytes = Buffer.from(raw, 'utf8');
	const expected = {
		event: 'message_received',
		groupId: 'G1',
		id: 'wamid.UMLAUT',
		text: 'Grüße aus Köln ✓',
		timestamp: '2025-10-09T08:53:20.000Z',
	};

	it.each([
		'application/json',
		'application/json; charset=utf-8',
		'application/json;charset=UTF8',
		'Application/JSON; Charset="UTF-8"',
	])(
		'uses the object n8n parsed when it is the parse of the signed bytes (%s), without parsing them again',
		async (contentType) => {
			const { items, body } = await postAs(bytes, contentType);
			expect(items).toHaveLength(1);
			expect(items?.[0]).toMatchObject(expected);
			// The very object n8n parsed: the trigger did not parse the bytes a second time.
			const parsed = body as {
				entry: Array<{ changes: Array<{ value: { messages: unknown[] } }> }>;
			};
			expect(items?.[0].raw).toBe(parsed.entry[0].changes[0].value.messages[0]);
		},
	);

	it.each([
		['no Content-Type', undefined],
		['another charset (n8n decodes the bytes as Latin-1)', 'application/json; charset=latin1'],
		['text/plain (n8n gives the text)', 'text/plain'],
		['a form (n8n parses it as one)', 'application/x-www-form-urlencoded'],
		[
			'a space before the parameters (n8n does not take it for JSON)',
			'application/json ; charset=utf-8',
		],
		['another parameter', 'application/json; charset=utf-8; profile=meta'],
	])('parses the signed bytes itself with %s', async (_label, contentType) => {
		const { items, body } = await postAs(bytes, contentType);
		expect(items).toHaveLength(1);
		expect(items?.[0]).toMatchObject(expected);
		if (typeof body === 'object' && body !== null && 'entry' in body) {
			const parsed = body as {
				entry: Array<{ changes: Array<{ value: { messages: unknown[] } }> }>;
			};
			expect(items?.[0].raw).not.toBe(parsed.entry[0].changes[0].value.messages[0]);
		}
	});

	it('parses the signed bytes itself when n8n gave an object that is not their parse (a body it did not parse, or another one)', async () => {
		const other = JSON.parse(
			delivery([{ id: 'WABA_9', changes: [{ field: 'account_update', value: {} }] }]),
		) as unknown;
		for (const [contentType, body] of [
			['application/json', {}],
			['application/json', []],
			['application/json', 'text'],
			['application/json; charset=latin1', other],
			['text/plain', other],
		] as const) {
			const { items } = await postAs(bytes, contentType, body);
			expect({ contentType, items }).toEqual({
				contentType,
				items: [expect.objectContaining(expected)],
			});
		}
	});

	it('treats a body with a byte-order mark as before: not JSON to the trigger, although n8n strips the mark', async () => {
		const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
		const { items, logger } = await postAs(withBom, 'application/json');
		expect(items).toEqual([
			expect.objectContaining({
				event: 'unknown',
				change: { unparsedBody: withBom.toString('utf8') },
			}),
		]);
		expect(logger.warn.mock.calls[0][0]).toContain('not JSON');
	});
});

describe('filters', () => {
	function groupChange(phoneNumberId: string, groupId: string, type = 'group_suspend') {
		return {
			field: 'group_status_update',
			value: {
				metadata: { display_phone_number: '1', phone_number_id: phoneNumberId },
				groups: [{ timestamp: 1760000000, group_id: groupId, type }],
			},
		};
	}
	const oneToOne = {
		field: 'messages',
		value: {
			metadata,
			contacts: [{ profile: { name: 'Cy' }, wa_id: '4915100000009' }],
			messages: [
				{
					from: '4915100000009',
					id: 'wamid.D',
					timestamp: '1760000000',
					type: 'text',
					text: { body: 'hi' },
				},
			],
			statuses: [
				{
					id: 'wamid.E',
					status: 'delivered',
					timestamp: '1760000000',
					recipient_id: '4915100000009',
				},
			],
		},
	};
	const noDedupe = { ignoreRedeliveries: false };

	it('by default emits group events and group messages, not statuses', async () => {
		const { items, result, response } = await post(JSON.stringify(statusAggregated));
		expect(items).toBeUndefined();
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response.sent).toEqual({
			statusCode: 200,
			headers: { 'content-type': 'text/plain; charset=utf-8' },
			body: 'OK',
		});
	});

	it('emits only the selected events', async () => {
		const body = delivery([
			{
				id: 'W',
				changes: [
					groupChange('P1', 'G1', 'group_suspend'),
					groupChange('P1', 'G1', 'group_suspend_cleared'),
				],
			},
		]);
		const { items } = await post(body, { events: ['group_suspension_cleared'], options: noDedupe });
		expect(items?.map((item) => item.event)).toEqual(['group_suspension_cleared']);
	});

	it('emits only the listed group IDs', async () => {
		const body = delivery([
			{
				id: 'W',
				changes: [groupChange('P1', 'G1'), groupChange('P1', 'G2'), groupChange('P1', 'G3')],
			},
		]);
		const { items } = await post(body, { options: { ...noDedupe, groupIds: 'G1, G3' } });
		expect(items?.map((item) => item.groupId)).toEqual(['G1', 'G3']);
	});

	it('emits only the listed phone number IDs', async () => {
		const body = delivery([
			{ id: 'W', changes: [groupChange('P1', 'G1'), groupChange('P2', 'G2')] },
		]);
		const { items } = await post(body, { options: { ...noDedupe, phoneNumberIds: 'P2' } });
		expect(items?.map((item) => item.phoneNumberId)).toEqual(['P2']);
	});

	it('leaves out one-to-one traffic unless asked for', async () => {
		const body = delivery([{ id: 'W', changes: [oneToOne] }]);
		const without = await post(body, { events: [...TRIGGER_EVENTS], options: noDedupe });
		expect(without.items).toBeUndefined();
		expect(without.response.sent.statusCode).toBe(200);
		expect(without.logger.debug.mock.calls[0][0]).toContain('2 × one-to-one traffic');

		const withOneToOne = await post(body, {
			events: [...TRIGGER_EVENTS],
			options: { ...noDedupe, includeOneToOne: true },
		});
		expect(withOneToOne.items).toEqual([
			{
				event: 'message_received',
				field: 'messages',
				groupId: null,
				businessAccountId: 'W',
				phoneNumberId: 'PHONE_1',
				displayPhoneNumber: '15550001111',
				timestamp: '2025-10-09T08:53:20.000Z',
				timestampUnix: 1760000000,
				id: 'wamid.D',
				from: '4915100000009',
				senderName: 'Cy',
				type: 'text',
				text: 'hi',
			},
			{
				event: 'message_delivered',
				field: 'messages',
				groupId: null,
				businessAccountId: 'W',
				phoneNumberId: 'PHONE_1',
				displayPhoneNumber: '15550001111',
				timestamp: '2025-10-09T08:53:20.000Z',
				timestampUnix: 1760000000,
				messageId: 'wamid.E',
				status: 'delivered',
				recipientId: '4915100000009',
				// The change's contact with the status's phone number.
				recipient: { waId: '4915100000009', name: 'Cy' },
			},
		]);
	});

	it("adds Meta's raw object when asked for", async () => {
		const body = delivery([{ id: 'W', changes: [groupChange('P1', 'G1')] }]);
		const { items } = await post(body, { options: { ...noDedupe, includeRaw: true } });
		expect(items?.[0].raw).toEqual({
			timestamp: 1760000000,
			group_id: 'G1',
			type: 'group_suspend',
		});
		const plain = await post(body, { options: noDedupe });
		expect(plain.items?.[0]).not.toHaveProperty('raw');
	});
});

describe('ignoring redeliveries', () => {
	const body = JSON.stringify(groupCreated);

	it('emits every event from the webhook call, remembering nothing; the run takes each event in once and leaves out its redeliveries', async () => {
		const store = new MemoryDeduplicationStore();
		const staticData: IDataObject = {};
		const first = await post(body, {}, { staticData });
		expect(first.items).toHaveLength(1);
		expect(first.result.noWebhookResponse).toBeUndefined();
		expect(staticData).toEqual({});

		const run = await runExecution(first.items!, {}, store);
		expect(run.output).toEqual([run.input]);
		expect(run.output[0][0]).toBe(run.input[0]);
		expect([...store.lists.keys()]).toEqual([`n:${FAKE_NODE.id}`]);

		// Meta delivers it again: n8n starts a run (it answers 200 once it has), which takes nothing in.
		const second = await post(body, {}, { staticData });
		expect(second.items).toEqual(first.items);
		expect(second.result.noWebhookResponse).toBeUndefined();
		const again = await runExecution(second.items!, {}, store);
		expect(again.output).toEqual([[]]);
		expect(again.logger.debug.mock.calls[0][0]).toContain(
			'1 of 1 event(s) left out: already run (redelivery)',
		);
		expect(staticData).toEqual({});
	});

	it('runs the redelivery of an event whose first run never started (n8n failed to start it): no key, no skip', async () => {
		const store = new MemoryDeduplicationStore();
		const first = await post(body);
		expect(first.items).toHaveLength(1);
		// No run: nothing recorded.
		const redelivered = await post(body);
		expect((await runExecution(redelivered.items!, {}, store)).passed).toEqual(redelivered.items);
	});

	it('keeps distinct statuses of one aggregated delivery apart', async () => {
		const store = new MemoryDeduplicationStore();
		const { items } = await post(JSON.stringify(statusAggregated), { events: ['message_read'] });
		expect(items).toHaveLength(2);
		expect((await runExecution(items!, {}, store)).passed).toHaveLength(2);
		expect(store.lists.get(`n:${FAKE_NODE.id}`)).toHaveLength(2);
		expect((await runExecution(items!, {}, store)).passed).toEqual([]);
	});

	/** Posts a delivery, then runs the trigger's step on what it emitted: the events the run takes in. */
	async function deliverAndRun(raw: string, store: MemoryDeduplicationStore) {
		const { items } = await post(raw);
		return (await runExecution(items ?? [], {}, store)).passed;
	}

	it('keys group events on what Meta makes unique, not on how the JSON is written', async () => {
		const join = (waId: string, extra: IDataObject = {}) => ({
			timestamp: '1760000000',
			group_id: 'G1',
			type: 'group_participants_add',
			reason: 'invite_link',
			added_participants: [{ wa_id: waId }],
			...extra,
		});
		const change = (groups: unknown[]) => ({
			field: 'group_participants_update',
			value: { messaging_product: 'whatsapp', metadata, groups },
		});
		const store = new MemoryDeduplicationStore();
		// Two people joining the same group in the same second: two events.
		const first = await deliverAndRun(
			delivery([{ id: 'WABA_1', changes: [change([join('491510001'), join('491510002')])] }]),
			store,
		);
		expect(first.map((item) => item.event)).toEqual(['participants_joined', 'participants_joined']);
		// The first one again, written differently (key order, spacing, a number for the time):
		// a redelivery. A third person joining in that second is new.
		const again = JSON.stringify(
			{
				entry: [
					{
						changes: [change([{ ...join('491510001'), timestamp: 1760000000 }, join('491510003')])],
						id: 'WABA_1',
					},
				],
				object: 'whatsapp_business_account',
			},
			null,
			2,
		);
		const second = await deliverAndRun(again, store);
		expect(second.map((item) => (item.participants as IDataObject[])[0].waId)).toEqual([
			'491510003',
		]);
		// Two operations of the business on one group in one second: told apart by request ID.
		const deletes = [
			{ timestamp: '1760000000', group_id: 'G1', type: 'group_delete', request_id: 'R1' },
			{ timestamp: '1760000000', group_id: 'G1', type: 'group_delete', request_id: 'R2' },
		];
		const third = await deliverAndRun(
			delivery([
				{
					id: 'WABA_1',
					changes: [{ field: 'group_lifecycle_update', value: { metadata, groups: deletes } }],
				},
			]),
			store,
		);
		expect(third.map((item) => item.requestId)).toEqual(['R1', 'R2']);
	});

	it('keys a group element without a request ID, group or time on its content', async () => {
		const store = new MemoryDeduplicationStore();
		const suspend = (extra: IDataObject) => ({ type: 'group_suspend', ...extra });
		const body = (groups: unknown[]) =>
			delivery([
				{ id: 'WABA_1', changes: [{ field: 'group_status_update', value: { metadata, groups } }] },
			]);
		const first = await deliverAndRun(
			body([suspend({ group_id: 'G1' }), suspend({ group_id: 'G2' }), suspend({ timestamp: 1 })]),
			store,
		);
		expect(first).toHaveLength(3);
		const again = await deliverAndRun(
			body([suspend({ group_id: 'G2' }), suspend({ group_id: 'G3' })]),
			store,
		);
		expect(again.map((item) => item.groupId)).toEqual(['G3']);
	});

	it('takes an event repeated within one delivery in once', async () => {
		const item = { event: 'group_deleted', phoneNumberId: 'P1', groupId: 'G1', timestampUnix: 1 };
		const run = await runExecution([item, { ...item }, { ...item, groupId: 'G2' }]);
		expect(run.passed).toEqual([item, { ...item, groupId: 'G2' }]);
	});

	it('runs everything and records nothing when turned off, and in test runs', async () => {
		const store = new MemoryDeduplicationStore();
		const { items } = await post(body);
		const off = { options: { ignoreRedeliveries: false } };
		expect((await runExecution(items!, off, store)).passed).toEqual(items);
		expect((await runExecution(items!, off, store)).passed).toEqual(items);
		expect((await runExecution(items!, {}, store, 'manual')).passed).toEqual(items);
		expect((await runExecution(items!, {}, store, 'manual')).passed).toEqual(items);
		expect(store.calls).toBe(0);
	});

	it(`remembers the newest ${REDELIVERY_MEMORY_SIZE} events`, async () => {
		const store = new MemoryDeduplicationStore();
		const message = (index: number) => ({
			event: 'message_received',
			phoneNumberId: 'P1',
			id: `wamid.${index}`,
		});
		const all = Array.from({ length: REDELIVERY_MEMORY_SIZE + 2 }, (_, index) => message(index));
		expect((await runExecution(all.slice(0, 500), {}, store)).passed).toHaveLength(500);
		expect((await runExecution(all, {}, store)).passed).toHaveLength(all.length - 500);
		// wamid.0 and wamid.1 fell off: they count as new again; wamid.2 is still remembered.
		expect((await runExecution(all.slice(0, 3), {}, store)).passed).toEqual(all.slice(0, 2));
	});

	it('takes every event in when n8n cannot read or write the memory, records the keys when it can, and says so (a redelivery may then run twice, none is dropped)', async () => {
		const { items } = await post(body);
		const store = new MemoryDeduplicationStore();
		store.failNext = 1;
		const once = await runExecution(items!, {}, store);
		expect(once.passed).toEqual(items);
		expect(store.calls).toBe(2);
		expect(once.logger.warn.mock.calls).toEqual([
			[
				'WhatsApp Groups Trigger: could not use the redelivery memory (timeout exceeded when trying to connect); this run takes in every event, so a redelivery may run twice.',
			],
		]);
		// The second call recorded the key: the redelivery is left out.
		expect((await runExecution(items!, {}, store)).passed).toEqual([]);

		const down = new MemoryDeduplicationStore();
		down.failNext = 2;
		const failing = await runExecution(items!, {}, down);
		expect(failing.passed).toEqual(items);
		expect(failing.logger.warn.mock.calls[0][0]).toContain(
			'(timeout exceeded when trying to connect; recording the keys once more failed too)',
		);
		expect(down.lists.size).toBe(0);
		// Nothing was recorded: the redelivery runs.
		expect((await runExecution(items!, {}, down)).passed).toEqual(items);
	});

	it('never leaves an event out for a key only its own run recorded (a call that failed after writing)', async () => {
		const { items } = await post(body);
		const store = new MemoryDeduplicationStore();
		store.failAfterWriteNext = 1;
		// The first call wrote the key and then failed; the second finds it. The event still runs.
		expect((await runExecution(items!, {}, store)).passed).toEqual(items);
		expect(store.calls).toBe(2);
		expect((await runExecution(items!, {}, store)).passed).toEqual([]);
	});

	it("keeps every key of runs at the same moment in one process (n8n's store reads and writes its row without a lock)", async () => {
		const message = (index: number) => ({
			event: 'message_received',
			phoneNumberId: 'P1',
			id: `wamid.concurrent-${index}`,
		});
		const events = Array.from({ length: 40 }, (_, index) => message(index));
		// The store's race, called directly at the same moment: most keys are lost.
		const bare = new MemoryDeduplicationStore({ racy: true });
		await Promise.all(
			events.map((item) =>
				bare.checkProcessedAndRecord([item.id], 'n:x', { mode: 'entries', maxEntries: 1000 }),
			),
		);
		expect(bare.lists.get('n:x')!.length).toBeLessThan(events.length);

		// Through the trigger's step, the runs of one process wait for each other's store call and
		// go together into the next: no key is lost, and 40 runs need 2 calls, not 40.
		const store = new MemoryDeduplicationStore({ racy: true });
		const runs = await Promise.all(events.map((item) => runExecution([item], {}, store)));
		expect(runs.map((run) => run.passed)).toEqual(events.map((item) => [item]));
		expect(store.lists.get(`n:${FAKE_NODE.id}`)).toHaveLength(events.length);
		expect(store.calls).toBe(2);
		// Two runs of the same event at the same moment: exactly one takes it in.
		const twice = await Promise.all([
			runExecution([message(99)], {}, store),
			runExecution([message(99)], {}, store),
		]);
		expect(twice.map((run) => run.passed.length).sort()).toEqual([0, 1]);
		// Runs at the same moment that repeat each other's events, in one call: each event once.
		const mixed = await Promise.all([
			runExecution([message(100), message(101)], {}, store),
			runExecution([message(101), message(102)], {}, store),
			runExecution([message(100)], {}, store),
		]);
		expect(mixed.flatMap((run) => run.passed).map((item) => item.id)).toEqual([
			'wamid.concurrent-100',
			'wamid.concurrent-101',
			'wamid.concurrent-102',
		]);
	});

	it(`takes every event in when n8n's store has not answered within ${STORE_WAIT_MS / 1000} s, and says so`, async () => {
		jest.useFakeTimers();
		try {
			const store = new MemoryDeduplicationStore();
			let release = () => {};
			const hanging = new Promise<void>((resolve) => (release = resolve));
			const answer = store.checkProcessedAndRecord.bind(store);
			store.checkProcessedAndRecord = async (...args) => {
				await hanging;
				return await answer(...args);
			};
			const { items } = await post(body);
			const run = runExecution(items!, {}, store);
			await jest.advanceTimersByTimeAsync(STORE_WAIT_MS + 1000);
			const late = await run;
			expect(late.passed).toEqual(items);
			expect(late.logger.warn.mock.calls[0][0]).toContain(
				`n8n's deduplication store did not answer within ${STORE_WAIT_MS / 1000} s`,
			);
			// The store answers at last: the keys are recorded, the redelivery is left out.
			release();
			await jest.advanceTimersByTimeAsync(1000);
			const again = runExecution(items!, {}, store);
			await jest.advanceTimersByTimeAsync(1000);
			expect((await again).passed).toEqual([]);
		} finally {
			jest.useRealTimers();
		}
	});
});

describe("a user's changed business-scoped user ID", () => {
	const allEventsNoDedupe = { events: [...TRIGGER_EVENTS], options: { ignoreRedeliveries: false } };
	const userIdUpdate = (update: unknown, contacts: unknown[] = []) =>
		delivery([
			{
				id: 'WABA_1',
				changes: [
					{
						field: 'user_id_update',
						value: { messaging_product: 'whatsapp', metadata, contacts, user_id_update: [update] },
					},
				],
			},
		]);
	const systemMessage = (system: IDataObject, extra: IDataObject = {}) =>
		delivery([
			{
				id: 'WABA_1',
				changes: [
					{
						field: 'messages',
						value: {
							messaging_product: 'whatsapp',
							metadata,
							messages: [
								{ id: 'wamid.S1', timestamp: '1760000100', type: 'system', system, ...extra },
							],
						},
					},
				],
			},
		]);
	const change = {
		wa_id: '4915100000001',
		detail: 'User id for Ada has been updated.',
		user_id: { previous: 'DE.111', current: 'DE.222' },
		timestamp: '1760000100',
	};
	const common = {
		event: 'user_id_changed',
		groupId: null,
		businessAccountId: 'WABA_1',
		phoneNumberId: 'PHONE_1',
		displayPhoneNumber: '15550001111',
		timestamp: '2025-10-09T08:55:00.000Z',
		timestampUnix: 1760000100,
	};

	it('is an item of its own on the default events, without Include One-to-One Traffic, whatever the Group IDs', async () => {
		const fromUpdate = await post(
			userIdUpdate(change, [{ profile: { name: 'Ada' }, wa_id: '4915100000001' }]),
			{ options: { groupIds: 'G1', ignoreRedeliveries: false } },
		);
		expect(fromUpdate.items).toEqual([
			{
				...common,
				field: 'user_id_update',
				source: 'user_id_update',
				userId: 'DE.222',
				previousUserId: 'DE.111',
				waId: '4915100000001',
				name: 'Ada',
				detail: 'User id for Ada has been updated.',
			},
		]);
		const fromSystem = await post(
			systemMessage({
				body: 'User Ada changed from DE.111 to DE.222',
				user_id: 'DE.222',
				previous_user_id: 'DE.111',
				type: 'user_changed_user_id',
			}),
			{ options: { groupIds: 'G1', ignoreRedeliveries: false } },
		);
		expect(fromSystem.items).toEqual([
			{
				...common,
				field: 'messages',
				source: 'user_changed_user_id',
				userId: 'DE.222',
				previousUserId: 'DE.111',
				detail: 'User Ada changed from DE.111 to DE.222',
				messageId: 'wamid.S1',
			},
		]);
	});

	it('is not emitted when User ID Changed is not selected', async () => {
		const { items } = await post(userIdUpdate(change), { events: ['message_received'] });
		expect(items).toBeUndefined();
	});

	it('is one event however Meta reports it: the run after user_id_update leaves the system message out', async () => {
		const store = new MemoryDeduplicationStore();
		const first = await post(userIdUpdate(change));
		expect(first.items?.map((item) => item.source)).toEqual(['user_id_update']);
		expect((await runExecution(first.items!, {}, store)).passed).toEqual(first.items);
		const second = await post(
			systemMessage({
				user_id: 'DE.222',
				previous_user_id: 'DE.111',
				type: 'user_changed_user_id',
			}),
		);
		expect(second.items?.map((item) => item.source)).toEqual(['user_changed_user_id']);
		const again = await runExecution(second.items!, {}, store);
		expect(again.passed).toEqual([]);
		// The next change of the same user is new.
		const third = await post(
			userIdUpdate({ ...change, user_id: { previous: 'DE.222', current: 'DE.333' } }),
		);
		expect((await runExecution(third.items!, {}, store)).passed.map((item) => item.userId)).toEqual(
			['DE.333'],
		);
	});

	it('names the user from contacts[] by phone number or BSUID, the only contact otherwise, never a stranger', async () => {
		const names = async (update: IDataObject, contacts: unknown[]) =>
			(await post(userIdUpdate(update, contacts), allEventsNoDedupe)).items?.map(
				(item) => item.name,
			);
		const hidden = { user_id: { previous: 'DE.111', current: 'DE.222' } };
		expect(
			await names(hidden, [
				{ profile: { name: 'Bo' }, user_id: 'DE.999' },
				{ profile: { name: 'Ada' }, user_id: 'DE.222' },
			]),
		).toEqual(['Ada']);
		expect(await names(hidden, [{ profile: { name: 'Ada' } }])).toEqual(['Ada']);
		expect(
			await names(hidden, [
				{ profile: { name: 'Bo' }, user_id: 'DE.999' },
				{ profile: { name: 'Cy' }, wa_id: '1' },
			]),
		).toEqual([undefined]);
	});

	it('reads a phone number change that carries the previous BSUID; without it, it stays a one-to-one message', async () => {
		const numberChange = {
			body: 'User Ada changed from 4915100000001 to 4915100000002',
			wa_id: '4915100000002',
			user_id: 'DE.222',
			parent_user_id: 'DE.ENT.222',
			previous_user_id: 'DE.111',
			previous_parent_user_id: 'DE.ENT.111',
			type: 'user_changed_number',
		};
		const { items } = await post(
			systemMessage(numberChange, { from: '4915100000001' }),
			allEventsNoDedupe,
		);
		expect(items).toEqual([
			{
				...common,
				field: 'messages',
				source: 'user_changed_number',
				userId: 'DE.222',
				parentUserId: 'DE.ENT.222',
				previousUserId: 'DE.111',
				previousParentUserId: 'DE.ENT.111',
				waId: '4915100000002',
				previousWaId: '4915100000001',
				detail: 'User Ada changed from 4915100000001 to 4915100000002',
				messageId: 'wamid.S1',
			},
		]);
		const withoutPrevious: IDataObject = { ...numberChange };
		delete withoutPrevious.previous_user_id;
		delete withoutPrevious.previous_parent_user_id;
		const plain = systemMessage(withoutPrevious, { from: '4915100000001' });
		expect((await post(plain, allEventsNoDedupe)).items).toBeUndefined();
		const oneToOne = await post(plain, {
			...allEventsNoDedupe,
			options: { ignoreRedeliveries: false, includeOneToOne: true },
		});
		expect(oneToOne.items?.map((item) => [item.event, item.type])).toEqual([
			['message_received', 'system'],
		]);
	});

	it('gives unknown items for what is not an update, and for a user_id_update list under another field', async () => {
		const { items } = await post(
			delivery([
				{
					id: 'WABA_1',
					changes: [
						{ field: 'user_id_update', value: { metadata, user_id_update: ['not an object'] } },
						{ field: 'user_id_update', value: { metadata } },
						{ field: 'messages', value: { metadata, user_id_update: [change] } },
					],
				},
			]),
			allEventsNoDedupe,
		);
		expect(items?.map((item) => [item.event, item.field, item.item])).toEqual([
			['unknown', 'user_id_update', 'not an object'],
			['unknown', 'user_id_update', undefined],
			['unknown', 'messages', undefined],
		]);
	});
});
