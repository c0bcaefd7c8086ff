/**
 * Generators of webhook deliveries for the property-based tests, and an oracle written from the
 * Groups API reference (not from the parser): which events a delivery must produce, in order.
 *
 * Every well-formed element carries an identity tag (group items: `request_id`, messages and
 * statuses: `id`) so a test can check that each one comes out exactly once.
 */
import fc from 'fast-check';

import { TRIGGER_EVENTS } from '../../nodes/WhatsAppGroupsTrigger/webhook/eventTypes';
import type { TriggerEventName } from '../../nodes/WhatsAppGroupsTrigger/webhook/eventTypes';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const ALL_EVENTS: TriggerEventName[] = [...TRIGGER_EVENTS];
export const GROUP_POOL = ['GROUP_A', 'GROUP_B', 'GROUP_C'];
export const PHONE_POOL = ['PHONE_1', 'PHONE_2'];

// ---------------------------------------------------------------------------------------------
// Leaves

/** Strings that have broken parsers elsewhere: lone surrogates, bidi controls, NUL, prototype names. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 12 }),
	fc.string({ unit: 'grapheme', maxLength: 6 }),
	fc.constantFrom(
		'',
		'\u0000',
		'\u202e\u202dreversed',
		'\ud800',
		'\udfff\ud800',
		'e\u0301\u0301\u0301',
		'👩‍👩‍👧‍👦',
		'𝕳𝖊𝖑𝖑𝖔',
		'\ufeff\u200b\u2028\u2029',
		'__proto__',
		'constructor',
		'toString',
		'hasOwnProperty',
		'<script>alert(1)</script>',
		'{{ $env.N8N_ENCRYPTION_KEY }}',
		'\r\n\t',
	),
);

const text = fc.oneof(
	{ weight: 3, arbitrary: fc.string({ maxLength: 16 }) },
	{ weight: 1, arbitrary: oddString },
);
const digits = fc.stringMatching(/^[1-9][0-9]{7,14}$/);
const bsuid = digits.map((value) => `US.${value}`);
const timestamp: fc.Arbitrary<Json> = fc.oneof(
	fc.integer({ min: 0, max: 4_102_444_800 }).map(String),
	fc.integer({ min: 0, max: 4_102_444_800 }),
	fc.constant('TIMESTAMP'),
);
const errorObject = fc.record({
	code: fc.oneof(fc.constantFrom(131000, 131203, 131212, 130501), fc.constant('131000')),
	title: text,
	message: text,
	error_data: fc.record({ details: text }),
});
const errors = fc.array(errorObject, { maxLength: 2 });
/**
 * Group participants as Meta names them: a phone number and a business-scoped user ID (and
 * parent ID), from a small pool so that contacts, senders and status recipients meet.
 */
const PEOPLE = Array.from({ length: 12 }, (_, index) => ({
	wa_id: `155500000${String(index).padStart(2, '0')}`,
	user_id: `US.9000${index}`,
	parent_user_id: `US.ENT.9000${index}`,
}));
const person = fc.constantFrom(...PEOPLE);
/** One of the pool, or somebody no contact names. */
const phoneOfSomeone = fc.oneof(
	person.map((one) => one.wa_id),
	digits,
);
const bsuidOfSomeone = fc.oneof(
	person.map((one) => one.user_id),
	bsuid,
);
/**
 * A `contacts[]` entry: Meta's shape (username inside `profile`), sometimes with the username
 * beside the profile (the shape the sandbox once sent), the phone number sometimes hidden.
 */
const contact: fc.Arbitrary<JsonObject> = fc
	.tuple(
		person,
		fc.record({ name: text, username: text }, { requiredKeys: ['name'] }),
		fc.record(
			{ username: text, hideWaId: fc.boolean(), noParent: fc.boolean() },
			{ requiredKeys: ['hideWaId', 'noParent'] },
		),
	)
	.map(([one, profile, extra]) => {
		const entry: JsonObject = { profile, user_id: one.user_id };
		if (!extra.hideWaId) entry.wa_id = one.wa_id;
		if (!extra.noParent) entry.parent_user_id = one.parent_user_id;
		if (extra.username !== undefined) entry.username = extra.username;
		return entry;
	});

