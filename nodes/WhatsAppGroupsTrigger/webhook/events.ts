/** The webhook parser: one typed event per group item, message and status of a delivery. */
import { createHash } from 'crypto';

import type {
	GraphErrorDetail,
	GraphParticipant,
	WebhookChange,
	WebhookChangeValue,
	WebhookContact,
	WebhookDelivery,
	WebhookGroupItem,
	WebhookMedia,
	WebhookMessage,
	WebhookPricing,
	WebhookProfilePicturePart,
	WebhookSettingPart,
	WebhookStatus,
	WebhookTimestamp,
} from '../../shared/types';
import type {
	EventCommon,
	EventError,
	EventMedia,
	EventParticipant,
	EventPricing,
	GroupCreatedEvent,
	GroupCreateFailedEvent,
	GroupDeletedEvent,
	GroupDeleteFailedEvent,
	GroupStatusEvent,
	JoinRequestEvent,
	MessageReceivedEvent,
	MessageStatusEvent,
	ParsedEvent,
	ParticipantLeftEvent,
	ParticipantsJoinedEvent,
	ParticipantsRemovedEvent,
	SettingPartName,
	SettingPicturePart,
	SettingsEvent,
	SettingTextPart,
	TriggerEvent,
	TriggerEventName,
	UnknownEvent,
} from './eventTypes';

// ---------------------------------------------------------------------------------------------
// Small readers that tolerate Meta's inconsistencies
//
// Items are built once, in their final shape: the common keys in one object literal, then each
// key Meta sent, in the documented order, by a plain assignment (a generic "set if defined"
// helper is measurably slower: its one store sees every key name).

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray<T>(value: unknown): T[] {
	return Array.isArray(value) ? (value as T[]) : [];
}

function asString(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/** Own keys only: a type or status named "constructor" or "__proto__" must not reach the prototype. */
function hasOwn(target: object, key: string): boolean {
	return Object.prototype.hasOwnProperty.call(target, key);
}

/** Sets an own key, also one named "__proto__" (a plain assignment would set the prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
	if (key === '__proto__') {
		Object.defineProperty(target, key, {
			value,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	} else {
		target[key] = value;
	}
}

const UNIX_TEXT = /^\s*\d+(\.\d+)?\s*$/;

/** Whether a string is only ASCII digits (Meta's times), the common case of UNIX_TEXT. */
function isDigits(value: string): boolean {
	if (value.length === 0 || value.length > 15) return false;
	for (let index = 0; index < value.length; index++) {
		const code = value.charCodeAt(index);
		if (code < 48 || code > 57) return false;
	}
	return true;
}

/** Unix seconds as Meta sends them (a number, or a string of digits); undefined for anything else. */
function unixSeconds(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value !== 'string') return undefined;
	return isDigits(value) || UNIX_TEXT.test(value) ? Number(value) : undefined;
}

/**
 * Unix seconds from a string or a number. Anything else (Meta's doc samples carry placeholders
 * such as "TIMESTAMP") gives null rather than a made-up date.
 */
export function parseTimestamp(value: WebhookTimestamp | undefined): {
	timestamp: string | null;
	timestampUnix: number | null;
} {
	const seconds = unixSeconds(value);
	if (seconds === undefined) return { timestamp: null, timestampUnix: null };
	const date = new Date(seconds * 1000);
	if (Number.isNaN(date.getTime())) return { timestamp: null, timestampUnix: null };
	return { timestamp: date.toISOString(), timestampUnix: seconds };
}

const SECONDS_PER_DAY = 86_400;
/** The last second a Date can hold (8.64e15 ms after 1970). */
const LAST_DATE_SECOND = 8.64e12;
const twoDigits = (value: number) => String(value).padStart(2, '0');
/** "hh:mm:" for every minute of a day, and "ss.000Z" for every second of a minute. */
const MINUTE_TEXT = Array.from(
	{ length: 1440 },
	(_, minute) => `${twoDigits(Math.floor(minute / 60))}:${twoDigits(minute % 60)}:`,
);
const SECOND_TEXT = Array.from({ length: 60 }, (_, second) => `${twoDigits(second)}.000Z`);
/**
 * The "YYYY-MM-DDT" text of the last day written: events mostly share a day. A cache of a pure
 * function, the same in every process, whatever it held before.
 */
const lastDay = { day: NaN, date: '' };

