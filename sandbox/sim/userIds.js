// @ts-check
'use strict';

/**
 * A simulated user's business-scoped user ID (BSUID) changes, with the notifications Meta
 * documents for it.
 */
const { randomDigits, nowSeconds, digitsOnly } = require('../util');
const { ControlError } = require('../http/errors');
const { BSUID_PATTERN, optString } = require('../model/validate');
const { isSameUser } = require('../model/lookups');
const delivery = require('../webhooks/delivery');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../../nodes/shared/types').WebhookMessage} WebhookMessage */
/** @typedef {import('../../nodes/shared/types').WebhookContact} WebhookContact */

/**
 * A user's business-scoped user ID changes (Meta regenerates it when the user changes phone
 * number): every participant and join request of that user takes the new ID, and each business
 * number that knows the user gets the two notifications Meta has documented for it, each only
 * where the app subscribed to its field: `user_id_update` (the BSUID page of May 2026) and a
 * `messages` system message of type user_changed_user_id (Meta's changelog of August 2026 says
 * user_id_update is not a subscribable field and BSUID changes come this way).
 * @param {Sandbox} sb
 * @param {Record<string, unknown>} input  user_id (the current BSUID) or phone; new_user_id
 */
function simChangeUserId(sb, input) {
	const previous = optString(input.user_id);
	const waId = digitsOnly(String(input.phone ?? input.wa_id ?? ''));
	if (!previous && !waId) throw new ControlError(400, 'user_id (or phone) is required');
	const requested = optString(input.new_user_id);
	if (requested !== undefined && !BSUID_PATTERN.test(requested))
		throw new ControlError(400, `new_user_id ${requested} is not a business-scoped user ID`);
	const who = previous ? { user_id: previous } : { wa_id: waId };
	/** @type {{ phoneId: string, record: { name: string, wa_id?: string, user_id?: string } }[]} */
	const matches = [];
	for (const group of sb.groups.values()) {
		for (const record of [...group.participants, ...group.join_requests]) {
			if (isSameUser(who, record)) matches.push({ phoneId: group.phone_number_id, record });
		}
	}
	const old = matches.find((m) => m.record.user_id)?.record.user_id;
	if (!old) throw new ControlError(404, 'No participant or join request of this user has a BSUID');
	const current = requested ?? newBsuid(sb, old);
	if (old === current) throw new ControlError(409, `The user's BSUID is already ${current}`);
	/** @type {Map<string, { name: string, wa_id?: string }>} phone number ID → the user as it knows them */
	const known = new Map();
	for (const { phoneId, record } of matches) {
		known.set(phoneId, { name: record.name, wa_id: record.wa_id });
		record.user_id = current;
	}
	const timestamp = String(nowSeconds());
	for (const [phoneId, user] of known) {
		/** @type {WebhookContact} */
		const contact = { profile: { name: user.name } };
		if (user.wa_id) contact.wa_id = user.wa_id;
		/** @type {import('../../nodes/shared/types').WebhookUserIdUpdate} */
		const update = {
			detail: `User id for ${user.name} has been updated.`,
			user_id: { previous: old, current },
			timestamp,
		};
		if (user.wa_id) update.wa_id = user.wa_id;
		delivery.emit(sb, phoneId, 'user_id_update', {
			contacts: [contact],
			user_id_update: [update],
		});
		/** @type {WebhookMessage} */
		const system = {
			id: sb.newMessageId(),
			timestamp,
			type: 'system',
			system: {
				body: `User ${user.name} changed from ${old} to ${current}`,
				user_id: current,
				previous_user_id: old,
				type: 'user_changed_user_id',
			},
		};
		if (user.wa_id) {
			system.from = user.wa_id;
			if (system.system) system.system.wa_id = user.wa_id;
		}
		delivery.emitMessages(sb, phoneId, { messages: [system] });
	}
	return { previous_user_id: old, user_id: current, phone_numbers: [...known.keys()] };
}

/**
 * A new BSUID in the old one's country (US when unknown).
 * @param {Sandbox} sb
 * @param {string | undefined} previous
 */
function newBsuid(sb, previous) {
	const country = /^[A-Z]{2}(?=\.)/.exec(previous ?? '')?.[0] ?? 'US';
	return `${country}.${randomDigits(sb.rng, 20)}`;
}

module.exports = { simChangeUserId };
