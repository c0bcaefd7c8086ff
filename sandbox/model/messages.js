// @ts-check
'use strict';

/**
 * Messages: group messages (with sent, delivered and read statuses per participant and the
 * pricing of the service window), pins, and the 1:1 messages the invite-link template goes out as.
 * Every message is kept (sb.messages: type, text or caption, template, sender, time and the
 * statuses reported for it), for GET /_sandbox/groups/<id>/messages and `cli.js messages`.
 */
const { nowSeconds, digitsOnly } = require('../util');
const { waError, itemError } = require('../http/errors');
const { MAX_PINS, BSUID_PATTERN, optString, checkMessageContent } = require('./validate');
const lookups = require('./lookups');
const delivery = require('../webhooks/delivery');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').FaultContext} FaultContext */
/** @typedef {import('../types').Group} Group */
/** @typedef {import('../types').PhoneState} PhoneState */
/** @typedef {import('../../nodes/shared/types').WebhookStatus} WebhookStatus */
/** @typedef {import('../types').MessageRecord} MessageRecord */

/**
 * Keeps a message (its statuses follow as they are reported).
 * @param {Sandbox} sb
 * @param {Omit<MessageRecord, 'statuses' | 'timestamp'> & { timestamp?: number }} message
 * @returns {MessageRecord}
 */
function keep(sb, message) {
	/** @type {MessageRecord} */
	const record = { ...message, timestamp: message.timestamp ?? nowSeconds(), statuses: [] };
	sb.messages.set(record.id, record);
	return record;
}

/**
 * What a message sent by the business says, from its type object (already validated).
 * @param {string} type
 * @param {unknown} content
 * @returns {Partial<MessageRecord>}
 */
function summary(type, content) {
	const c = /** @type {Record<string, any>} */ (
		content && typeof content === 'object' ? content : {}
	);
	if (type === 'text') return { text: String(c.body) };
	if (type === 'template') {
		const language = optString(c.language?.code);
		return { template: language ? { name: String(c.name), language } : { name: String(c.name) } };
	}
	/** @type {Partial<MessageRecord>} */
	const out = {};
	const id = optString(c.id);
	const link = optString(c.link);
	if (id || link) out.media = id ? { id } : { link };
	const caption = optString(c.caption);
	if (caption) out.caption = caption;
	const filename = optString(c.filename);
	if (filename) out.filename = filename;
	return out;
}

/**
 * The business number as a message's sender.
 * @param {PhoneState} phone
 * @returns {import('../types').MessageSender}
 */
const businessSender = (phone) => ({
	business: true,
	phone_number_id: phone.id,
	display_phone_number: phone.display_phone_number,
});

/**
 * Reports statuses: kept with their messages, then sent as a messages webhook (with the
 * `contacts[]` Meta puts beside delivered and read statuses of group messages).
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {WebhookStatus[]} statuses
 * @param {import('../../nodes/shared/types').WebhookContact[]} [contacts]
 */
function emitStatuses(sb, phoneId, statuses, contacts) {
	for (const s of statuses) {
		const message = s.id ? sb.messages.get(s.id) : undefined;
		if (!message) continue;
		/** @type {import('../types').MessageStatusRecord} */
		const entry = { status: String(s.status), timestamp: Number(s.timestamp) };
		if (s.recipient_participant_id) entry.participant = s.recipient_participant_id;
		if (s.recipient_participant_user_id)
			entry.participant_user_id = s.recipient_participant_user_id;
		if (s.recipient_type !== 'group' && (s.recipient_id || s.recipient_user_id))
			entry.recipient = s.recipient_id ?? s.recipient_user_id;
		if (s.errors?.length)
			entry.errors = s.errors.map((e) => {
				/** @type {{ code: number, title?: string, message?: string, details?: string }} */
				const error = { code: Number(e.code) };
				if (e.title) error.title = e.title;
				if (e.message) error.message = e.message;
				const details = typeof e.error_data === 'string' ? e.error_data : e.error_data?.details;
				if (details) error.details = details;
				return error;
			});
		message.statuses.push(entry);
	}
	delivery.emitMessages(sb, phoneId, contacts ? { contacts, statuses } : { statuses });
}

/**
 * A participant as the contacts[] of delivered and read group statuses name them: name (and
 * username) in profile, wa_id and user_id.
 * @param {import('../types').Participant} participant
 * @returns {import('../../nodes/shared/types').WebhookContact}
 */