/**
 * ISO 8601 text of a unix time, exactly as `Date.prototype.toISOString` writes it; null for a time
 * no Date can hold. Whole seconds from 1970 on (what Meta sends) are written from the day's date,
 * which is formatted once per day; any other time goes through Date.
 */
function isoTime(seconds: number): string | null {
	if (Number.isInteger(seconds) && seconds >= 0 && seconds <= LAST_DATE_SECOND) {
		const day = Math.floor(seconds / SECONDS_PER_DAY);
		if (day !== lastDay.day) {
			const text = new Date(day * SECONDS_PER_DAY * 1000).toISOString();
			lastDay.date = text.slice(0, text.indexOf('T') + 1);
			lastDay.day = day;
		}
		const time = seconds - day * SECONDS_PER_DAY;
		return lastDay.date + MINUTE_TEXT[Math.floor(time / 60)] + SECOND_TEXT[time % 60];
	}
	const date = new Date(seconds * 1000);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function mapError(error: GraphErrorDetail | unknown): EventError {
	const detail = isObject(error) ? (error as GraphErrorDetail) : {};
	let code: number | string | null = null;
	if (typeof detail.code === 'number') code = detail.code;
	else if (typeof detail.code === 'string') {
		code = /^\d+$/.test(detail.code) ? Number(detail.code) : detail.code;
	}
	const data = detail.error_data;
	const details =
		typeof data === 'string' ? data : asString(isObject(data) ? data.details : undefined);
	return {
		code,
		title: asString(detail.title) ?? null,
		message: asString(detail.message) ?? null,
		details: details ?? null,
	};
}

function mapErrors(errors: unknown): EventError[] | undefined {
	if (!Array.isArray(errors)) return undefined;
	return errors.map(mapError);
}

function mapParticipant(participant: GraphParticipant & { errors?: unknown }): EventParticipant {
	const mapped: EventParticipant = {};
	const waId = asString(participant.wa_id);
	if (waId !== undefined) mapped.waId = waId;
	const userId = asString(participant.user_id);
	if (userId !== undefined) mapped.userId = userId;
	const parentUserId = asString(participant.parent_user_id);
	if (parentUserId !== undefined) mapped.parentUserId = parentUserId;
	const username = asString(participant.username);
	if (username !== undefined) mapped.username = username;
	const input = asString(participant.input);
	if (input !== undefined) mapped.input = input;
	const errors = mapErrors(participant.errors);
	if (errors !== undefined) mapped.errors = errors;
	return mapped;
}

function mapParticipants(list: unknown): EventParticipant[] {
	const mapped: EventParticipant[] = [];
	for (const participant of asArray<GraphParticipant>(list)) {
		if (isObject(participant)) mapped.push(mapParticipant(participant));
	}
	return mapped;
}

function asBoolean(value: unknown): boolean | undefined {
	return typeof value === 'boolean' ? value : undefined;
}

function mapTextPart(part: WebhookSettingPart): SettingTextPart {
	const mapped: SettingTextPart = {};
	const text = asString(part.text);
	if (text !== undefined) mapped.text = text;
	const updateSuccessful = asBoolean(part.update_successful);
	if (updateSuccessful !== undefined) mapped.updateSuccessful = updateSuccessful;
	const errors = mapErrors(part.errors);
	if (errors !== undefined) mapped.errors = errors;
	return mapped;
}

function mapPicturePart(part: WebhookProfilePicturePart): SettingPicturePart {
	const mapped: SettingPicturePart = {};
	const mimeType = asString(part.mime_type);
	if (mimeType !== undefined) mapped.mimeType = mimeType;
	const sha256 = asString(part.sha256);
	if (sha256 !== undefined) mapped.sha256 = sha256;
	const updateSuccessful = asBoolean(part.update_successful);
	if (updateSuccessful !== undefined) mapped.updateSuccessful = updateSuccessful;
	const errors = mapErrors(part.errors);
	if (errors !== undefined) mapped.errors = errors;
	return mapped;
}

function mapMedia(source: WebhookMedia): EventMedia {
	const media: EventMedia = {};
	const id = asString(source.id);
	if (id !== undefined) media.id = id;
	const mimeType = asString(source.mime_type);
	if (mimeType !== undefined) media.mimeType = mimeType;
	const sha256 = asString(source.sha256);
	if (sha256 !== undefined) media.sha256 = sha256;
	const caption = asString(source.caption);
	if (caption !== undefined) media.caption = caption;
	const filename = asString(source.filename);
	if (filename !== undefined) media.filename = filename;
	const url = asString(source.url);
	if (url !== undefined) media.url = url;
	return media;
}

function mapPricing(value: unknown): EventPricing | undefined {
	if (!isObject(value)) return undefined;
	const pricing = value as WebhookPricing;
	const mapped: EventPricing = {};
	if (typeof pricing.billable === 'boolean') mapped.billable = pricing.billable;
	else if (pricing.billable === 'true' || pricing.billable === 'false')
		mapped.billable = pricing.billable === 'true';
	const category = asString(pricing.category);
	if (category !== undefined) mapped.category = category;
	const type = asString(pricing.type);
	if (type !== undefined) mapped.type = type;
	const model = asString(pricing.pricing_model);
	if (model !== undefined) mapped.model = model;
	return mapped;
}

// ---------------------------------------------------------------------------------------------
// Redelivery keys

/**
 * JSON text of a parsed body, also for values too deeply nested for JSON.stringify's recursion
 * (a body of a few thousand nested arrays parses fine but overflows the stack when serialised):
 * those are walked with an explicit stack, giving the same text.
 */
function stableText(value: unknown): string {
	try {
		return JSON.stringify(value) ?? 'undefined';
	} catch {
		const parts: string[] = [];
		const stack: Array<{ text: string } | { value: unknown }> = [{ value }];
		for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
			if ('text' in next) {
				parts.push(next.text);
				continue;
			}
			const current = next.value;
			if (Array.isArray(current)) {
				parts.push('[');
				stack.push({ text: ']' });
				for (let index = current.length - 1; index >= 0; index--) {
					stack.push({ value: current[index] });
					if (index > 0) stack.push({ text: ',' });
				}
			} else if (isObject(current)) {
				parts.push('{');
				stack.push({ text: '}' });
				const keys = Object.keys(current);
				for (let index = keys.length - 1; index >= 0; index--) {
					stack.push({ value: current[keys[index]] }, { text: `${JSON.stringify(keys[index])}:` });
					if (index > 0) stack.push({ text: ',' });
				}
			} else {
				parts.push(JSON.stringify(current) ?? 'null');
			}
		}
		return parts.join('');
	}
}

