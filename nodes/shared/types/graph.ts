/**
 * Meta's Graph API payloads for the WhatsApp Groups API, as they travel on the wire (snake_case).
 * The nodes, the tests and the local sandbox all use these types: one place, one truth.
 */

export type JoinApprovalMode = 'auto_approve' | 'approval_required';

export const GROUP_INFO_FIELDS = [
	'subject',
	'description',
	'participants',
	'join_approval_mode',
	'suspended',
	'creation_timestamp',
	'total_participant_count',
] as const;

export type GroupInfoField = (typeof GROUP_INFO_FIELDS)[number];

/** Error object inside a Graph error response or a per-ID failure. */
export interface GraphErrorDetail {
	message?: string;
	type?: string;
	code?: number | string;
	title?: string;
	error_subcode?: number;
	error_user_title?: string;
	error_user_msg?: string;
	fbtrace_id?: string;
	is_transient?: boolean;
	error_data?: { messaging_product?: 'whatsapp'; details?: string } | string;
}

export interface GraphErrorResponse {
	error: GraphErrorDetail;
}

export interface GraphPaging {
	cursors?: { before?: string; after?: string };
	next?: string;
	previous?: string;
}

/** POST /<PHONE_NUMBER_ID>/groups */
export interface CreateGroupRequest {
	messaging_product: 'whatsapp';
	subject: string;
	description?: string;
	join_approval_mode?: JoinApprovalMode;
}

export interface CreateGroupResponse {
	messaging_product: 'whatsapp';
	request_id: string;
}

/**
 * What the action node accepts from a create: Meta's answer (the group ID comes later, by webhook,
 * with the request ID), or the new group's `id`, which 360dialog's reference documents instead
 * (its real answer is unconfirmed).
 */
export type CreateGroupAnswer = Partial<CreateGroupResponse> & { id?: string };

/** `{success: true}`: Meta accepted the request. Some answers may also carry a request ID. */
export interface SuccessResponse {
	success: boolean;
	request_id?: string;
}

/** A participant as the API and the webhooks describe one (BSUID rollout: wa_id may be missing). */
export interface GraphParticipant {
	wa_id?: string;
	user_id?: string;
	parent_user_id?: string;
	username?: string;
	input?: string;
}

/** GET /<GROUP_ID>?fields=… */
export interface GroupInfoResponse {
	messaging_product?: 'whatsapp';
	id: string;
	subject?: string;
	description?: string;
	suspended?: boolean;
	creation_timestamp?: number | string;
	total_participant_count?: number;
	participants?: GraphParticipant[];
	join_approval_mode?: JoinApprovalMode;
}

export interface ActiveGroupSummary {
	id: string;
	subject: string;
	created_at: number | string;
}

/** GET /<PHONE_NUMBER_ID>/groups — note `data` is an object that holds `groups`. */
export interface ActiveGroupsResponse {
	data: { groups: ActiveGroupSummary[] };
	paging?: GraphPaging;
}

export interface InviteLinkResponse {
	messaging_product?: 'whatsapp';
	invite_link: string;
}

export interface GraphJoinRequest {
	join_request_id: string;
	wa_id?: string;
	user_id?: string;
	parent_user_id?: string;
	username?: string;
	creation_timestamp: number | string;
}

export interface JoinRequestsResponse {
	data: GraphJoinRequest[];
	paging?: GraphPaging;
}

export interface JoinRequestsBody {
	messaging_product: 'whatsapp';
	join_requests: string[];
}

export interface FailedJoinRequest {
	join_request_id: string;
	errors?: GraphErrorDetail[];
}

export interface JoinRequestsActionResponse {
	messaging_product?: 'whatsapp';
	approved_join_requests?: string[];
	rejected_join_requests?: string[];
	failed_join_requests?: FailedJoinRequest[];
	errors?: GraphErrorDetail[];
}

/** One entry of DELETE /<GROUP_ID>/participants: a phone number / WhatsApp ID, or a BSUID. */
export type ParticipantRef = { user: string } | { user_id: string };

export interface RemoveParticipantsBody {
	messaging_product: 'whatsapp';
	participants: ParticipantRef[];
}

export interface FailedParticipant {
	input?: string;
	user?: string;
	user_id?: string;
	wa_id?: string;
	errors?: GraphErrorDetail[];
}

