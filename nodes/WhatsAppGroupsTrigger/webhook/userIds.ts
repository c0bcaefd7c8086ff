/**
 * The readers of a user's changed business-scoped user ID (BSUID): the entries of a
 * `user_id_update` change and the system messages that report a change, both as
 * `user_id_changed` events.
 */
import type { WebhookMessage, WebhookUserIdUpdate } from '../../shared/types';
import type { Contacts } from './contacts';
import type { ChangeContext } from './context';
import { start, unknownEvent } from './context';
import type { ParsedEvent, UserIdChangedEvent, UserIdChangeSource } from './eventTypes';
import { asString, isObject } from './readers';

/** A `{previous, current}` pair of a `user_id_update` entry, read as two strings. */
function pairOf(value: unknown): { previous?: string; current?: string } {
	if (!isObject(value)) return {};
	return { previous: asString(value.previous), current: asString(value.current) };
}

/**
 * A system message that reports a changed BSUID: `user_changed_user_id` always, and
 * `user_changed_number` when it carries the previous BSUID (a new number regenerates it; Meta's
 * changelog of August 2026). Any other system message stays a received message.
 */
export function parseSystemUserIdChange(
	context: ChangeContext,
	message: WebhookMessage,
): ParsedEvent | undefined {
	const system = message.system as NonNullable<WebhookMessage['system']>;
	const systemType = system.type;
	const previousUserId = asString(system.previous_user_id);
	if (
		systemType !== 'user_changed_user_id' &&
		!(systemType === 'user_changed_number' && previousUserId !== undefined)
	) {
		return undefined;
	}
	const event = start(
		context,
		'user_id_changed',
		undefined,
		message.timestamp,
		undefined,
	) as UserIdChangedEvent;
	event.source = systemType as UserIdChangeSource;
	const userId = asString(system.user_id);
	if (userId !== undefined) event.userId = userId;
	const parentUserId = asString(system.parent_user_id);
	if (parentUserId !== undefined) event.parentUserId = parentUserId;
	if (previousUserId !== undefined) event.previousUserId = previousUserId;
	const previousParentUserId = asString(system.previous_parent_user_id);
	if (previousParentUserId !== undefined) event.previousParentUserId = previousParentUserId;
	const from = asString(message.from);
	if (systemType === 'user_changed_number') {
		const waId = asString(system.wa_id);
		if (waId !== undefined) event.waId = waId;
		if (from !== undefined && from !== waId) event.previousWaId = from;
	} else {
		const waId = asString(system.wa_id) ?? from;
		if (waId !== undefined) event.waId = waId;
	}
	const detail = asString(system.body);
	if (detail !== undefined) event.detail = detail;
	const messageId = asString(message.id);
	if (messageId !== undefined) event.messageId = messageId;
	return {
		item: event,
		raw: message,
		oneToOne: false,
	};
}

/**
 * One entry of a `user_id_update` change. Its person's name comes from the change's `contacts[]`
 * (by phone number or either BSUID, or the only contact).
 */
export function parseUserIdUpdate(
	context: ChangeContext,
	update: WebhookUserIdUpdate,
	contacts: Contacts | undefined,
): ParsedEvent {
	if (!isObject(update)) return unknownEvent(context, update);
	const userIds = pairOf(update.user_id);
	const parentUserIds = pairOf(update.parent_user_id);
	const event = start(
		context,
		'user_id_changed',
		undefined,
		update.timestamp,
		undefined,
	) as UserIdChangedEvent;
	event.source = 'user_id_update';
	if (userIds.current !== undefined) event.userId = userIds.current;
	if (parentUserIds.current !== undefined) event.parentUserId = parentUserIds.current;
	if (userIds.previous !== undefined) event.previousUserId = userIds.previous;
	if (parentUserIds.previous !== undefined) {
		event.previousParentUserId = parentUserIds.previous;
	}
	const waId = asString(update.wa_id);
	if (waId !== undefined) event.waId = waId;
	const contact =
		contacts?.find(update.wa_id, userIds.current, false) ??
		contacts?.find(undefined, userIds.previous, true);
	const profile = isObject(contact?.profile) ? contact.profile : undefined;
	const name = asString(profile?.name);
	if (name !== undefined) event.name = name;
	const detail = asString(update.detail);
	if (detail !== undefined) event.detail = detail;
	return {
		item: event,
		raw: update,
		oneToOne: false,
	};
}
