// @ts-check
'use strict';

/**
 * The typed event contract of the WhatsApp Groups Trigger (nodes/WhatsAppGroupsTrigger/webhook/
 * eventTypes.ts), checked on items that a real n8n produced. Returns a list of problems (empty = ok).
 * The event names and their fields come from the built package; what each item must carry is
 * written out here.
 */

const path = require('node:path');

/** The built trigger's output contract (nodes/WhatsAppGroupsTrigger/webhook/eventTypes.ts). */
const BUILT_EVENTS = path.join(
	__dirname,
	'..',
	'..',
	'dist',
	'nodes',
	'WhatsAppGroupsTrigger',
	'webhook',
	'eventTypes.js',
);

/**
 * The event names and the Meta field of each, as the BUILT package (the one loaded into n8n)
 * declares them. Read on first use, not at load, so the suite can build the package first.
 * @returns {Pick<typeof import('../../nodes/WhatsAppGroupsTrigger/webhook/eventTypes'), 'TRIGGER_EVENTS' | 'EVENT_FIELDS'>}
 */
function builtContract() {
	const { TRIGGER_EVENTS, EVENT_FIELDS } = require(BUILT_EVENTS);
	return { TRIGGER_EVENTS, EVENT_FIELDS };
}

/**
 * Every `event` value a trigger item can carry.
 * @returns {string[]}
 */
function triggerEvents() {
	return [...builtContract().TRIGGER_EVENTS];
}

/** @param {unknown} v */
const isStr = (v) => typeof v === 'string' && v.length > 0;
/** @param {unknown} v */
const isObj = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * @param {any} p
 * @param {string} where
 * @param {string[]} problems
 */
function checkParticipant(p, where, problems) {
	if (!isObj(p)) return void problems.push(`${where} is not an object`);
	if (!isStr(p.waId) && !isStr(p.userId) && !isStr(p.input))
		problems.push(`${where} has no waId, userId or input`);
	for (const k of ['waId', 'userId', 'parentUserId', 'username', 'input']) {
		if (k in p && typeof p[k] !== 'string') problems.push(`${where}.${k} is not a string`);
	}
	for (const k of Object.keys(p)) {
		if (!['waId', 'userId', 'parentUserId', 'username', 'input', 'errors'].includes(k))
			problems.push(`${where} has unexpected key ${k}`);
	}
}

/**
 * The person of a status, as the change's `contacts[]` names them (`item.recipient`).
 * @param {any} c
 * @param {string} where
 * @param {string[]} problems
 */
function checkContact(c, where, problems) {
	if (!isObj(c)) return void problems.push(`${where} is not an object`);
	if (!isStr(c.waId) && !isStr(c.userId)) problems.push(`${where} has no waId or userId`);
	for (const k of Object.keys(c)) {
		if (!['waId', 'userId', 'parentUserId', 'username', 'name'].includes(k))
			problems.push(`${where} has unexpected key ${k}`);
		else if (typeof c[k] !== 'string') problems.push(`${where}.${k} is not a string`);
	}
}

/**
 * Keys an item may carry, each a string when present.
 * @param {any} item
 * @param {string[]} keys
 * @param {string} at
 * @param {string[]} problems
 */
function optionalStrings(item, keys, at, problems) {
	for (const k of keys) {
		if (k in item && !isStr(item[k])) problems.push(`${at} ${k} is not a string`);
	}
}

/**
 * `item.participants`: an array (with at least one entry when `nonEmpty`) of valid participants.
 * @param {any} item
 * @param {string} at
 * @param {string[]} problems
 * @param {{ nonEmpty: boolean }} options
 */
function checkParticipants(item, at, problems, options) {
	if (!Array.isArray(item.participants)) {
		problems.push(
			options.nonEmpty ? `${at} participants missing` : `${at} participants is not an array`,
		);
	} else if (options.nonEmpty && item.participants.length === 0) {
		problems.push(`${at} participants missing`);
	} else {
		item.participants.forEach((/** @type {any} */ p, /** @type {number} */ i) =>
			checkParticipant(p, `${at} participants[${i}]`, problems),
		);
	}
}

/**
 * @param {any} item the json of one trigger output item
 * @param {{businessAccountId: string, phoneNumberId: string}} expected
 * @returns {string[]}
 */