/**
 * Meta documents no body for a removal's answer (only "request processed"); its outcome comes by
 * webhook. HTTP 206 / code 131201 is a documented partial success, which may name the outcomes.
 */
export interface RemoveParticipantsResponse {
	messaging_product?: 'whatsapp';
	success?: boolean;
	request_id?: string;
	removed_participants?: GraphParticipant[];
	failed_participants?: FailedParticipant[];
	errors?: GraphErrorDetail[];
	error?: GraphErrorDetail;
}

export interface UpdateSettingsBody {
	messaging_product: 'whatsapp';
	subject?: string;
	description?: string;
}

/** Message types the Cloud API knows; groups accept only some of them. */
export type GroupMessageType =
	| 'text'
	| 'image'
	| 'video'
	| 'audio'
	| 'document'
	| 'sticker'
	| 'template'
	| 'pin';

export interface MediaObject {
	id?: string;
	link?: string;
	caption?: string;
	filename?: string;
}

export interface TemplateObject {
	name: string;
	language: { code: string; policy?: 'deterministic' };
	components?: Array<Record<string, unknown>>;
}

export interface PinObject {
	type: 'pin' | 'unpin';
	message_id: string;
	expiration_days?: number;
}

/**
 * POST /<PHONE_NUMBER_ID>/messages. A user is reached by phone number (`to`) or business-scoped
 * user ID (`recipient`); `to` wins when both are set. A group is always `to`.
 */
export interface SendMessageRequest {
	messaging_product: 'whatsapp';
	recipient_type: 'group' | 'individual';
	to?: string;
	recipient?: string;
	type: GroupMessageType;
	text?: { body: string; preview_url?: boolean };
	image?: MediaObject;
	video?: MediaObject;
	audio?: MediaObject;
	document?: MediaObject;
	sticker?: MediaObject;
	template?: TemplateObject;
	pin?: PinObject;
}

export interface SendMessageResponse {
	messaging_product: 'whatsapp';
	/** `wa_id` when sent to a phone number, `user_id` when sent to a BSUID, the group ID for groups. */
	contacts?: Array<{ input: string; wa_id?: string; user_id?: string }>;
	messages: Array<{ id: string; message_status?: string }>;
}

/** POST /<PHONE_NUMBER_ID>/messages marking a received message as read (answers `{success}`). */
export interface MarkReadRequest {
	messaging_product: 'whatsapp';
	status: 'read';
	message_id: string;
}

/** GET /<WABA_ID>/message_templates: the business account's templates. */
export interface MessageTemplate {
	id: string;
	name: string;
	language?: string;
	status?: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED' | string;
	category?: 'UTILITY' | 'MARKETING' | 'AUTHENTICATION' | string;
	parameter_format?: 'POSITIONAL' | 'NAMED' | string;
	components?: Array<Record<string, unknown>>;
	library_template_name?: string;
}

export interface MessageTemplatesResponse {
	data: MessageTemplate[];
	paging?: GraphPaging;
}

/** GET /<WABA_ID>/phone_numbers */
export interface PhoneNumber {
	id: string;
	display_phone_number?: string;
	verified_name?: string;
	quality_rating?: string;
}

export interface PhoneNumbersResponse {
	data: PhoneNumber[];
	paging?: GraphPaging;
}

/** Webhook destinations. */
export interface WebhookConfiguration {
	application?: string;
	whatsapp_business_account?: string;
	phone_number?: string;
}

export interface PhoneNumberWebhookConfigurationResponse {
	id?: string;
	webhook_configuration?: WebhookConfiguration;
}

/**
 * 360dialog's webhook of a phone number: `GET /v1/configs/webhook` answers it, `POST` sets it
 * (the body is the same: the URL and the headers every delivery carries). Whether GET reports the
 * headers, and its answer for a number without a webhook, are not documented: both optional.
 */
export interface D360WebhookConfig {
	url?: string | null;
	headers?: Record<string, string> | null;
}

export interface SubscribedApp {
	whatsapp_business_api_data?: { id?: string; name?: string; link?: string };
	override_callback_uri?: string;
}

export interface SubscribedAppsResponse {
	data: SubscribedApp[];
}

export interface AppSubscription {
	object: string;
	callback_url: string;
	active: boolean;
	fields: Array<{ name: string; version?: string } | string>;
}

export interface AppSubscriptionsResponse {
	data: AppSubscription[];
}