function statusContact(participant) {
	/** @type {import('../../nodes/shared/types').WebhookContact} */
	const contact = { profile: { name: participant.name } };
	if (participant.username && contact.profile) contact.profile.username = participant.username;
	if (participant.wa_id) contact.wa_id = participant.wa_id;
	if (participant.user_id) contact.user_id = participant.user_id;
	return contact;
}

/**
 * Delivered (or read) statuses of one message for these participants, aggregated in one delivery
 * with their contacts.
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {string} id
 * @param {Group} group
 * @param {import('../types').Participant[]} recipients
 * @param {'delivered' | 'read'} status
 * @param {import('../../nodes/shared/types').WebhookPricing} [pricing]
 */
function participantStatuses(sb, phoneId, id, group, recipients, status, pricing) {
	if (recipients.length === 0) return;
	emitStatuses(
		sb,
		phoneId,
		recipients.map((p) => {
			/** @type {WebhookStatus} */
			const s = {
				id,
				status,
				timestamp: String(nowSeconds()),
				recipient_id: group.id,
				recipient_type: 'group',
			};
			if (p.wa_id) s.recipient_participant_id = p.wa_id;
			if (p.user_id) s.recipient_participant_user_id = p.user_id;
			if (pricing) s.pricing = { ...pricing };
			return s;
		}),
		recipients.map(statusContact),
	);
}

/**
 * The messages of a group (also after it was deleted), oldest first.
 * @param {Sandbox} sb
 * @param {string} groupId
 * @returns {MessageRecord[]}
 */
function groupMessages(sb, groupId) {
	return [...sb.messages.values()].filter((m) => m.group_id === groupId);
}

/**
 * POST /<PHONE_NUMBER_ID>/messages
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {Record<string, unknown>} body
 * @param {FaultContext} [ctx]
 * @returns {import('../../nodes/shared/types').SendMessageResponse | import('../../nodes/shared/types').SuccessResponse}
 */
function sendMessage(sb, phoneId, body, ctx = {}) {
	const phone = lookups.phone(sb, phoneId);
	if (!phone) throw waError(100, `Unknown phone number ID ${phoneId}`, { subcode: 33 });
	if (body.status !== undefined) return markAsRead(sb, phone, body);
	const type = optString(body.type) ?? 'text';
	const recipientType = optString(body.recipient_type) ?? 'individual';
	if (recipientType !== 'group') {
		if (recipientType !== 'individual')
			throw waError(100, 'recipient_type must be individual or group');
		return sendIndividual(sb, phone, type, body);
	}
	const to = optString(body.to);
	if (!to) throw waError(100, 'The parameter to is required');
	if (!phone.groups_eligible) lookups.eligiblePhone(sb, phoneId);
	const group = sb.groups.get(to);
	if (!group || group.phone_number_id !== phoneId) {
		throw waError(
			131041,
			`Group ${to} does not exist or the business number ${phone.display_phone_number} is not a member of it`,
		);
	}
	lookups.notSuspended(group);
	if (type === 'pin') return pin(sb, phone, group, body.pin);
	const allowed = ['text', 'image', 'video', 'audio', 'document', 'sticker', 'template'];
	if (!allowed.includes(type)) {
		throw waError(
			131009,
			`Message type ${type} is not supported in groups. Supported: ${allowed.join(', ')}`,
		);
	}
	checkMessageContent(type, body[type]);
	if (group.participants.length === 0) {
		throw waError(131020, `Group ${group.id} has no participant besides the business`);
	}
	const id = sb.newMessageId();
	group.messages.push(id);
	keep(sb, {
		id,
		group_id: group.id,
		phone_number_id: phone.id,
		from: businessSender(phone),
		type,
		...summary(type, body[type]),
		recipients: group.participants.length,
	});
	const now = nowSeconds();
	const inWindow = group.service_window_until > now;
	/** @type {import('../../nodes/shared/types').WebhookPricing} */
	const pricing =
		type === 'template'
			? { billable: true, pricing_model: 'PMP', type: 'regular', category: 'group_utility' }
			: {
					billable: !inWindow,
					pricing_model: 'PMP',
					type: inWindow ? 'free_group_customer_service' : 'regular',
					category: 'group_service',
				};
	scheduleStatuses(sb, phone.id, id, group, pricing, Boolean(ctx.partial));
	return {
		messaging_product: 'whatsapp',
		contacts: [{ input: group.id, wa_id: group.id }],
		messages: [{ id }],
	};
}

/**
 * POST /<PHONE_NUMBER_ID>/messages {status: "read", message_id}: marks one received message as
 * read (Meta: it works for group messages too, each message on its own, no earlier ones with it).
 * Only messages this number received from users in its groups qualify, else 131009; marking twice
 * is fine.
 * @param {Sandbox} sb
 * @param {PhoneState} phone
 * @param {Record<string, unknown>} body
 * @returns {import('../../nodes/shared/types').SuccessResponse}
 */
