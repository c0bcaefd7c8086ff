// @ts-check
'use strict';

/**
 * Realistic webhook deliveries for the webhook benchmark: Meta's own payload samples (the
 * documentation examples kept in test/fixtures/meta-doc-samples) with their placeholders
 * ("<GROUP_ID>", "WEBHOOK_TRIGGER_TIMESTAMP", …) replaced by plausible, distinct values, so
 * every event of a batch is a different event (the trigger drops repeats) and the bytes look like
 * what Meta sends: compact JSON, numeric-string timestamps, wamid message IDs.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const SAMPLES_DIR = path.join(__dirname, '..', 'test', 'fixtures', 'meta-doc-samples');
const WABA_ID = '100000000000001';
const PHONE_NUMBER_ID = '100000000000002';
const DISPLAY_PHONE_NUMBER = '15550001001';
const EPOCH = 1767225600; // 2026-01-01T00:00:00Z

/** @param {string} seed */
function hex(seed, length = 64) {
	return crypto.createHash('sha256').update(seed).digest('hex').slice(0, length);
}

/** @param {string} seed @param {number} length */
function digits(seed, length) {
	let out = '';
	for (let round = 0; out.length < length && round < 10; round++) {
		out += BigInt(`0x${hex(`${seed}:${round}`, 24)}`)
			.toString()
			.slice(0, 20);
	}
	return out.slice(0, length);
}

/**
 * A plausible value for a placeholder name, distinct per event index.
 * @param {string} name  e.g. GROUP_ID, WHATSAPP_MESSAGE_ID_2
 * @param {number} index
 * @returns {string | number}
 */
function valueFor(name, index) {
	const seed = `${name}:${index}`;
	if (name.includes('TIMESTAMP')) return String(EPOCH + index);
	if (name.includes('BUSINESS_ACCOUNT_ID') || name === 'WHATSAPP_ACCOUNT_ID' || name === 'ID')
		return WABA_ID;
	if (name.includes('PHONE_NUMBER_ID')) return PHONE_NUMBER_ID;
	if (name.includes('DISPLAY')) return DISPLAY_PHONE_NUMBER;
	if (name.startsWith('GROUP_ID'))
		return Buffer.from(
			`capi_group:${DISPLAY_PHONE_NUMBER}:${digits(`group:${index % 500}`, 18)}`,
		).toString('base64');
	if (name.includes('MESSAGE_ID'))
		return `wamid.${Buffer.from(`${DISPLAY_PHONE_NUMBER}${hex(seed, 32)}`).toString('base64')}`;
	if (name.includes('JOIN_REQUEST_ID')) return digits(seed, 16);
	if (name === 'REQUEST_ID') return hex(seed, 32);
	if (name === 'CONVERSATION_ID') return hex(seed, 32);
	if (name.includes('USER_NAME')) return `Ada Lovelace ${index % 97}`;
	if (name.includes('PHONE_NUMBER') || name.endsWith('_ID') || name === 'WHATSAPP_ID')
		return `1555${digits(seed, 7)}`;
	if (name === 'ERROR_CODE') return 131203;
	if (name === 'ERROR_TITLE') return 'Failed to add participant';
	if (name === 'ERROR_MESSAGE') return 'Failed to add participant';
	if (name === 'ERROR_DETAILS')
		return 'The user could not be added to the group because the group is full.';
	if (name === 'CONVERSATION_CATEGORY') return 'group_service';
	if (name === 'PRICING_MODEL') return 'PMP';
	if (name.startsWith('REASON')) return 'invite_link';
	if (name === 'JOIN_APPROVAL_MODE') return 'approval_required';
	if (name === 'PHOTO_HASH') return hex(seed);
	if (name === 'GROUP_SUBJECT') return `Customer updates ${index % 50}`;
	if (name === 'GROUP_DESCRIPTION')
		return 'Weekly updates for our best customers, in English and Spanish.';
	if (name === 'MESSAGE_BODY')
		return `Hello everyone, our store opens at 9:00 tomorrow (message ${index}). See you there!`;
	return `${name.toLowerCase()}_${index}`;
}

const PLACEHOLDER = /^<?([A-Z][A-Z0-9_]*)>?$/;

/**
 * @param {unknown} value
 * @param {number} index
 * @returns {unknown}
 */
