// @ts-check
'use strict';

/**
 * The message log: every message the sandbox saw (sb.messages: type, text or caption, template,
 * sender, time and the statuses reported for it), sent by the business (model/messages.js,
 * model/pins.js) or written by a simulated user (sim/messages.js), for
 * GET /_sandbox/groups/<id>/messages and `cli.js messages`.
 */
const { nowSeconds } = require('../util');
const { optString } = require('./validate');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').PhoneState} PhoneState */
/** @typedef {import('../types').MessageRecord} MessageRecord */

/**
 * Keeps a message (its statuses follow as they are reported).
 * @param {Sandbox} sb
 * @param {Omit<MessageRecord, 'statuses' | 'timestamp'> & { timestamp?: number }} message
 * @returns {MessageRecord}
 */
function keep(sb, message) {
	/** @type {MessageRecord} */
	const record = { ...message, timestamp: message.timestamp ?? nowSeconds(), statuses: [] };
	sb.messages.set(record.id, record);
	return record;
}

/**
 * What a message sent by the business says, from its type object (already validated).
 * @param {string} type
 * @param {unknown} content
 * @returns {Partial<MessageRecord>}
 */
function summary(type, content) {
	const c = /** @type {Record<string, any>} */ (
		content && typeof content === 'object' ? content : {}
	);
	if (type === 'text') return { text: String(c.body) };
	if (type === 'template') {
		const language = optString(c.language?.code);
		return { template: language ? { name: String(c.name), language } : { name: String(c.name) } };
	}
	/** @type {Partial<MessageRecord>} */
	const out = {};
	const id = optString(c.id);
	const link = optString(c.link);
	if (id || link) out.media = id ? { id } : { link };
	const caption = optString(c.caption);
	if (caption) out.caption = caption;
	const filename = optString(c.filename);
	if (filename) out.filename = filename;
	return out;
}

/**
 * The business number as a message's sender.
 * @param {PhoneState} phone
 * @returns {import('../types').MessageSender}
 */
const businessSender = (phone) => ({
	business: true,
	phone_number_id: phone.id,
	display_phone_number: phone.display_phone_number,
});

/**
 * The messages of a group (also after it was deleted), oldest first.
 * @param {Sandbox} sb
 * @param {string} groupId
 * @returns {MessageRecord[]}
 */
function groupMessages(sb, groupId) {
	return [...sb.messages.values()].filter((m) => m.group_id === groupId);
}

module.exports = { keep, summary, businessSender, groupMessages };
