// @ts-check
'use strict';

/**
 * Invite links: read and reset. A reset link stops working at once (a simulated user who opens
 * it gets a 404 from /_sandbox/users/join).
 */
const lookups = require('./lookups');

/** @typedef {import('../state').Sandbox} Sandbox */

/** @param {string} code */
function inviteLink(code) {
	return `https://chat.whatsapp.com/${code}`;
}

/**
 * GET /<GROUP_ID>/invite_link
 * @param {Sandbox} sb
 * @param {string} groupId
 * @returns {import('../../nodes/shared/types').InviteLinkResponse}
 */
function getInviteLink(sb, groupId) {
	const group = lookups.group(sb, groupId);
	lookups.notSuspended(group);
	return { messaging_product: 'whatsapp', invite_link: inviteLink(group.invite_code) };
}

/**
 * POST /<GROUP_ID>/invite_link: a new link; every earlier one stops working.
 * @param {Sandbox} sb
 * @param {string} groupId
 * @returns {import('../../nodes/shared/types').InviteLinkResponse}
 */
function resetInviteLink(sb, groupId) {
	const group = lookups.group(sb, groupId);
	lookups.notSuspended(group);
	sb.inviteCodes.delete(group.invite_code);
	group.old_invite_codes.push(group.invite_code);
	group.invite_code = sb.newInviteCode();
	sb.inviteCodes.set(group.invite_code, group.id);
	return { messaging_product: 'whatsapp', invite_link: inviteLink(group.invite_code) };
}

module.exports = {
	inviteLink,
	getInviteLink,
	resetInviteLink,
};