const participant = fc.record(
	{ wa_id: digits, user_id: bsuid, username: text, parent_user_id: bsuid, input: digits },
	{ requiredKeys: [] },
);
const failedParticipant = fc.record({
	input: digits,
	errors: fc.array(errorObject, { minLength: 1, maxLength: 2 }),
});
const textPart = fc.record(
	{ text, update_successful: fc.boolean(), errors },
	{ requiredKeys: ['update_successful'] },
);
const picturePart = fc.record(
	{
		mime_type: fc.constant('image/jpeg'),
		sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
		update_successful: fc.boolean(),
		errors,
	},
	{ requiredKeys: ['update_successful'] },
);

// ---------------------------------------------------------------------------------------------
// Group items, messages, statuses

const GROUP_FIELD: Record<string, string> = {
	group_create: 'group_lifecycle_update',
	group_delete: 'group_lifecycle_update',
	group_participants_add: 'group_participants_update',
	group_participants_remove: 'group_participants_update',
	group_join_request_created: 'group_participants_update',
	group_join_request_revoked: 'group_participants_update',
	group_settings_update: 'group_settings_update',
	group_suspend: 'group_status_update',
	group_suspend_cleared: 'group_status_update',
};

const groupBody: fc.Arbitrary<JsonObject> = fc.oneof(
	fc.record(
		{
			type: fc.constant('group_create'),
			subject: text,
			description: text,
			invite_link: fc.constant('https://chat.whatsapp.com/AbCdEf123'),
			join_approval_mode: fc.constantFrom('auto_approve', 'approval_required'),
			errors,
		},
		{ requiredKeys: ['type'] },
	),
	fc.record({ type: fc.constant('group_delete'), errors }, { requiredKeys: ['type'] }),
	fc.record(
		{
			type: fc.constant('group_participants_add'),
			reason: fc.constantFrom('invite_link', 'a_reason_meta_adds_later'),
			added_participants: fc.array(participant, { maxLength: 8 }),
		},
		{ requiredKeys: ['type'] },
	),
	fc.record(
		{
			type: fc.constant('group_participants_remove'),
			initiated_by: fc.constantFrom('business', 'participant'),
			removed_participants: fc.array(participant, { maxLength: 8 }),
			failed_participants: fc.array(failedParticipant, { maxLength: 3 }),
			errors,
		},
		{ requiredKeys: ['type'] },
	),
	fc.record(
		{
			type: fc.constantFrom('group_join_request_created', 'group_join_request_revoked'),
			join_request_id: digits,
			wa_id: digits,
			user_id: bsuid,
			username: text,
			reason: text,
		},
		{ requiredKeys: ['type'] },
	),
	fc.record(
		{
			type: fc.constant('group_settings_update'),
			group_subject: textPart,
			group_description: textPart,
			profile_picture: picturePart,
			errors,
		},
		{ requiredKeys: ['type'] },
	),
	fc.record({ type: fc.constantFrom('group_suspend', 'group_suspend_cleared') }),
	// A type this version does not know: must become an unknown item, not vanish.
	fc.record({ type: fc.constantFrom('group_something_new', 'GROUP_CREATE', '', 'constructor') }),
) as fc.Arbitrary<JsonObject>;

export const groupItem: fc.Arbitrary<JsonObject> = fc
	.tuple(
		groupBody,
		fc.record({ timestamp, group_id: fc.constantFrom(...GROUP_POOL) }, { requiredKeys: [] }),
	)
	.map(([body, common]) => ({ ...common, ...body }) as JsonObject);

const MEDIA = ['image', 'video', 'audio', 'document', 'sticker'];

