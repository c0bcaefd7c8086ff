// @ts-check
'use strict';

/**
 * The sandbox's state: one Sandbox object holds everything the emulator remembers (phone numbers,
 * groups, invite codes, requests, webhook destinations, faults, deliveries) and the generators
 * that make its IDs deterministic. Behaviour lives beside it, one module per concern, and takes
 * this object as its first argument:
 *
 *   model/      what Meta's Groups API does (groups, invite links, join requests, participants,
 *               messages), with lookups, cursor paging and input validation
 *   sim/        what WhatsApp users and WhatsApp itself do (join, leave, write, suspend), seeding,
 *               and the fault injector
 *   webhooks/   where webhooks go (app, WABA and phone-number destinations, a number's 360dialog
 *               webhook) and their delivery (signed, or with 360dialog's registered headers)
 *   http/       the HTTP server: the Graph API route table, 360dialog's route table, the /_sandbox
 *               control table, errors
 *
 * The methods below are the state's public face for tests, the bench and `npm run dev`: IDs,
 * timers, dump(), and one-line delegations to the modules.
 */
const crypto = require('node:crypto');

const { createRng, randomString, randomDigits, delay } = require('./util');
const groups = require('./model/groups');
const { inviteLink } = require('./model/inviteLinks');
const paging = require('./model/paging');
const users = require('./sim/users');
const membership = require('./sim/membership');
const { simMessage } = require('./sim/messages');
const { seed } = require('./sim/seed');
const faults = require('./sim/faults');
const destinations = require('./webhooks/destinations');
const account = require('./model/account');

/** @typedef {import('./types').SandboxOptions} SandboxOptions */
/** @typedef {import('./types').PhoneState} PhoneState */
/** @typedef {import('./types').Group} Group */
/** @typedef {import('./types').GroupBase} GroupBase */
/** @typedef {import('./types').FaultRule} FaultRule */
/** @typedef {import('./types').FaultContext} FaultContext */

class Sandbox {
	/** @param {SandboxOptions} [options] */
	constructor(options = {}) {
		this.options = options;
		this.token = options.token ?? 'sandbox-token';
		this.appId = options.appId ?? '100000000000009';
		this.appSecret = options.appSecret ?? 'sandbox-app-secret';
		this.wabaId = options.wabaId ?? '100000000000001';
		this.wabaName = options.wabaName ?? 'Sandbox WhatsApp Business Account';
		this.asyncDelayMs = options.asyncDelayMs ?? 25;
		this.statusDelayMs = options.statusDelayMs ?? 25;
		this.cursorTtlMs = options.cursorTtlMs ?? 10 * 60 * 1000;
		this.deliveryAttempts = options.deliveryAttempts ?? 3;
		this.deliveryRetryDelayMs = options.deliveryRetryDelayMs ?? 250;
		this.deliveryTimeoutMs = options.deliveryTimeoutMs ?? 5000;
		this.log = options.log ?? (() => undefined);
		/** Base URL of the running server, set by index.js (used in paging.next). */
		this.baseUrl = '';
		const seedValue = this.options.seed ?? 'sandbox';
		/** @type {() => number} */
		this.rng = createRng(seedValue);
		/** @type {() => number} */
		this.faultRng = createRng(`${seedValue}:faults`);
		this.cursorSecret = crypto.createHash('sha256').update(`cursor:${seedValue}`).digest();
		/** @type {Map<string, PhoneState>} */
		this.phones = new Map();
		const phoneConfigs = this.options.phoneNumbers ?? [
			{
				id: '100000000000002',
				display_phone_number: '15550001001',
				verified_name: 'Sandbox Business',
			},
			{
				id: '100000000000003',
				display_phone_number: '15550001002',
				verified_name: 'Sandbox Business Support',
			},
		];
		/** @type {Map<string, string>} 360dialog API key → phone number ID */
		this.d360Keys = new Map();
		for (const [index, config] of phoneConfigs.entries()) {
			const d360Key = config.d360_api_key ?? `sandbox-360dialog-key-${index + 1}`;
			this.d360Keys.set(d360Key, config.id);
			this.phones.set(config.id, {
				id: config.id,
				display_phone_number: config.display_phone_number,
				verified_name: config.verified_name ?? 'Sandbox Business',
				quality_rating: config.quality_rating ?? 'GREEN',
				groups_eligible: config.groups_eligible ?? true,
				group_creation_disabled: config.group_creation_disabled ?? false,
				override: null,
				d360_api_key: d360Key,
				d360_webhook: null,
			});
		}
		/** @type {Map<string, Group>} */
		this.groups = new Map();
		/** @type {Map<string, string>} invite code → group id */
		this.inviteCodes = new Map();
		/** @type {Map<string, import('./types').RequestRecord>} every operation's request_id (create, delete, removal, settings) */
		this.requests = new Map();
		/** @type {{ object: string, callback_url: string, verify_token: string, fields: string[] } | null} */
		this.appSubscription = null;
		this.waba = {
			subscribed: this.options.wabaSubscribed ?? true,
			/** @type {{ uri: string, verify_token: string } | null} */
			override: null,
		};
		/** @type {FaultRule[]} */
		this.faults = [];
		for (const rule of this.options.faults ?? []) this.addFault(rule);
		/** @type {import('./types').DeliveryRecord[]} */
		this.deliveries = [];
		this.deliverySeq = 0;
		this.groupSeq = 0;
		this.cursorEpoch = 0;
		/** Bumped by reset(), so timers of an earlier life do nothing. */
		this.generation = 0;
		/** Every message seen, by ID, in order (model/messageLog.js). @type {Map<string, import('./types').MessageRecord>} */
		this.messages = new Map();
		/** @type {import('./types').Template[]} the business account's message templates */
		this.templates = account.defaultTemplates();
		/** @type {Set<Promise<unknown>>} */
		this.pending = new Set();
		/** @type {Promise<unknown>} */
		this.deliveryChain = Promise.resolve();
		/** @type {Map<string, Group[]>} sorted active groups per phone number, rebuilt on change */
		this.sortedCache = new Map();
		const seedGroups = this.options.seedGroups;
		if (seedGroups) this.seed(typeof seedGroups === 'number' ? { count: seedGroups } : seedGroups);
	}