/** The fallback key of an element Meta gave nothing unique to: a hash of its content. */
function hashOf(value: unknown): string {
	return createHash('sha256').update(stableText(value)).digest('hex').slice(0, 32);
}

/** Between the parts of a key: Meta's IDs and times never contain it. */
const SEP = '\u0000';

/** Who a group event concerns, for its key: each participant's IDs, in Meta's order. */
function peopleOf(participants: EventParticipant[] | undefined): string {
	let text = '';
	for (const person of participants ?? []) {
		text += `${person.waId ?? ''}${SEP}${person.userId ?? ''}${SEP}${person.input ?? ''}${SEP}`;
	}
	return text;
}

/**
 * A group event's redelivery key, from what Meta already makes unique: the request ID of an
 * operation the business started; for one it did not (a join, a leave, a join request, a
 * suspension), the group, the time and the people concerned. Both with the event and the business
 * number. An element with neither a request ID nor a group and a time gets a hash of its content.
 */
function groupKey(context: ChangeContext, event: TriggerEvent, item: WebhookGroupItem): string {
	const phone = context.phoneNumberId ?? '';
	const requestId = asString(item.request_id);
	const groupId = asString(item.group_id);
	if (requestId !== undefined) {
		return `group${SEP}${phone}${SEP}${event.event}${SEP}${groupId ?? ''}${SEP}${requestId}`;
	}
	const time = asString(item.timestamp);
	if (groupId === undefined || time === undefined) {
		return `${event.event}:${phone}:${hashOf(item)}`;
	}
	const concerned = event as {
		participant?: EventParticipant;
		participants?: EventParticipant[];
		failedParticipants?: EventParticipant[];
	};
	const people =
		concerned.participant !== undefined
			? peopleOf([concerned.participant])
			: `${peopleOf(concerned.participants)}${SEP}${peopleOf(concerned.failedParticipants)}`;
	return `group${SEP}${phone}${SEP}${event.event}${SEP}${groupId}${SEP}${SEP}${time}${SEP}${asString(item.join_request_id) ?? ''}${SEP}${people}`;
}

// ---------------------------------------------------------------------------------------------
// Parsing

