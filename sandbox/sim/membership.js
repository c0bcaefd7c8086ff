// @ts-check
'use strict';

/**
 * Simulated users joining and leaving: a user opens the invite link (joins at once, or asks to
 * join when the group requires approval), asks to join, withdraws a join request, or leaves.
 */
const { nowSeconds } = require('../util');
const { ControlError } = require('../http/errors');
const { MAX_PARTICIPANTS } = require('../model/validate');
const { isSameUser, participantRef } = require('../model/lookups');
const delivery = require('../webhooks/delivery');
const { simUser, simGroup, isMember } = require('./users');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').Group} Group */
/** @typedef {import('../types').JoinRequest} JoinRequest */
/** @typedef {import('../types').SimUser} SimUser */

/**
 * A user opens the invite link: joins at once (auto_approve) or asks to join (approval_required).
 * @param {Sandbox} sb
 * @param {Record<string, unknown>} input
 */
function simJoin(sb, input) {
	const group = simGroup(sb, input, true);
	const user = simUser(input);
	if (group.suspended) throw new ControlError(409, 'The group is suspended');
	if (isMember(group, user)) throw new ControlError(409, 'Already a participant');
	if (
		(user.user_id && group.removed.includes(user.user_id)) ||
		(user.wa_id && group.removed.includes(user.wa_id))
	) {
		throw new ControlError(
			403,
			'The business removed this user; the invite link no longer works for them',
		);
	}
	if (group.join_approval_mode === 'approval_required' || input.request === true)
		return createJoinRequest(sb, group, user);
	if (group.participants.length >= MAX_PARTICIPANTS)
		throw new ControlError(409, `The group is full (${MAX_PARTICIPANTS} participants)`);
	group.participants.push({ ...user, joined_at: nowSeconds() });
	delivery.emitGroups(sb, group.phone_number_id, 'group_participants_update', [
		{
			timestamp: String(nowSeconds()),
			group_id: group.id,
			type: 'group_participants_add',
			reason: 'invite_link',
			added_participants: [participantRef(user)],
		},
	]);
	return { group_id: group.id, joined: true };
}

/**
 * @param {Sandbox} sb
 * @param {Group} group
 * @param {SimUser} user
 */
function createJoinRequest(sb, group, user) {
	const existing = group.join_requests.find((r) => isSameUser(user, r));
	if (existing)
		throw new ControlError(409, `A join request is already pending: ${existing.join_request_id}`);
	/** @type {JoinRequest} */
	const request = {
		join_request_id: sb.newJoinRequestId(),
		...user,
		creation_timestamp: nowSeconds(),
		seq: ++sb.groupSeq,
	};
	group.join_requests.push(request);
	delivery.emitGroups(sb, group.phone_number_id, 'group_participants_update', [
		{
			timestamp: String(nowSeconds()),
			group_id: group.id,
			type: 'group_join_request_created',
			join_request_id: request.join_request_id,
			...participantRef(user),
		},
	]);
	return { group_id: group.id, joined: false, join_request_id: request.join_request_id };
}

/**
 * A user asks to join (always a join request, whatever the group's mode).
 * @param {Sandbox} sb
 * @param {Record<string, unknown>} input
 */
function simRequest(sb, input) {
	return simJoin(sb, { ...input, request: true });
}

/**
 * A user withdraws a pending join request.
 * @param {Sandbox} sb
 * @param {Record<string, unknown>} input
 */
function simWithdraw(sb, input) {
	const group = simGroup(sb, input, false);
	const user = simUser(input);
	const request = group.join_requests.find((r) => isSameUser(user, r));
	if (!request) throw new ControlError(404, 'No pending join request from this user');
	group.join_requests = group.join_requests.filter((r) => r !== request);
	delivery.emitGroups(sb, group.phone_number_id, 'group_participants_update', [
		{
			timestamp: String(nowSeconds()),
			group_id: group.id,
			type: 'group_join_request_revoked',
			join_request_id: request.join_request_id,
			...participantRef(request),
		},
	]);
	return { group_id: group.id, join_request_id: request.join_request_id, revoked: true };
}

/**
 * A participant leaves.
 * @param {Sandbox} sb
 * @param {Record<string, unknown>} input
 */
function simLeave(sb, input) {
	const group = simGroup(sb, input, false);
	const user = simUser(input);
	const participant = group.participants.find((p) => isSameUser(user, p));
	if (!participant) throw new ControlError(404, 'Not a participant of this group');
	group.participants = group.participants.filter((p) => p !== participant);
	delivery.emitGroups(sb, group.phone_number_id, 'group_participants_update', [
		{
			timestamp: String(nowSeconds()),
			group_id: group.id,
			type: 'group_participants_remove',
			removed_participants: [participantRef(participant)],
			initiated_by: 'participant',
		},
	]);
	return { group_id: group.id, left: true };
}

module.exports = { simJoin, createJoinRequest, simRequest, simWithdraw, simLeave };
