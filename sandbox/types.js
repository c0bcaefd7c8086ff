// @ts-check
'use strict';

/**
 * The sandbox's own types (JSDoc only, nothing runs here): its configuration, the state it keeps
 * and the Graph call its HTTP layer hands to a route. Meta's payloads are not here: they live in
 * nodes/shared/types, shared with the nodes, and every module imports them from there.
 */

/** @typedef {import('../nodes/shared/types').JoinApprovalMode} JoinApprovalMode */
/** @typedef {import('../nodes/shared/types').WebhookDelivery} WebhookDelivery */

/**
 * @typedef {object} PhoneConfig
 * @property {string} id
 * @property {string} display_phone_number
 * @property {string} [verified_name]
 * @property {string} [quality_rating]
 * @property {boolean} [groups_eligible]  false → 131215 on every group call
 * @property {boolean} [group_creation_disabled]  true → 131214 on create
 * @property {string} [d360_api_key]  its 360dialog API key (default sandbox-360dialog-key-<n>, n counting numbers from 1)
 */

/**
 * The number's 360dialog webhook (POST /v1/configs/webhook): where 360dialog sends its events, and
 * the headers each delivery carries.
 * @typedef {object} D360Webhook
 * @property {string} url
 * @property {Record<string, string>} headers
 */

/**
 * @typedef {object} PhoneState
 * @property {string} id
 * @property {string} display_phone_number
 * @property {string} verified_name
 * @property {string} quality_rating
 * @property {boolean} groups_eligible
 * @property {boolean} group_creation_disabled
 * @property {{ uri: string, verify_token: string } | null} override
 * @property {string} d360_api_key  the number's 360dialog API key
 * @property {D360Webhook | null} d360_webhook  set: every webhook of the number goes there, unsigned
 */

/**
 * @typedef {object} Participant
 * @property {string} [wa_id]
 * @property {string} [user_id]
 * @property {string} [username]
 * @property {string} name
 * @property {number} joined_at
 */

/**
 * A simulated WhatsApp user, as the control endpoints describe one.
 * @typedef {object} SimUser
 * @property {string} [wa_id]
 * @property {string} [user_id]
 * @property {string} [username]
 * @property {string} name
 */

/**
 * @typedef {object} JoinRequest
 * @property {string} join_request_id
 * @property {string} [wa_id]
 * @property {string} [user_id]
 * @property {string} [username]
 * @property {string} name
 * @property {number} creation_timestamp
 * @property {number} seq  arrival order, for stable paging
 */

/**
 * @typedef {object} Pin
 * @property {string} message_id
 * @property {number} pinned_at
 * @property {number} expires_at
 */

/**
 * @typedef {object} ProfilePicture
 * @property {string} sha256
 * @property {string} mime_type
 * @property {number} width
 * @property {number} height
 */

/**
 * @typedef {object} Group
 * @property {string} id
 * @property {string} phone_number_id
 * @property {string} subject
 * @property {string} description
 * @property {JoinApprovalMode} join_approval_mode
 * @property {number} creation_timestamp
 * @property {boolean} suspended
 * @property {Participant[]} participants
 * @property {string[]} removed  keys of users the business removed (they cannot rejoin by link)
 * @property {string} invite_code
 * @property {string[]} old_invite_codes
 * @property {JoinRequest[]} join_requests
 * @property {Pin[]} pins
 * @property {string[]} messages  ids of messages in the group (sent and received)
 * @property {ProfilePicture | null} profile_picture
 * @property {number} service_window_until
 * @property {number} seq  creation order, for stable sorting
 */

/**
 * Who wrote a message: the business number, or a participant.
 * @typedef {{ business: true, phone_number_id: string, display_phone_number: string } |
 *   { business: false, wa_id?: string, user_id?: string, username?: string, name: string }} MessageSender
 */

/**
 * A status WhatsApp reported for a message, as the messages webhook carried it.
 * @typedef {object} MessageStatusRecord
 * @property {string} status  sent, delivered, read or failed
 * @property {number} timestamp  unix seconds
 * @property {string} [participant]  the participant's wa_id (group messages, per-participant statuses)
 * @property {string} [participant_user_id]
 * @property {string} [recipient]  the user of a 1:1 message
 * @property {Array<{ code: number, title?: string, message?: string, details?: string }>} [errors]
 */

/**
 * A message the sandbox saw: sent by the business (to a group, or 1:1) or written by a participant.
 * @typedef {object} MessageRecord
 * @property {string} id  wamid
 * @property {string | null} group_id  null for 1:1 messages
 * @property {string} phone_number_id  the business number
 * @property {MessageSender} from
 * @property {string} [to]  the user of a 1:1 message (phone number, or BSUID when sent to one)
 * @property {string} type  text, image, video, audio, document, sticker, template, pin, unsupported, …
 * @property {string} [text]  text body
 * @property {string} [caption]  media caption
 * @property {string} [filename]  document file name
 * @property {string} [mime_type]  media received from a participant
 * @property {{ id?: string, link?: string }} [media]  media sent by the business
 * @property {{ name: string, language?: string }} [template]
 * @property {{ type: string, message_id: string, expiration_days?: number }} [pin]
 * @property {number} [recipients]  participants when the business sent it to a group
 * @property {number} timestamp  unix seconds
 * @property {MessageStatusRecord[]} statuses  in the order they were reported
 * @property {boolean} [read]  a received message the business marked as read
 */

