// @ts-check
'use strict';

/**
 * Groups: create (answered with a request ID, the group and its webhook come later), read, list
 * and delete (settings: model/groupSettings.js). insertGroup() is the one
 * place a group comes into being; seeding and tests use it too.
 */
const { nowSeconds } = require('../util');
const { waError, itemError } = require('../http/errors');
const {
	MAX_GROUPS_PER_NUMBER,
	optString,
	checkSubject,
	checkDescription,
	checkLimit,
} = require('./validate');
const { inviteLink } = require('./inviteLinks');
const lookups = require('./lookups');
const { sortedGroups, invalidateSorted, page } = require('./paging');
const delivery = require('../webhooks/delivery');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').FaultContext} FaultContext */
/** @typedef {import('../types').Group} Group */
/** @typedef {import('../../nodes/shared/types').JoinApprovalMode} JoinApprovalMode */
/** @typedef {import('../../nodes/shared/types').WebhookGroupItem} WebhookGroupItem */

/**
 * POST /<PHONE_NUMBER_ID>/groups: validates, answers a request id, creates the group later.
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {{ subject?: unknown, description?: unknown, join_approval_mode?: unknown }} input
 * @param {FaultContext} [ctx]
 * @returns {import('../../nodes/shared/types').CreateGroupResponse}
 */
function createGroup(sb, phoneId, input, ctx = {}) {
	const phone = lookups.eligiblePhone(sb, phoneId);
	if (phone.group_creation_disabled) {
		throw waError(
			131214,
			'Group creation is disabled for 7 days: too many marketing messages were sent in service windows',
		);
	}
	const subject = checkSubject(input.subject, true);
	const description = checkDescription(input.description);
	const mode = input.join_approval_mode ?? 'auto_approve';
	if (mode !== 'auto_approve' && mode !== 'approval_required') {
		throw waError(100, 'join_approval_mode must be auto_approve or approval_required');
	}
	if (sortedGroups(sb, phoneId).length >= MAX_GROUPS_PER_NUMBER) {
		throw waError(
			131211,
			`Phone number ${phone.display_phone_number} already has ${MAX_GROUPS_PER_NUMBER} groups`,
		);
	}
	const requestId = sb.newRequest('group_create').request_id;
	const groupId = sb.newGroupId();
	const fail = Boolean(ctx.partial);
	sb.later(sb.asyncDelayMs, () => {
		const request = sb.requests.get(requestId);
		if (!request) return;
		if (fail) {
			request.status = 'failed';
			delivery.emitGroups(sb, phoneId, 'group_lifecycle_update', [
				{
					timestamp: String(nowSeconds()),
					type: 'group_create',
					subject,
					description,
					request_id: requestId,
					group_id: groupId,
					errors: [itemError(131000, 'Group creation failed (fault injected by the sandbox)')],
				},
			]);
			return;
		}
		const group = insertGroup(sb, {
			id: groupId,
			phone_number_id: phoneId,
			subject,
			description,
			join_approval_mode: /** @type {JoinApprovalMode} */ (mode),
			creation_timestamp: nowSeconds(),
		});
		request.status = 'done';
		request.group_id = group.id;
		delivery.emitGroups(sb, phoneId, 'group_lifecycle_update', [
			{
				timestamp: String(group.creation_timestamp),
				group_id: group.id,
				type: 'group_create',
				request_id: requestId,
				subject: group.subject,
				invite_link: inviteLink(group.invite_code),
				join_approval_mode: group.join_approval_mode,
			},
		]);
	});
	return { messaging_product: 'whatsapp', request_id: requestId };
}

/**
 * Puts a group in place at once: no request ID, no webhook (creation, seeding, tests).
 * @param {Sandbox} sb
 * @param {import('../types').GroupBase} base
 * @returns {Group}
 */
function insertGroup(sb, base) {
	/** @type {Group} */
	const group = {
		...base,
		suspended: false,
		participants: [],
		removed: [],
		invite_code: sb.newInviteCode(),
		old_invite_codes: [],
		join_requests: [],
		pins: [],
		messages: [],
		profile_picture: null,
		service_window_until: 0,
		seq: ++sb.groupSeq,
	};
	sb.groups.set(group.id, group);
	sb.inviteCodes.set(group.invite_code, group.id);
	invalidateSorted(sb, group.phone_number_id);
	return group;
}

