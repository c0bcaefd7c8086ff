/**
 * The webhook parser: one typed event per group item, message, status and user ID change of a
 * delivery.
 */
import type {
	WebhookChange,
	WebhookChangeValue,
	WebhookDelivery,
	WebhookGroupItem,
	WebhookMedia,
	WebhookMessage,
	WebhookStatus,
	WebhookUserIdUpdate,
} from '../../shared/types';
import { USER_ID_UPDATE_FIELD } from '../../shared/types';
import type { Contacts } from './contacts';
import { contactsOf } from './contacts';
import type { ChangeContext } from './context';
import { emptyContext, start, startGroup, unknownEvent } from './context';
import type {
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
	SettingsEvent,
	TriggerEvent,
} from './eventTypes';
import {
	asArray,
	asString,
	hasOwn,
	isObject,
	mapContact,
	mapErrors,
	mapMedia,
	mapParticipant,
	mapParticipants,
	mapPicturePart,
	mapPricing,
	mapTextPart,
} from './readers';
import { parseSystemUserIdChange, parseUserIdUpdate } from './userIds';

/**
 * The webhook field each group item `type` arrives on (Meta's Groups webhooks page). The event
 * comes from the field and the type together: a type under another field, or under a field this
 * version does not know, is not an event of the contract but an unknown item carrying its element
 * (a `group_create` under `group_participants_update` is not a created group, and the
 * participants it may carry stay in the item).
 */
const GROUP_TYPE_FIELD: ReadonlyMap<unknown, string> = new Map([
	['group_create', 'group_lifecycle_update'],
	['group_delete', 'group_lifecycle_update'],
	['group_participants_add', 'group_participants_update'],
	['group_participants_remove', 'group_participants_update'],
	['group_join_request_created', 'group_participants_update'],
	['group_join_request_revoked', 'group_participants_update'],
	['group_settings_update', 'group_settings_update'],
	['group_suspend', 'group_status_update'],
	['group_suspend_cleared', 'group_status_update'],
]);

function parseGroupItem(context: ChangeContext, item: WebhookGroupItem): ParsedEvent {
	if (!isObject(item) || GROUP_TYPE_FIELD.get(item.type) !== context.field) {
		return unknownEvent(context, item);
	}
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
	return { item: event, raw: item, oneToOne: false };
}

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

function parseMessage(
	context: ChangeContext,
	message: WebhookMessage,
	contacts: Contacts | undefined,
): ParsedEvent {
	if (!isObject(message)) return unknownEvent(context, message);
	const type = asString(message.type);
	if (type === 'system' && isObject(message.system)) {
		const changed = parseSystemUserIdChange(context, message);
		if (changed !== undefined) return changed;
	}
	const sender = contacts?.find(message.from, message.from_user_id, true);
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
	const fromParentUserId = asString(message.from_parent_user_id);
	if (fromParentUserId !== undefined) event.fromParentUserId = fromParentUserId;
	if (sender !== undefined) {
		const profile = isObject(sender.profile) ? sender.profile : undefined;
		const senderName = asString(profile?.name);
		if (senderName !== undefined) event.senderName = senderName;
		const senderUserId = asString(sender.user_id);
		if (senderUserId !== undefined) event.senderUserId = senderUserId;
		const senderParentUserId = asString(sender.parent_user_id);
		if (senderParentUserId !== undefined) event.senderParentUserId = senderParentUserId;
		// Meta's pages put the username inside profile; beside it is read too.
		const senderUsername = asString(profile?.username) ?? asString(sender.username);
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
	return { item: event, raw: message, oneToOne: groupId === undefined };
}

const STATUS_EVENT: Record<string, MessageStatusEvent['event']> = {
	sent: 'message_sent',
	delivered: 'message_delivered',
	read: 'message_read',
	failed: 'message_failed',
};

function parseStatus(
	context: ChangeContext,
	status: WebhookStatus,
	contacts: Contacts | undefined,
): ParsedEvent {
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
	const recipientUserId = asString(status.recipient_user_id);
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
	const participantParentUserId = asString(status.recipient_participant_parent_user_id);
	if (participantParentUserId !== undefined) {
		event.recipientParticipantParentUserId = participantParentUserId;
	}
	if (recipientUserId !== undefined) event.recipientUserId = recipientUserId;
	const recipientParentUserId = asString(status.recipient_parent_user_id);
	if (recipientParentUserId !== undefined) event.recipientParentUserId = recipientParentUserId;
	if (contacts !== undefined) {
		// Delivered and read statuses name the person in the change's contacts[]: the contact with
		// the status's phone number or BSUID, never a guess.
		const contact = isGroup
			? contacts.find(
					status.recipient_participant_id ?? status.participant_recipient_id,
					status.recipient_participant_user_id,
					false,
				)
			: contacts.find(status.recipient_id, status.recipient_user_id, false);
		if (contact !== undefined) event.recipient = mapContact(contact);
	}
	const conversationId = asString(conversation?.id);
	if (conversationId !== undefined) event.conversationId = conversationId;
	const pricing = mapPricing(status.pricing ?? conversation?.pricing);
	if (pricing !== undefined) event.pricing = pricing;
	const errors = mapErrors(status.errors);
	if (errors !== undefined) event.errors = errors;
	return { item: event, raw: status, oneToOne: !isGroup };
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
		// The senders of messages and the recipients of statuses (most changes of statuses have none).
		const contacts = contactsOf(value);
		for (const message of asArray<WebhookMessage>(value.messages)) {
			events.push(parseMessage(context, message, contacts));
		}
		for (const status of asArray<WebhookStatus>(value.statuses)) {
			events.push(parseStatus(context, status, contacts));
		}
	} else if (context.field !== null && context.field.startsWith('group_')) {
		for (const item of asArray<WebhookGroupItem>(value.groups)) {
			events.push(parseGroupItem(context, item));
		}
	} else if (context.field === USER_ID_UPDATE_FIELD) {
		const contacts = contactsOf(value);
		for (const update of asArray<WebhookUserIdUpdate>(value.user_id_update)) {
			events.push(parseUserIdUpdate(context, update, contacts));
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
