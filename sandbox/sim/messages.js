// @ts-check
'use strict';

/**
 * A simulated participant writes in a group: a messages webhook with the writer's contact and the
 * group_id, the message kept in the log, and the group's service window opened.
 */
const crypto = require('node:crypto');

const { randomDigits, nowSeconds } = require('../util');
const { ControlError } = require('../http/errors');
const { SERVICE_WINDOW_SECONDS, optString, defaultMime } = require('../model/validate');
const { isSameUser, participantContact } = require('../model/lookups');
const { keep } = require('../model/messageLog');
const delivery = require('../webhooks/delivery');
const { simUser, simGroup } = require('./users');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../../nodes/shared/types').WebhookMessage} WebhookMessage */

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
	delivery.emitMessages(sb, group.phone_number_id, {
		contacts: [participantContact(participant)],
		messages: [message],
	});
	return { group_id: group.id, message_id: id };
}

module.exports = { simMessage };
