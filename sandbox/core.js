// @ts-check
'use strict';

/**
 * The sandbox's state and behaviour, independent of HTTP: groups, participants, join requests,
 * invite links, pins, webhook destinations and the signed delivery of Meta-shaped webhooks.
 * The Graph routes (graph.js) and the control routes (control.js) both call into this.
 */
const crypto = require('node:crypto');
const http = require('node:http');
const https = require('node:https');

const { createRng, randomString, randomDigits, nowSeconds, digitsOnly, delay } = require('./util');
const { waError, itemError, ControlError } = require('./http/errors');
const {
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
} = require('./model/validate');

/** @typedef {import('../nodes/shared/types').JoinApprovalMode} JoinApprovalMode */
/** @typedef {import('../nodes/shared/types').GraphParticipant} GraphParticipant */
/** @typedef {import('../nodes/shared/types').GraphJoinRequest} GraphJoinRequest */
/** @typedef {import('../nodes/shared/types').GraphErrorDetail} GraphErrorDetail */
/** @typedef {import('../nodes/shared/types').WebhookDelivery} WebhookDelivery */
/** @typedef {import('../nodes/shared/types').WebhookChangeValue} WebhookChangeValue */
/** @typedef {import('../nodes/shared/types').WebhookGroupItem} WebhookGroupItem */
/** @typedef {import('../nodes/shared/types').WebhookStatus} WebhookStatus */
/** @typedef {import('../nodes/shared/types').WebhookMessage} WebhookMessage */
/** @typedef {import('../nodes/shared/types').WebhookContact} WebhookContact */
/** @typedef {import('../nodes/shared/types').PhoneNumber} PhoneNumber */
/** @typedef {import('./types').PhoneState} PhoneState */
/** @typedef {import('./types').JoinRequest} JoinRequest */
/** @typedef {import('./types').Group} Group */
/** @typedef {import('./types').FaultRule} FaultRule */
/** @typedef {import('./types').DeliveryRecord} DeliveryRecord */
/** @typedef {import('./types').SandboxOptions} SandboxOptions */

const ALL_FIELDS = [
	'group_lifecycle_update',
	'group_participants_update',
	'group_settings_update',
	'group_status_update',
	'messages',
];

/**
 * Whether a stored participant or join request belongs to this user: by business-scoped user ID
 * when both have one, else by WhatsApp ID (the key rule of Meta's BSUID rollout).
 * @param {{ user_id?: string, wa_id?: string }} user
 * @param {{ user_id?: string, wa_id?: string }} record
 */
