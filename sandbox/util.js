// @ts-check
'use strict';

/**
 * Small helpers shared by the sandbox: a seeded random generator, id makers, time, digits, and
 * Graph's lenient parameter parsing. Meta's error shapes are in http/errors.js.
 */

/**
 * FNV-1a hash of any seed value, as an unsigned 32-bit integer.
 * @param {string | number} seed
 */
function hashSeed(seed) {
	let h = 0x811c9dc5;
	const text = String(seed);
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

/**
 * Deterministic generator of numbers in [0, 1) (mulberry32).
 * @param {string | number} seed
 * @returns {() => number}
 */
function createRng(seed) {
	let state = hashSeed(seed);
	return function next() {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * @param {() => number} rng
 * @param {number} length
 * @param {string} [alphabet]
 */
function randomString(rng, length, alphabet = ALNUM) {
	/** @type {string[]} */
	const out = new Array(length);
	for (let i = 0; i < length; i++) out[i] = alphabet[Math.floor(rng() * alphabet.length)];
	return out.join('');
}

/**
 * Digits only, never starting with 0.
 * @param {() => number} rng
 * @param {number} length
 */
function randomDigits(rng, length) {
	return String(1 + Math.floor(rng() * 9)) + randomString(rng, length - 1, '0123456789');
}

/** Unix seconds. */
function nowSeconds() {
	return Math.floor(Date.now() / 1000);
}

/**
 * Keeps only digits of a phone number input ("+1 555-000" → "1555000").
 * @param {string} value
 */
function digitsOnly(value) {
	return String(value).replace(/[^0-9]/g, '');
}

/**
 * Graph accepts arrays and objects as JSON strings in form or query parameters.
 * @param {unknown} value
 * @returns {unknown}
 */
function parseMaybeJson(value) {
	if (typeof value !== 'string') return value;
	const text = value.trim();
	if (
		(text.startsWith('{') && text.endsWith('}')) ||
		(text.startsWith('[') && text.endsWith(']'))
	) {
		try {
			return JSON.parse(text);
		} catch {
			return value;
		}
	}
	return value;
}

/**
 * @param {number} ms
 * @returns {Promise<void>}
 */
function delay(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

module.exports = {
	hashSeed,
	createRng,
	randomString,
	randomDigits,
	nowSeconds,
	digitsOnly,
	parseMaybeJson,
	delay,
};
