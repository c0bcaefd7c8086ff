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
	MessageReceivedEvent,
	MessageStatusEvent,
	ParsedEvent,
	SettingPartName,
	SettingPicturePart,
	SettingTextPart,
	TriggerEvent,
	TriggerEventName,
	UnknownEvent,
} from './eventTypes';

// ---------------------------------------------------------------------------------------------
// Small readers that tolerate Meta's inconsistencies

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Same check without narrowing, for values that already have a Meta type. */
function isPlainObject(value: unknown): boolean {
	return isObject(value);
}

function asArray<T>(value: unknown): T[] {
	return Array.isArray(value) ? (value as T[]) : [];
}

function asString(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/** Removes keys whose value is undefined, so items carry only what Meta sent. */
function compact<T extends object>(value: T): T {
	const result = {} as Record<string, unknown>;
	for (const [key, entry] of Object.entries(value)) {
		if (entry !== undefined) result[key] = entry;
	}
	return result as T;
}

/**
 * Unix seconds from a string or a number. Anything else (Meta's doc samples carry placeholders
 * such as "TIMESTAMP") gives null rather than a made-up date.
 */
export function parseTimestamp(value: WebhookTimestamp | undefined): {
	timestamp: string | null;
	timestampUnix: number | null;
} {
	let seconds: number | undefined;
	if (typeof value === 'number' && Number.isFinite(value)) seconds = value;
	else if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) seconds = Number(value);
	if (seconds === undefined) return { timestamp: null, timestampUnix: null };
	const date = new Date(seconds * 1000);
	if (Number.isNaN(date.getTime())) return { timestamp: null, timestampUnix: null };
	return { timestamp: date.toISOString(), timestampUnix: seconds };
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
	return compact({
		waId: asString(participant.wa_id),
		userId: asString(participant.user_id),
		parentUserId: asString(participant.parent_user_id),
		username: asString(participant.username),
		input: asString(participant.input),
		errors: mapErrors(participant.errors),
	});
}

function mapParticipants(list: unknown): EventParticipant[] {
	return asArray<GraphParticipant>(list).filter(isObject).map(mapParticipant);
}

function mapTextPart(part: WebhookSettingPart): SettingTextPart {
	return compact({
		text: asString(part.text),
		updateSuccessful:
			typeof part.update_successful === 'boolean' ? part.update_successful : undefined,
		errors: mapErrors(part.errors),
	});
}

function mapPicturePart(part: WebhookProfilePicturePart): SettingPicturePart {
	return compact({
		mimeType: asString(part.mime_type),
		sha256: asString(part.sha256),
		updateSuccessful:
			typeof part.update_successful === 'boolean' ? part.update_successful : undefined,
		errors: mapErrors(part.errors),
	});
}

function mapPricing(pricing: WebhookPricing | undefined): EventPricing | undefined {
	if (!isObject(pricing)) return undefined;
	let billable: boolean | undefined;
	if (typeof pricing.billable === 'boolean') billable = pricing.billable;
	else if (pricing.billable === 'true' || pricing.billable === 'false')
		billable = pricing.billable === 'true';
	return compact({
		billable,
		category: asString(pricing.category),
		type: asString(pricing.type),
		model: asString(pricing.pricing_model),
	});
}

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

function hashOf(value: unknown): string {
	return createHash('sha256').update(stableText(value)).digest('hex').slice(0, 32);
}

/** Own keys only: a type or status named "constructor" or "__proto__" must not reach the prototype. */
function hasOwn(target: object, key: string): boolean {
	return Object.prototype.hasOwnProperty.call(target, key);
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
}

function common(
	context: ChangeContext,
	event: TriggerEventName,
	groupId: unknown,
	timestamp: WebhookTimestamp | undefined,
	requestId?: unknown,
): EventCommon {
	return compact({
		event,
		field: context.field,
		groupId: asString(groupId) ?? null,
		businessAccountId: context.businessAccountId,
		phoneNumberId: context.phoneNumberId,
		displayPhoneNumber: context.displayPhoneNumber,
		...parseTimestamp(timestamp),
		requestId: asString(requestId),
	});
}

function unknownEvent(context: ChangeContext, item?: unknown): ParsedEvent {
	const source = isObject(item) ? item : {};
	const base = common(
		context,
		'unknown',
		source.group_id,
		source.timestamp as WebhookTimestamp,
		source.request_id,
	);
	const event: UnknownEvent = compact({
		...base,
		event: 'unknown' as const,
		change: context.change,
		item,
	});
	return {
		item: event,
		dedupeKey: `unknown:${context.phoneNumberId ?? ''}:${hashOf(item ?? context.change)}`,
		raw: item ?? context.change,
		oneToOne: false,
	};
}