const messageBody: fc.Arbitrary<JsonObject> = fc.oneof(
	fc.record({ type: fc.constant('text'), text: fc.record({ body: text }) }),
	fc.constantFrom(...MEDIA).chain((type) =>
		fc.record({
			type: fc.constant(type),
			[type]: fc.record(
				{
					id: digits,
					mime_type: fc.constant('image/jpeg'),
					sha256: text,
					caption: text,
					filename: text,
				},
				{ requiredKeys: ['id'] },
			),
		}),
	),
	fc.record({
		type: fc.constant('unsupported'),
		errors: fc.constant([
			{ code: 130501, title: 'Message type unknown', message: 'Message type unknown' },
		]),
	}),
	fc.record({
		type: fc.constant('reaction'),
		reaction: fc.record({ message_id: text, emoji: oddString }),
	}),
	// System messages: a changed BSUID (user_changed_user_id; user_changed_number with the
	// previous BSUID), or a number change without it and other kinds (received messages).
	fc.record({
		type: fc.constant('system'),
		system: fc.record(
			{
				type: fc.constantFrom('user_changed_user_id', 'user_changed_number', 'customer_changed'),
				body: text,
				wa_id: digits,
				user_id: bsuid,
				parent_user_id: bsuid,
				previous_user_id: bsuid,
				previous_parent_user_id: bsuid,
			},
			{ requiredKeys: ['type'] },
		),
	}),
) as fc.Arbitrary<JsonObject>;

export const message: fc.Arbitrary<JsonObject> = fc
	.tuple(
		messageBody,
		fc.record(
			{
				from: phoneOfSomeone,
				from_user_id: bsuidOfSomeone,
				from_parent_user_id: bsuid,
				timestamp,
				group_id: fc.constantFrom(...GROUP_POOL),
			},
			// No group_id: one-to-one traffic on the messages field.
			{ requiredKeys: ['from'] },
		),
	)
	.map(([body, common]) => ({ ...common, ...body }) as JsonObject);

export const status: fc.Arbitrary<JsonObject> = fc.record(
	{
		status: fc.oneof(
			{ weight: 6, arbitrary: fc.constantFrom('sent', 'delivered', 'read', 'failed') },
			// Values this version does not know: unknown items.
			{ weight: 1, arbitrary: fc.constantFrom('deleted', 'warning', 'constructor', '__proto__') },
		),
		timestamp,
		recipient_type: fc.oneof(
			{ weight: 5, arbitrary: fc.constant('group') },
			{ weight: 1, arbitrary: fc.constant('individual') },
		),
		recipient_id: fc.constantFrom(...GROUP_POOL),
		recipient_participant_id: phoneOfSomeone,
		recipient_participant_user_id: bsuidOfSomeone,
		recipient_participant_parent_user_id: bsuid,
		recipient_user_id: bsuidOfSomeone,
		pricing: fc.record({
			billable: fc.boolean(),
			pricing_model: fc.constant('PMP'),
			category: fc.constantFrom('group_marketing', 'group_utility', 'group_service'),
			type: fc.constantFrom('regular', 'free_group_customer_service'),
		}),
		errors,
	},
	{ requiredKeys: ['status', 'recipient_type', 'recipient_id'] },
) as fc.Arbitrary<JsonObject>;

const metadata = fc.constantFrom(...PHONE_POOL).map((id) => ({
	display_phone_number: `1555000${id.slice(-1)}`,
	phone_number_id: id,
}));

/**
 * A change of group items. Its field is mostly the one of its first item's type (later items of
 * other types then sit under a field that is not theirs), sometimes another group field, sometimes
 * a field this version does not know.
 */
