// @ts-check
'use strict';

/**
 * Finding things in the state, with the Graph error Meta answers when they are missing: phone
 * numbers, groups, participants, and the one rule that says two records are the same user.
 */
const { digitsOnly } = require('../util');
const { waError } = require('../http/errors');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').Group} Group */
/** @typedef {import('../../nodes/shared/types').GraphParticipant} GraphParticipant */

/**
 * Whether a stored participant or join request belongs to this user: by business-scoped user ID
 * when both have one, else by WhatsApp ID (the key rule of Meta's BSUID rollout).
 * @param {{ user_id?: string, wa_id?: string }} user
 * @param {{ user_id?: string, wa_id?: string }} record
 */
function isSameUser(user, record) {
	return Boolean(
		(user.user_id && record.user_id === user.user_id) ||
			(user.wa_id && record.wa_id === user.wa_id),
	);
}

/**
 * @param {Sandbox} sb
 * @param {string} id
 */
function phone(sb, id) {
	return sb.phones.get(id);
}

/**
 * The phone number, eligible for the Groups API.
 * @param {Sandbox} sb
 * @param {string} id
 */
function eligiblePhone(sb, id) {
	const phone = sb.phones.get(id);
	if (!phone) throw waError(100, `Unknown phone number ID ${id}`, { subcode: 33 });
	if (!phone.groups_eligible) {
		throw waError(
			131215,
			`Phone number ${phone.display_phone_number} is not eligible for the Groups API`,
		);
	}
	return phone;
}

/**
 * @param {Sandbox} sb
 * @param {string} id
 * @returns {Group}
 */
function group(sb, id) {
	const group = sb.groups.get(id);
	if (!group)
		throw waError(131041, `Group ${id} does not exist or the business is not a member of it`);
	return group;
}

/** @param {Group} group */
function notSuspended(group) {
	if (group.suspended) throw waError(131207, `Group ${group.id} is suspended`);
}

/**
 * The participant a removal entry names: `user` (phone or WhatsApp ID) or `user_id` (BSUID).
 * @param {Group} group
 * @param {{ user?: string, user_id?: string }} ref
 */
function findParticipant(group, ref) {
	if (ref.user_id) return group.participants.find((p) => p.user_id === ref.user_id);
	const digits = digitsOnly(ref.user ?? '');
	return group.participants.find((p) => p.wa_id !== undefined && p.wa_id === digits);
}

/**
 * @param {{ wa_id?: string, user_id?: string, username?: string }} p
 * @returns {GraphParticipant}
 */
function participantRef(p) {
	/** @type {GraphParticipant} */
	const out = {};
	if (p.wa_id) out.wa_id = p.wa_id;
	if (p.user_id) out.user_id = p.user_id;
	if (p.username) out.username = p.username;
	return out;
}

/**
 * A participant as Meta's webhooks name them in contacts[] (beside a message they wrote, and beside
 * delivered and read statuses of group messages): name and username in profile, wa_id, user_id.
 * @param {import('../types').Participant} participant
 * @returns {import('../../nodes/shared/types').WebhookContact}
 */
function participantContact(participant) {
	/** @type {import('../../nodes/shared/types').WebhookContact} */
	const contact = { profile: { name: participant.name } };
	if (participant.username && contact.profile) contact.profile.username = participant.username;
	if (participant.wa_id) contact.wa_id = participant.wa_id;
	if (participant.user_id) contact.user_id = participant.user_id;
	return contact;
}

module.exports = {
	isSameUser,
	phone,
	eligiblePhone,
	group,
	notSuspended,
	findParticipant,
	participantRef,
	participantContact,
};
