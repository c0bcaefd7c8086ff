// @ts-check
'use strict';

/**
 * Join requests: list (cursor-paged, in arrival order), approve and reject, with per-ID
 * outcomes. Simulated users create and withdraw them (sim/membership.js).
 */
const { nowSeconds } = require('../util');
const { itemError } = require('../http/errors');
const { MAX_PARTICIPANTS, optString, checkLimit, checkIdList } = require('./validate');
const lookups = require('./lookups');
const { page } = require('./paging');
const delivery = require('../webhooks/delivery');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').FaultContext} FaultContext */
/** @typedef {import('../types').JoinRequest} JoinRequest */
/** @typedef {import('../../nodes/shared/types').GraphJoinRequest} GraphJoinRequest */

/**
 * GET /<GROUP_ID>/join_requests
 * @param {Sandbox} sb
 * @param {string} groupId
 * @param {{ limit?: unknown, after?: unknown, before?: unknown }} query
 * @param {string} version
 * @returns {import('../../nodes/shared/types').JoinRequestsResponse}
 */
function listJoinRequests(sb, groupId, query, version) {
	const group = lookups.group(sb, groupId);
	const limit = checkLimit(query.limit, 25, 1024);
	const { items, paging } = page(
		sb,
		group.join_requests,
		(r) => [r.seq],
		(a, b) => Number(a[0]) - Number(b[0]),
		`join_requests:${groupId}`,
		{ limit, after: optString(query.after), before: optString(query.before) },
		(params) => `${sb.baseUrl}/${version}/${groupId}/join_requests?${new URLSearchParams(params)}`,
	);
	/** @type {import('../../nodes/shared/types').JoinRequestsResponse} */
	const out = {
		data: items.map((r) => {
			/** @type {GraphJoinRequest} */
			const item = {
				join_request_id: r.join_request_id,
				...lookups.participantRef(r),
				creation_timestamp: r.creation_timestamp,
			};
			return item;
		}),
	};
	if (paging) out.paging = paging;
	return out;
}

/**
 * POST (approve) or DELETE (reject) /<GROUP_ID>/join_requests
 * @param {Sandbox} sb
 * @param {string} groupId
 * @param {unknown} ids
 * @param {'approve' | 'reject'} action
 * @param {FaultContext} [ctx]
 * @returns {import('../../nodes/shared/types').JoinRequestsActionResponse}
 */
function actOnJoinRequests(sb, groupId, ids, action, ctx = {}) {
	const group = lookups.group(sb, groupId);
	if (action === 'approve') lookups.notSuspended(group);
	const list = checkIdList(ids, 'join_requests');
	/** @type {string[]} */
	const done = [];
	/** @type {import('../../nodes/shared/types').FailedJoinRequest[]} */
	const failed = [];
	/** @type {JoinRequest[]} */
	const added = [];
	list.forEach((id, index) => {
		const request = group.join_requests.find((r) => r.join_request_id === id);
		if (!request) {
			failed.push({
				join_request_id: id,
				errors: [itemError(131213, `Join request ${id} does not exist`)],
			});
			return;
		}
		if (ctx.partial && index === list.length - 1) {
			const code = action === 'approve' ? 131203 : 131000;
			failed.push({
				join_request_id: id,
				errors: [itemError(code, 'Failed (fault injected by the sandbox)')],
			});
			return;
		}
		if (action === 'approve' && group.participants.length >= MAX_PARTICIPANTS) {
			failed.push({
				join_request_id: id,
				errors: [itemError(131204, `The group already has ${MAX_PARTICIPANTS} participants`)],
			});
			return;
		}
		group.join_requests = group.join_requests.filter((r) => r !== request);
		if (action === 'approve') {
			group.participants.push({
				wa_id: request.wa_id,
				user_id: request.user_id,
				username: request.username,
				name: request.name,
				joined_at: nowSeconds(),
			});
			added.push(request);
		}
		done.push(id);
	});
	if (added.length > 0) {
		sb.later(sb.asyncDelayMs, () => {
			delivery.emitGroups(sb, group.phone_number_id, 'group_participants_update', [
				{
					timestamp: String(nowSeconds()),
					group_id: group.id,
					type: 'group_participants_add',
					reason: 'invite_link',
					added_participants: added.map((r) => ({
						input: r.wa_id ?? r.user_id,
						...lookups.participantRef(r),
					})),
				},
			]);
		});
	}
	/** @type {import('../../nodes/shared/types').JoinRequestsActionResponse} */
	const out = { messaging_product: 'whatsapp' };
	if (action === 'approve') out.approved_join_requests = done;
	else out.rejected_join_requests = done;
	if (failed.length > 0) out.failed_join_requests = failed;
	return out;
}

module.exports = {
	listJoinRequests,
	actOnJoinRequests,
};
