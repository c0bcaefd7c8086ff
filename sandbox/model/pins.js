// @ts-check
'use strict';

/**
 * Pins: a pin message pins or unpins one of the group's messages; at most three pins, the oldest
 * unpinned automatically, each for 1 to 30 days.
 */
const { nowSeconds } = require('../util');
const { waError } = require('../http/errors');
const { MAX_PINS, optString } = require('./validate');
const { keep, businessSender } = require('./messageLog');
const { inSteps, sentStatus, participantStatuses } = require('./statuses');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').Group} Group */
/** @typedef {import('../types').PhoneState} PhoneState */

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

module.exports = { pin };
