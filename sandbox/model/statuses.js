// @ts-check
'use strict';

/**
 * Message statuses as Meta reports them: kept with their message in the log, then sent as a
 * messages webhook; a group message's sent (whole group), delivered and read (per participant,
 * with the pricing of the service window), each a moment after the one before.
 */
const { nowSeconds } = require('../util');
const { itemError } = require('../http/errors');
const { participantContact } = require('./lookups');
const delivery = require('../webhooks/delivery');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').Group} Group */
/** @typedef {import('../../nodes/shared/types').WebhookStatus} WebhookStatus */

/**
 * Reports statuses: kept with their messages, then sent as a messages webhook (with the
 * `contacts[]` Meta puts beside delivered and read statuses of group messages).
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {WebhookStatus[]} statuses
 * @param {import('../../nodes/shared/types').WebhookContact[]} [contacts]
 */
function emitStatuses(sb, phoneId, statuses, contacts) {
	for (const s of statuses) {
		const message = s.id ? sb.messages.get(s.id) : undefined;
		if (!message) continue;
		/** @type {import('../types').MessageStatusRecord} */
		const entry = { status: String(s.status), timestamp: Number(s.timestamp) };
		if (s.recipient_participant_id) entry.participant = s.recipient_participant_id;
		if (s.recipient_participant_user_id)
			entry.participant_user_id = s.recipient_participant_user_id;
		if (s.recipient_type !== 'group' && (s.recipient_id || s.recipient_user_id))
			entry.recipient = s.recipient_id ?? s.recipient_user_id;
		if (s.errors?.length)
			entry.errors = s.errors.map((e) => {
				/** @type {{ code: number, title?: string, message?: string, details?: string }} */
				const error = { code: Number(e.code) };
				if (e.title) error.title = e.title;
				if (e.message) error.message = e.message;
				const details = typeof e.error_data === 'string' ? e.error_data : e.error_data?.details;
				if (details) error.details = details;
				return error;
			});
		message.statuses.push(entry);
	}
	delivery.emitMessages(sb, phoneId, contacts ? { contacts, statuses } : { statuses });
}

/**
 * Delivered (or read) statuses of one message for these participants, aggregated in one delivery
 * with their contacts.
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {string} id
 * @param {Group} group
 * @param {import('../types').Participant[]} recipients
 * @param {'delivered' | 'read'} status
 * @param {import('../../nodes/shared/types').WebhookPricing} [pricing]
 */
function participantStatuses(sb, phoneId, id, group, recipients, status, pricing) {
	if (recipients.length === 0) return;
	emitStatuses(
		sb,
		phoneId,
		recipients.map((p) => {
			/** @type {WebhookStatus} */
			const s = {
				id,
				status,
				timestamp: String(nowSeconds()),
				recipient_id: group.id,
				recipient_type: 'group',
			};
			if (p.wa_id) s.recipient_participant_id = p.wa_id;
			if (p.user_id) s.recipient_participant_user_id = p.user_id;
			if (pricing) s.pricing = { ...pricing };
			return s;
		}),
		recipients.map(participantContact),
	);
}

/**
 * Runs each step statusDelayMs after the one before, so that statuses are reported in their
 * order (sent, then delivered, then read) even when the event loop is late.
 * @param {Sandbox} sb
 * @param {Array<() => void>} steps
 */
function inSteps(sb, steps) {
	const [first, ...rest] = steps;
	if (!first) return;
	sb.later(sb.statusDelayMs, () => {
		first();
		inSteps(sb, rest);
	});
}

/**
 * The group-wide "sent" status of a message.
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {string} id
 * @param {Group} group
 */
function sentStatus(sb, phoneId, id, group) {
	emitStatuses(sb, phoneId, [
		{
			id,
			status: 'sent',
			timestamp: String(nowSeconds()),
			recipient_id: group.id,
			recipient_type: 'group',
		},
	]);
}

/**
 * sent (whole group), then delivered and read (one status per participant, aggregated), a
 * moment apart.
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {string} id
 * @param {Group} group
 * @param {import('../../nodes/shared/types').WebhookPricing} pricing
 * @param {boolean} [partial]
 */
function scheduleStatuses(sb, phoneId, id, group, pricing, partial = false) {
	const all = group.participants.map((p) => ({ ...p }));
	// An injected partial failure: the last participant never gets the message.
	const recipients = partial ? all.slice(0, -1) : all;
	/** @param {'delivered' | 'read'} status */
	const perParticipant = (status) =>
		participantStatuses(sb, phoneId, id, group, recipients, status, pricing);
	const missed = all[all.length - 1];
	const failed = () =>
		emitStatuses(sb, phoneId, [
			{
				id,
				recipient_id: group.id,
				recipient_type: 'group',
				status: 'failed',
				timestamp: String(nowSeconds()),
				errors: [
					itemError(
						131000,
						`Message not delivered to ${missed?.wa_id ?? missed?.user_id ?? 'a participant'} (fault injected by the sandbox)`,
					),
				],
			},
		]);
	inSteps(sb, [
		() => sentStatus(sb, phoneId, id, group),
		() => {
			perParticipant('delivered');
			if (partial) failed();
		},
		() => perParticipant('read'),
	]);
}

module.exports = { emitStatuses, participantStatuses, inSteps, sentStatus, scheduleStatuses };
