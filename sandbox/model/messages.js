// @ts-check
'use strict';

/**
 * Messages: group messages (with sent, delivered and read statuses per participant and the
 * pricing of the service window), pins, and the 1:1 messages the invite-link template goes out as.
 */
const { nowSeconds, digitsOnly } = require('../util');
const { waError, itemError } = require('../http/errors');
const { MAX_PINS, optString, checkMessageContent } = require('./validate');
const lookups = require('./lookups');
const delivery = require('../webhooks/delivery');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').FaultContext} FaultContext */
/** @typedef {import('../types').Group} Group */
/** @typedef {import('../types').PhoneState} PhoneState */
/** @typedef {import('../../nodes/shared/types').WebhookStatus} WebhookStatus */

/**
 * POST /<PHONE_NUMBER_ID>/messages
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {Record<string, unknown>} body
 * @param {FaultContext} [ctx]
 * @returns {import('../../nodes/shared/types').SendMessageResponse}
 */
function sendMessage(sb, phoneId, body, ctx = {}) {
	const phone = lookups.phone(sb, phoneId);
	if (!phone) throw waError(100, `Unknown phone number ID ${phoneId}`, { subcode: 33 });
	const to = optString(body.to);
	if (!to) throw waError(100, 'The parameter to is required');
	const type = optString(body.type) ?? 'text';
	const recipientType = optString(body.recipient_type) ?? 'individual';
	if (recipientType !== 'group') {
		if (recipientType !== 'individual')
			throw waError(100, 'recipient_type must be individual or group');
		return sendIndividual(sb, phone, to, type, body);
	}
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
	sb.messageIndex.set(id, { group_id: group.id, from_business: true });
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
 * A 1:1 message (for example the invite-link template to a user).
 * @param {Sandbox} sb
 * @param {PhoneState} phone
 * @param {string} to
 * @param {string} type
 * @param {Record<string, unknown>} body
 * @returns {import('../../nodes/shared/types').SendMessageResponse}
 */
function sendIndividual(sb, phone, to, type, body) {
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
	const waId = digitsOnly(to);
	if (!waId) throw waError(100, 'to must be a phone number for individual messages');
	const id = sb.newMessageId();
	sb.messageIndex.set(id, { group_id: null, from_business: true, to: waId });
	const category = type === 'template' ? 'utility' : 'service';
	sb.later(sb.statusDelayMs, () =>
		delivery.emitMessages(sb, phone.id, {
			statuses: [{ id, status: 'sent', timestamp: String(nowSeconds()), recipient_id: waId }],
		}),
	);
	sb.later(sb.statusDelayMs * 2, () =>
		delivery.emitMessages(sb, phone.id, {
			statuses: [
				{
					id,
					status: 'delivered',
					timestamp: String(nowSeconds()),
					recipient_id: waId,
					pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category },
				},
			],
		}),
	);
	return {
		messaging_product: 'whatsapp',
		contacts: [{ input: to, wa_id: waId }],
		messages: [{ id }],
	};
}

/**
 * The group-wide "sent" status of a message, a moment after it was accepted.
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {string} id
 * @param {Group} group
 */
function scheduleSent(sb, phoneId, id, group) {
	sb.later(sb.statusDelayMs, () =>
		delivery.emitMessages(sb, phoneId, {
			statuses: [
				{
					id,
					status: 'sent',
					timestamp: String(nowSeconds()),
					recipient_id: group.id,
					recipient_type: 'group',
				},
			],
		}),
	);
}

/**
 * sent (whole group), then delivered and read (one status per participant, aggregated).
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
	scheduleSent(sb, phoneId, id, group);
	for (const [step, status] of /** @type {const} */ ([
		[2, 'delivered'],
		[3, 'read'],
	])) {
		if (recipients.length === 0) break;
		sb.later(sb.statusDelayMs * step, () =>
			delivery.emitMessages(sb, phoneId, {
				statuses: recipients.map((p) => {
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
					s.pricing = { ...pricing };
					return s;
				}),
			}),
		);
	}
	if (partial) {
		const missed = all[all.length - 1];
		sb.later(sb.statusDelayMs * 2, () =>
			delivery.emitMessages(sb, phoneId, {
				statuses: [
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
				],
			}),
		);
	}
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
	sb.messageIndex.set(id, { group_id: group.id, from_business: true });
	scheduleSent(sb, phone.id, id, group);
	return {
		messaging_product: 'whatsapp',
		contacts: [{ input: group.id, wa_id: group.id }],
		messages: [{ id }],
	};
}

module.exports = {
	sendMessage,
	sendIndividual,
	scheduleStatuses,
	pin,
};