interface ChangeContext {
	field: string | null;
	businessAccountId: string | null;
	phoneNumberId: string | null;
	displayPhoneNumber: string | null;
	change: WebhookChange | unknown;
	value: WebhookChangeValue;
	/** The change without its elements, built for its first unknown element. */
	envelope?: unknown;
}

/** The keys every item carries, in their order; `requestId` only when Meta sent one. */
function start(
	context: ChangeContext,
	event: TriggerEventName,
	groupId: unknown,
	timestamp: unknown,
	requestId: unknown,
): EventCommon {
	const seconds = unixSeconds(timestamp);
	const iso = seconds === undefined ? null : isoTime(seconds);
	const item: EventCommon = {
		event,
		field: context.field,
		groupId: asString(groupId) ?? null,
		businessAccountId: context.businessAccountId,
		phoneNumberId: context.phoneNumberId,
		displayPhoneNumber: context.displayPhoneNumber,
		timestamp: iso,
		timestampUnix: iso === null ? null : (seconds as number),
	};
	const request = asString(requestId);
	if (request !== undefined) item.requestId = request;
	return item;
}

function startGroup(
	context: ChangeContext,
	event: TriggerEventName,
	item: WebhookGroupItem,
): EventCommon {
	return start(context, event, item.group_id, item.timestamp, item.request_id);
}

/** Keys of a change's value that hold its elements (and their senders): never in an unknown item. */
const ELEMENT_LISTS = new Set(['groups', 'messages', 'statuses', 'contacts']);

/**
 * The change around an unknown element: every key of the change and of its value except the
 * lists of elements. An unknown item carries this and its own element, not its siblings (with
 * them, n unknown elements would carry n copies of the whole change).
 */
function envelopeOf(context: ChangeContext): unknown {
	if (context.envelope !== undefined) return context.envelope;
	const change = context.change;
	let envelope: unknown = change;
	if (isObject(change)) {
		const copy: Record<string, unknown> = {};
		for (const key of Object.keys(change)) {
			const entry = change[key];
			if (key === 'value' && isObject(entry)) {
				const value: Record<string, unknown> = {};
				for (const valueKey of Object.keys(entry)) {
					if (!ELEMENT_LISTS.has(valueKey)) setOwn(value, valueKey, entry[valueKey]);
				}
				setOwn(copy, key, value);
			} else {
				setOwn(copy, key, entry);
			}
		}
		envelope = copy;
	}
	context.envelope = envelope;
	return envelope;
}

/**
 * An item for what was not recognised: an element of a change (`element`), or a whole change,
 * entry or body (no `element`).
 */
function unknownEvent(context: ChangeContext, element?: unknown): ParsedEvent {
	const source = isObject(element) ? element : undefined;
	const item = start(
		context,
		'unknown',
		source?.group_id,
		source?.timestamp,
		source?.request_id,
	) as UnknownEvent;
	const whole = element === undefined;
	const change = whole ? context.change : envelopeOf(context);
	if (change !== undefined) item.change = change;
	if (!whole) item.item = element;
	return {
		item,
		dedupeKey: `unknown:${context.phoneNumberId ?? ''}:${hashOf(whole ? context.change : element)}`,
		raw: whole ? context.change : element,
		oneToOne: false,
	};
}