function groupKey(event: TriggerEventName, context: ChangeContext, item: WebhookGroupItem): string {
	return `${event}:${context.phoneNumberId ?? ''}:${hashOf(item)}`;
}

function parseGroupItem(context: ChangeContext, item: WebhookGroupItem): ParsedEvent {
	if (!isPlainObject(item)) return unknownEvent(context, item);
	const errors = mapErrors(item.errors);
	const hasErrors = (errors?.length ?? 0) > 0;
	const base = (event: TriggerEventName) =>
		common(context, event, item.group_id, item.timestamp, item.request_id);
	let event: TriggerEvent;

	switch (item.type) {
		case 'group_create':
			event = hasErrors
				? compact({
						...base('group_create_failed'),
						event: 'group_create_failed' as const,
						subject: asString(item.subject),
						description: asString(item.description),
						errors: errors ?? [],
					})
				: compact({
						...base('group_created'),
						event: 'group_created' as const,
						subject: asString(item.subject),
						description: asString(item.description),
						inviteLink: asString(item.invite_link),
						joinApprovalMode: asString(item.join_approval_mode),
					});
			break;
		case 'group_delete':
			event = hasErrors
				? { ...base('group_delete_failed'), event: 'group_delete_failed', errors: errors ?? [] }
				: { ...base('group_deleted'), event: 'group_deleted' };
			break;
		case 'group_participants_add':
			event = compact({
				...base('participants_joined'),
				event: 'participants_joined' as const,
				reason: asString(item.reason),
				participants: mapParticipants(item.added_participants),
			});
			break;
		case 'group_participants_remove': {
			const initiatedBy = asString(item.initiated_by) ?? asString(context.value.initiated_by);
			const removed = mapParticipants(item.removed_participants);
			const failed = mapParticipants(item.failed_participants);
			if (initiatedBy === 'participant') {
				event = {
					...base('participant_left'),
					event: 'participant_left',
					initiatedBy,
					participants: removed,
				};
				break;
			}
			// Nothing removed but failures reported: the whole request failed.
			const totalFailure = removed.length === 0 && (failed.length > 0 || hasErrors);
			const name = totalFailure ? 'participants_remove_failed' : 'participants_removed';
			event = compact({
				...base(name),
				event: name,
				initiatedBy,
				participants: removed,
				failedParticipants: failed,
				errors,
			});
			break;
		}
		case 'group_join_request_created':
		case 'group_join_request_revoked': {
			const name =
				item.type === 'group_join_request_created'
					? 'join_request_created'
					: 'join_request_revoked';
			event = compact({
				...base(name),
				event: name,
				joinRequestId: asString(item.join_request_id),
				reason: asString(item.reason),
				participant: mapParticipant(item),
			});
			break;
		}
		case 'group_settings_update': {
			const parts: Array<[SettingPartName, SettingTextPart | SettingPicturePart | undefined]> = [
				[
					'groupSubject',
					isObject(item.group_subject) ? mapTextPart(item.group_subject) : undefined,
				],
				[
					'groupDescription',
					isObject(item.group_description) ? mapTextPart(item.group_description) : undefined,
				],
				[
					'profilePicture',
					isObject(item.profile_picture) ? mapPicturePart(item.profile_picture) : undefined,
				],
			];
			const present = parts.filter(([, part]) => part !== undefined);
			const updatedParts = present
				.filter(([, part]) => part?.updateSuccessful === true)
				.map(([name]) => name);
			const failedParts = present
				.filter(([, part]) => part?.updateSuccessful === false)
				.map(([name]) => name);
			// Failed means nothing changed: every part reported failed, or only errors came.
			const totalFailure = updatedParts.length === 0 && (failedParts.length > 0 || hasErrors);
			const name = totalFailure ? 'settings_update_failed' : 'settings_updated';
			event = compact({
				...base(name),
				event: name,
				groupSubject: parts[0][1] as SettingTextPart | undefined,
				groupDescription: parts[1][1] as SettingTextPart | undefined,
				profilePicture: parts[2][1] as SettingPicturePart | undefined,
				updatedParts,
				failedParts,
				errors,
			});
			break;
		}
		case 'group_suspend':
			event = { ...base('group_suspended'), event: 'group_suspended' };
			break;
		case 'group_suspend_cleared':
			event = { ...base('group_suspension_cleared'), event: 'group_suspension_cleared' };
			break;
		default:
			return unknownEvent(context, item);
	}
	return {
		item: event,
		dedupeKey: groupKey(event.event, context, item),
		raw: item,
		oneToOne: false,
	};
}

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

function findSender(
	contacts: WebhookContact[],
	message: WebhookMessage,
): WebhookContact | undefined {
	const byId = contacts.find(
		(contact) =>
			(message.from !== undefined && contact.wa_id === message.from) ||
			(message.from_user_id !== undefined && contact.user_id === message.from_user_id),
	);
	// A single contact is the sender even when Meta leaves out the matching ID.
	return byId ?? (contacts.length === 1 ? contacts[0] : undefined);
}

