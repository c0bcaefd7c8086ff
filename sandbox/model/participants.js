// @ts-check
'use strict';

/**
 * Removing participants: every entry names a user by phone / WhatsApp ID or by BSUID. A malformed
 * list (empty, over 8, an entry with neither or both keys, a duplicate: 131202) is refused at
 * once. Otherwise the answer is {success: true}: Meta's synchronous answer to a removal is
 * undocumented beyond "request processed", and its outcome, failures included (a user who is not
 * a participant: 131212), is told only by the group_participants_update webhook that follows.
 */
const { nowSeconds, digitsOnly } = require('../util');
const { waError, itemError } = require('../http/errors');
const { MAX_PARTICIPANTS } = require('./validate');
const lookups = require('./lookups');
const delivery = require('../webhooks/delivery');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').FaultContext} FaultContext */
/** @typedef {import('../../nodes/shared/types').GraphErrorDetail} GraphErrorDetail */
/** @typedef {import('../../nodes/shared/types').WebhookGroupItem} WebhookGroupItem */

/**
 * DELETE /<GROUP_ID>/participants
 * @param {Sandbox} sb
 * @param {string} groupId
 * @param {unknown} participants
 * @param {FaultContext} [ctx]
 * @returns {{ status: number, body: import('../../nodes/shared/types').RemoveParticipantsResponse }}
 */
function removeParticipants(sb, groupId, participants, ctx = {}) {
	const group = lookups.group(sb, groupId);
	lookups.notSuspended(group);
	if (!Array.isArray(participants) || participants.length === 0) {
		throw waError(100, 'participants must be a non-empty array of {user} or {user_id}');
	}
	if (participants.length > MAX_PARTICIPANTS) {
		throw waError(100, `participants takes at most ${MAX_PARTICIPANTS} entries`);
	}
	/** @type {{ input: string, ref: { user?: string, user_id?: string } }[]} */
	const refs = [];
	const seen = new Set();
	for (const entry of participants) {
		const ref =
			entry && typeof entry === 'object'
				? /** @type {{ user?: unknown, user_id?: unknown }} */ (entry)
				: {};
		const user = typeof ref.user === 'string' && ref.user.trim() ? ref.user.trim() : undefined;
		const userId =
			typeof ref.user_id === 'string' && ref.user_id.trim() ? ref.user_id.trim() : undefined;
		if ((user === undefined) === (userId === undefined)) {
			throw waError(
				100,
				'each participant needs exactly one of user (phone number or WhatsApp ID) or user_id',
			);
		}
		const key = userId ? `id:${userId}` : `wa:${digitsOnly(user ?? '')}`;
		if (seen.has(key))
			throw waError(131202, `Participant ${user ?? userId} appears more than once`);
		seen.add(key);
		refs.push({
			input: /** @type {string} */ (user ?? userId),
			ref: userId ? { user_id: userId } : { user },
		});
	}
	const record = sb.newRequest('group_participants_remove', group.id);
	const requestId = record.request_id;
	const partial = Boolean(ctx.partial);
	sb.later(sb.asyncDelayMs, () => {
		const item = applyRemoval(sb, group, refs, requestId, partial);
		record.status = !item.failed_participants
			? 'done'
			: item.removed_participants
				? 'partial'
				: 'failed';
		delivery.emitGroups(sb, group.phone_number_id, 'group_participants_update', [item]);
	});
	return { status: 200, body: { success: true } };
}

/**
 * Carries a removal out (membership is judged now, not when it was asked) and describes it as
 * Meta's webhook does: removed_participants and failed_participants by the input they were named
 * with; a partial failure carries each failure's errors plus one error for the whole request, a
 * total failure (as in Meta's sample) only the one error for the request.
 * @param {Sandbox} sb
 * @param {import('../types').Group} group
 * @param {{ input: string, ref: { user?: string, user_id?: string } }[]} refs
 * @param {string} requestId
 * @param {boolean} partial  an injected fault fails the last entry
 * @returns {WebhookGroupItem}
 */
function applyRemoval(sb, group, refs, requestId, partial) {
	const current = sb.groups.get(group.id);
	/** @type {{ input: string }[]} */
	const removed = [];
	/** @type {{ input: string, errors: GraphErrorDetail[] }[]} */
	const failed = [];
	refs.forEach(({ input, ref }, index) => {
		const participant = current ? lookups.findParticipant(current, ref) : undefined;
		if (!current) {
			failed.push({ input, errors: [itemError(131041, `Group ${group.id} no longer exists`)] });
		} else if (!participant) {
			failed.push({
				input,
				errors: [itemError(131212, `${input} is not a participant of the group`)],
			});
		} else if (partial && index === refs.length - 1) {
			failed.push({
				input,
				errors: [itemError(131000, `Removal of ${input} failed (fault injected by the sandbox)`)],
			});
		} else {
			current.participants = current.participants.filter((p) => p !== participant);
			for (const key of [participant.wa_id, participant.user_id]) {
				if (key && !current.removed.includes(key)) current.removed.push(key);
			}
			removed.push({ input });
		}
	});
	/** @type {WebhookGroupItem} */
	const item = {
		timestamp: String(nowSeconds()),
		group_id: group.id,
		type: 'group_participants_remove',
		request_id: requestId,
	};
	if (removed.length > 0) item.removed_participants = removed;
	if (failed.length > 0 && removed.length > 0) {
		item.failed_participants = failed;
		item.errors = [
			itemError(
				131201,
				`${failed.length} of ${refs.length} participants were not removed`,
				'Failed to remove some participants from the group',
				'Not All Participants Remove Succeeded',
			),
		];
	} else if (failed.length > 0) {
		item.failed_participants = failed.map(({ input }) => ({ input }));
		item.errors = [failed[0].errors[0]];
	}
	item.initiated_by = 'business';
	return item;
}

module.exports = {
	removeParticipants,
};
