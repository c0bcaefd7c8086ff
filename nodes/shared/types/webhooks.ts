/**
 * Meta's webhook deliveries for the Groups API (snake_case, as received). Tolerant by design:
 * Meta's pages disagree on several details (see the reference's "Known inconsistencies"), so
 * optional keys and unions are deliberate.
 */
import type { GraphErrorDetail, GraphParticipant } from './graph';

export const GROUP_WEBHOOK_FIELDS = [
	'group_lifecycle_update',
	'group_participants_update',
	'group_settings_update',
	'group_status_update',
] as const;

export type GroupWebhookField = (typeof GROUP_WEBHOOK_FIELDS)[number];

/**
 * The field of a changed business-scoped user ID (the reference; Meta's BSUID page of May 2026).
 * Meta's changelog of August 2026 says it is not subscribable and sends the change as a
 * `user_changed_user_id` system message on `messages` instead; the trigger reads both.
 */
export const USER_ID_UPDATE_FIELD = 'user_id_update';

/** Every field a group trigger subscribes to: the four group fields, messages and user_id_update. */
export const TRIGGER_WEBHOOK_FIELDS = [
	...GROUP_WEBHOOK_FIELDS,
	'messages',
	USER_ID_UPDATE_FIELD,
] as const;

export type WebhookTimestamp = string | number;

export interface WebhookMetadata {
	display_phone_number?: string;
	phone_number_id?: string;
}

export interface WebhookSettingPart {
	text?: string;
	update_successful?: boolean;
	errors?: GraphErrorDetail[];
}

export interface WebhookProfilePicturePart {
	mime_type?: string;
	sha256?: string;
	update_successful?: boolean;
	errors?: GraphErrorDetail[];
}

export interface WebhookGroupItem {
	timestamp?: WebhookTimestamp;
	group_id?: string;
	type?: string;
	request_id?: string;
	errors?: GraphErrorDetail[];
	// group_lifecycle_update
	subject?: string;
	description?: string;
	invite_link?: string;
	join_approval_mode?: string;
	// group_participants_update
	reason?: string;
	initiated_by?: 'business' | 'participant' | string;
	added_participants?: GraphParticipant[];
	removed_participants?: GraphParticipant[];
	failed_participants?: Array<GraphParticipant & { errors?: GraphErrorDetail[] }>;
	join_request_id?: string;
	wa_id?: string;
	user_id?: string;
	parent_user_id?: string;
	username?: string;
	// group_settings_update
	group_subject?: WebhookSettingPart;
	group_description?: WebhookSettingPart;
	profile_picture?: WebhookProfilePicturePart;
}

export interface WebhookContact {
	profile?: { name?: string; username?: string };
	wa_id?: string;
	user_id?: string;
	parent_user_id?: string;
	username?: string;
}

export interface WebhookMedia {
	id?: string;
	mime_type?: string;
	sha256?: string;
	caption?: string;
	filename?: string;
	url?: string;
}

export interface WebhookMessage {
	from?: string;
	from_user_id?: string;
	from_parent_user_id?: string;
	group_id?: string;
	id?: string;
	timestamp?: WebhookTimestamp;
	type?: string;
	text?: { body?: string };
	image?: WebhookMedia;
	video?: WebhookMedia;
	audio?: WebhookMedia;
	document?: WebhookMedia;
	sticker?: WebhookMedia;
	context?: { from?: string; id?: string };
	/** `type: system`: a user's phone number or business-scoped user ID changed. */
	system?: {
		body?: string;
		type?: 'user_changed_number' | 'user_changed_user_id' | string;
		wa_id?: string;
		user_id?: string;
		parent_user_id?: string;
		previous_user_id?: string;
		previous_parent_user_id?: string;
	};
	errors?: GraphErrorDetail[];
	/** Anything else Meta sends (reaction, location, button, …) stays reachable. */
	[key: string]: unknown;
}

export interface WebhookPricing {
	billable?: boolean | string;
	pricing_model?: string;
	type?: string;
	category?: string;
}

export interface WebhookStatus {
	id?: string;
	status?: 'sent' | 'delivered' | 'read' | 'failed' | string;
	timestamp?: WebhookTimestamp;
	recipient_id?: string;
	recipient_type?: 'group' | 'individual' | string;
	recipient_participant_id?: string;
	/** Meta's single delivered/read samples spell it this way. */
	participant_recipient_id?: string;
	recipient_participant_user_id?: string;
	recipient_participant_parent_user_id?: string;
	/** 1:1 statuses: the user's BSUID (and parent BSUID). */
	recipient_user_id?: string;
	recipient_parent_user_id?: string;
	pricing?: WebhookPricing;
	/** Aggregated samples nest `pricing` here; the others put it beside `conversation`. */
	conversation?: { id?: string; origin?: { type?: string }; pricing?: WebhookPricing };
	errors?: GraphErrorDetail[];
}

/** One entry of a `user_id_update` change: a user's business-scoped user ID changed. */
export interface WebhookUserIdUpdate {
	wa_id?: string;
	detail?: string;
	user_id?: { previous?: string; current?: string };
	parent_user_id?: { previous?: string; current?: string };
	timestamp?: WebhookTimestamp;
}

export interface WebhookChangeValue {
	messaging_product?: 'whatsapp';
	metadata?: WebhookMetadata;
	/** Some of Meta's samples print `initiated_by` here instead of inside the group object. */
	initiated_by?: string;
	groups?: WebhookGroupItem[];
	contacts?: WebhookContact[];
	messages?: WebhookMessage[];
	statuses?: WebhookStatus[];
	user_id_update?: WebhookUserIdUpdate[];
	[key: string]: unknown;
}

export interface WebhookChange {
	field?: string;
	value?: WebhookChangeValue;
}

export interface WebhookEntry {
	id?: string;
	changes?: WebhookChange[];
}

export interface WebhookDelivery {
	object?: string;
	entry?: WebhookEntry[];
}