function isSameUser(user, record) {
	return Boolean(
		(user.user_id && record.user_id === user.user_id) ||
			(user.wa_id && record.wa_id === user.wa_id),
	);
}

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
		const seed = this.options.seed ?? 'sandbox';
		/** @type {() => number} */
		this.rng = createRng(seed);
		/** @type {() => number} */
		this.faultRng = createRng(`${seed}:faults`);
		this.cursorSecret = crypto.createHash('sha256').update(`cursor:${seed}`).digest();
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
		for (const config of phoneConfigs) {
			this.phones.set(config.id, {
				id: config.id,
				display_phone_number: config.display_phone_number,
				verified_name: config.verified_name ?? 'Sandbox Business',
				quality_rating: config.quality_rating ?? 'GREEN',
				groups_eligible: config.groups_eligible ?? true,
				group_creation_disabled: config.group_creation_disabled ?? false,
				override: null,
			});
		}
		/** @type {Map<string, Group>} */
		this.groups = new Map();
		/** @type {Map<string, string>} invite code → group id */
		this.inviteCodes = new Map();
		/** @type {Map<string, { request_id: string, type: string, group_id?: string, status: string }>} every operation's request_id (create, delete, removal, settings) */
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
		/** @type {DeliveryRecord[]} */
		this.deliveries = [];
		this.deliverySeq = 0;
		this.groupSeq = 0;
		this.cursorEpoch = 0;
		/** Bumped by reset(), so timers of an earlier life do nothing. */
		this.generation = 0;
		/** @type {Map<string, { group_id: string | null, from_business: boolean, to?: string }>} */
		this.messageIndex = new Map();
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

	newInviteCode() {
		return randomString(this.rng, 22);
	}

	newMessageId() {
		return `wamid.${Buffer.from(randomString(this.rng, 30)).toString('base64').replace(/=+$/, '')}`;
	}

	newJoinRequestId() {
		return randomDigits(this.rng, 16);
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

	// ---------------------------------------------------------------- lookups

	/** @param {string} id */
	phone(id) {
		return this.phones.get(id);
	}

	/**
	 * The phone number, eligible for the Groups API.
	 * @param {string} id
	 */
	eligiblePhone(id) {
		const phone = this.phones.get(id);
		if (!phone) throw waError(100, `Unknown phone number ID ${id}`, { subcode: 33 });
		if (!phone.groups_eligible) {
			throw waError(
				131215,
				`Phone number ${phone.display_phone_number} is not eligible for the Groups API`,
			);
		}
		return phone;
	}

	/**
	 * @param {string} id
	 * @returns {Group}
	 */
	group(id) {
		const group = this.groups.get(id);
		if (!group)
			throw waError(131041, `Group ${id} does not exist or the business is not a member of it`);
		return group;
	}

	/** @param {Group} group */
	notSuspended(group) {
		if (group.suspended) throw waError(131207, `Group ${group.id} is suspended`);
	}

	/**
	 * The participant a removal entry names: `user` (phone or WhatsApp ID) or `user_id` (BSUID).
	 * @param {Group} group
	 * @param {{ user?: string, user_id?: string }} ref
	 */
	findParticipant(group, ref) {
		if (ref.user_id) return group.participants.find((p) => p.user_id === ref.user_id);
		const digits = digitsOnly(ref.user ?? '');
		return group.participants.find((p) => p.wa_id !== undefined && p.wa_id === digits);
	}

	/**
	 * @param {{ wa_id?: string, user_id?: string, username?: string }} p
	 * @returns {GraphParticipant}
	 */
	participantRef(p) {
		/** @type {GraphParticipant} */
		const out = {};
		if (p.wa_id) out.wa_id = p.wa_id;
		if (p.user_id) out.user_id = p.user_id;
		if (p.username) out.username = p.username;
		return out;
	}

	/** @param {string} phoneId */
	sortedGroups(phoneId) {
		let list = this.sortedCache.get(phoneId);
		if (!list) {
			list = [...this.groups.values()]
				.filter((g) => g.phone_number_id === phoneId)
				.sort((a, b) => b.creation_timestamp - a.creation_timestamp || b.seq - a.seq);
			this.sortedCache.set(phoneId, list);
		}
		return list;
	}

	/** @param {string} phoneId */
	invalidateSorted(phoneId) {
		this.sortedCache.delete(phoneId);
	}

	// ---------------------------------------------------------------- cursors

	/**
	 * An opaque cursor naming a position in a list, signed so tampering is detected, stamped so it
	 * expires.
	 * @param {string} scope
	 * @param {(string | number)[]} key
	 */
	makeCursor(scope, key) {
		const payload = Buffer.from(
			JSON.stringify({ s: scope, k: key, e: this.cursorEpoch, t: Date.now() }),
		).toString('base64url');
		const mac = crypto
			.createHmac('sha256', this.cursorSecret)
			.update(payload)
			.digest('base64url')
			.slice(0, 16);
		return `${payload}.${mac}`;
	}

	/**
	 * @param {string} scope
	 * @param {string} cursor
	 * @returns {(string | number)[]}
	 */
	readCursor(scope, cursor) {
		const [payload, mac] = String(cursor).split('.');
		const expected = payload
			? crypto
					.createHmac('sha256', this.cursorSecret)
					.update(payload)
					.digest('base64url')
					.slice(0, 16)
			: '';
		if (!payload || mac !== expected)
			throw waError(131059, 'The pagination cursor is invalid. Restart from the first page.');
		/** @type {{ s: string, k: (string | number)[], e: number, t: number }} */
		const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
		if (data.s !== scope)
			throw waError(
				131059,
				'The pagination cursor belongs to another list. Restart from the first page.',
			);
		if (data.e !== this.cursorEpoch || Date.now() - data.t > this.cursorTtlMs) {
			throw waError(131059, 'The pagination cursor has expired. Restart from the first page.');
		}
		return data.k;
	}

	/** Makes every cursor handed out so far expire. */
	expireCursors() {
		this.cursorEpoch += 1;
	}

	/**
	 * Cursor paging over an ordered list.
	 * @template T
	 * @param {T[]} list  in display order
	 * @param {(item: T) => (string | number)[]} keyOf
	 * @param {(a: (string | number)[], b: (string | number)[]) => number} compare  display order of keys
	 * @param {string} scope
	 * @param {{ limit: number, after?: string, before?: string }} query
	 * @param {(params: Record<string, string>) => string} urlFor
	 */
	page(list, keyOf, compare, scope, query, urlFor) {
		let start = 0;
		let end = list.length;
		if (query.after) {
			const key = this.readCursor(scope, query.after);
			start = lowerBound(list, (item) => compare(keyOf(item), key) <= 0);
			end = Math.min(list.length, start + query.limit);
		} else if (query.before) {
			const key = this.readCursor(scope, query.before);
			end = lowerBound(list, (item) => compare(keyOf(item), key) < 0);
			start = Math.max(0, end - query.limit);
		} else {
			end = Math.min(list.length, query.limit);
		}
		const items = list.slice(start, end);
		if (items.length === 0) return { items, paging: undefined };
		const before = this.makeCursor(scope, keyOf(items[0]));
		const after = this.makeCursor(scope, keyOf(items[items.length - 1]));
		/** @type {import('../nodes/shared/types').GraphPaging} */
		const paging = { cursors: { before, after } };
		if (end < list.length) paging.next = urlFor({ limit: String(query.limit), after });
		if (start > 0) paging.previous = urlFor({ limit: String(query.limit), before });
		return { items, paging };
	}

	// ---------------------------------------------------------------- groups

	/**
	 * POST /<PHONE_NUMBER_ID>/groups: validates, answers a request id, creates the group later.
	 * @param {string} phoneId
	 * @param {{ subject?: unknown, description?: unknown, join_approval_mode?: unknown }} input
	 * @param {{ partial?: boolean }} [ctx]
	 * @returns {import('../nodes/shared/types').CreateGroupResponse}
	 */
	createGroup(phoneId, input, ctx = {}) {
		const phone = this.eligiblePhone(phoneId);
		if (phone.group_creation_disabled) {
			throw waError(
				131214,
				'Group creation is disabled for 7 days: too many marketing messages were sent in service windows',
			);
		}
		const subject = checkSubject(input.subject, true);
		const description = checkDescription(input.description);
		const mode = input.join_approval_mode ?? 'auto_approve';
		if (mode !== 'auto_approve' && mode !== 'approval_required') {
			throw waError(100, 'join_approval_mode must be auto_approve or approval_required');
		}
		if (this.sortedGroups(phoneId).length >= MAX_GROUPS_PER_NUMBER) {
			throw waError(
				131211,
				`Phone number ${phone.display_phone_number} already has ${MAX_GROUPS_PER_NUMBER} groups`,
			);
		}
		const requestId = this.newRequestId();
		const groupId = this.newGroupId();
		this.requests.set(requestId, {
			request_id: requestId,
			type: 'group_create',
			status: 'pending',
		});
		const fail = Boolean(ctx.partial);
		this.later(this.asyncDelayMs, () => {
			const request = this.requests.get(requestId);
			if (!request) return;
			if (fail) {
				request.status = 'failed';
				this.emitGroups(phoneId, 'group_lifecycle_update', [
					{
						timestamp: String(nowSeconds()),
						type: 'group_create',
						subject,
						description,
						request_id: requestId,
						group_id: groupId,
						errors: [itemError(131000, 'Group creation failed (fault injected by the sandbox)')],
					},
				]);
				return;
			}
			const group = this.insertGroup({
				id: groupId,
				phone_number_id: phoneId,
				subject,
				description,
				join_approval_mode: /** @type {JoinApprovalMode} */ (mode),
				creation_timestamp: nowSeconds(),
			});
			request.status = 'done';
			request.group_id = group.id;
			this.emitGroups(phoneId, 'group_lifecycle_update', [
				{
					timestamp: String(group.creation_timestamp),
					group_id: group.id,
					type: 'group_create',
					request_id: requestId,
					subject: group.subject,
					invite_link: inviteLink(group.invite_code),
					join_approval_mode: group.join_approval_mode,
				},
			]);
		});
		return { messaging_product: 'whatsapp', request_id: requestId };
	}

	/**
	 * @param {{ id: string, phone_number_id: string, subject: string, description: string, join_approval_mode: JoinApprovalMode, creation_timestamp: number }} base
	 * @returns {Group}
	 */
	insertGroup(base) {
		/** @type {Group} */
		const group = {
			...base,
			suspended: false,
			participants: [],
			removed: [],
			invite_code: this.newInviteCode(),
			old_invite_codes: [],
			join_requests: [],
			pins: [],
			messages: [],
			profile_picture: null,
			service_window_until: 0,
			seq: ++this.groupSeq,
		};
		this.groups.set(group.id, group);
		this.inviteCodes.set(group.invite_code, group.id);
		this.invalidateSorted(group.phone_number_id);
		return group;
	}

	/**
	 * DELETE /<GROUP_ID>
	 * @param {string} groupId
	 * @param {{ partial?: boolean }} [ctx]
	 * @returns {import('../nodes/shared/types').SuccessResponse}
	 */
	deleteGroup(groupId, ctx = {}) {
		const group = this.group(groupId);
		const requestId = this.newRequestId();
		const fail = Boolean(ctx.partial);
		this.requests.set(requestId, {
			request_id: requestId,
			type: 'group_delete',
			group_id: group.id,
			status: fail ? 'failed' : 'done',
		});
		if (!fail) this.removeGroup(group);
		this.later(this.asyncDelayMs, () => {
			/** @type {WebhookGroupItem} */
			const item = {
				timestamp: String(nowSeconds()),
				group_id: group.id,
				type: 'group_delete',
				request_id: requestId,
			};
			if (fail)
				item.errors = [itemError(131000, 'Group deletion failed (fault injected by the sandbox)')];
			this.emitGroups(group.phone_number_id, 'group_lifecycle_update', [item]);
		});
		return { success: true };
	}

	/** @param {Group} group */
	removeGroup(group) {
		this.groups.delete(group.id);
		this.inviteCodes.delete(group.invite_code);
		this.invalidateSorted(group.phone_number_id);
	}

	/**
	 * GET /<GROUP_ID>?fields=…
	 * @param {string} groupId
	 * @param {string[]} fields
	 * @returns {import('../nodes/shared/types').GroupInfoResponse}
	 */
	groupInfo(groupId, fields) {
		const group = this.group(groupId);
		if (fields.length === 0) return { id: group.id };
		/** @type {import('../nodes/shared/types').GroupInfoResponse} */
		const out = { messaging_product: 'whatsapp', id: group.id };
		for (const field of fields) {
			switch (field) {
				case 'id':
					break;
				case 'subject':
					out.subject = group.subject;
					break;
				case 'description':
					out.description = group.description;
					break;
				case 'participants':
					out.participants = group.participants.map((p) => this.participantRef(p));
					break;
				case 'join_approval_mode':
					out.join_approval_mode = group.join_approval_mode;
					break;
				case 'suspended':
					out.suspended = group.suspended;
					break;
				case 'creation_timestamp':
					out.creation_timestamp = group.creation_timestamp;
					break;
				case 'total_participant_count':
					out.total_participant_count = group.participants.length;
					break;
				default:
					throw waError(
						100,
						`Tried accessing nonexisting field (${field}) on node type (WhatsAppGroup)`,
						{
							message: `Tried accessing nonexisting field (${field}) on node type (WhatsAppGroup)`,
						},
					);
			}
		}
		return out;
	}

	/**
	 * GET /<PHONE_NUMBER_ID>/groups
	 * @param {string} phoneId
	 * @param {{ limit?: unknown, after?: unknown, before?: unknown }} query
	 * @param {string} version
	 * @returns {import('../nodes/shared/types').ActiveGroupsResponse}
	 */
	activeGroups(phoneId, query, version) {
		this.eligiblePhone(phoneId);
		const limit = checkLimit(query.limit, 25, 1024);
		const list = this.sortedGroups(phoneId);
		const { items, paging } = this.page(
			list,
			(g) => [g.creation_timestamp, g.seq],
			(a, b) => Number(b[0]) - Number(a[0]) || Number(b[1]) - Number(a[1]),
			`groups:${phoneId}`,
			{ limit, after: optString(query.after), before: optString(query.before) },
			(params) => `${this.baseUrl}/${version}/${phoneId}/groups?${new URLSearchParams(params)}`,
		);
		/** @type {import('../nodes/shared/types').ActiveGroupsResponse} */
		const out = {
			data: {
				groups: items.map((g) => ({
					id: g.id,
					subject: g.subject,
					created_at: g.creation_timestamp,
				})),
			},
		};
		if (paging) out.paging = paging;
		return out;
	}

	/**
	 * GET /<GROUP_ID>/invite_link
	 * @param {string} groupId
	 * @returns {import('../nodes/shared/types').InviteLinkResponse}
	 */
	getInviteLink(groupId) {
		const group = this.group(groupId);
		this.notSuspended(group);
		return { messaging_product: 'whatsapp', invite_link: inviteLink(group.invite_code) };
	}

	/**
	 * POST /<GROUP_ID>/invite_link: a new link; every earlier one stops working.
	 * @param {string} groupId
	 * @returns {import('../nodes/shared/types').InviteLinkResponse}
	 */
	resetInviteLink(groupId) {
		const group = this.group(groupId);
		this.notSuspended(group);
		this.inviteCodes.delete(group.invite_code);
		group.old_invite_codes.push(group.invite_code);
		group.invite_code = this.newInviteCode();
		this.inviteCodes.set(group.invite_code, group.id);
		return { messaging_product: 'whatsapp', invite_link: inviteLink(group.invite_code) };
	}

	/**
	 * GET /<GROUP_ID>/join_requests
	 * @param {string} groupId
	 * @param {{ limit?: unknown, after?: unknown, before?: unknown }} query
	 * @param {string} version
	 * @returns {import('../nodes/shared/types').JoinRequestsResponse}
	 */
	listJoinRequests(groupId, query, version) {
		const group = this.group(groupId);
		const limit = checkLimit(query.limit, 25, 1024);
		const { items, paging } = this.page(
			group.join_requests,
			(r) => [r.seq],
			(a, b) => Number(a[0]) - Number(b[0]),
			`join_requests:${groupId}`,
			{ limit, after: optString(query.after), before: optString(query.before) },
			(params) =>
				`${this.baseUrl}/${version}/${groupId}/join_requests?${new URLSearchParams(params)}`,
		);
		/** @type {import('../nodes/shared/types').JoinRequestsResponse} */
		const out = {
			data: items.map((r) => {
				/** @type {GraphJoinRequest} */
				const item = {
					join_request_id: r.join_request_id,
					...this.participantRef(r),
					creation_timestamp: r.creation_timestamp,
				};
				return item;
			}),
		};
		if (paging) out.paging = paging;
		return out;
	}

	/**
	 * POST (approve) or DELETE (reject) /<GROUP_ID>/join_requests
	 * @param {string} groupId
	 * @param {unknown} ids
	 * @param {'approve' | 'reject'} action
	 * @param {{ partial?: boolean }} [ctx]
	 * @returns {import('../nodes/shared/types').JoinRequestsActionResponse}
	 */
	actOnJoinRequests(groupId, ids, action, ctx = {}) {
		const group = this.group(groupId);
		if (action === 'approve') this.notSuspended(group);
		const list = checkIdList(ids, 'join_requests');
		/** @type {string[]} */
		const done = [];
		/** @type {import('../nodes/shared/types').FailedJoinRequest[]} */
		const failed = [];
		/** @type {JoinRequest[]} */
		const added = [];
		list.forEach((id, index) => {
			const request = group.join_requests.find((r) => r.join_request_id === id);
			if (!request) {
				failed.push({
					join_request_id: id,
					errors: [itemError(131213, `Join request ${id} does not exist`)],
				});
				return;
			}
			if (ctx.partial && index === list.length - 1) {
				const code = action === 'approve' ? 131203 : 131000;
				failed.push({
					join_request_id: id,
					errors: [itemError(code, 'Failed (fault injected by the sandbox)')],
				});
				return;
			}
			if (action === 'approve' && group.participants.length >= MAX_PARTICIPANTS) {
				failed.push({
					join_request_id: id,
					errors: [itemError(131204, `The group already has ${MAX_PARTICIPANTS} participants`)],
				});
				return;
			}
			group.join_requests = group.join_requests.filter((r) => r !== request);
			if (action === 'approve') {
				group.participants.push({
					wa_id: request.wa_id,
					user_id: request.user_id,
					username: request.username,
					name: request.name,
					joined_at: nowSeconds(),
				});
				added.push(request);
			}
			done.push(id);
		});
		if (added.length > 0) {
			this.later(this.asyncDelayMs, () => {
				this.emitGroups(group.phone_number_id, 'group_participants_update', [
					{
						timestamp: String(nowSeconds()),
						group_id: group.id,
						type: 'group_participants_add',
						reason: 'invite_link',
						added_participants: added.map((r) => ({
							input: r.wa_id ?? r.user_id,
							...this.participantRef(r),
						})),
					},
				]);
			});
		}
		/** @type {import('../nodes/shared/types').JoinRequestsActionResponse} */
		const out = { messaging_product: 'whatsapp' };
		if (action === 'approve') out.approved_join_requests = done;
		else out.rejected_join_requests = done;
		if (failed.length > 0) out.failed_join_requests = failed;
		return out;
	}

	/**
	 * DELETE /<GROUP_ID>/participants
	 * @param {string} groupId
	 * @param {unknown} participants
	 * @param {{ partial?: boolean }} [ctx]
	 * @returns {{ status: number, body: import('../nodes/shared/types').RemoveParticipantsResponse }}
	 */
	removeParticipants(groupId, participants, ctx = {}) {
		const group = this.group(groupId);
		this.notSuspended(group);
		if (!Array.isArray(participants) || participants.length === 0) {
			throw waError(100, 'participants must be a non-empty array of {user} or {user_id}');
		}
		if (participants.length > MAX_PARTICIPANTS) {
			throw waError(100, `participants takes at most ${MAX_PARTICIPANTS} entries`);
		}
		/** @type {{ input: string, ref: { user?: string, user_id?: string } }[]} */
		const refs = [];
		const seen = new Set();
		for (const entry of participants) {
			const ref =
				entry && typeof entry === 'object'
					? /** @type {{ user?: unknown, user_id?: unknown }} */ (entry)
					: {};
			const user = typeof ref.user === 'string' && ref.user.trim() ? ref.user.trim() : undefined;
			const userId =
				typeof ref.user_id === 'string' && ref.user_id.trim() ? ref.user_id.trim() : undefined;
			if ((user === undefined) === (userId === undefined)) {
				throw waError(
					100,
					'each participant needs exactly one of user (phone number or WhatsApp ID) or user_id',
				);
			}
			const key = userId ? `id:${userId}` : `wa:${digitsOnly(user ?? '')}`;
			if (seen.has(key))
				throw waError(131202, `Participant ${user ?? userId} appears more than once`);
			seen.add(key);
			refs.push({
				input: /** @type {string} */ (user ?? userId),
				ref: userId ? { user_id: userId } : { user },
			});
		}
		/** @type {{ input: string }[]} */
		const removed = [];
		/** @type {{ input: string, errors: GraphErrorDetail[] }[]} */
		const failed = [];
		refs.forEach(({ input, ref }, index) => {
			const participant = this.findParticipant(group, ref);
			if (!participant) {
				failed.push({
					input,
					errors: [itemError(131212, `${input} is not a participant of the group`)],
				});
				return;
			}
			if (ctx.partial && index === refs.length - 1) {
				failed.push({
					input,
					errors: [itemError(131000, 'Removal failed (fault injected by the sandbox)')],
				});
				return;
			}
			group.participants = group.participants.filter((p) => p !== participant);
			for (const key of [participant.wa_id, participant.user_id]) {
				if (key && !group.removed.includes(key)) group.removed.push(key);
			}
			removed.push({ input });
		});
		const requestId = this.newRequestId();
		this.requests.set(requestId, {
			request_id: requestId,
			type: 'group_participants_remove',
			group_id: group.id,
			status: failed.length === 0 ? 'done' : removed.length === 0 ? 'failed' : 'partial',
		});
		/** @type {WebhookGroupItem} */
		const item = {
			timestamp: String(nowSeconds()),
			group_id: group.id,
			type: 'group_participants_remove',
			request_id: requestId,
			initiated_by: 'business',
		};
		if (removed.length > 0) item.removed_participants = removed;
		if (failed.length > 0) item.failed_participants = failed;
		if (failed.length > 0 && removed.length > 0) {
			item.errors = [
				itemError(
					131201,
					`${failed.length} of ${refs.length} participants were not removed`,
					'Failed to remove some participants from the group',
				),
			];
		} else if (failed.length > 0) {
			item.errors = [failed[0].errors[0]];
		}
		this.later(this.asyncDelayMs, () =>
			this.emitGroups(group.phone_number_id, 'group_participants_update', [item]),
		);
		if (failed.length === 0) return { status: 200, body: { success: true } };
		if (removed.length === 0) {
			const code = Number(failed[0].errors[0].code);
			throw waError(
				code,
				failed
					.map(
						(f) =>
							`${f.input}: ${f.errors[0].error_data && typeof f.errors[0].error_data === 'object' ? f.errors[0].error_data.details : ''}`,
					)
					.join('; '),
			);
		}
		const partial = waError(
			131201,
			`${failed.length} of ${refs.length} participants were not removed`,
		);
		return {
			status: 206,
			body: {
				error: partial.error,
				messaging_product: 'whatsapp',
				removed_participants: removed,
				failed_participants: failed,
			},
		};
	}

	/**
	 * POST /<GROUP_ID>: subject, description and/or profile picture.
	 * @param {string} groupId
	 * @param {{ subject?: unknown, description?: unknown }} input
	 * @param {{ data: Buffer, contentType?: string } | undefined} picture
	 * @param {{ partial?: boolean }} [ctx]
	 * @returns {import('../nodes/shared/types').SuccessResponse}
	 */
	updateSettings(groupId, input, picture, ctx = {}) {
		const group = this.group(groupId);
		this.notSuspended(group);
		const subject = input.subject !== undefined ? checkSubject(input.subject, true) : undefined;
		const description =
			input.description !== undefined ? checkDescription(input.description) : undefined;
		/** @type {{ sha256: string, mime_type: string, width: number, height: number } | undefined} */
		let pictureInfo;
		if (picture) pictureInfo = checkPicture(picture.data, picture.contentType);
		if (subject === undefined && description === undefined && !pictureInfo) {
			throw waError(100, 'Nothing to update: send subject, description, or a profile picture');
		}
		const parts = [
			subject !== undefined ? 'subject' : '',
			description !== undefined ? 'description' : '',
			pictureInfo ? 'picture' : '',
		].filter(Boolean);
		// An injected partial failure fails the last part of the update (all of it when only one).
		const failing = ctx.partial ? parts[parts.length - 1] : undefined;
		const failure = () => [itemError(131000, 'Update failed (fault injected by the sandbox)')];
		const requestId = this.newRequestId();
		this.requests.set(requestId, {
			request_id: requestId,
			type: 'group_settings_update',
			group_id: group.id,
			status: failing ? 'partial' : 'done',
		});
		/** @type {WebhookGroupItem} */
		const item = {
			timestamp: String(nowSeconds()),
			group_id: group.id,
			type: 'group_settings_update',
			request_id: requestId,
		};
		if (pictureInfo) {
			const ok = failing !== 'picture';
			if (ok) group.profile_picture = pictureInfo;
			item.profile_picture = {
				mime_type: 'image/jpeg',
				sha256: pictureInfo.sha256,
				update_successful: ok,
			};
			if (!ok) item.profile_picture.errors = failure();
		}
		if (subject !== undefined) {
			const ok = failing !== 'subject';
			if (ok) group.subject = subject;
			item.group_subject = { text: subject, update_successful: ok };
			if (!ok) item.group_subject.errors = failure();
		}
		if (description !== undefined) {
			const ok = failing !== 'description';
			if (ok) group.description = description;
			item.group_description = { text: description, update_successful: ok };
			if (!ok) item.group_description.errors = failure();
		}
		if (failing) item.errors = failure();
		this.later(this.asyncDelayMs, () =>
			this.emitGroups(group.phone_number_id, 'group_settings_update', [item]),
		);
		return { success: true };
	}

	// ---------------------------------------------------------------- messages

	/**
	 * POST /<PHONE_NUMBER_ID>/messages
	 * @param {string} phoneId
	 * @param {Record<string, unknown>} body
	 * @param {{ partial?: boolean }} [ctx]
	 * @returns {import('../nodes/shared/types').SendMessageResponse}
	 */
	sendMessage(phoneId, body, ctx = {}) {
		const phone = this.phone(phoneId);
		if (!phone) throw waError(100, `Unknown phone number ID ${phoneId}`, { subcode: 33 });
		const to = optString(body.to);
		if (!to) throw waError(100, 'The parameter to is required');
		const type = optString(body.type) ?? 'text';
		const recipientType = optString(body.recipient_type) ?? 'individual';
		if (recipientType !== 'group') {
			if (recipientType !== 'individual')
				throw waError(100, 'recipient_type must be individual or group');
			return this.sendIndividual(phone, to, type, body);
		}
		if (!phone.groups_eligible) this.eligiblePhone(phoneId);
		const group = this.groups.get(to);
		if (!group || group.phone_number_id !== phoneId) {
			throw waError(
				131041,
				`Group ${to} does not exist or the business number ${phone.display_phone_number} is not a member of it`,
			);
		}
		this.notSuspended(group);
		if (type === 'pin') return this.pin(phone, group, body.pin);
		const allowed = ['text', 'image', 'video', 'audio', 'document', 'sticker', 'template'];
		if (!allowed.includes(type)) {
			throw waError(
				131009,
				`Message type ${type} is not supported in groups. Supported: ${allowed.join(', ')}`,
			);
		}
		checkMessageContent(type, body[type]);
		if (group.participants.length === 0) {
			throw waError(131020, `Group ${group.id} has no participant besides the business`);
		}
		const id = this.newMessageId();
		group.messages.push(id);
		this.messageIndex.set(id, { group_id: group.id, from_business: true });
		const now = nowSeconds();
		const inWindow = group.service_window_until > now;
		/** @type {import('../nodes/shared/types').WebhookPricing} */
		const pricing =
			type === 'template'
				? { billable: true, pricing_model: 'PMP', type: 'regular', category: 'group_utility' }
				: {
						billable: !inWindow,
						pricing_model: 'PMP',
						type: inWindow ? 'free_group_customer_service' : 'regular',
						category: 'group_service',
					};
		this.scheduleStatuses(phone.id, id, group, pricing, Boolean(ctx.partial));
		return {
			messaging_product: 'whatsapp',
			contacts: [{ input: group.id, wa_id: group.id }],
			messages: [{ id }],
		};
	}

	/**
	 * A 1:1 message (for example the invite-link template to a user).
	 * @param {PhoneState} phone
	 * @param {string} to
	 * @param {string} type
	 * @param {Record<string, unknown>} body
	 * @returns {import('../nodes/shared/types').SendMessageResponse}
	 */
	sendIndividual(phone, to, type, body) {
		const allowed = [
			'text',
			'image',
			'video',
			'audio',
			'document',
			'sticker',
			'template',
			'interactive',
			'location',
			'contacts',
			'reaction',
		];
		if (!allowed.includes(type)) throw waError(131009, `Unknown message type ${type}`);
		if (['text', 'image', 'video', 'audio', 'document', 'sticker', 'template'].includes(type))
			checkMessageContent(type, body[type]);
		const waId = digitsOnly(to);
		if (!waId) throw waError(100, 'to must be a phone number for individual messages');
		const id = this.newMessageId();
		this.messageIndex.set(id, { group_id: null, from_business: true, to: waId });
		const category = type === 'template' ? 'utility' : 'service';
		this.later(this.statusDelayMs, () =>
			this.emitMessages(phone.id, {
				statuses: [{ id, status: 'sent', timestamp: String(nowSeconds()), recipient_id: waId }],
			}),
		);
		this.later(this.statusDelayMs * 2, () =>
			this.emitMessages(phone.id, {
				statuses: [
					{
						id,
						status: 'delivered',
						timestamp: String(nowSeconds()),
						recipient_id: waId,
						pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category },
					},
				],
			}),
		);
		return {
			messaging_product: 'whatsapp',
			contacts: [{ input: to, wa_id: waId }],
			messages: [{ id }],
		};
	}

	/**
	 * sent (whole group), then delivered and read (one status per participant, aggregated).
	 * @param {string} phoneId
	 * @param {string} id
	 * @param {Group} group
	 * @param {import('../nodes/shared/types').WebhookPricing} pricing
	 * @param {boolean} [partial]
	 */
	scheduleStatuses(phoneId, id, group, pricing, partial = false) {
		const all = group.participants.map((p) => ({ ...p }));
		// An injected partial failure: the last participant never gets the message.
		const recipients = partial ? all.slice(0, -1) : all;
		this.later(this.statusDelayMs, () =>
			this.emitMessages(phoneId, {
				statuses: [
					{
						id,
						status: 'sent',
						timestamp: String(nowSeconds()),
						recipient_id: group.id,
						recipient_type: 'group',
					},
				],
			}),
		);
		for (const [step, status] of /** @type {const} */ ([
			[2, 'delivered'],
			[3, 'read'],
		])) {
			if (recipients.length === 0) break;
			this.later(this.statusDelayMs * step, () =>
				this.emitMessages(phoneId, {
					statuses: recipients.map((p) => {
						/** @type {WebhookStatus} */
						const s = {
							id,
							status,
							timestamp: String(nowSeconds()),
							recipient_id: group.id,
							recipient_type: 'group',
						};
						if (p.wa_id) s.recipient_participant_id = p.wa_id;
						if (p.user_id) s.recipient_participant_user_id = p.user_id;
						s.pricing = { ...pricing };
						return s;
					}),
				}),
			);
		}
		if (partial) {
			const missed = all[all.length - 1];
			this.later(this.statusDelayMs * 2, () =>
				this.emitMessages(phoneId, {
					statuses: [
						{
							id,
							recipient_id: group.id,
							recipient_type: 'group',
							status: 'failed',
							timestamp: String(nowSeconds()),
							errors: [
								itemError(
									131000,
									`Message not delivered to ${missed?.wa_id ?? missed?.user_id ?? 'a participant'} (fault injected by the sandbox)`,
								),
							],
						},
					],
				}),
			);
		}
	}

	/**
	 * Pin or unpin a message; at most three pins, the oldest is unpinned automatically.
	 * @param {PhoneState} phone
	 * @param {Group} group
	 * @param {unknown} pinInput
	 * @returns {import('../nodes/shared/types').SendMessageResponse}
	 */
	pin(phone, group, pinInput) {
		const pin =
			pinInput && typeof pinInput === 'object'
				? /** @type {Record<string, unknown>} */ (pinInput)
				: undefined;
		if (!pin) throw waError(100, 'The parameter pin is required for type pin');
		const action = pin.type;
		const messageId = optString(pin.message_id);
		if (action !== 'pin' && action !== 'unpin') throw waError(100, 'pin.type must be pin or unpin');
		if (!messageId) throw waError(100, 'pin.message_id is required');
		if (!group.messages.includes(messageId)) {
			throw waError(131009, `Message ${messageId} is not a message of group ${group.id}`);
		}
		const now = nowSeconds();
		group.pins = group.pins.filter((p) => p.expires_at > now);
		if (action === 'pin') {
			const days = Number(pin.expiration_days);
			if (pin.expiration_days === undefined || !Number.isInteger(days) || days < 1 || days > 30) {
				throw waError(100, 'pin.expiration_days must be an integer from 1 to 30');
			}
			group.pins = group.pins.filter((p) => p.message_id !== messageId);
			group.pins.push({ message_id: messageId, pinned_at: now, expires_at: now + days * 86400 });
			while (group.pins.length > MAX_PINS) group.pins.shift();
		} else {
			if (pin.expiration_days !== undefined)
				throw waError(100, 'pin.expiration_days is only allowed with type pin');
			if (!group.pins.some((p) => p.message_id === messageId)) {
				throw waError(131009, `Message ${messageId} is not pinned`);
			}
			group.pins = group.pins.filter((p) => p.message_id !== messageId);
		}
		const id = this.newMessageId();
		this.messageIndex.set(id, { group_id: group.id, from_business: true });
		this.later(this.statusDelayMs, () =>
			this.emitMessages(phone.id, {
				statuses: [
					{
						id,
						status: 'sent',
						timestamp: String(nowSeconds()),
						recipient_id: group.id,
						recipient_type: 'group',
					},
				],
			}),
		);
		return {
			messaging_product: 'whatsapp',
			contacts: [{ input: group.id, wa_id: group.id }],
			messages: [{ id }],
		};
	}

	// ---------------------------------------------------------------- simulated WhatsApp users

	/**
	 * @param {{ phone?: unknown, wa_id?: unknown, user_id?: unknown, username?: unknown, name?: unknown, hide_phone?: unknown }} input
	 */
	simUser(input) {
		const waId = digitsOnly(String(input.wa_id ?? input.phone ?? ''));
		const userId = optString(input.user_id);
		if (!waId && !userId) throw new ControlError(400, 'phone (or wa_id) or user_id is required');
		/** @type {{ wa_id?: string, user_id?: string, username?: string, name: string }} */
		const user = { name: optString(input.name) ?? `User ${waId ? waId.slice(-4) : userId}` };
		if (waId && !(input.hide_phone && userId)) user.wa_id = waId;
		if (userId) user.user_id = userId;
		const username = optString(input.username);
		if (username) user.username = username;
		return user;
	}

	/**
	 * @param {{ group_id?: unknown, invite_link?: unknown }} input
	 * @param {boolean} viaLink
	 */
	simGroup(input, viaLink) {
		const link = optString(input.invite_link);
		if (link) {
			const code = link.replace(/^https?:\/\/chat\.whatsapp\.com\//, '').replace(/\/.*$/, '');
			const groupId = this.inviteCodes.get(code);
			if (!groupId)
				throw new ControlError(
					404,
					`The invite link ${link} is not valid (reset, or the group was deleted)`,
				);
			return /** @type {Group} */ (this.groups.get(groupId));
		}
		const groupId = optString(input.group_id);
		if (!groupId)
			throw new ControlError(
				400,
				viaLink ? 'invite_link or group_id is required' : 'group_id is required',
			);
		const group = this.groups.get(groupId);
		if (!group) throw new ControlError(404, `No group ${groupId}`);
		return group;
	}

	/**
	 * @param {Group} group
	 * @param {{ wa_id?: string, user_id?: string }} user
	 */
	isMember(group, user) {
		return group.participants.some((p) => isSameUser(user, p));
	}

	/**
	 * A user opens the invite link: joins at once (auto_approve) or asks to join (approval_required).
	 * @param {Record<string, unknown>} input
	 */
	simJoin(input) {
		const group = this.simGroup(input, true);
		const user = this.simUser(input);
		if (group.suspended) throw new ControlError(409, 'The group is suspended');
		if (this.isMember(group, user)) throw new ControlError(409, 'Already a participant');
		if (
			(user.user_id && group.removed.includes(user.user_id)) ||
			(user.wa_id && group.removed.includes(user.wa_id))
		) {
			throw new ControlError(
				403,
				'The business removed this user; the invite link no longer works for them',
			);
		}
		if (group.join_approval_mode === 'approval_required' || input.request === true)
			return this.createJoinRequest(group, user);
		if (group.participants.length >= MAX_PARTICIPANTS)
			throw new ControlError(409, `The group is full (${MAX_PARTICIPANTS} participants)`);
		group.participants.push({ ...user, joined_at: nowSeconds() });
		this.emitGroups(group.phone_number_id, 'group_participants_update', [
			{
				timestamp: String(nowSeconds()),
				group_id: group.id,
				type: 'group_participants_add',
				reason: 'invite_link',
				added_participants: [this.participantRef(user)],
			},
		]);
		return { group_id: group.id, joined: true };
	}

	/**
	 * @param {Group} group
	 * @param {{ wa_id?: string, user_id?: string, username?: string, name: string }} user
	 */
	createJoinRequest(group, user) {
		const existing = group.join_requests.find((r) => isSameUser(user, r));
		if (existing)
			throw new ControlError(409, `A join request is already pending: ${existing.join_request_id}`);
		/** @type {JoinRequest} */
		const request = {
			join_request_id: this.newJoinRequestId(),
			...user,
			creation_timestamp: nowSeconds(),
			seq: ++this.groupSeq,
		};
		group.join_requests.push(request);
		this.emitGroups(group.phone_number_id, 'group_participants_update', [
			{
				timestamp: String(nowSeconds()),
				group_id: group.id,
				type: 'group_join_request_created',
				reason: 'invite_link',
				join_request_id: request.join_request_id,
				...this.participantRef(user),
			},
		]);
		return { group_id: group.id, joined: false, join_request_id: request.join_request_id };
	}

	/**
	 * A user asks to join (always a join request, whatever the group's mode).
	 * @param {Record<string, unknown>} input
	 */
	simRequest(input) {
		return this.simJoin({ ...input, request: true });
	}

	/**
	 * A user withdraws a pending join request.
	 * @param {Record<string, unknown>} input
	 */
	simWithdraw(input) {
		const group = this.simGroup(input, false);
		const user = this.simUser(input);
		const request = group.join_requests.find((r) => isSameUser(user, r));
		if (!request) throw new ControlError(404, 'No pending join request from this user');
		group.join_requests = group.join_requests.filter((r) => r !== request);
		this.emitGroups(group.phone_number_id, 'group_participants_update', [
			{
				timestamp: String(nowSeconds()),
				group_id: group.id,
				type: 'group_join_request_revoked',
				reason: 'user_revoked',
				join_request_id: request.join_request_id,
				...this.participantRef(request),
			},
		]);
		return { group_id: group.id, join_request_id: request.join_request_id, revoked: true };
	}

	/**
	 * A participant leaves.
	 * @param {Record<string, unknown>} input
	 */
	simLeave(input) {
		const group = this.simGroup(input, false);
		const user = this.simUser(input);
		const participant = group.participants.find((p) => isSameUser(user, p));
		if (!participant) throw new ControlError(404, 'Not a participant of this group');
		group.participants = group.participants.filter((p) => p !== participant);
		this.emitGroups(group.phone_number_id, 'group_participants_update', [
			{
				timestamp: String(nowSeconds()),
				group_id: group.id,
				type: 'group_participants_remove',
				removed_participants: [this.participantRef(participant)],
				initiated_by: 'participant',
			},
		]);
		return { group_id: group.id, left: true };
	}

	/**
	 * A participant writes in the group: a messages webhook with contacts and group_id.
	 * @param {Record<string, unknown>} input
	 */
	simMessage(input) {
		const group = this.simGroup(input, false);
		const user = this.simUser(input);
		const participant = group.participants.find((p) => isSameUser(user, p));
		if (!participant) throw new ControlError(404, 'Only participants can write in the group');
		const type = optString(input.type) ?? 'text';
		const id = this.newMessageId();
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
			/** @type {import('../nodes/shared/types').WebhookMedia} */
			const media = {
				id: randomDigits(this.rng, 16),
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
		this.messageIndex.set(id, { group_id: group.id, from_business: false });
		group.service_window_until = now + SERVICE_WINDOW_SECONDS;
		/** @type {WebhookContact} */
		const contact = { profile: { name: participant.name } };
		if (participant.wa_id) contact.wa_id = participant.wa_id;
		if (participant.user_id) contact.user_id = participant.user_id;
		if (participant.username) contact.username = participant.username;
		this.emitMessages(group.phone_number_id, { contacts: [contact], messages: [message] });
		return { group_id: group.id, message_id: id };
	}

	/**
	 * WhatsApp suspends a group, or lifts the suspension.
	 * @param {string} groupId
	 * @param {boolean} suspended
	 */
	simSuspend(groupId, suspended) {
		const group = this.groups.get(groupId);
		if (!group) throw new ControlError(404, `No group ${groupId}`);
		if (group.suspended === suspended)
			throw new ControlError(409, suspended ? 'Already suspended' : 'Not suspended');
		group.suspended = suspended;
		this.emitGroups(group.phone_number_id, 'group_status_update', [
			{
				timestamp: String(nowSeconds()),
				type: suspended ? 'group_suspend' : 'group_suspend_cleared',
				group_id: group.id,
			},
		]);
		return { group_id: group.id, suspended };
	}

	// ---------------------------------------------------------------- seeding

	/**
	 * Fills a phone number with `count` groups, deterministically from `seed`: same seed, same
	 * ids, subjects, participants and times. Replaces the number's groups unless `append`.
	 * @param {{ count: number, seed?: string | number, phone_number_id?: string, epoch?: number, append?: boolean }} input
	 */
	seed(input) {
		const count = Number(input.count);
		const phoneId = input.phone_number_id ?? [...this.phones.keys()][0];
		const phone = this.phones.get(phoneId);
		if (!phone) throw new ControlError(400, `Unknown phone number ${phoneId}`);
		if (!Number.isInteger(count) || count < 0 || count > MAX_GROUPS_PER_NUMBER) {
			throw new ControlError(400, `count must be an integer from 0 to ${MAX_GROUPS_PER_NUMBER}`);
		}
		if (!input.append) {
			for (const group of [...this.groups.values()])
				if (group.phone_number_id === phoneId) this.removeGroup(group);
		}
		if (this.sortedGroups(phoneId).length + count > MAX_GROUPS_PER_NUMBER) {
			throw new ControlError(400, `A phone number holds at most ${MAX_GROUPS_PER_NUMBER} groups`);
		}
		const seed = input.seed ?? 'seed';
		const rng = createRng(`${seed}:${phoneId}`);
		const epoch = input.epoch ?? 1767225600; // 2026-01-01T00:00:00Z
		const width = String(count).length;
		const mainRng = this.rng;
		this.rng = rng;
		try {
			for (let i = 0; i < count; i++) {
				const group = this.insertGroup({
					id: this.newGroupId(),
					phone_number_id: phoneId,
					subject: `Seeded group ${String(i + 1).padStart(width, '0')}`,
					description: rng() < 0.5 ? '' : `Deterministic test group ${i + 1} (seed ${seed})`,
					join_approval_mode: rng() < 0.3 ? 'approval_required' : 'auto_approve',
					creation_timestamp: epoch - (count - i) * 60,
				});
				const participants = Math.floor(rng() * (MAX_PARTICIPANTS + 1));
				for (let p = 0; p < participants; p++) {
					const waId = `1555${randomDigits(rng, 7)}`;
					group.participants.push({
						wa_id: waId,
						name: `Seed User ${waId.slice(-4)}`,
						joined_at: group.creation_timestamp + p,
					});
				}
				if (group.join_approval_mode === 'approval_required' && rng() < 0.5) {
					const waId = `1555${randomDigits(rng, 7)}`;
					group.join_requests.push({
						join_request_id: this.newJoinRequestId(),
						wa_id: waId,
						name: `Seed User ${waId.slice(-4)}`,
						creation_timestamp: group.creation_timestamp + 30,
						seq: ++this.groupSeq,
					});
				}
			}
		} finally {
			this.rng = mainRng;
		}
		return { phone_number_id: phoneId, seeded: count, total: this.sortedGroups(phoneId).length };
	}

	// ---------------------------------------------------------------- faults

	/** @param {FaultRule} rule */
	addFault(rule) {
		const kinds = ['latency', 'rate_limit', 'server_error', 'partial'];
		if (!rule || !kinds.includes(rule.kind))
			throw new ControlError(400, `kind must be one of ${kinds.join(', ')}`);
		if (rule.ratio !== undefined && !(rule.ratio >= 0 && rule.ratio <= 1))
			throw new ControlError(400, 'ratio must be between 0 and 1');
		if (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count > 0))
			throw new ControlError(400, 'count must be a positive integer');
		if (rule.path !== undefined) {
			try {
				new RegExp(rule.path);
			} catch {
				throw new ControlError(400, 'path must be a valid regular expression');
			}
		}
		/** @type {FaultRule} */
		const stored = {
			...rule,
			id: rule.id ?? `fault-${this.faults.length + 1}-${randomString(this.faultRng, 6)}`,
		};
		this.faults.push(stored);
		return stored;
	}

	/**
	 * The faults that fire for this request (consuming counts).
	 * @param {string} method
	 * @param {string} path  below the version, e.g. /123/groups
	 */
	firingFaults(method, path) {
		/** @type {FaultRule[]} */
		const firing = [];
		for (const rule of this.faults) {
			if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
			if (rule.path && !new RegExp(rule.path).test(path)) continue;
			if (rule.count !== undefined && rule.count <= 0) continue;
			if (rule.ratio !== undefined && !(this.faultRng() < rule.ratio)) continue;
			if (rule.count !== undefined) rule.count -= 1;
			firing.push({ ...rule });
		}
		this.faults = this.faults.filter((rule) => rule.count === undefined || rule.count > 0);
		return firing;
	}

	// ---------------------------------------------------------------- webhook destinations

	/**
	 * Meta's verification: GET <callback>?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…,
	 * answered 200 with the challenge. Throws Graph error 2200 otherwise.
	 * @param {string} url
	 * @param {string} verifyToken
	 */
	async verifyCallback(url, verifyToken) {
		/** @type {URL} */
		let target;
		try {
			target = new URL(url);
		} catch {
			throw waError(100, `Invalid callback URL ${url}`);
		}
		if (target.protocol !== 'http:' && target.protocol !== 'https:')
			throw waError(100, 'The callback URL must be http or https');
		const challenge = String(Math.floor(this.rng() * 1e9) + 1);
		target.searchParams.set('hub.mode', 'subscribe');
		target.searchParams.set('hub.challenge', challenge);
		target.searchParams.set('hub.verify_token', verifyToken);
		let response;
		try {
			response = await rawRequest(target.toString(), 'GET', undefined, {}, this.deliveryTimeoutMs);
		} catch (error) {
			throw waError(2200, undefined, {
				message: `Callback verification failed with the following errors: curl_errno = 7; curl_error = ${error instanceof Error ? error.message : String(error)}`,
			});
		}
		if (response.status !== 200) {
			throw waError(2200, undefined, {
				message: `Callback verification failed with the following errors: HTTP Status Code = ${response.status}; HTTP Message = ${http.STATUS_CODES[response.status] ?? 'Unknown'}`,
			});
		}
		if (response.text.trim() !== challenge) {
			throw waError(2200, undefined, {
				message: `Callback verification failed with the following errors: The URL couldn't be validated. Response does not match challenge, expected value="${challenge}", received="${response.text.slice(0, 100)}"`,
			});
		}
	}

	/**
	 * POST /<APP_ID>/subscriptions
	 * @param {Record<string, unknown>} params
	 * @returns {Promise<import('../nodes/shared/types').SuccessResponse>}
	 */
	async subscribeApp(params) {
		const object = optString(params.object);
		if (object !== 'whatsapp_business_account')
			throw waError(100, 'object must be whatsapp_business_account');
		const callbackUrl = optString(params.callback_url);
		const verifyToken = optString(params.verify_token);
		if (!callbackUrl) throw waError(100, 'callback_url is required');
		if (!verifyToken) throw waError(100, 'verify_token is required');
		const fields = parseFields(params.fields);
		if (fields.length === 0) throw waError(100, 'fields is required');
		const unknown = fields.filter((f) => !ALL_FIELDS.includes(f) && !/^[a-z_]+$/.test(f));
		if (unknown.length) throw waError(100, `Unknown fields: ${unknown.join(', ')}`);
		await this.verifyCallback(callbackUrl, verifyToken);
		const previous = this.appSubscription;
		const merged = previous ? [...new Set([...previous.fields, ...fields])] : fields;
		this.appSubscription = {
			object,
			callback_url: callbackUrl,
			verify_token: verifyToken,
			fields: merged,
		};
		return { success: true };
	}

	/** @returns {import('../nodes/shared/types').AppSubscriptionsResponse} */
	listAppSubscriptions() {
		const s = this.appSubscription;
		return {
			data: s
				? [
						{
							object: s.object,
							callback_url: s.callback_url,
							active: true,
							fields: s.fields.map((name) => ({ name, version: 'v26.0' })),
						},
					]
				: [],
		};
	}

	/**
	 * DELETE /<APP_ID>/subscriptions: the whole object, or only the listed fields.
	 * @param {Record<string, unknown>} params
	 * @returns {import('../nodes/shared/types').SuccessResponse}
	 */
	unsubscribeApp(params) {
		const object = optString(params.object);
		if (object && object !== 'whatsapp_business_account')
			throw waError(100, 'object must be whatsapp_business_account');
		const fields = parseFields(params.fields);
		if (this.appSubscription && fields.length > 0) {
			this.appSubscription.fields = this.appSubscription.fields.filter((f) => !fields.includes(f));
			if (this.appSubscription.fields.length === 0) this.appSubscription = null;
		} else {
			this.appSubscription = null;
		}
		return { success: true };
	}

	/**
	 * POST /<WABA_ID>/subscribed_apps: subscribe the app, with or without an override callback.
	 * @param {Record<string, unknown>} params
	 * @returns {Promise<import('../nodes/shared/types').SuccessResponse>}
	 */
	async subscribeWaba(params) {
		const uri = optString(params.override_callback_uri);
		if (uri) {
			if (uri.length > 200)
				throw waError(100, 'override_callback_uri is limited to 200 characters');
			const verifyToken = optString(params.verify_token);
			if (!verifyToken) throw waError(100, 'verify_token is required with override_callback_uri');
			await this.verifyCallback(uri, verifyToken);
			this.waba.override = { uri, verify_token: verifyToken };
		} else {
			this.waba.override = null;
		}
		this.waba.subscribed = true;
		return { success: true };
	}

	/** @returns {import('../nodes/shared/types').SubscribedAppsResponse} */
	listWabaSubscriptions() {
		if (!this.waba.subscribed) return { data: [] };
		/** @type {import('../nodes/shared/types').SubscribedApp} */
		const app = {
			whatsapp_business_api_data: {
				id: this.appId,
				name: 'Sandbox App',
				link: `https://www.facebook.com/games/?app_id=${this.appId}`,
			},
		};
		if (this.waba.override) app.override_callback_uri = this.waba.override.uri;
		return { data: [app] };
	}

	/** @returns {import('../nodes/shared/types').SuccessResponse} */
	unsubscribeWaba() {
		this.waba.subscribed = false;
		this.waba.override = null;
		return { success: true };
	}

	/**
	 * POST /<PHONE_NUMBER_ID> with webhook_configuration.
	 * @param {string} phoneId
	 * @param {unknown} config
	 * @returns {Promise<import('../nodes/shared/types').SuccessResponse>}
	 */
	async setPhoneOverride(phoneId, config) {
		const phone = this.phone(phoneId);
		if (!phone) throw waError(100, `Unknown phone number ID ${phoneId}`, { subcode: 33 });
		if (!config || typeof config !== 'object')
			throw waError(100, 'webhook_configuration must be an object');
		const c = /** @type {Record<string, unknown>} */ (config);
		const uri =
			typeof c.override_callback_uri === 'string' ? c.override_callback_uri.trim() : undefined;
		if (uri === undefined)
			throw waError(100, 'webhook_configuration.override_callback_uri is required');
		if (uri === '') {
			phone.override = null;
			return { success: true };
		}
		if (uri.length > 200) throw waError(100, 'override_callback_uri is limited to 200 characters');
		const verifyToken = optString(c.verify_token);
		if (!verifyToken) throw waError(100, 'webhook_configuration.verify_token is required');
		await this.verifyCallback(uri, verifyToken);
		phone.override = { uri, verify_token: verifyToken };
		return { success: true };
	}

	/** @param {string} phoneId */
	phoneWebhookConfiguration(phoneId) {
		const phone = /** @type {PhoneState} */ (this.phone(phoneId));
		/** @type {import('../nodes/shared/types').WebhookConfiguration} */
		const config = {};
		if (this.appSubscription) config.application = this.appSubscription.callback_url;
		if (this.waba.override) config.whatsapp_business_account = this.waba.override.uri;
		if (phone.override) config.phone_number = phone.override.uri;
		return config;
	}

	/**
	 * Where a webhook for this number and field goes: phone override → WABA override → app
	 * callback; nowhere unless the app subscribed to the field and to the WABA.
	 * @param {string} phoneId
	 * @param {string} field
	 * @returns {{ url: string | null, reason?: string }}
	 */
	route(phoneId, field) {
		if (!this.appSubscription)
			return { url: null, reason: 'the app has no whatsapp_business_account subscription' };
		if (!this.appSubscription.fields.includes(field))
			return { url: null, reason: `the app is not subscribed to ${field}` };
		if (!this.waba.subscribed)
			return { url: null, reason: 'the app is not subscribed to the WABA (subscribed_apps)' };
		const phone = this.phone(phoneId);
		if (phone?.override) return { url: phone.override.uri };
		if (this.waba.override) return { url: this.waba.override.uri };
		return { url: this.appSubscription.callback_url };
	}

	// ---------------------------------------------------------------- webhook delivery

	/**
	 * @param {string} phoneId
	 * @param {string} field
	 * @param {WebhookGroupItem[]} groups
	 */
	emitGroups(phoneId, field, groups) {
		this.emit(phoneId, field, { groups });
	}

	/**
	 * @param {string} phoneId
	 * @param {{ contacts?: WebhookContact[], messages?: WebhookMessage[], statuses?: WebhookStatus[] }} parts
	 */
	emitMessages(phoneId, parts) {
		this.emit(phoneId, 'messages', parts);
	}

	/**
	 * Builds Meta's envelope, routes it, signs it and queues its delivery.
	 * @param {string} phoneId
	 * @param {string} field
	 * @param {Partial<WebhookChangeValue>} parts
	 */
	emit(phoneId, field, parts) {
		const phone = this.phone(phoneId);
		/** @type {WebhookChangeValue} */
		const value = {
			messaging_product: 'whatsapp',
			metadata: {
				display_phone_number: phone?.display_phone_number ?? '',
				phone_number_id: phoneId,
			},
			...parts,
		};
		/** @type {WebhookDelivery} */
		const body = {
			object: 'whatsapp_business_account',
			entry: [{ id: this.wabaId, changes: [{ value, field }] }],
		};
		const raw = JSON.stringify(body);
		const signature = `sha256=${crypto.createHmac('sha256', this.appSecret).update(raw).digest('hex')}`;
		const { url, reason } = this.route(phoneId, field);
		/** @type {DeliveryRecord} */
		const record = {
			id: ++this.deliverySeq,
			field,
			phone_number_id: phoneId,
			url,
			status: url ? 'pending' : 'skipped',
			attempts: 0,
			response_statuses: [],
			signature,
			body,
			created_at: new Date().toISOString(),
		};
		if (reason) record.reason = reason;
		this.deliveries.push(record);
		if (this.deliveries.length > 2000) this.deliveries.splice(0, this.deliveries.length - 2000);
		if (!url) {
			this.log(`webhook ${field} not delivered: ${reason}`);
			return;
		}
		// One queue: deliveries arrive in the order they were produced.
		this.deliveryChain = this.deliveryChain.then(() => this.deliver(record, raw));
	}

	/**
	 * @param {DeliveryRecord} record
	 * @param {string} raw
	 */
	async deliver(record, raw) {
		const headers = {
			'content-type': 'application/json',
			'user-agent': 'facebookexternalua',
			'x-hub-signature-256': record.signature,
			'x-hub-signature': `sha1=${crypto.createHmac('sha1', this.appSecret).update(raw).digest('hex')}`,
		};
		for (let attempt = 1; attempt <= this.deliveryAttempts; attempt++) {
			record.attempts = attempt;
			try {
				const response = await rawRequest(
					/** @type {string} */ (record.url),
					'POST',
					Buffer.from(raw),
					headers,
					this.deliveryTimeoutMs,
				);
				record.response_statuses.push(response.status);
				if (response.status === 200) {
					record.status = 'delivered';
					this.log(`webhook ${record.field} → ${record.url}: 200`);
					return;
				}
			} catch {
				record.response_statuses.push(0);
			}
			if (attempt < this.deliveryAttempts) await delay(this.deliveryRetryDelayMs * attempt);
		}
		record.status = 'failed';
		this.log(`webhook ${record.field} → ${record.url}: failed after ${record.attempts} attempts`);
	}

	/**
	 * Sends one webhook right now, outside the normal flow (for trigger tests): a Meta-shaped
	 * change built from `field` and `value`, or a raw `body`; signed validly, wrongly, or not at
	 * all; to the routed destination or to `url`. One attempt; answers what the endpoint said.
	 * @param {Record<string, unknown>} input
	 */
	async sendWebhook(input) {
		const phoneId = optString(input.phone_number_id) ?? [...this.phones.keys()][0];
		const field = optString(input.field) ?? 'messages';
		/** @type {string} */
		let raw;
		if (typeof input.raw === 'string') {
			raw = input.raw;
		} else if (input.body && typeof input.body === 'object') {
			raw = JSON.stringify(input.body);
		} else {
			const phone = this.phone(phoneId);
			if (!phone) throw new ControlError(400, `Unknown phone number ${phoneId}`);
			const value = input.value && typeof input.value === 'object' ? input.value : {};
			raw = JSON.stringify({
				object: 'whatsapp_business_account',
				entry: [
					{
						id: this.wabaId,
						changes: [
							{
								value: {
									messaging_product: 'whatsapp',
									metadata: {
										display_phone_number: phone.display_phone_number,
										phone_number_id: phoneId,
									},
									...value,
								},
								field,
							},
						],
					},
				],
			});
		}
		const url = optString(input.url) ?? this.route(phoneId, field).url;
		if (!url)
			throw new ControlError(
				409,
				`No destination for ${field}: ${this.route(phoneId, field).reason}`,
			);
		const mode = optString(input.signature) ?? 'valid';
		/** @type {Record<string, string>} */
		const headers = { 'content-type': 'application/json', 'user-agent': 'facebookexternalua' };
		if (mode === 'valid')
			headers['x-hub-signature-256'] =
				`sha256=${crypto.createHmac('sha256', this.appSecret).update(raw).digest('hex')}`;
		else if (mode === 'invalid')
			headers['x-hub-signature-256'] =
				`sha256=${crypto.createHmac('sha256', 'not-the-app-secret').update(raw).digest('hex')}`;
		else if (mode !== 'missing')
			throw new ControlError(400, 'signature must be valid, invalid or missing');
		try {
			const response = await rawRequest(
				url,
				'POST',
				Buffer.from(raw),
				headers,
				this.deliveryTimeoutMs,
			);
			return {
				url,
				signature: mode,
				status: response.status,
				response: response.text.slice(0, 2000),
			};
		} catch (error) {
			throw new ControlError(
				502,
				`Could not reach ${url}: ${error instanceof Error ? error.message : String(error)}`,
			);
		}
	}

	/**
	 * Delivers a recorded webhook again, byte for byte (Meta redelivers; receivers must dedupe).
	 * @param {number} id
	 */
	redeliver(id) {
		const record = this.deliveries.find((d) => d.id === id);
		if (!record) throw new ControlError(404, `No delivery ${id}`);
		const url = record.url ?? this.route(record.phone_number_id, record.field).url;
		if (!url) throw new ControlError(409, `No destination for ${record.field}`);
		/** @type {DeliveryRecord} */
		const copy = {
			...record,
			id: ++this.deliverySeq,
			url,
			status: 'pending',
			attempts: 0,
			response_statuses: [],
			created_at: new Date().toISOString(),
		};
		this.deliveries.push(copy);
		this.deliveryChain = this.deliveryChain.then(() =>
			this.deliver(copy, JSON.stringify(record.body)),
		);
		return { id: copy.id, redelivery_of: id, url };
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
			requests: [...this.requests.values()],
			faults: this.faults,
			deliveries: {
				total: this.deliveries.length,
				pending: this.deliveries.filter((d) => d.status === 'pending').length,
			},
		};
	}
}