function fill(value, index) {
	if (typeof value === 'string') {
		const match = PLACEHOLDER.exec(value);
		if (match) return valueFor(match[1], index);
		// A sample with a literal message ID: make it unique per event too.
		if (value.startsWith('wamid.')) return valueFor(`WHATSAPP_MESSAGE_ID_${value}`, index);
		return value;
	}
	if (Array.isArray(value)) return value.map((entry) => fill(entry, index));
	if (value && typeof value === 'object') {
		/** @type {Record<string, unknown>} */
		const out = {};
		for (const [key, entry] of Object.entries(value)) out[key] = fill(entry, index);
		return out;
	}
	return value;
}

/**
 * Every change of every sample, with how many events (group items, messages, statuses) it holds.
 * @returns {Array<{ name: string, change: any, events: number }>}
 */
/** @type {Array<{ name: string, change: any, events: number }> | undefined} */
let sampleCache;

function loadSampleChanges() {
	sampleCache ??= readSampleChanges();
	return sampleCache;
}

function readSampleChanges() {
	const files = fs
		.readdirSync(SAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort();
	/** @type {Array<{ name: string, change: any, events: number }>} */
	const changes = [];
	for (const file of files) {
		const body = JSON.parse(fs.readFileSync(path.join(SAMPLES_DIR, file), 'utf8'));
		for (const entry of body.entry ?? []) {
			for (const change of entry.changes ?? []) {
				const value = change.value ?? {};
				const events =
					(value.groups?.length ?? 0) +
					(value.messages?.length ?? 0) +
					(value.statuses?.length ?? 0);
				if (events > 0) changes.push({ name: file.replace(/\.json$/, ''), change, events });
			}
		}
	}
	if (changes.length === 0) throw new Error(`No Meta samples found in ${SAMPLES_DIR}`);
	return changes;
}

/**
 * @typedef {object} Delivery
 * @property {string} name
 * @property {Buffer} rawBody  the exact bytes, as Meta sends them (compact JSON)
 * @property {number} events  group items + messages + statuses in it
 * @property {number} changes
 */

/**
 * One delivery of `count` events (at least), cycling through the samples; each change carries
 * its own fresh values. `maxBytes` stops earlier by size instead.
 * @param {string} name
 * @param {{ events?: number, bytes?: number, only?: string, offset?: number }} target
 * @returns {Delivery}
 */
function buildDelivery(name, target) {
	const samples = loadSampleChanges().filter(
		(sample) => !target.only || sample.name === target.only,
	);
	if (samples.length === 0) throw new Error(`No sample named ${target.only}`);
	const changes = [];
	let events = 0;
	let bytes = 100;
	const offset = target.offset ?? 0;
	for (let index = 0; index < 1_000_000; index++) {
		if (target.events !== undefined && events >= target.events) break;
		if (target.bytes !== undefined && bytes >= target.bytes) break;
		const sample = samples[index % samples.length];
		const change = fill(sample.change, offset + index);
		changes.push(change);
		events += sample.events;
		bytes += JSON.stringify(change).length + 1;
	}
	const body = { object: 'whatsapp_business_account', entry: [{ id: WABA_ID, changes }] };
	return { name, rawBody: Buffer.from(JSON.stringify(body)), events, changes: changes.length };
}

/**
 * The three deliveries of the benchmark, each as enough distinct variants (same shape, other IDs
 * and times) that cycling through them never repeats an event the trigger still remembers (it
 * keeps the last 1,000): every timed call is a new delivery, as in production.
 * @returns {Array<{ name: string, variants: Delivery[] }>}
 */
function standardDeliveries(quick = false) {
	/** @param {string} name @param {{ events?: number, bytes?: number, only?: string }} target */
	const variantsOf = (name, target) => {
		const first = buildDelivery(name, { ...target, offset: 0 });
		const count = Math.ceil(1000 / first.events) + 2;
		const variants = [first];
		for (let index = 1; index < count; index++) {
			variants.push(buildDelivery(name, { ...target, offset: index * 100_000 }));
		}
		return { name, variants };
	};
	return [
		variantsOf('1 event (group text message)', {
			events: 1,
			only: 'messages__group_message_received',
		}),
		variantsOf('100 mixed events', { events: 100 }),
		variantsOf(quick ? '~100 KB batch' : '~1 MB batch', { bytes: quick ? 100_000 : 1_000_000 }),
	];
}

module.exports = { buildDelivery, standardDeliveries, loadSampleChanges, WABA_ID, PHONE_NUMBER_ID };