const groupChange: fc.Arbitrary<JsonObject> = fc
	.tuple(
		fc.array(groupItem, { maxLength: 4 }),
		metadata,
		fc.oneof(
			{ weight: 6, arbitrary: fc.constant('first item') },
			{ weight: 1, arbitrary: fc.constantFrom(...new Set(Object.values(GROUP_FIELD))) },
			{ weight: 1, arbitrary: fc.constant('group_field_from_the_future') },
		),
	)
	.map(([groups, meta, choice]) => {
		const type = String(groups[0]?.type);
		const ofFirst = Object.prototype.hasOwnProperty.call(GROUP_FIELD, type)
			? GROUP_FIELD[type]
			: 'group_lifecycle_update';
		const field = choice === 'first item' ? ofFirst : choice;
		return { field, value: { messaging_product: 'whatsapp', metadata: meta, groups } };
	});

const messagesChange: fc.Arbitrary<JsonObject> = fc
	.tuple(
		fc.array(message, { maxLength: 4 }),
		fc.array(status, { maxLength: 6 }),
		metadata,
		// Up to 10: over 8 contacts the parser looks them up in an index.
		fc.oneof(
			{ weight: 4, arbitrary: fc.array(contact, { maxLength: 2 }) },
			{ weight: 1, arbitrary: fc.array(contact, { minLength: 9, maxLength: 10 }) },
		),
	)
	.map(([messages, statuses, meta, contacts]) => {
		const value: JsonObject = { messaging_product: 'whatsapp', metadata: meta };
		// Meta sends contacts with messages and with delivered and read statuses.
		if (contacts.length > 0) value.contacts = contacts;
		if (messages.length > 0 || statuses.length === 0) value.messages = messages;
		if (statuses.length > 0) value.statuses = statuses;
		return { field: 'messages', value };
	});

/** A `user_id_update` change: entries of changed BSUIDs (odd entries are unknown items). */
const userIdUpdateChange: fc.Arbitrary<JsonObject> = fc
	.tuple(
		fc.array(
			fc.oneof(
				{
					weight: 6,
					arbitrary: fc.record(
						{
							wa_id: phoneOfSomeone,
							detail: text,
							user_id: fc.record({ previous: bsuid, current: bsuid }, { requiredKeys: [] }),
							parent_user_id: fc.record({ previous: bsuid, current: bsuid }, { requiredKeys: [] }),
							timestamp,
						},
						{ requiredKeys: [] },
					) as fc.Arbitrary<Json>,
				},
				{ weight: 1, arbitrary: fc.constantFrom<Json>(null, 'x', 7, []) },
			),
			{ maxLength: 3 },
		),
		metadata,
		fc.array(contact, { maxLength: 2 }),
	)
	.map(([updates, meta, contacts]) => {
		const value: JsonObject = {
			messaging_product: 'whatsapp',
			metadata: meta,
			user_id_update: updates,
		};
		if (contacts.length > 0) value.contacts = contacts;
		return { field: 'user_id_update', value };
	});

/** A change of a field the trigger does not handle (account_update, templates…): one unknown item. */
const otherChange: fc.Arbitrary<JsonObject> = fc.record({
	field: fc.constantFrom('account_update', 'message_template_status_update', 'user_preferences'),
	value: fc.record({ event: text }),
});

export const change: fc.Arbitrary<JsonObject> = fc.oneof(
	{ weight: 4, arbitrary: groupChange },
	{ weight: 4, arbitrary: messagesChange },
	{ weight: 1, arbitrary: userIdUpdateChange },
	{ weight: 1, arbitrary: otherChange },
);

/** The `object` of the envelope: Meta's, another product's, or odd values. */
const envelopeObject: fc.Arbitrary<Json | undefined> = fc.oneof(
	{ weight: 6, arbitrary: fc.constant('whatsapp_business_account') },
	{ weight: 1, arbitrary: fc.constantFrom('page', 'instagram', '', 42, null, undefined) },
);

export const delivery: fc.Arbitrary<JsonObject> = fc
	.tuple(
		envelopeObject,
		fc.array(
			fc.record({
				id: fc.constantFrom('WABA_1', 'WABA_2'),
				changes: fc.array(change, { maxLength: 3 }),
			}),
			{ maxLength: 3 },
		),
	)
	.map(([object, entry]) => {
		const body: JsonObject = { entry };
		if (object !== undefined) body.object = object;
		return tagIdentities(body);
	});