function parseGroupItem(context: ChangeContext, item: WebhookGroupItem): ParsedEvent {
	if (!isObject(item)) return unknownEvent(context, item);
	const errors = mapErrors(item.errors);
	const hasErrors = errors !== undefined && errors.length > 0;
	let event: TriggerEvent;

	switch (item.type) {
		case 'group_create':
			if (hasErrors) {
				const failed = startGroup(context, 'group_create_failed', item) as GroupCreateFailedEvent;
				const subject = asString(item.subject);
				if (subject !== undefined) failed.subject = subject;
				const description = asString(item.description);
				if (description !== undefined) failed.description = description;
				failed.errors = errors;
				event = failed;
			} else {
				const created = startGroup(context, 'group_created', item) as GroupCreatedEvent;
				const subject = asString(item.subject);
				if (subject !== undefined) created.subject = subject;
				const description = asString(item.description);
				if (description !== undefined) created.description = description;
				const inviteLink = asString(item.invite_link);
				if (inviteLink !== undefined) created.inviteLink = inviteLink;
				const joinApprovalMode = asString(item.join_approval_mode);
				if (joinApprovalMode !== undefined) created.joinApprovalMode = joinApprovalMode;
				event = created;
			}
			break;
		case 'group_delete':
			if (hasErrors) {
				const failed = startGroup(context, 'group_delete_failed', item) as GroupDeleteFailedEvent;
				failed.errors = errors;
				event = failed;
			} else {
				event = startGroup(context, 'group_deleted', item) as GroupDeletedEvent;
			}
			break;
		case 'group_participants_add': {
			const joined = startGroup(context, 'participants_joined', item) as ParticipantsJoinedEvent;
			const reason = asString(item.reason);
			if (reason !== undefined) joined.reason = reason;
			joined.participants = mapParticipants(item.added_participants);
			event = joined;
			break;
		}
		case 'group_participants_remove': {
			const initiatedBy = asString(item.initiated_by) ?? asString(context.value.initiated_by);
			const removed = mapParticipants(item.removed_participants);
			if (initiatedBy === 'participant') {
				const left = startGroup(context, 'participant_left', item) as ParticipantLeftEvent;
				left.initiatedBy = initiatedBy;
				left.participants = removed;
				event = left;
				break;
			}
			const failed = mapParticipants(item.failed_participants);
			// Nothing removed but failures reported: the whole request failed.
			const totalFailure = removed.length === 0 && (failed.length > 0 || hasErrors);
			const name = totalFailure ? 'participants_remove_failed' : 'participants_removed';
			const outcome = startGroup(context, name, item) as ParticipantsRemovedEvent;
			if (initiatedBy !== undefined) outcome.initiatedBy = initiatedBy;
			outcome.participants = removed;
			outcome.failedParticipants = failed;
			if (errors !== undefined) outcome.errors = errors;
			event = outcome;
			break;
		}
		case 'group_join_request_created':
		case 'group_join_request_revoked': {
			const name =
				item.type === 'group_join_request_created'
					? 'join_request_created'
					: 'join_request_revoked';
			const request = startGroup(context, name, item) as JoinRequestEvent;
			const joinRequestId = asString(item.join_request_id);
			if (joinRequestId !== undefined) request.joinRequestId = joinRequestId;
			const reason = asString(item.reason);
			if (reason !== undefined) request.reason = reason;
			request.participant = mapParticipant(item);
			event = request;
			break;
		}
		case 'group_settings_update': {
			const groupSubject = isObject(item.group_subject)
				? mapTextPart(item.group_subject)
				: undefined;
			const groupDescription = isObject(item.group_description)
				? mapTextPart(item.group_description)
				: undefined;
			const profilePicture = isObject(item.profile_picture)
				? mapPicturePart(item.profile_picture)
				: undefined;
			const updatedParts: SettingPartName[] = [];
			const failedParts: SettingPartName[] = [];
			if (groupSubject?.updateSuccessful === true) updatedParts.push('groupSubject');
			if (groupDescription?.updateSuccessful === true) updatedParts.push('groupDescription');
			if (profilePicture?.updateSuccessful === true) updatedParts.push('profilePicture');
			if (groupSubject?.updateSuccessful === false) failedParts.push('groupSubject');
			if (groupDescription?.updateSuccessful === false) failedParts.push('groupDescription');
			if (profilePicture?.updateSuccessful === false) failedParts.push('profilePicture');
			// Failed means nothing changed: every part reported failed, or only errors came.
			const totalFailure = updatedParts.length === 0 && (failedParts.length > 0 || hasErrors);
			const name = totalFailure ? 'settings_update_failed' : 'settings_updated';
			const settings = startGroup(context, name, item) as SettingsEvent;
			if (groupSubject !== undefined) settings.groupSubject = groupSubject;
			if (groupDescription !== undefined) settings.groupDescription = groupDescription;
			if (profilePicture !== undefined) settings.profilePicture = profilePicture;
			settings.updatedParts = updatedParts;
			settings.failedParts = failedParts;
			if (errors !== undefined) settings.errors = errors;
			event = settings;
			break;
		}
		case 'group_suspend':
			event = startGroup(context, 'group_suspended', item) as GroupStatusEvent;
			break;
		case 'group_suspend_cleared':
			event = startGroup(context, 'group_suspension_cleared', item) as GroupStatusEvent;
			break;
		default:
			return unknownEvent(context, item);
	}
	return {
		item: event,
		dedupeKey: groupKey(context, event, item),
		raw: item,
		oneToOne: false,
	};
}

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/** Above this many contacts in a change, senders are looked up in an index, not by a scan. */
const SENDER_SCAN_LIMIT = 8;