/**
 * What insertGroup() needs; the rest of a Group starts empty.
 * @typedef {object} GroupBase
 * @property {string} id
 * @property {string} phone_number_id
 * @property {string} subject
 * @property {string} description
 * @property {JoinApprovalMode} join_approval_mode
 * @property {number} creation_timestamp
 */

/**
 * An operation's request_id and what became of it (create, delete, removal, settings).
 * @typedef {object} RequestRecord
 * @property {string} request_id
 * @property {string} type
 * @property {string} [group_id]
 * @property {string} status
 */

/**
 * One of the business account's message templates (GET /<WABA_ID>/message_templates).
 * @typedef {object} Template
 * @property {string} id
 * @property {string} name
 * @property {string} language
 * @property {'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED'} status
 * @property {'UTILITY' | 'MARKETING' | 'AUTHENTICATION'} category
 * @property {'POSITIONAL' | 'NAMED'} parameter_format
 * @property {Record<string, unknown>[]} components
 * @property {string} [library_template_name]  the Template Library template it was copied from
 */

/**
 * @typedef {object} FaultRule
 * @property {'latency' | 'rate_limit' | 'server_error' | 'partial'} kind
 * @property {number} [ms]  latency
 * @property {number} [status]  server_error status (default 500) or rate_limit status (default 429)
 * @property {number} [code]  rate_limit code (default 131208), server_error code (default 2 on 503, else 1)
 * @property {number} [retryAfter]  seconds, rate_limit (default 1)
 * @property {boolean} [after]  server_error only: carry the request out, then answer the error
 * @property {number} [ratio]  0..1 probability per matching request
 * @property {number} [count]  only the next N matching requests
 * @property {string} [method]  only this HTTP method
 * @property {string} [path]  only paths (below the version) matching this regular expression
 * @property {string} [id]
 */

/**
 * @typedef {object} DeliveryRecord
 * @property {number} id
 * @property {string} field
 * @property {string} phone_number_id
 * @property {string | null} url
 * @property {'delivered' | 'failed' | 'skipped' | 'pending'} status
 * @property {string} [reason]
 * @property {number} attempts
 * @property {number[]} response_statuses
 * @property {string | null} signature  X-Hub-Signature-256 (null: a 360dialog delivery, unsigned)
 * @property {Record<string, string>} [headers]  a 360dialog delivery's registered headers
 * @property {WebhookDelivery} body
 * @property {string} created_at
 */

/**
 * @typedef {object} SandboxOptions
 * @property {string} [host]  default 127.0.0.1
 * @property {number} [port]  default 0 (a free port)
 * @property {string} [token]  the system-user access token (default "sandbox-token")
 * @property {string} [appId]
 * @property {string} [appSecret]
 * @property {string} [wabaId]
 * @property {string} [wabaName]
 * @property {PhoneConfig[]} [phoneNumbers]
 * @property {string | number} [seed]  makes every generated id deterministic (default "sandbox")
 * @property {number} [asyncDelayMs]  before asynchronous outcomes such as "group created" (default 25)
 * @property {number} [statusDelayMs]  between sent, delivered and read (default 25)
 * @property {number} [cursorTtlMs]  paging cursors expire after this (default 10 minutes)
 * @property {number} [deliveryAttempts]  attempts per webhook delivery (default 3)
 * @property {number} [deliveryRetryDelayMs]  default 250
 * @property {number} [deliveryTimeoutMs]  default 5000
 * @property {boolean} [wabaSubscribed]  the app starts subscribed to the WABA (default true)
 * @property {FaultRule[]} [faults]
 * @property {number | { count: number, seed?: string | number, phone_number_id?: string, epoch?: number }} [seedGroups]
 * @property {(line: string) => void} [log]
 */

/**
 * A partial-failure fault fired for this request: the operation fails its last part.
 * @typedef {{ partial?: boolean }} FaultContext
 */

/**
 * One authenticated Graph API request, as the HTTP layer hands it to a route.
 * @typedef {object} GraphCall
 * @property {string} method
 * @property {string} version  e.g. v27.0 (paging links keep it)
 * @property {string[]} parts  path segments below the version
 * @property {URLSearchParams} query
 * @property {Record<string, unknown>} params  query (without access_token) overlaid by the body
 * @property {import('./body').ParsedBody} body
 * @property {'user' | 'app'} tokenKind
 * @property {string} [phoneId]  the number whose 360dialog API key authenticated the call
 * @property {boolean} partial  a "partial" fault fired for this request
 */

/**
 * What a route answers: the JSON body and its status (200 unless said).
 * @typedef {{ status?: number, body: unknown }} RouteResult
 */

module.exports = {};