function markAsRead(sb, phone, body) {
	if (body.status !== 'read') throw waError(100, 'status must be "read"');
	const messageId = optString(body.message_id);
	if (!messageId) throw waError(100, 'The parameter message_id is required');
	const message = sb.messages.get(messageId);
	if (
		!message ||
		message.from.business ||
		message.group_id === null ||
		message.phone_number_id !== phone.id
	) {
		throw waError(
			131009,
			`message_id ${messageId} is not a message this business phone number received`,
		);
	}
	message.read = true;
	return { success: true };
}

/**
 * A 1:1 message (for example the invite-link template to a user), to a phone number (`to`) or a
 * business-scoped user ID (`recipient`); `to` wins when both are set, as Meta documents. An
 * authentication template cannot go to a BSUID (131062).
 * @param {Sandbox} sb
 * @param {PhoneState} phone
 * @param {string} type
 * @param {Record<string, unknown>} body
 * @returns {import('../../nodes/shared/types').SendMessageResponse}
 */
function sendIndividual(sb, phone, type, body) {
	const allowed = [
		'text',
		'image',
		'video',
		'audio',
		'document',
		'sticker',
		'template',
		'interactive',
		'location',
		'contacts',
		'reaction',
	];
	if (!allowed.includes(type)) throw waError(131009, `Unknown message type ${type}`);
	if (['text', 'image', 'video', 'audio', 'document', 'sticker', 'template'].includes(type))
		checkMessageContent(type, body[type]);
	const to = optString(body.to);
	const recipient = optString(body.recipient);
	if (!to && !recipient) throw waError(100, 'The parameter to (or recipient) is required');
	const waId = to ? digitsOnly(to) : undefined;
	if (to && !waId) throw waError(100, 'to must be a phone number for individual messages');
	if (!to && recipient && !BSUID_PATTERN.test(recipient)) {
		throw waError(
			100,
			`recipient ${recipient} is not a business-scoped user ID (country code, period, up to 128 letters and digits)`,
		);
	}
	const template = type === 'template' ? findTemplate(sb, body.template) : undefined;
	if (!to && template?.category === 'AUTHENTICATION') {
		throw waError(
			131062,
			'Business-scoped User ID (BSUID) recipients are not supported for this message.',
		);
	}
	const address = /** @type {string} */ (waId ?? recipient);
	const id = sb.newMessageId();
	keep(sb, {
		id,
		group_id: null,
		phone_number_id: phone.id,
		from: businessSender(phone),
		to: address,
		type,
		...summary(type, body[type]),
	});
	const category = template ? template.category.toLowerCase() : 'service';
	/** @type {(status: 'sent' | 'delivered') => WebhookStatus} */
	const status = (value) => {
		/** @type {WebhookStatus} */
		const out = { id, status: value, timestamp: String(nowSeconds()) };
		if (waId) out.recipient_id = waId;
		else out.recipient_user_id = recipient;
		return out;
	};
	inSteps(sb, [
		() => emitStatuses(sb, phone.id, [status('sent')]),
		() =>
			emitStatuses(sb, phone.id, [
				{
					...status('delivered'),
					pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category },
				},
			]),
	]);
	return {
		messaging_product: 'whatsapp',
		contacts: [
			waId
				? { input: /** @type {string} */ (to), wa_id: waId }
				: { input: address, user_id: address },
		],
		messages: [{ id }],
	};
}

/**
 * The business's template a template message names (by name and language), if the sandbox has it.
 * @param {Sandbox} sb
 * @param {unknown} template
 */
function findTemplate(sb, template) {
	const t =
		template && typeof template === 'object'
			? /** @type {{ name?: unknown, language?: { code?: unknown } }} */ (template)
			: {};
	return sb.templates.find((entry) => entry.name === t.name && entry.language === t.language?.code);
}

/**
 * Runs each step statusDelayMs after the one before, so that statuses are reported in their
 * order (sent, then delivered, then read) even when the event loop is late.
 * @param {Sandbox} sb
 * @param {Array<() => void>} steps
 */
function inSteps(sb, steps) {
	const [first, ...rest] = steps;
	if (!first) return;
	sb.later(sb.statusDelayMs, () => {
		first();
		inSteps(sb, rest);
	});
}

/**
 * The group-wide "sent" status of a message.
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {string} id
 * @param {Group} group
 */
