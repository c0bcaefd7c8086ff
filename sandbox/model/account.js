// @ts-check
'use strict';

/**
 * The business account's own nodes, read only: the WhatsApp Business Account, its phone numbers
 * (with the fields a caller asks for), its message templates, and the Template Library's
 * invite-link template (canned).
 */
const { waError } = require('../http/errors');
const destinations = require('../webhooks/destinations');
const { checkLimit, optString } = require('./validate');
const { page } = require('./paging');

/** The invite-link template's body, as the Template Library gives it (the group is {{1}}). */
const INVITE_BODY = 'You have been invited to join the group {{1}}. Tap the button below to join.';

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
			body: INVITE_BODY,
			body_params: ['group_id'],
			buttons: [{ type: 'URL', text: 'Join group' }],
			id: '100000000000020',
		},
	];
	return { data: templates.filter((t) => !topic || t.topic === topic) };
}

/**
 * The business account's templates a fresh sandbox starts with: the invite-link template copied
 * from the Template Library (English and Spanish, approved), an approved authentication template
 * (which cannot go to a business-scoped user ID) and a marketing template still pending review.
 * @returns {import('../types').Template[]}
 */
function defaultTemplates() {
	/** @type {(language: string, body: string, id: string) => import('../types').Template} */
	const invite = (language, body, id) => ({
		id,
		name: 'group_invite_link',
		language,
		status: 'APPROVED',
		category: 'UTILITY',
		parameter_format: 'POSITIONAL',
		library_template_name: 'group_invite_link',
		components: [
			{ type: 'HEADER', format: 'TEXT', text: 'You are invited' },
			{ type: 'BODY', text: body },
			{ type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Join group' }] },
		],
	});
	return [
		invite('en', INVITE_BODY, '100000000000031'),
		invite(
			'es',
			'Te invitaron a unirte al grupo {{1}}. Toca el botón para unirte.',
			'100000000000032',
		),
		{
			id: '100000000000033',
			name: 'verification_code',
			language: 'en_US',
			status: 'APPROVED',
			category: 'AUTHENTICATION',
			parameter_format: 'POSITIONAL',
			components: [
				{ type: 'BODY', text: '{{1}} is your verification code.' },
				{ type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
			],
		},
		{
			id: '100000000000034',
			name: 'spring_sale',
			language: 'en_US',
			status: 'PENDING',
			category: 'MARKETING',
			parameter_format: 'POSITIONAL',
			components: [{ type: 'BODY', text: 'Our spring sale starts today, {{1}}!' }],
		},
	];
}

/** The fields a template answers without `fields` (Meta's "default fields"). */
const TEMPLATE_DEFAULT_FIELDS = [
	'name',
	'parameter_format',
	'components',
	'language',
	'status',
	'category',
	'id',
];
const TEMPLATE_FIELDS = [...TEMPLATE_DEFAULT_FIELDS, 'library_template_name'];

/**
 * GET /<WABA_ID>/message_templates: the account's templates, filtered by `status`, `category`,
 * `language` (exact, comma lists allowed) and `name` (a part of it), with the `fields` asked
 * (id always), paged with cursors (limit default 25).
 * @param {import('../state').Sandbox} sb
 * @param {Record<string, unknown>} query
 * @param {string[]} fields
 * @param {string} version
 */
function messageTemplates(sb, query, fields, version) {
	const unknownField = fields.find((f) => !TEMPLATE_FIELDS.includes(f));
	if (unknownField) {
		throw waError(100, undefined, {
			message: `Tried accessing nonexisting field (${unknownField}) on node type (WhatsAppMessageTemplate)`,
		});
	}
	const limit = checkLimit(query.limit, 25, 1000);
	/** @type {(name: string) => string[] | undefined} */
	const listOf = (name) => {
		const value = optString(query[name]);
		return value ? value.split(',').map((v) => v.trim()) : undefined;
	};
	const statuses = listOf('status')?.map((v) => v.toUpperCase());
	const categories = listOf('category')?.map((v) => v.toUpperCase());
	const languages = listOf('language');
	const name = optString(query.name)?.toLowerCase();
	const list = sb.templates.filter(
		(t) =>
			(!statuses || statuses.includes(t.status)) &&
			(!categories || categories.includes(t.category)) &&
			(!languages || languages.includes(t.language)) &&
			(!name || t.name.toLowerCase().includes(name)),
	);
	const { items, paging } = page(
		sb,
		list,
		(t) => [sb.templates.indexOf(t)],
		(a, b) => Number(a[0]) - Number(b[0]),
		`message_templates:${sb.wabaId}`,
		{ limit, after: optString(query.after), before: optString(query.before) },
		(params) =>
			`${sb.baseUrl}/${version}/${sb.wabaId}/message_templates?${new URLSearchParams(params)}`,
	);
	const wanted = fields.length > 0 ? [...new Set([...fields, 'id'])] : TEMPLATE_DEFAULT_FIELDS;
	/** @type {{ data: Record<string, unknown>[], paging?: import('../../nodes/shared/types').GraphPaging }} */
	const out = {
		data: items.map((t) => {
			/** @type {Record<string, unknown>} */
			const row = {};
			for (const field of wanted) {
				const value = t[/** @type {keyof import('../types').Template} */ (field)];
				if (value !== undefined) row[field] = value;
			}
			return row;
		}),
	};
	if (paging) out.paging = paging;
	return out;
}

module.exports = {
	wabaInfo,
	phoneNumbers,
	phoneInfo,
	templateLibrary,
	defaultTemplates,
	messageTemplates,
};