	/** Back to the start state: no groups, no destinations (except the WABA subscription), no faults. */
	reset() {
		const fresh = new Sandbox(this.options);
		fresh.baseUrl = this.baseUrl;
		// Cursors and timers from before a reset stay dead after it.
		fresh.cursorEpoch = this.cursorEpoch + 1;
		fresh.generation = this.generation + 1;
		Object.assign(this, fresh);
	}

	// ---------------------------------------------------------------- ids

	newGroupId() {
		const phone = randomDigits(this.rng, 11);
		const serial = randomDigits(this.rng, 18);
		return `${Buffer.from(`capi_group:${phone}:${serial}`).toString('base64').replace(/=+$/, '')}ZD`;
	}

	newRequestId() {
		return randomString(this.rng, 32, '0123456789abcdef');
	}

	/**
	 * A pending request under a new request_id (each operation Meta answers with a request_id and
	 * reports later by webhook), kept for GET /_sandbox/requests/<id>.
	 * @param {string} type
	 * @param {string} [groupId]
	 * @returns {import('./types').RequestRecord}
	 */
	newRequest(type, groupId) {
		/** @type {import('./types').RequestRecord} */
		const record = {
			request_id: this.newRequestId(),
			type,
			...(groupId === undefined ? {} : { group_id: groupId }),
			status: 'pending',
		};
		this.requests.set(record.request_id, record);
		return record;
	}

	newInviteCode() {
		return randomString(this.rng, 22);
	}

	newMessageId() {
		return `wamid.${Buffer.from(randomString(this.rng, 30)).toString('base64').replace(/=+$/, '')}`;
	}

	newJoinRequestId() {
		// Opaque and base64-like, as Meta's are (never assume digits).
		return Buffer.from(randomDigits(this.rng, 20)).toString('base64').replace(/=+$/, '');
	}

	newFbtraceId() {
		return randomString(this.rng, 23);
	}

	// ---------------------------------------------------------------- async bookkeeping

	/**
	 * Runs `fn` after `ms`, tracked so whenIdle() can wait for it.
	 * @param {number} ms
	 * @param {() => void | Promise<void>} fn
	 */
	later(ms, fn) {
		const generation = this.generation;
		const promise = delay(ms)
			.then(() => (generation === this.generation ? fn() : undefined))
			.catch((error) =>
				this.log(
					`sandbox: async step failed: ${error instanceof Error ? error.message : String(error)}`,
				),
			);
		this.pending.add(promise);
		void promise.finally(() => this.pending.delete(promise));
	}