function sentStatus(sb, phoneId, id, group) {
	emitStatuses(sb, phoneId, [
		{
			id,
			status: 'sent',
			timestamp: String(nowSeconds()),
			recipient_id: group.id,
			recipient_type: 'group',
		},
	]);
}

/**
 * sent (whole group), then delivered and read (one status per participant, aggregated), a
 * moment apart.
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {string} id
 * @param {Group} group
 * @param {import('../../nodes/shared/types').WebhookPricing} pricing
 * @param {boolean} [partial]
 */
function scheduleStatuses(sb, phoneId, id, group, pricing, partial = false) {
	const all = group.participants.map((p) => ({ ...p }));
	// An injected partial failure: the last participant never gets the message.
	const recipients = partial ? all.slice(0, -1) : all;
	/** @param {'delivered' | 'read'} status */
	const perParticipant = (status) =>
		participantStatuses(sb, phoneId, id, group, recipients, status, pricing);
	const missed = all[all.length - 1];
	const failed = () =>
		emitStatuses(sb, phoneId, [
			{
				id,
				recipient_id: group.id,
				recipient_type: 'group',
				status: 'failed',
				timestamp: String(nowSeconds()),
				errors: [
					itemError(
						131000,
						`Message not delivered to ${missed?.wa_id ?? missed?.user_id ?? 'a participant'} (fault injected by the sandbox)`,
					),
				],
			},
		]);
	inSteps(sb, [
		() => sentStatus(sb, phoneId, id, group),
		() => {
			perParticipant('delivered');
			if (partial) failed();
		},
		() => perParticipant('read'),
	]);
}

/**
 * Pin or unpin a message; at most three pins, the oldest is unpinned automatically.
 * @param {Sandbox} sb
 * @param {PhoneState} phone
 * @param {Group} group
 * @param {unknown} pinInput
 * @returns {import('../../nodes/shared/types').SendMessageResponse}
 */
function pin(sb, phone, group, pinInput) {
	const pin =
		pinInput && typeof pinInput === 'object'
			? /** @type {Record<string, unknown>} */ (pinInput)
			: undefined;
	if (!pin) throw waError(100, 'The parameter pin is required for type pin');
	const action = pin.type;
	const messageId = optString(pin.message_id);
	if (action !== 'pin' && action !== 'unpin') throw waError(100, 'pin.type must be pin or unpin');
	if (!messageId) throw waError(100, 'pin.message_id is required');
	if (!group.messages.includes(messageId)) {
		throw waError(131009, `Message ${messageId} is not a message of group ${group.id}`);
	}
	const now = nowSeconds();
	group.pins = group.pins.filter((p) => p.expires_at > now);
	if (action === 'pin') {
		const days = Number(pin.expiration_days);
		if (pin.expiration_days === undefined || !Number.isInteger(days) || days < 1 || days > 30) {
			throw waError(100, 'pin.expiration_days must be an integer from 1 to 30');
		}
		group.pins = group.pins.filter((p) => p.message_id !== messageId);
		group.pins.push({ message_id: messageId, pinned_at: now, expires_at: now + days * 86400 });
		while (group.pins.length > MAX_PINS) group.pins.shift();
	} else {
		if (pin.expiration_days !== undefined)
			throw waError(100, 'pin.expiration_days is only allowed with type pin');
		if (!group.pins.some((p) => p.message_id === messageId)) {
			throw waError(131009, `Message ${messageId} is not pinned`);
		}
		group.pins = group.pins.filter((p) => p.message_id !== messageId);
	}
	const id = sb.newMessageId();
	/** @type {{ type: string, message_id: string, expiration_days?: number }} */
	const pinned = { type: action, message_id: messageId };
	if (action === 'pin') pinned.expiration_days = Number(pin.expiration_days);
	keep(sb, {
		id,
		group_id: group.id,
		phone_number_id: phone.id,
		from: businessSender(phone),
		type: 'pin',
		pin: pinned,
		recipients: group.participants.length,
	});
	// Meta sends a pin's sent status, then its delivered statuses (no read, no pricing documented).
	const recipients = group.participants.map((p) => ({ ...p }));
	inSteps(sb, [
		() => sentStatus(sb, phone.id, id, group),
		() => participantStatuses(sb, phone.id, id, group, recipients, 'delivered'),
	]);
	return {
		messaging_product: 'whatsapp',
		contacts: [{ input: group.id, wa_id: group.id }],
		messages: [{ id }],
	};
}

module.exports = {
	sendMessage,
	markAsRead,
	sendIndividual,
	scheduleStatuses,
	pin,
	keep,
	emitStatuses,
	groupMessages,
};