/**
 * The contact of a message's sender: the first contact whose `wa_id` is the message's `from` or
 * whose `user_id` is its `from_user_id`; a single contact is the sender even when Meta leaves out
 * the matching ID. Large contact lists are indexed once per change, so a change with many messages
 * and many contacts costs linear time, not quadratic.
 */
class Senders {
	private byWaId?: Map<unknown, number>;
	private byUserId?: Map<unknown, number>;

	constructor(private readonly contacts: WebhookContact[]) {}

	find(message: WebhookMessage): WebhookContact | undefined {
		const { contacts } = this;
		let found: WebhookContact | undefined;
		if (contacts.length <= SENDER_SCAN_LIMIT) {
			found = contacts.find(
				(contact) =>
					(message.from !== undefined && contact.wa_id === message.from) ||
					(message.from_user_id !== undefined && contact.user_id === message.from_user_id),
			);
		} else {
			if (this.byWaId === undefined || this.byUserId === undefined) {
				this.byWaId = firstIndexes(contacts, 'wa_id');
				this.byUserId = firstIndexes(contacts, 'user_id');
			}
			const byWaId = message.from === undefined ? undefined : this.byWaId.get(message.from);
			const byUserId =
				message.from_user_id === undefined ? undefined : this.byUserId.get(message.from_user_id);
			const index = Math.min(byWaId ?? Infinity, byUserId ?? Infinity);
			found = index === Infinity ? undefined : contacts[index];
		}
		return found ?? (contacts.length === 1 ? contacts[0] : undefined);
	}
}

/** Where each value of `key` first occurs (NaN, which never equals itself, is left out). */
function firstIndexes(contacts: WebhookContact[], key: 'wa_id' | 'user_id'): Map<unknown, number> {
	const indexes = new Map<unknown, number>();
	contacts.forEach((contact, index) => {
		const value: unknown = contact[key];
		if (value === value && !indexes.has(value)) indexes.set(value, index);
	});
	return indexes;
}

function parseMessage(
	context: ChangeContext,
	message: WebhookMessage,
	senders: Senders,
): ParsedEvent {
	if (!isObject(message)) return unknownEvent(context, message);
	const sender = senders.find(message);
	const type = asString(message.type);
	const groupId = asString(message.group_id);
	const messageId = asString(message.id);
	const event = start(
		context,
		'message_received',
		groupId,
		message.timestamp,
		undefined,
	) as MessageReceivedEvent;
	if (messageId !== undefined) event.id = messageId;
	const from = asString(message.from);
	if (from !== undefined) event.from = from;
	const fromUserId = asString(message.from_user_id);
	if (fromUserId !== undefined) event.fromUserId = fromUserId;
	if (sender !== undefined) {
		const senderName = asString(sender.profile?.name);
		if (senderName !== undefined) event.senderName = senderName;
		const senderUserId = asString(sender.user_id);
		if (senderUserId !== undefined) event.senderUserId = senderUserId;
		const senderUsername = asString(sender.username ?? sender.profile?.username);
		if (senderUsername !== undefined) event.senderUsername = senderUsername;
	}
	if (type !== undefined) event.type = type;
	if (type === 'text' && isObject(message.text)) {
		const text = asString(message.text.body);
		if (text !== undefined) event.text = text;
	} else if (type !== undefined && MEDIA_TYPES.has(type) && isObject(message[type])) {
		event.media = mapMedia(message[type] as WebhookMedia);
	} else if (type && hasOwn(message, type) && message[type] !== undefined) {
		event.content = message[type];
	}
	if (isObject(message.context)) event.context = message.context;
	const errors = mapErrors(message.errors);
	if (errors !== undefined) event.errors = errors;
	const key =
		message.id && messageId !== undefined
			? `message:${context.phoneNumberId ?? ''}:${messageId}`
			: `message:${hashOf(message)}`;
	return { item: event, dedupeKey: key, raw: message, oneToOne: groupId === undefined };
}

const STATUS_EVENT: Record<string, MessageStatusEvent['event']> = {
	sent: 'message_sent',
	delivered: 'message_delivered',
	read: 'message_read',
	failed: 'message_failed',
};

