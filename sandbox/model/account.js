// @ts-check
'use strict';

/**
 * The business account's own nodes, read only: the WhatsApp Business Account, its phone numbers
 * (with the fields a caller asks for), and the Template Library's invite-link template (canned).
 */
const { waError } = require('../http/errors');
const destinations = require('../webhooks/destinations');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').PhoneState} PhoneState */

/**
 * GET /<WABA_ID>?fields=…
 * @param {Sandbox} sb
 * @param {string[]} fields
 */
function wabaInfo(sb, fields) {
	/** @type {Record<string, unknown>} */
	const out = { id: sb.wabaId };
	for (const field of fields) {
		if (field === 'id') continue;
		if (field === 'name') out.name = sb.wabaName;
		else if (field === 'currency') out.currency = 'USD';
		else if (field === 'timezone_id') out.timezone_id = '1';
		else if (field === 'message_template_namespace')
			out.message_template_namespace = 'sandbox_namespace';
		else
			throw waError(100, undefined, {
				message: `Tried accessing nonexisting field (${field}) on node type (WhatsAppBusinessAccount)`,
			});
	}
	return out;
}

/**
 * GET /<WABA_ID>/phone_numbers?fields=…
 * @param {Sandbox} sb
 * @param {string[]} asked
 */
function phoneNumbers(sb, asked) {
	const known = ['id', 'display_phone_number', 'verified_name', 'quality_rating'];
	const unknownField = asked.find((f) => !known.includes(f));
	if (unknownField) {
		throw waError(100, undefined, {
			message: `Tried accessing nonexisting field (${unknownField}) on node type (WhatsAppBusinessPhoneNumber)`,
		});
	}
	const wanted = asked.length ? ['id', ...asked.filter((f) => f !== 'id')] : known;
	const phones = [...sb.phones.values()].map((p) => {
		/** @type {Record<string, string>} */
		const row = {};
		for (const field of wanted)
			row[field] =
				p[
					/** @type {'id' | 'display_phone_number' | 'verified_name' | 'quality_rating'} */ (field)
				];
		return row;
	});
	return {
		data: phones,
		paging: {
			cursors: {
				before: Buffer.from(phones[0]?.id ?? '').toString('base64url'),
				after: Buffer.from(phones[phones.length - 1]?.id ?? '').toString('base64url'),
			},
		},
	};
}

/**
 * GET /<PHONE_NUMBER_ID>?fields=…
 * @param {Sandbox} sb
 * @param {PhoneState} phone
 * @param {string[]} fields
 */
function phoneInfo(sb, phone, fields) {
	/** @type {Record<string, unknown>} */
	const out = {};
	const wanted = fields.length
		? fields
		: ['display_phone_number', 'verified_name', 'quality_rating'];
	for (const field of wanted) {
		if (field === 'id') continue;
		if (field === 'webhook_configuration')
			out.webhook_configuration = destinations.phoneWebhookConfiguration(sb, phone.id);
		else if (
			field === 'display_phone_number' ||
			field === 'verified_name' ||
			field === 'quality_rating'
		)
			out[field] = phone[field];
		else
			throw waError(100, undefined, {
				message: `Tried accessing nonexisting field (${field}) on node type (WhatsAppBusinessPhoneNumber)`,
			});
	}
	out.id = phone.id;
	return out;
}

/**
 * GET /message_template_library (and /<WABA_ID>/message_template_library): the invite-link
 * template, filtered by topic.
 * @param {string} topic
 */
function templateLibrary(topic) {
	const templates = [
		{
			name: 'group_invite_link',
			language: 'en',
			category: 'UTILITY',
			topic: 'group_invite_link',
			usecase: 'GROUP_INVITE',
			industry: ['E_COMMERCE'],
			header: 'You are invited',
			body: 'You have been invited to join the group {{1}}. Tap the button below to join.',
			body_params: ['group_id'],
			buttons: [{ type: 'URL', text: 'Join group' }],
			id: '100000000000020',
		},
	];
	return { data: templates.filter((t) => !topic || t.topic === topic) };
}

module.exports = { wabaInfo, phoneNumbers, phoneInfo, templateLibrary };