function checkEvent(item, expected) {
	/** @type {string[]} */
	const problems = [];
	if (!isObj(item)) return ['item is not an object'];
	const { TRIGGER_EVENTS, EVENT_FIELDS } = builtContract();
	const e = item.event;
	if (!TRIGGER_EVENTS.includes(e)) return [`unknown event name ${JSON.stringify(e)}`];
	const at = `${e}:`;
	if (
		e !== 'unknown' &&
		!(/** @type {Record<string, readonly string[]>} */ (EVENT_FIELDS)[e].includes(item.field))
	)
		problems.push(`${at} field is ${item.field}`);
	if (item.businessAccountId !== expected.businessAccountId)
		problems.push(`${at} businessAccountId is ${item.businessAccountId}`);
	if (item.phoneNumberId !== expected.phoneNumberId)
		problems.push(`${at} phoneNumberId is ${item.phoneNumberId}`);
	if (!isStr(item.displayPhoneNumber)) problems.push(`${at} displayPhoneNumber missing`);
	if (
		!(
			typeof item.timestamp === 'string' &&
			/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(item.timestamp)
		)
	) {
		problems.push(`${at} timestamp is not ISO 8601: ${item.timestamp}`);
	}
	if (!Number.isInteger(item.timestampUnix)) problems.push(`${at} timestampUnix is not an integer`);
	else if (
		typeof item.timestamp === 'string' &&
		Date.parse(item.timestamp) !== item.timestampUnix * 1000
	) {
		problems.push(`${at} timestamp and timestampUnix disagree`);
	}
	const needsGroup = ![
		'message_sent',
		'message_delivered',
		'message_read',
		'message_failed',
		'user_id_changed',
		'unknown',
	].includes(e);
	if (needsGroup && !isStr(item.groupId)) problems.push(`${at} groupId missing`);
	if ('requestId' in item && !isStr(item.requestId))
		problems.push(`${at} requestId is not a string`);

	switch (e) {
		case 'group_created':
			if (!isStr(item.requestId)) problems.push(`${at} requestId missing`);
			if (!isStr(item.subject)) problems.push(`${at} subject missing`);
			if (!(isStr(item.inviteLink) && item.inviteLink.startsWith('https://chat.whatsapp.com/')))
				problems.push(`${at} inviteLink missing`);
			if (!['auto_approve', 'approval_required'].includes(item.joinApprovalMode))
				problems.push(`${at} joinApprovalMode is ${item.joinApprovalMode}`);
			break;
		case 'participants_joined':
			checkParticipants(item, at, problems, { nonEmpty: true });
			break;
		case 'participants_removed':
		case 'participants_remove_failed':
			checkParticipants(item, at, problems, { nonEmpty: false });
			if (!Array.isArray(item.failedParticipants))
				problems.push(`${at} failedParticipants is not an array`);
			break;
		case 'participant_left':
			if (item.initiatedBy !== 'participant')
				problems.push(`${at} initiatedBy is ${item.initiatedBy}`);
			checkParticipants(item, at, problems, { nonEmpty: true });
			break;
		case 'join_request_created':
		case 'join_request_revoked':
			if (!isStr(item.joinRequestId)) problems.push(`${at} joinRequestId missing`);
			checkParticipant(item.participant, `${at} participant`, problems);
			break;
		case 'settings_updated':
		case 'settings_update_failed':
			if (!Array.isArray(item.updatedParts) || !Array.isArray(item.failedParts))
				problems.push(`${at} updatedParts/failedParts missing`);
			for (const part of [...(item.updatedParts ?? []), ...(item.failedParts ?? [])]) {
				if (!['groupSubject', 'groupDescription', 'profilePicture'].includes(part))
					problems.push(`${at} unknown part ${part}`);
				else if (!isObj(item[part])) problems.push(`${at} ${part} missing`);
			}
			break;
		case 'message_received':
			if (!isStr(item.id)) problems.push(`${at} id missing`);
			if (!isStr(item.from) && !isStr(item.fromUserId)) problems.push(`${at} from missing`);
			if (!isStr(item.type)) problems.push(`${at} type missing`);
			if (item.type === 'text' && typeof item.text !== 'string')
				problems.push(`${at} text missing`);
			if (
				['image', 'video', 'audio', 'document', 'sticker'].includes(item.type) &&
				!isObj(item.media)
			)
				problems.push(`${at} media missing`);
			if (!isStr(item.senderName)) problems.push(`${at} senderName missing`);
			optionalStrings(
				item,
				[
					'from',
					'fromUserId',
					'fromParentUserId',
					'senderUserId',
					'senderParentUserId',
					'senderUsername',
				],
				at,
				problems,
			);
			break;
		case 'message_sent':
		case 'message_delivered':
		case 'message_read':
		case 'message_failed':
			if (!isStr(item.messageId)) problems.push(`${at} messageId missing`);
			if (item.status !== e.replace('message_', ''))
				problems.push(`${at} status is ${item.status}`);
			if (!isStr(item.groupId)) problems.push(`${at} groupId missing (group status)`);
			if (
				e !== 'message_sent' &&
				!isStr(item.recipientParticipantId) &&
				!isStr(item.recipientParticipantUserId)
			) {
				problems.push(`${at} recipientParticipantId missing`);
			}
			optionalStrings(
				item,
				[
					'recipientParticipantId',
					'recipientParticipantUserId',
					'recipientParticipantParentUserId',
				],
				at,
				problems,
			);
			// Meta names the participant of delivered and read group statuses in contacts[].
			if (e === 'message_delivered' || e === 'message_read') {
				if (!('recipient' in item)) problems.push(`${at} recipient missing`);
				else checkContact(item.recipient, `${at} recipient`, problems);
				if (
					isObj(item.recipient) &&
					item.recipient.userId !== item.recipientParticipantUserId &&
					item.recipient.waId !== item.recipientParticipantId
				)
					problems.push(`${at} recipient is not the status's participant`);
			}
			break;
		case 'user_id_changed': {
			if (item.groupId !== null) problems.push(`${at} groupId is ${item.groupId}, not null`);
			const sources = { user_id_update: 'user_id_update', messages: 'user_changed_user_id' };
			if (item.source !== /** @type {Record<string, string>} */ (sources)[item.field])
				problems.push(`${at} source is ${item.source} on field ${item.field}`);
			if (!isStr(item.userId) || !isStr(item.previousUserId))
				problems.push(`${at} userId or previousUserId missing`);
			else if (item.userId === item.previousUserId)
				problems.push(`${at} userId equals previousUserId`);
			optionalStrings(
				item,
				[
					'parentUserId',
					'previousParentUserId',
					'waId',
					'previousWaId',
					'name',
					'detail',
					'messageId',
				],
				at,
				problems,
			);
			if (item.field === 'messages' && !isStr(item.messageId))
				problems.push(`${at} messageId missing (system message)`);
			break;
		}
		default:
			break;
	}
	return problems;
}

module.exports = { checkEvent, triggerEvents };
