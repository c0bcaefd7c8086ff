// @ts-check
'use strict';

/**
 * Simulated WhatsApp users, and WhatsApp itself. This module reads the user and the group a
 * /_sandbox request names, and suspends groups; what users do lives beside it: joining, asking
 * to join, withdrawing and leaving (sim/membership.js), writing in a group (sim/messages.js), and
 * a changed business-scoped user ID (sim/userIds.js). Their errors are ControlErrors, and each
 * act fires the webhook Meta would send.
 */
const { nowSeconds, digitsOnly } = require('../util');
const { ControlError } = require('../http/errors');
const { optString } = require('../model/validate');
const { isSameUser } = require('../model/lookups');
const delivery = require('../webhooks/delivery');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').Group} Group */
/** @typedef {import('../types').SimUser} SimUser */

/**
 * @param {{ phone?: unknown, wa_id?: unknown, user_id?: unknown, username?: unknown, name?: unknown, hide_phone?: unknown }} input
 */
function simUser(input) {
	const waId = digitsOnly(String(input.wa_id ?? input.phone ?? ''));
	const userId = optString(input.user_id);
	if (!waId && !userId) throw new ControlError(400, 'phone (or wa_id) or user_id is required');
	/** @type {SimUser} */
	const user = { name: optString(input.name) ?? `User ${waId ? waId.slice(-4) : userId}` };
	if (waId && !(input.hide_phone && userId)) user.wa_id = waId;
	if (userId) user.user_id = userId;
	const username = optString(input.username);
	if (username) user.username = username;
	return user;
}

/**
 * @param {Sandbox} sb
 * @param {{ group_id?: unknown, invite_link?: unknown }} input
 * @param {boolean} viaLink
 */
function simGroup(sb, input, viaLink) {
	const link = optString(input.invite_link);
	if (link) {
		const code = link.replace(/^https?:\/\/chat\.whatsapp\.com\//, '').replace(/\/.*$/, '');
		const groupId = sb.inviteCodes.get(code);
		if (!groupId)
			throw new ControlError(
				404,
				`The invite link ${link} is not valid (reset, or the group was deleted)`,
			);
		return /** @type {Group} */ (sb.groups.get(groupId));
	}
	const groupId = optString(input.group_id);
	if (!groupId)
		throw new ControlError(
			400,
			viaLink ? 'invite_link or group_id is required' : 'group_id is required',
		);
	const group = sb.groups.get(groupId);
	if (!group) throw new ControlError(404, `No group ${groupId}`);
	return group;
}

/**
 * @param {Group} group
 * @param {{ wa_id?: string, user_id?: string }} user
 */
function isMember(group, user) {
	return group.participants.some((p) => isSameUser(user, p));
}

/**
 * WhatsApp suspends a group, or lifts the suspension.
 * @param {Sandbox} sb
 * @param {string} groupId
 * @param {boolean} suspended
 */
function simSuspend(sb, groupId, suspended) {
	const group = sb.groups.get(groupId);
	if (!group) throw new ControlError(404, `No group ${groupId}`);
	if (group.suspended === suspended)
		throw new ControlError(409, suspended ? 'Already suspended' : 'Not suspended');
	group.suspended = suspended;
	delivery.emitGroups(sb, group.phone_number_id, 'group_status_update', [
		{
			timestamp: String(nowSeconds()),
			type: suspended ? 'group_suspend' : 'group_suspend_cleared',
			group_id: group.id,
		},
	]);
	return { group_id: group.id, suspended };
}

module.exports = { simUser, simGroup, isMember, simSuspend };