	/** Resolves once no asynchronous outcome or webhook delivery is pending. */
	async whenIdle() {
		for (;;) {
			if (this.pending.size === 0) {
				const chain = this.deliveryChain;
				await chain;
				if (this.pending.size === 0 && chain === this.deliveryChain) return;
			} else {
				await Promise.all([...this.pending]);
			}
		}
	}

	// ---------------------------------------------------------------- public operations (delegations)

	/**
	 * POST /<PHONE_NUMBER_ID>/groups without HTTP (model/groups.js).
	 * @param {string} phoneId
	 * @param {{ subject?: unknown, description?: unknown, join_approval_mode?: unknown }} input
	 * @param {FaultContext} [ctx]
	 */
	createGroup(phoneId, input, ctx) {
		return groups.createGroup(this, phoneId, input, ctx);
	}

	/**
	 * Puts a group in place at once, no request and no webhook (model/groups.js).
	 * @param {GroupBase} base
	 */
	insertGroup(base) {
		return groups.insertGroup(this, base);
	}

	/**
	 * A phone number's groups, newest first (model/paging.js).
	 * @param {string} phoneId
	 */
	sortedGroups(phoneId) {
		return paging.sortedGroups(this, phoneId);
	}

	/** Makes every cursor handed out so far expire (model/paging.js). */
	expireCursors() {
		paging.expireCursors(this);
	}

	/**
	 * Deterministic groups on a phone number (sim/seed.js).
	 * @param {Parameters<typeof seed>[1]} input
	 */
	seed(input) {
		return seed(this, input);
	}

	/**
	 * A fault rule for the Graph requests that follow (sim/faults.js).
	 * @param {FaultRule} rule
	 */
	addFault(rule) {
		return faults.addFault(this, rule);
	}

	/**
	 * A user opens the invite link (sim/membership.js).
	 * @param {Record<string, unknown>} input
	 */
	simJoin(input) {
		return membership.simJoin(this, input);
	}

	/**
	 * A user asks to join (sim/membership.js).
	 * @param {Record<string, unknown>} input
	 */
	simRequest(input) {
		return membership.simRequest(this, input);
	}

	/**
	 * A user withdraws a pending join request (sim/membership.js).
	 * @param {Record<string, unknown>} input
	 */
	simWithdraw(input) {
		return membership.simWithdraw(this, input);
	}

	/**
	 * A participant leaves (sim/membership.js).
	 * @param {Record<string, unknown>} input
	 */
	simLeave(input) {
		return membership.simLeave(this, input);
	}

	/**
	 * A participant writes in the group (sim/messages.js).
	 * @param {Record<string, unknown>} input
	 */
	simMessage(input) {
		return simMessage(this, input);
	}

	/**
	 * WhatsApp suspends a group, or lifts the suspension (sim/users.js).
	 * @param {string} groupId
	 * @param {boolean} suspended
	 */
	simSuspend(groupId, suspended) {
		return users.simSuspend(this, groupId, suspended);
	}

	/**
	 * POST /<APP_ID>/subscriptions without HTTP (webhooks/destinations.js).
	 * @param {Record<string, unknown>} params
	 */
	subscribeApp(params) {
		return destinations.subscribeApp(this, params);
	}

	// ---------------------------------------------------------------- dump

	/** A JSON-friendly picture of the whole state, for tests and the CLI. */
	dump() {
		return {
			waba: {
				id: this.wabaId,
				name: this.wabaName,
				subscribed_app: this.waba.subscribed,
				override: this.waba.override,
			},
			app: { id: this.appId, subscription: this.appSubscription },
			phone_numbers: [...this.phones.values()],
			groups: [...this.groups.values()].map((g) => ({
				id: g.id,
				phone_number_id: g.phone_number_id,
				subject: g.subject,
				description: g.description,
				join_approval_mode: g.join_approval_mode,
				creation_timestamp: g.creation_timestamp,
				suspended: g.suspended,
				invite_link: inviteLink(g.invite_code),
				participants: g.participants,
				removed: g.removed,
				join_requests: g.join_requests,
				pins: g.pins,
				messages: g.messages,
				profile_picture: g.profile_picture,
				service_window_until: g.service_window_until,
			})),
			messages: [...this.messages.values()],
			requests: [...this.requests.values()],
			faults: this.faults,
			deliveries: {
				total: this.deliveries.length,
				pending: this.deliveries.filter((d) => d.status === 'pending').length,
			},
		};
	}
}

module.exports = { Sandbox };