/** Gives every group item, message and status a unique identity, in delivery order. */
export function tagIdentities(body: JsonObject, prefix = 't'): JsonObject {
	let counter = 0;
	for (const entry of asArray(body.entry)) {
		if (!isObj(entry)) continue;
		for (const change of asArray(entry.changes)) {
			if (!isObj(change) || !isObj(change.value)) continue;
			for (const item of asArray(change.value.groups))
				if (isObj(item)) item.request_id = `${prefix}-req-${counter++}`;
			for (const item of asArray(change.value.messages)) {
				if (!isObj(item)) continue;
				item.id = `wamid.${prefix}-m-${counter++}`;
				// A changed BSUID's redelivery key is its IDs: unique ones keep distinct changes apart.
				if (isObj(item.system)) uniqueIds(item.system, ['user_id', 'previous_user_id'], prefix);
			}
			for (const item of asArray(change.value.user_id_update)) {
				if (!isObj(item)) continue;
				item.detail = `${prefix}-u-${counter++}`;
				if (isObj(item.user_id)) uniqueIds(item.user_id, ['previous', 'current'], prefix);
			}
			for (const item of asArray(change.value.statuses))
				if (isObj(item)) item.id = `wamid.${prefix}-s-${counter++}`;
		}
	}
	return body;
}

let uniqueCounter = 0;

/** Replaces the present keys of `target` with BSUIDs no other element has. */
function uniqueIds(target: JsonObject, keys: string[], prefix: string): void {
	for (const key of keys) {
		if (key in target) target[key] = `US.${prefix}x${uniqueCounter++}`;
	}
}

// ---------------------------------------------------------------------------------------------
// The oracle

