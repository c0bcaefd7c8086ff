// @ts-check
'use strict';

/**
 * The limits Meta documents for the Groups API and the checks that enforce them on input: each
 * check returns the clean value or throws the Graph error Meta answers.
 */
const crypto = require('node:crypto');

const { readJpegSize } = require('../jpeg');
const { waError } = require('../http/errors');

const MAX_PARTICIPANTS = 8;
const MAX_GROUPS_PER_NUMBER = 10000;
const MAX_PINS = 3;
const SERVICE_WINDOW_SECONDS = 24 * 60 * 60;

/** @param {unknown} value */
function optString(value) {
	if (typeof value === 'number') return String(value);
	return typeof value === 'string' && value !== '' ? value : undefined;
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
	if ([...subject].length > 128)
		throw waError(100, `subject is limited to 128 characters (got ${[...subject].length})`);
	return subject;
}

/** @param {unknown} value */
function checkDescription(value) {
	if (value === undefined || value === null) return '';
	if (typeof value !== 'string') throw waError(100, 'description must be a string');
	if ([...value].length > 2048)
		throw waError(100, `description is limited to 2048 characters (got ${[...value].length})`);
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
		if ([...c.body].length > 4096) throw waError(100, 'text.body is limited to 4096 characters');
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
 * JPEG only, ≤ 5 MB, square, at least 192 px.
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
	if (size.width !== size.height)
		throw waError(131209, `The profile picture is ${size.width}x${size.height}; it must be square`);
	if (size.width < 192)
		throw waError(
			131210,
			`The profile picture is ${size.width}x${size.height}; it must be at least 192x192`,
		);
	return {
		sha256: crypto.createHash('sha256').update(data).digest('hex'),
		mime_type: 'image/jpeg',
		width: size.width,
		height: size.height,
	};
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
	MAX_GROUPS_PER_NUMBER,
	MAX_PINS,
	SERVICE_WINDOW_SECONDS,
	optString,
	checkSubject,
	checkDescription,
	checkLimit,
	checkIdList,
	parseFields,
	checkMessageContent,
	checkPicture,
	defaultMime,
};