function parseStatus(context: ChangeContext, status: WebhookStatus): ParsedEvent {
	if (!isObject(status)) return unknownEvent(context, status);
	const statusValue = asString(status.status);
	const name =
		statusValue !== undefined && hasOwn(STATUS_EVENT, statusValue)
			? STATUS_EVENT[statusValue]
			: undefined;
	if (name === undefined) return unknownEvent(context, status);
	const isGroup = status.recipient_type === 'group';
	const participant =
		asString(status.recipient_participant_id) ?? asString(status.participant_recipient_id);
	const participantUserId = asString(status.recipient_participant_user_id);
	const conversation = isObject(status.conversation) ? status.conversation : undefined;
	const recipientId = asString(status.recipient_id);
	const messageId = asString(status.id);
	const event = start(
		context,
		name,
		isGroup ? status.recipient_id : undefined,
		status.timestamp,
		undefined,
	) as MessageStatusEvent;
	if (messageId !== undefined) event.messageId = messageId;
	event.status = statusValue;
	if (!isGroup && recipientId !== undefined) event.recipientId = recipientId;
	if (participant !== undefined) event.recipientParticipantId = participant;
	if (participantUserId !== undefined) event.recipientParticipantUserId = participantUserId;
	const conversationId = asString(conversation?.id);
	if (conversationId !== undefined) event.conversationId = conversationId;
	const pricing = mapPricing(status.pricing ?? conversation?.pricing);
	if (pricing !== undefined) event.pricing = pricing;
	const errors = mapErrors(status.errors);
	if (errors !== undefined) event.errors = errors;
	const key = `status:${context.phoneNumberId ?? ''}:${messageId ?? ''}:${statusValue}:${participant ?? participantUserId ?? ''}:${recipientId ?? ''}`;
	return { item: event, dedupeKey: key, raw: status, oneToOne: !isGroup };
}

function parseChange(
	entry: Record<string, unknown>,
	change: WebhookChange,
	events: ParsedEvent[],
): void {
	const value: WebhookChangeValue = isObject(change) && isObject(change.value) ? change.value : {};
	const metadata = isObject(value.metadata) ? value.metadata : undefined;
	const context: ChangeContext = {
		field: isObject(change) ? (asString(change.field) ?? null) : null,
		businessAccountId: asString(entry.id) ?? null,
		phoneNumberId: asString(metadata?.phone_number_id) ?? null,
		displayPhoneNumber: asString(metadata?.display_phone_number) ?? null,
		change,
		value,
	};
	const before = events.length;
	if (context.field === 'messages') {
		const contacts = asArray<WebhookContact>(value.contacts).filter(isObject);
		const senders = new Senders(contacts);
		for (const message of asArray<WebhookMessage>(value.messages)) {
			events.push(parseMessage(context, message, senders));
		}
		for (const status of asArray<WebhookStatus>(value.statuses)) {
			events.push(parseStatus(context, status));
		}
	} else if (context.field !== null && context.field.startsWith('group_')) {
		for (const item of asArray<WebhookGroupItem>(value.groups)) {
			events.push(parseGroupItem(context, item));
		}
	}
	// A change that held no element at all is an event of its own.
	if (events.length === before) events.push(unknownEvent(context));
}

/**
 * Every entry and every change of a delivery, as one event per group item, message and status.
 * Whatever is not recognised becomes an `unknown` event: nothing is left out here (the trigger's
 * filters decide later, visibly). Each item is built once, in its final shape.
 */
export function parseDelivery(body: unknown): ParsedEvent[] {
	const delivery = isObject(body) ? (body as WebhookDelivery) : {};
	const entries = asArray<Record<string, unknown>>(delivery.entry);
	const events: ParsedEvent[] = [];
	for (const entry of entries) {
		const changes = isObject(entry) ? asArray<WebhookChange>(entry.changes) : [];
		if (!isObject(entry) || changes.length === 0) {
			events.push(unknownEvent(emptyContext(entry)));
			continue;
		}
		for (const change of changes) parseChange(entry, change, events);
	}
	if (entries.length === 0) events.push(unknownEvent(emptyContext(body)));
	return events;
}

function emptyContext(change: unknown): ChangeContext {
	const id = isObject(change) ? asString(change.id) : undefined;
	return {
		field: null,
		businessAccountId: id ?? null,
		phoneNumberId: null,
		displayPhoneNumber: null,
		change,
		value: {},
	};
}