function parseMessage(
	context: ChangeContext,
	message: WebhookMessage,
	contacts: WebhookContact[],
): ParsedEvent {
	if (!isPlainObject(message)) return unknownEvent(context, message);
	const sender = findSender(contacts, message);
	const type = asString(message.type);
	let text: string | undefined;
	let media: EventMedia | undefined;
	let content: unknown;
	if (type === 'text' && isObject(message.text)) {
		text = asString(message.text.body);
	} else if (type && MEDIA_TYPES.has(type) && isObject(message[type])) {
		const source = message[type] as WebhookMedia;
		media = compact({
			id: asString(source.id),
			mimeType: asString(source.mime_type),
			sha256: asString(source.sha256),
			caption: asString(source.caption),
			filename: asString(source.filename),
			url: asString(source.url),
		});
	} else if (type && hasOwn(message, type) && message[type] !== undefined) {
		content = message[type];
	}
	const groupId = asString(message.group_id);
	const event: MessageReceivedEvent = compact({
		...common(context, 'message_received', groupId, message.timestamp),
		event: 'message_received' as const,
		id: asString(message.id),
		from: asString(message.from),
		fromUserId: asString(message.from_user_id),
		senderName: asString(sender?.profile?.name),
		senderUserId: asString(sender?.user_id),
		senderUsername: asString(sender?.username ?? sender?.profile?.username),
		type,
		text,
		media,
		content,
		context: isObject(message.context) ? message.context : undefined,
		errors: mapErrors(message.errors),
	});
	const messageId = asString(message.id);
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
	if (!isPlainObject(status)) return unknownEvent(context, status);
	const statusValue = asString(status.status);
	const name =
		statusValue !== undefined && hasOwn(STATUS_EVENT, statusValue)
			? STATUS_EVENT[statusValue]
			: undefined;
	if (!name) return unknownEvent(context, status);
	const isGroup = status.recipient_type === 'group';
	const participant =
		asString(status.recipient_participant_id) ?? asString(status.participant_recipient_id);
	const participantUserId = asString(status.recipient_participant_user_id);
	const conversation = isObject(status.conversation) ? status.conversation : undefined;
	const event: MessageStatusEvent = compact({
		...common(context, name, isGroup ? status.recipient_id : undefined, status.timestamp),
		event: name,
		messageId: asString(status.id),
		status: asString(status.status),
		recipientId: isGroup ? undefined : asString(status.recipient_id),
		recipientParticipantId: participant,
		recipientParticipantUserId: participantUserId,
		conversationId: asString(conversation?.id),
		pricing: mapPricing(status.pricing ?? conversation?.pricing),
		errors: mapErrors(status.errors),
	});
	const key = `status:${context.phoneNumberId ?? ''}:${asString(status.id) ?? ''}:${statusValue}:${participant ?? participantUserId ?? ''}:${asString(status.recipient_id) ?? ''}`;
	return { item: event, dedupeKey: key, raw: status, oneToOne: !isGroup };
}

function parseChange(entry: Record<string, unknown>, change: WebhookChange): ParsedEvent[] {
	const value: WebhookChangeValue = isObject(change) && isObject(change.value) ? change.value : {};
	const metadata = isObject(value.metadata) ? value.metadata : {};
	const context: ChangeContext = {
		field: isObject(change) ? (asString(change.field) ?? null) : null,
		businessAccountId: asString(entry.id) ?? null,
		phoneNumberId: asString(metadata.phone_number_id) ?? null,
		displayPhoneNumber: asString(metadata.display_phone_number) ?? null,
		change,
		value,
	};
	if (context.field === 'messages') {
		const contacts = asArray<WebhookContact>(value.contacts).filter(isObject);
		const events = [
			...asArray<WebhookMessage>(value.messages).map((message) =>
				parseMessage(context, message, contacts),
			),
			...asArray<WebhookStatus>(value.statuses).map((status) => parseStatus(context, status)),
		];
		return events.length > 0 ? events : [unknownEvent(context)];
	}
	if (context.field !== null && context.field.startsWith('group_')) {
		const groups = asArray<WebhookGroupItem>(value.groups);
		return groups.length > 0
			? groups.map((item) => parseGroupItem(context, item))
			: [unknownEvent(context)];
	}
	return [unknownEvent(context)];
}

/**
 * Every entry and every change of a delivery, as one event per group item, message and status.
 * Whatever is not recognised becomes an `unknown` event: nothing is left out here (the trigger's
 * filters decide later, visibly).
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
		for (const change of changes) events.push(...parseChange(entry, change));
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