// ---------------------------------------------------------------- helpers

/** @param {string} code */
function inviteLink(code) {
	return `https://chat.whatsapp.com/${code}`;
}

/**
 * First index in `list` for which `isBefore` is false (the list is ordered so that isBefore
 * is true for a prefix).
 * @template T
 * @param {T[]} list
 * @param {(item: T) => boolean} isBefore
 */
function lowerBound(list, isBefore) {
	let lo = 0;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (isBefore(list[mid])) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/**
 * @param {string} url
 * @param {string} method
 * @param {Buffer | undefined} body
 * @param {Record<string, string>} headers
 * @param {number} timeoutMs
 * @returns {Promise<{ status: number, text: string }>}
 */
function rawRequest(url, method, body, headers, timeoutMs) {
	const target = new URL(url);
	const lib = target.protocol === 'https:' ? https : http;
	return new Promise((resolve, reject) => {
		const req = lib.request(
			target,
			{
				method,
				headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
				timeout: timeoutMs,
			},
			(res) => {
				/** @type {Buffer[]} */
				const chunks = [];
				res.on('data', (/** @type {Buffer} */ chunk) => chunks.push(chunk));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
				);
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error('timed out')));
		req.on('error', reject);
		if (body) req.write(body);
		req.end();
	});
}

module.exports = { Sandbox };
