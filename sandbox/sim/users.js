// @ts-check
'use strict';

/**
 * Simulated WhatsApp users, and WhatsApp itself: join by invite link (or ask to join), withdraw,
 * leave, write in the group, and the suspension of a group. These are the /_sandbox/users and
 * /_sandbox/groups endpoints; their errors are ControlErrors, and each fires the webhook Meta
 * would send.
 */
const crypto = require('node:crypto');

const { randomDigits, nowSeconds, digitsOnly } = require('../util');
const { ControlError } = require('../http/errors');
const {
	MAX_PARTICIPANTS,
	SERVICE_WINDOW_SECONDS,
	BSUID_PATTERN,
	optString,
	defaultMime,
} = require('../model/validate');
const { isSameUser, participantRef } = require('../model/lookups');
const { keep } = require('../model/messages');
const delivery = require('../webhooks/delivery');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').Group} Group */
/** @typedef {import('../types').JoinRequest} JoinRequest */
/** @typedef {import('../types').SimUser} SimUser */
/** @typedef {import('../../nodes/shared/types').WebhookMessage} WebhookMessage */
/** @typedef {import('../../nodes/shared/types').WebhookContact} WebhookContact */

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

/**
 * A participant writes in the group: a messages webhook with contacts and group_id.
 * @param {Sandbox} sb
 * @param {Record<string, unknown>} input
 */
function simMessage(sb, input) {
	const group = simGroup(sb, input, false);
	const user = simUser(input);
	const participant = group.participants.find((p) => isSameUser(user, p));
	if (!participant) throw new ControlError(404, 'Only participants can write in the group');
	const type = optString(input.type) ?? 'text';
	const id = sb.newMessageId();
	const now = nowSeconds();
	/** @type {WebhookMessage} */
	const message = {};
	if (participant.wa_id) message.from = participant.wa_id;
	if (participant.user_id) message.from_user_id = participant.user_id;
	message.group_id = group.id;
	message.id = id;
	message.timestamp = String(now);
	if (type === 'text') {
		const text = optString(input.text);
		if (!text) throw new ControlError(400, 'text is required');
		message.text = { body: text };
	} else if (['image', 'video', 'audio', 'document', 'sticker'].includes(type)) {
		/** @type {import('../../nodes/shared/types').WebhookMedia} */
		const media = {
			id: randomDigits(sb.rng, 16),
			mime_type: optString(input.mime_type) ?? defaultMime(type),
			sha256: crypto.createHash('sha256').update(id).digest('base64'),
		};
		const caption = optString(input.caption) ?? optString(input.text);
		if (caption && type !== 'audio' && type !== 'sticker') media.caption = caption;
		message[type] = media;
	} else if (type === 'unsupported') {
		message.errors = [
			{
				code: 130501,
				message: 'Message type is not currently supported',
				title: 'Unsupported message type',
				error_data: { details: 'Message type is not currently supported' },
			},
		];
	} else {
		throw new ControlError(
			400,
			`type must be text, image, video, audio, document, sticker or unsupported`,
		);
	}
	message.type = type;
	group.messages.push(id);
	/** @type {import('../types').MessageSender} */
	const from = { business: false, name: participant.name };
	if (participant.wa_id) from.wa_id = participant.wa_id;
	if (participant.user_id) from.user_id = participant.user_id;
	if (participant.username) from.username = participant.username;
	const media = /** @type {import('../../nodes/shared/types').WebhookMedia | undefined} */ (
		/** @type {Record<string, unknown>} */ (message)[type]
	);
	keep(sb, {
		id,
		group_id: group.id,
		phone_number_id: group.phone_number_id,
		from,
		type,
		...(message.text ? { text: message.text.body } : {}),
		...(media?.caption ? { caption: media.caption } : {}),
		...(media?.mime_type ? { mime_type: media.mime_type } : {}),
		timestamp: now,
	});
	group.service_window_until = now + SERVICE_WINDOW_SECONDS;
	/** @type {WebhookContact} */
	const contact = { profile: { name: participant.name } };
	// Meta puts the username inside profile, beside the name.
	if (participant.username && contact.profile) contact.profile.username = participant.username;
	if (participant.wa_id) contact.wa_id = participant.wa_id;
	if (participant.user_id) contact.user_id = participant.user_id;
	delivery.emitMessages(sb, group.phone_number_id, { contacts: [contact], messages: [message] });
	return { group_id: group.id, message_id: id };
}

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

module.exports = {
	simUser,
	simGroup,
	isMember,
	simJoin,
	createJoinRequest,
	simRequest,
	simWithdraw,
	simLeave,
	simMessage,
	simChangeUserId,
	simSuspend,
};
