/**
 * The trigger's output contract: every event name it can emit, which Meta field carries each one,
 * and the shape of the item for each event. Workflows are built on these names and keys, so they
 * change only with a changelog entry. The parser that produces them is `events.ts`.
 */
/** Every `event` value an item can carry, in the order the documentation lists them. */
export const TRIGGER_EVENTS = [
	'group_created',
	'group_create_failed',
	'group_deleted',
	'group_delete_failed',
	'participants_joined',
	'participants_removed',
	'participants_remove_failed',
	'participant_left',
	'join_request_created',
	'join_request_revoked',
	'settings_updated',
	'settings_update_failed',
	'group_suspended',
	'group_suspension_cleared',
	'message_received',
	'message_sent',
	'message_delivered',
	'message_read',
	'message_failed',
	'user_id_changed',
	'unknown',
] as const;

export type TriggerEventName = (typeof TRIGGER_EVENTS)[number];

export const STATUS_EVENTS: readonly TriggerEventName[] = [
	'message_sent',
	'message_delivered',
	'message_read',
	'message_failed',
];

/**
 * The Meta webhook fields each event can arrive on (the App destination subscribes them all; the
 * first is the one without which the event cannot arrive); an item's `field` is one of them.
 * `unknown` can come from any field. A user's changed business-scoped user ID comes as a
 * `user_changed_user_id` system message on `messages` (Meta's system messages reference, August
 * 2026) and on `user_id_update` (the reference's field, Meta's BSUID page of May 2026).
 */
export const EVENT_FIELDS: Record<Exclude<TriggerEventName, 'unknown'>, readonly string[]> = {
	group_created: ['group_lifecycle_update'],
	group_create_failed: ['group_lifecycle_update'],
	group_deleted: ['group_lifecycle_update'],
	group_delete_failed: ['group_lifecycle_update'],
	participants_joined: ['group_participants_update'],
	participants_removed: ['group_participants_update'],
	participants_remove_failed: ['group_participants_update'],
	participant_left: ['group_participants_update'],
	join_request_created: ['group_participants_update'],
	join_request_revoked: ['group_participants_update'],
	settings_updated: ['group_settings_update'],
	settings_update_failed: ['group_settings_update'],
	group_suspended: ['group_status_update'],
	group_suspension_cleared: ['group_status_update'],
	message_received: ['messages'],
	message_sent: ['messages'],
	message_delivered: ['messages'],
	message_read: ['messages'],
	message_failed: ['messages'],
	user_id_changed: ['messages', 'user_id_update'],
};

export interface EventError {
	code: number | string | null;
	title: string | null;
	message: string | null;
	details: string | null;
}

export interface EventParticipant {
	waId?: string;
	userId?: string;
	parentUserId?: string;
	username?: string;
	input?: string;
	errors?: EventError[];
}

/**
 * A person as a `messages` change's `contacts[]` names them (the recipient of a delivered or read
 * status): phone number, business-scoped user ID and parent ID, and the profile's username and name.
 */
export interface EventContact {
	waId?: string;
	userId?: string;
	parentUserId?: string;
	username?: string;
	name?: string;
}

/** Keys every item carries. `requestId` only when Meta sent one. */
export interface EventCommon {
	event: TriggerEventName;
	field: string | null;
	groupId: string | null;
	businessAccountId: string | null;
	phoneNumberId: string | null;
	displayPhoneNumber: string | null;
	/** ISO 8601; null when Meta sent no usable unix time (its doc samples say "TIMESTAMP"). */
	timestamp: string | null;
	timestampUnix: number | null;
	requestId?: string;
}

export interface GroupCreatedEvent extends EventCommon {
	event: 'group_created';
	subject?: string;
	description?: string;
	inviteLink?: string;
	joinApprovalMode?: string;
}

export interface GroupCreateFailedEvent extends EventCommon {
	event: 'group_create_failed';
	subject?: string;
	description?: string;
	errors: EventError[];
}

export interface GroupDeletedEvent extends EventCommon {
	event: 'group_deleted';
}

export interface GroupDeleteFailedEvent extends EventCommon {
	event: 'group_delete_failed';
	errors: EventError[];
}

export interface ParticipantsJoinedEvent extends EventCommon {
	event: 'participants_joined';
	reason?: string;
	participants: EventParticipant[];
}

export interface ParticipantsRemovedEvent extends EventCommon {
	event: 'participants_removed' | 'participants_remove_failed';
	initiatedBy?: string;
	participants: EventParticipant[];
	failedParticipants: EventParticipant[];
	errors?: EventError[];
}

export interface ParticipantLeftEvent extends EventCommon {
	event: 'participant_left';
	initiatedBy: 'participant';
	participants: EventParticipant[];
}

export interface JoinRequestEvent extends EventCommon {
	event: 'join_request_created' | 'join_request_revoked';
	joinRequestId?: string;
	reason?: string;
	participant: EventParticipant;
}