export function isObj(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

export interface ExpectedEvent {
	event: TriggerEventName;
	/** request_id / id of the source element; '' for a change or entry that held none. */
	tag: string;
	groupId: string | null;
	phoneNumberId: string | null;
	/** Traffic on `messages` that is not about a group. */
	oneToOne: boolean;
	/**
	 * For messages and statuses: the BSUID and username of the person the change's `contacts[]`
	 * names for it (the sender, the status's recipient), null when no contact does.
	 */
	person?: { userId: string | null; username: string | null } | null;
}

/**
 * The contact of a user in a `messages` change, by the reference: the entry of `contacts[]` with
 * that phone number (`wa_id`) or BSUID (`user_id`), the first one if several.
 */
function contactFor(
	contacts: JsonObject[],
	phone: unknown,
	userId: unknown,
): JsonObject | undefined {
	return contacts.find(
		(entry) =>
			(phone !== undefined && entry.wa_id === phone) ||
			(userId !== undefined && entry.user_id === userId),
	);
}

/** What a contact says about its person: BSUID, and username (in `profile`, or beside it). */
function personOf(entry: JsonObject | undefined): ExpectedEvent['person'] {
	if (entry === undefined) return null;
	const profile = isObj(entry.profile) ? entry.profile : {};
	const username = [profile.username, entry.username].find((one) => typeof one === 'string');
	return {
		userId: typeof entry.user_id === 'string' ? entry.user_id : null,
		username: typeof username === 'string' ? username : null,
	};
}

function tagOf(value: unknown): string {
	if (!isObj(value)) return '';
	const tag = value.request_id ?? value.id;
	return typeof tag === 'string' ? tag : '';
}

function str(value: unknown): string | null {
	return typeof value === 'string' ? value : null;
}

/** A string, or a finite number as text: how the parser reads Meta's scalar values. */
function scalarText(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/**
 * Whether a message reports a changed BSUID (Meta's system messages reference, August 2026):
 * a system message of type user_changed_user_id, or user_changed_number with previous_user_id.
 */
function isUserIdChange(message: JsonObject): boolean {
	if (message.type !== 'system' || !isObj(message.system)) return false;
	const type = message.system.type;
	return (
		type === 'user_changed_user_id' ||
		(type === 'user_changed_number' && scalarText(message.system.previous_user_id) !== undefined)
	);
}

function nonEmpty(value: unknown): boolean {
	return Array.isArray(value) && value.length > 0;
}

function objects(value: unknown): number {
	return asArray(value).filter(isObj).length;
}

/**
 * The event of a group item, by the reference's table of fields and `type`s: a type under a field
 * that is not the one the reference gives it is not a known event.
 */
export function classifyGroupItem(
	item: unknown,
	value: JsonObject,
	field: string | null,
): TriggerEventName {
	if (!isObj(item)) return 'unknown';
	const type = item.type;
	if (
		typeof type !== 'string' ||
		!Object.prototype.hasOwnProperty.call(GROUP_FIELD, type) ||
		GROUP_FIELD[type] !== field
	) {
		return 'unknown';
	}
	const failed = nonEmpty(item.errors);
	switch (item.type) {
		case 'group_create':
			return failed ? 'group_create_failed' : 'group_created';
		case 'group_delete':
			return failed ? 'group_delete_failed' : 'group_deleted';
		case 'group_participants_add':
			return 'participants_joined';
		case 'group_participants_remove': {
			const by = item.initiated_by ?? value.initiated_by;
			if (by === 'participant') return 'participant_left';
			const removed = objects(item.removed_participants);
			return removed === 0 && (objects(item.failed_participants) > 0 || failed)
				? 'participants_remove_failed'
				: 'participants_removed';
		}
		case 'group_join_request_created':
			return 'join_request_created';
		case 'group_join_request_revoked':
			return 'join_request_revoked';
		case 'group_settings_update': {
			const parts = [item.group_subject, item.group_description, item.profile_picture].filter(
				isObj,
			);
			const updated = parts.filter((part) => part.update_successful === true).length;
			const partFailed = parts.filter((part) => part.update_successful === false).length;
			return updated === 0 && (partFailed > 0 || failed)
				? 'settings_update_failed'
				: 'settings_updated';
		}
		case 'group_suspend':
			return 'group_suspended';
		case 'group_suspend_cleared':
			return 'group_suspension_cleared';
		default:
			return 'unknown';
	}
}

const STATUS_NAMES: Record<string, TriggerEventName> = {
	sent: 'message_sent',
	delivered: 'message_delivered',
	read: 'message_read',
	failed: 'message_failed',
};

/**
 * The events a delivery must produce, in order: one per group item, message and status of every
 * change of every entry; one `unknown` for a change, entry or body that holds none of them.
 */
export function expectedEvents(body: unknown): ExpectedEvent[] {
	const events: ExpectedEvent[] = [];
	const entries = isObj(body) ? asArray(body.entry) : [];
	const none = (phoneNumberId: string | null = null): ExpectedEvent => ({
		event: 'unknown',
		tag: '',
		groupId: null,
		phoneNumberId,
		oneToOne: false,
	});
	if (entries.length === 0) return [none()];
	for (const entry of entries) {
		const changes = isObj(entry) ? asArray(entry.changes) : [];
		if (changes.length === 0) {
			events.push(none());
			continue;
		}
		for (const change of changes) {
			const field = isObj(change) ? str(change.field) : null;
			const value = isObj(change) && isObj(change.value) ? change.value : {};
			const phoneNumberId = isObj(value.metadata) ? str(value.metadata.phone_number_id) : null;
			const before = events.length;
			if (field === 'messages') {
				const contacts = asArray(value.contacts).filter(isObj);
				for (const item of asArray(value.messages)) {
					const ok = isObj(item);
					if (ok && isUserIdChange(item)) {
						// Not about one group, and not one-to-one traffic either.
						events.push({
							event: 'user_id_changed',
							tag: tagOf(item),
							groupId: null,
							phoneNumberId,
							oneToOne: false,
						});
						continue;
					}
					const groupId = ok ? str(item.group_id) : null;
					// A message's sender; Meta's own samples give a lone contact other placeholder IDs
					// than the message, so a lone contact is the sender whatever its IDs.
					const sender = ok
						? (contactFor(contacts, item.from, item.from_user_id) ??
							(contacts.length === 1 ? contacts[0] : undefined))
						: undefined;
					events.push({
						event: ok ? 'message_received' : 'unknown',
						tag: tagOf(item),
						groupId,
						phoneNumberId,
						oneToOne: ok && item.group_id === undefined,
						person: ok ? personOf(sender) : undefined,
					});
				}
				for (const item of asArray(value.statuses)) {
					const ok = isObj(item);
					const name =
						ok &&
						typeof item.status === 'string' &&
						Object.prototype.hasOwnProperty.call(STATUS_NAMES, item.status)
							? STATUS_NAMES[item.status]
							: undefined;
					if (ok && name) {
						const isGroup = item.recipient_type === 'group';
						// The status's person: a group participant, or the one-to-one recipient.
						const recipient = isGroup
							? contactFor(
									contacts,
									item.recipient_participant_id ?? item.participant_recipient_id,
									item.recipient_participant_user_id,
								)
							: contactFor(contacts, item.recipient_id, item.recipient_user_id);
						events.push({
							event: name,
							tag: tagOf(item),
							groupId: isGroup ? str(item.recipient_id) : null,
							phoneNumberId,
							oneToOne: !isGroup,
							person: personOf(recipient),
						});
					} else {
						events.push({
							event: 'unknown',
							tag: tagOf(item),
							groupId: ok ? str(item.group_id) : null,
							phoneNumberId,
							oneToOne: false,
						});
					}
				}
			} else if (field === 'user_id_update') {
				for (const item of asArray(value.user_id_update)) {
					const ok = isObj(item);
					events.push({
						event: ok ? 'user_id_changed' : 'unknown',
						tag: ok ? (scalarText(item.detail) ?? '') : '',
						groupId: null,
						phoneNumberId,
						oneToOne: false,
					});
				}
			} else if (field !== null && field.startsWith('group_')) {
				for (const item of asArray(value.groups)) {
					events.push({
						event: classifyGroupItem(item, value, field),
						tag: tagOf(item),
						groupId: isObj(item) ? str(item.group_id) : null,
						phoneNumberId,
						oneToOne: false,
					});
				}
			}
			if (events.length === before) events.push(none(phoneNumberId));
		}
	}
	return events;
}

/** What an emitted message or status says about its person, to compare with ExpectedEvent.person. */
export function personOfItem(item: Record<string, unknown>): ExpectedEvent['person'] {
	if (item.event === 'message_received') {
		if (
			item.senderUserId === undefined &&
			item.senderUsername === undefined &&
			item.senderName === undefined
		)
			return null;
		return {
			userId: typeof item.senderUserId === 'string' ? item.senderUserId : null,
			username: typeof item.senderUsername === 'string' ? item.senderUsername : null,
		};
	}
	const recipient = item.recipient;
	if (!isObj(recipient)) return null;
	return {
		userId: typeof recipient.userId === 'string' ? recipient.userId : null,
		username: typeof recipient.username === 'string' ? recipient.username : null,
	};
}

/** The identity of an emitted item, to compare with ExpectedEvent.tag. */
export function tagOfItem(item: Record<string, unknown>): string {
	if (item.event === 'unknown') return tagOf(item.item);
	if (item.event === 'message_received') return typeof item.id === 'string' ? item.id : '';
	if (item.event === 'user_id_changed' && item.source === 'user_id_update')
		return typeof item.detail === 'string' ? item.detail : '';
	if (typeof item.messageId === 'string') return item.messageId;
	return typeof item.requestId === 'string' ? item.requestId : '';
}

/** The keys every item carries, whatever Meta sent. */
export const COMMON_KEYS = [
	'event',
	'field',
	'groupId',
	'businessAccountId',
	'phoneNumberId',
	'displayPhoneNumber',
	'timestamp',
	'timestampUnix',
];
