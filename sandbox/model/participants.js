// @ts-check
'use strict';

/**
 * Removing participants: every entry names a user by phone / WhatsApp ID or by BSUID; the answer
 * is 200, 206 with per-participant outcomes, or the first failure's error, and a
 * group_participants_update webhook follows.
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
	/** @type {{ input: string }[]} */
	const removed = [];
	/** @type {{ input: string, errors: GraphErrorDetail[] }[]} */
	const failed = [];
	refs.forEach(({ input, ref }, index) => {
		const participant = lookups.findParticipant(group, ref);
		if (!participant) {
			failed.push({
				input,
				errors: [itemError(131212, `${input} is not a participant of the group`)],
			});
			return;
		}
		if (ctx.partial && index === refs.length - 1) {
			failed.push({
				input,
				errors: [itemError(131000, `Removal of ${input} failed (fault injected by the sandbox)`)],
			});
			return;
		}
		group.participants = group.participants.filter((p) => p !== participant);
		for (const key of [participant.wa_id, participant.user_id]) {
			if (key && !group.removed.includes(key)) group.removed.push(key);
		}
		removed.push({ input });
	});
	const requestId = sb.newRequestId();
	sb.requests.set(requestId, {
		request_id: requestId,
		type: 'group_participants_remove',
		group_id: group.id,
		status: failed.length === 0 ? 'done' : removed.length === 0 ? 'failed' : 'partial',
	});
	/** @type {WebhookGroupItem} */
	const item = {
		timestamp: String(nowSeconds()),
		group_id: group.id,
		type: 'group_participants_remove',
		request_id: requestId,
		initiated_by: 'business',
	};
	if (removed.length > 0) item.removed_participants = removed;
	if (failed.length > 0) item.failed_participants = failed;
	if (failed.length > 0 && removed.length > 0) {
		item.errors = [
			itemError(
				131201,
				`${failed.length} of ${refs.length} participants were not removed`,
				'Failed to remove some participants from the group',
			),
		];
	} else if (failed.length > 0) {
		item.errors = [failed[0].errors[0]];
	}
	sb.later(sb.asyncDelayMs, () =>
		delivery.emitGroups(sb, group.phone_number_id, 'group_participants_update', [item]),
	);
	if (failed.length === 0) return { status: 200, body: { success: true } };
	if (removed.length === 0) {
		const code = Number(failed[0].errors[0].code);
		// Each failure's details already name its participant: joined, not prefixed again.
		throw waError(
			code,
			failed
				.map((f) => {
					const data = f.errors[0].error_data;
					return (data && typeof data === 'object' ? data.details : undefined) ?? f.input;
				})
				.join('; '),
		);
	}
	const partial = waError(
		131201,
		`${failed.length} of ${refs.length} participants were not removed`,
	);
	return {
		status: 206,
		body: {
			error: partial.error,
			messaging_product: 'whatsapp',
			removed_participants: removed,
			failed_participants: failed,
		},
	};
}

module.exports = {
	removeParticipants,
};
