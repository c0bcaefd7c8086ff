// @ts-check
'use strict';

/**
 * Messages: POST /<PHONE_NUMBER_ID>/messages, to a group (pins in model/pins.js), to one user (the
 * invite-link template goes out this way), and mark as read. Each message is kept in the log
 * (model/messageLog.js) and its statuses follow (model/statuses.js).
 */
const { nowSeconds, digitsOnly } = require('../util');
const { waError } = require('../http/errors');
const { BSUID_PATTERN, optString, checkMessageContent } = require('./validate');
const lookups = require('./lookups');
const { keep, summary, businessSender } = require('./messageLog');
const { emitStatuses, inSteps, scheduleStatuses } = require('./statuses');
const { pin } = require('./pins');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').FaultContext} FaultContext */
/** @typedef {import('../types').PhoneState} PhoneState */
/** @typedef {import('../../nodes/shared/types').WebhookStatus} WebhookStatus */

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

module.exports = { sendMessage, markAsRead, sendIndividual };
