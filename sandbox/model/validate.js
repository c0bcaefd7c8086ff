// @ts-check
'use strict';

/**
 * The limits Meta documents for the Groups API and the checks that enforce them on input: each
 * check returns the clean value or throws the Graph error Meta answers.
 */
const crypto = require('node:crypto');

const { readJpegSize } = require('../jpeg');
const { waError, itemError } = require('../http/errors');

const MAX_PARTICIPANTS = 8;
const SUBJECT_MAX_CHARACTERS = 128;
const DESCRIPTION_MAX_CHARACTERS = 2048;
/**
 * A business-scoped user ID: an ISO 3166 two-letter country code, a period, and up to 128
 * alphanumeric characters; a parent BSUID has ENT between the two (US.ENT.11815799212886844830).
 */
const BSUID_PATTERN = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;
const MAX_GROUPS_PER_NUMBER = 10000;
const MAX_PINS = 3;
const SERVICE_WINDOW_SECONDS = 24 * 60 * 60;

/** @param {unknown} value */
function optString(value) {
	if (typeof value === 'number') return String(value);
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * How many characters a text has, counted as the node counts them: Unicode code points (an emoji
 * such as 👍 is one, a letter with a combining accent is two). Meta does not say how it counts.
 * @param {string} text
 */
function characterCount(text) {
	let count = 0;
	for (const _ of text) count++;
	return count;
}

/**
 * @param {unknown} value
 * @param {boolean} required
 */
function checkSubject(value, required) {
	if (value === undefined && !required) return '';
	if (typeof value !== 'string') throw waError(100, 'subject is required and must be a string');
	const subject = value.trim();
	if (!subject) throw waError(100, 'subject must not be empty');
	const length = characterCount(subject);
	if (length > SUBJECT_MAX_CHARACTERS)
		throw waError(
			100,
			`subject is limited to ${SUBJECT_MAX_CHARACTERS} characters (got ${length})`,
		);
	return subject;
}

/** @param {unknown} value */
function checkDescription(value) {
	if (value === undefined || value === null) return '';
	if (typeof value !== 'string') throw waError(100, 'description must be a string');
	const length = characterCount(value);
	if (length > DESCRIPTION_MAX_CHARACTERS)
		throw waError(
			100,
			`description is limited to ${DESCRIPTION_MAX_CHARACTERS} characters (got ${length})`,
		);
	return value;
}

/**
 * @param {unknown} value
 * @param {number} fallback
 * @param {number} max
 */
function checkLimit(value, fallback, max) {
	if (value === undefined || value === '') return fallback;
	const limit = Number(value);
	if (!Number.isInteger(limit) || limit < 1 || limit > max)
		throw waError(100, `limit must be an integer from 1 to ${max}`);
	return limit;
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {string[]}
 */
function checkIdList(value, name) {
	if (
		!Array.isArray(value) ||
		value.length === 0 ||
		value.some((v) => (typeof v !== 'string' && typeof v !== 'number') || String(v) === '')
	) {
		throw waError(100, `${name} must be a non-empty array of IDs`);
	}
	return value.map(String);
}

/** @param {unknown} value */
function parseFields(value) {
	if (Array.isArray(value)) return value.map((f) => String(f).trim()).filter(Boolean);
	if (typeof value === 'string')
		return value
			.split(',')
			.map((f) => f.trim())
			.filter(Boolean);
	return [];
}

/**
 * @param {string} type
 * @param {unknown} content
 */
function checkMessageContent(type, content) {
	const c =
		content && typeof content === 'object'
			? /** @type {Record<string, unknown>} */ (content)
			: undefined;
	if (!c) throw waError(100, `The parameter ${type} is required for type ${type}`);
	if (type === 'text') {
		if (typeof c.body !== 'string' || c.body === '') throw waError(100, 'text.body is required');
		if (characterCount(c.body) > 4096)
			throw waError(100, 'text.body is limited to 4096 characters');
	} else if (type === 'template') {
		const language =
			c.language && typeof c.language === 'object'
				? /** @type {Record<string, unknown>} */ (c.language)
				: undefined;
		if (typeof c.name !== 'string' || !c.name) throw waError(100, 'template.name is required');
		if (!language || typeof language.code !== 'string')
			throw waError(100, 'template.language.code is required');
	} else if (!optString(c.id) && !optString(c.link)) {
		throw waError(100, `${type}.id or ${type}.link is required`);
	}
}

/**
 * A profile picture's upload: JPEG, at most 5 MB, with a readable size. Meta documents no code for
 * these, so they are refused at once as invalid parameters (code 100); whether the picture is
 * square and large enough is reported later by webhook (pictureProblem).
 * @param {Buffer} data
 * @param {string | undefined} contentType
 */
function checkPicture(data, contentType) {
	if (contentType && !/^image\/(jpeg|jpg|pjpeg)$/i.test(contentType.split(';')[0].trim())) {
		throw waError(100, `The profile picture must be a JPEG image (got ${contentType})`);
	}
	if (data.length > 5 * 1024 * 1024)
		throw waError(100, `The profile picture is limited to 5 MB (got ${data.length} bytes)`);
	const size = readJpegSize(data);
	if (!size)
		throw waError(100, 'The profile picture must be a JPEG image (no JPEG frame header found)');
	return {
		sha256: crypto.createHash('sha256').update(data).digest('hex'),
		mime_type: 'image/jpeg',
		width: size.width,
		height: size.height,
	};
}

/**
 * Why Meta would not apply this picture (131209 not square, 131210 under 192 px), or undefined.
 * @param {{ width: number, height: number }} picture
 * @returns {import('../../nodes/shared/types').GraphErrorDetail | undefined}
 */
function pictureProblem(picture) {
	const { width, height } = picture;
	if (width !== height)
		return itemError(131209, `The profile picture is ${width}x${height}; it must be square`);
	if (width < 192)
		return itemError(
			131210,
			`The profile picture is ${width}x${height}; it must be at least 192x192`,
		);
	return undefined;
}

/** @param {string} type */
function defaultMime(type) {
	return (
		{
			image: 'image/jpeg',
			video: 'video/mp4',
			audio: 'audio/ogg',
			document: 'application/pdf',
			sticker: 'image/webp',
		}[type] ?? 'application/octet-stream'
	);
}

module.exports = {
	MAX_PARTICIPANTS,
	SUBJECT_MAX_CHARACTERS,
	DESCRIPTION_MAX_CHARACTERS,
	BSUID_PATTERN,
	MAX_GROUPS_PER_NUMBER,
	MAX_PINS,
	SERVICE_WINDOW_SECONDS,
	optString,
	characterCount,
	checkSubject,
	checkDescription,
	checkLimit,
	checkIdList,
	parseFields,
	checkMessageContent,
	checkPicture,
	pictureProblem,
	defaultMime,
};