export interface SettingTextPart {
	text?: string;
	updateSuccessful?: boolean;
	errors?: EventError[];
}

export interface SettingPicturePart {
	mimeType?: string;
	sha256?: string;
	updateSuccessful?: boolean;
	errors?: EventError[];
}

export type SettingPartName = 'groupSubject' | 'groupDescription' | 'profilePicture';

export interface SettingsEvent extends EventCommon {
	event: 'settings_updated' | 'settings_update_failed';
	groupSubject?: SettingTextPart;
	groupDescription?: SettingTextPart;
	profilePicture?: SettingPicturePart;
	updatedParts: SettingPartName[];
	failedParts: SettingPartName[];
	errors?: EventError[];
}

export interface GroupStatusEvent extends EventCommon {
	event: 'group_suspended' | 'group_suspension_cleared';
}

export interface EventMedia {
	id?: string;
	mimeType?: string;
	sha256?: string;
	caption?: string;
	filename?: string;
	url?: string;
}

export interface MessageReceivedEvent extends EventCommon {
	event: 'message_received';
	id?: string;
	from?: string;
	fromUserId?: string;
	fromParentUserId?: string;
	senderName?: string;
	senderUserId?: string;
	senderParentUserId?: string;
	senderUsername?: string;
	type?: string;
	text?: string;
	media?: EventMedia;
	/** The type object of any other message type (reaction, location, …), as Meta sent it. */
	content?: unknown;
	context?: { from?: string; id?: string };
	errors?: EventError[];
}

export interface EventPricing {
	billable?: boolean;
	category?: string;
	type?: string;
	model?: string;
}

export interface MessageStatusEvent extends EventCommon {
	event: 'message_sent' | 'message_delivered' | 'message_read' | 'message_failed';
	messageId?: string;
	status?: string;
	/** Only for one-to-one statuses, where no group ID applies. */
	recipientId?: string;
	recipientParticipantId?: string;
	recipientParticipantUserId?: string;
	recipientParticipantParentUserId?: string;
	/** One-to-one statuses: the user's business-scoped user ID and parent ID. */
	recipientUserId?: string;
	recipientParentUserId?: string;
	/** The person the status is about, from the change's `contacts[]` (delivered and read). */
	recipient?: EventContact;
	conversationId?: string;
	pricing?: EventPricing;
	errors?: EventError[];
}

/**
 * Where Meta reported a changed business-scoped user ID: a `user_id_update` change, or a system
 * message of type `user_changed_user_id` (or `user_changed_number` carrying the previous BSUID:
 * a new phone number regenerates the BSUID).
 */
export type UserIdChangeSource = 'user_id_update' | 'user_changed_user_id' | 'user_changed_number';

/**
 * A user's business-scoped user ID changed. Not about one group (`groupId` is null): the user may
 * be a participant of any of the number's groups, so stored memberships keyed on `userId` are
 * re-keyed from `previousUserId` to `userId`.
 */
export interface UserIdChangedEvent extends EventCommon {
	event: 'user_id_changed';
	source: UserIdChangeSource;
	/** The current (new) BSUID and parent BSUID. */
	userId?: string;
	parentUserId?: string;
	previousUserId?: string;
	previousParentUserId?: string;
	/** The user's phone number, when Meta shares it (the new one after a number change). */
	waId?: string;
	/** The phone number before a number change (`user_changed_number`). */
	previousWaId?: string;
	/** The user's profile name, from the change's `contacts[]` (`user_id_update` only). */
	name?: string;
	/** Meta's sentence about the change (`detail`, or the system message's `body`). */
	detail?: string;
	/** The system message's ID (system messages only). */
	messageId?: string;
}

export interface UnknownEvent extends EventCommon {
	event: 'unknown';
	/** Meta's change (or the whole delivery when it had no readable entries), untouched. */
	change: unknown;
	/** The element of the change that was not recognised, when the change itself was. */
	item?: unknown;
}

export type TriggerEvent =
	| GroupCreatedEvent
	| GroupCreateFailedEvent
	| GroupDeletedEvent
	| GroupDeleteFailedEvent
	| ParticipantsJoinedEvent
	| ParticipantsRemovedEvent
	| ParticipantLeftEvent
	| JoinRequestEvent
	| SettingsEvent
	| GroupStatusEvent
	| MessageReceivedEvent
	| MessageStatusEvent
	| UserIdChangedEvent
	| UnknownEvent;

/**
 * One parsed event with what the filters need beside the item itself. (Its redelivery key is
 * computed from the item, in the run: eventKeys.ts.)
 */
export interface ParsedEvent {
	item: TriggerEvent;
	/** Meta's object the item was built from (group item, message, status or change). */
	raw: unknown;
	/** Traffic on the `messages` field that is not about a group (a user ID change is not). */
	oneToOne: boolean;
}