/**
 * DELETE /<GROUP_ID>: answers {success: true} (Meta's API reference) and deletes the group a
 * moment later; the outcome, a failure included, is only told by the group_delete webhook.
 * @param {Sandbox} sb
 * @param {string} groupId
 * @param {FaultContext} [ctx]
 * @returns {import('../../nodes/shared/types').SuccessResponse}
 */
function deleteGroup(sb, groupId, ctx = {}) {
	const group = lookups.group(sb, groupId);
	const record = sb.newRequest('group_delete', group.id);
	const requestId = record.request_id;
	const fail = Boolean(ctx.partial);
	sb.later(sb.asyncDelayMs, () => {
		/** @type {WebhookGroupItem} */
		const item = {
			timestamp: String(nowSeconds()),
			group_id: group.id,
			type: 'group_delete',
			request_id: requestId,
		};
		const current = sb.groups.get(group.id);
		if (fail || !current) {
			record.status = 'failed';
			item.errors = [
				current
					? itemError(131000, 'Group deletion failed (fault injected by the sandbox)')
					: itemError(131041, `Group ${group.id} no longer exists`),
			];
		} else {
			record.status = 'done';
			removeGroup(sb, current);
		}
		delivery.emitGroups(sb, group.phone_number_id, 'group_lifecycle_update', [item]);
	});
	return { success: true };
}

/**
 * Takes a group out of the state (its invite link stops working).
 * @param {Sandbox} sb
 * @param {Group} group
 */
function removeGroup(sb, group) {
	sb.groups.delete(group.id);
	sb.inviteCodes.delete(group.invite_code);
	invalidateSorted(sb, group.phone_number_id);
}

/**
 * GET /<GROUP_ID>?fields=…
 * @param {Sandbox} sb
 * @param {string} groupId
 * @param {string[]} fields
 * @returns {import('../../nodes/shared/types').GroupInfoResponse}
 */
function groupInfo(sb, groupId, fields) {
	const group = lookups.group(sb, groupId);
	if (fields.length === 0) return { messaging_product: 'whatsapp', id: group.id };
	/** @type {import('../../nodes/shared/types').GroupInfoResponse} */
	const out = { messaging_product: 'whatsapp', id: group.id };
	for (const field of fields) {
		switch (field) {
			case 'id':
				break;
			case 'subject':
				out.subject = group.subject;
				break;
			case 'description':
				out.description = group.description;
				break;
			case 'participants':
				out.participants = group.participants.map((p) => lookups.participantRef(p));
				break;
			case 'join_approval_mode':
				out.join_approval_mode = group.join_approval_mode;
				break;
			case 'suspended':
				out.suspended = group.suspended;
				break;
			case 'creation_timestamp':
				out.creation_timestamp = group.creation_timestamp;
				break;
			case 'total_participant_count':
				out.total_participant_count = group.participants.length;
				break;
			default:
				throw waError(
					100,
					`Tried accessing nonexisting field (${field}) on node type (WhatsAppGroup)`,
					{
						message: `Tried accessing nonexisting field (${field}) on node type (WhatsAppGroup)`,
					},
				);
		}
	}
	return out;
}

/**
 * GET /<PHONE_NUMBER_ID>/groups
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {{ limit?: unknown, after?: unknown, before?: unknown }} query
 * @param {string} version
 * @returns {import('../../nodes/shared/types').ActiveGroupsResponse}
 */
function activeGroups(sb, phoneId, query, version) {
	lookups.eligiblePhone(sb, phoneId);
	const limit = checkLimit(query.limit, 25, 1024);
	const list = sortedGroups(sb, phoneId);
	const { items, paging } = page(
		sb,
		list,
		(g) => [g.creation_timestamp, g.seq],
		(a, b) => Number(b[0]) - Number(a[0]) || Number(b[1]) - Number(a[1]),
		`groups:${phoneId}`,
		{ limit, after: optString(query.after), before: optString(query.before) },
		(params) => `${sb.baseUrl}/${version}/${phoneId}/groups?${new URLSearchParams(params)}`,
	);
	/** @type {import('../../nodes/shared/types').ActiveGroupsResponse} */
	const out = {
		data: {
			groups: items.map((g) => ({
				id: g.id,
				subject: g.subject,
				// A string in Meta's API reference (unlike creation_timestamp in group info).
				created_at: String(g.creation_timestamp),
			})),
		},
	};
	if (paging) out.paging = paging;
	return out;
}

module.exports = {
	createGroup,
	insertGroup,
	deleteGroup,
	removeGroup,
	groupInfo,
	activeGroups,
};
