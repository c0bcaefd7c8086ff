import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { GraphErrorDetail, GraphErrorResponse } from '../types';

interface ErrorExplanation {
	message: string;
	hint: string;
}

/**
 * Plain-language messages and hints for every Groups API error code, plus the throttling codes
 * that groups share with the rest of the Cloud API.
 */
export const META_ERROR_EXPLANATIONS: Record<number, ErrorExplanation> = {
	4: {
		message: 'The app hit its Graph API call limit',
		hint: "Too many calls from this app in a short time. Wait a few minutes, lower the node's Concurrency option, or spread the work with a Wait node.",
	},
	613: {
		message: 'The app hit a Graph API rate limit',
		hint: "Calls are being made faster than Meta allows. Wait a while and lower the node's Concurrency option.",
	},
	80007: {
		message: 'The WhatsApp Business Account hit its rate limit',
		hint: 'The account made too many calls. Wait before trying again and lower the Concurrency option.',
	},
	130429: {
		message: 'Cloud API throughput limit reached for this phone number',
		hint: 'The number sends more messages per second than its throughput allows. Lower the Concurrency option or add a Wait node between batches.',
	},
	131009: {
		message: 'A parameter value is not valid',
		hint: "For Message > Mark as Read, use the ID (wamid) of a message this business number received (the trigger's message_received messageId), within 30 days; messages the business sent cannot be marked. For pin and unpin, the message must be one of that group.",
	},
	131020: {
		message: 'Cannot send messages to a group with a single member',
		hint: 'A group needs at least one participant besides the business before it can receive messages. Share the invite link and wait until someone joins.',
	},
	131041: {
		message: 'Group unknown: it does not exist or the business is not a member',
		hint: 'Check the group ID (use Group > Get Many to list active groups). Deleted groups cannot be used again.',
	},
	131059: {
		message: 'Invalid or expired pagination cursor',
		hint: 'Cursors expire after a while. Start again from the first page.',
	},
	131062: {
		message: 'This message cannot be sent to a business-scoped user ID',
		hint: "Meta does not deliver this message type (for example an authentication template) to a business-scoped user ID. Send it to the person's phone number instead.",
	},
	131201: {
		message: 'The request only partially succeeded',
		hint: 'Some participant-level operations failed; the output lists which ones and why.',
	},
	131202: {
		message: 'The same participant appears more than once in the request',
		hint: 'Remove the duplicate phone numbers or user IDs.',
	},
	131203: {
		message: 'Unable to add the participant to the group',
		hint: "The user cannot be added right now, for example because they have not accepted WhatsApp's latest Terms of Service.",
	},
	131204: {
		message: 'The group is over its participant limit',
		hint: 'A group holds at most 8 participants besides the business. Remove someone before approving more join requests.',
	},
	131207: {
		message: 'The group is suspended for a policy violation',
		hint: 'WhatsApp suspended this group. Nothing can be changed or sent until the suspension is lifted; a group_suspend_cleared webhook announces that.',
	},
	131208: {
		message: 'Group operations rate limit reached for this phone number',
		hint: 'Too many group operations were made from this number. Wait before trying again and lower the Concurrency option.',
	},
	131209: {
		message: 'The profile picture is not square',
		hint: 'Use a square JPEG (width equal to height), at least 192×192 pixels and at most 5 MB.',
	},
	131210: {
		message: 'The profile picture is smaller than 192×192 pixels',
		hint: 'Use a square JPEG of at least 192×192 pixels and at most 5 MB.',
	},
	131211: {
		message: 'Group creation limit reached for this phone number',
		hint: 'A business phone number can have at most 10,000 active groups. Delete groups you no longer use before creating new ones.',
	},
	131212: {
		message: 'The participant is not part of the group',
		hint: 'Check the phone number or user ID; the person may already have left or been removed.',
	},
	131213: {
		message: 'The join request does not exist',
		hint: 'The request may have been withdrawn, already approved or rejected. Use Join Request > Get Many to list the open ones.',
	},
	131214: {
		message: 'Group creation is temporarily disabled for this phone number',
		hint: 'Meta blocks group creation for 7 days when a number sends too many marketing messages inside customer-service windows. Wait until the block ends.',
	},
	131215: {
		message: 'This phone number is not eligible for the Groups API',
		hint: 'Groups are available only to Official Business Accounts (the green badge), and not to numbers on Coexistence (WhatsApp Business app plus Cloud API) or on Multi-solution Conversations. Use an eligible number or apply for an Official Business Account in WhatsApp Manager.',
	},
	190: {
		message: 'The access token is invalid or expired',
		hint: 'Generate a new permanent system-user token in Meta Business Settings and update the credential.',
	},
	200: {
		message: 'The access token lacks a permission this call needs',
		hint: 'Give the system user the whatsapp_business_messaging and whatsapp_business_management permissions on this account.',
	},
	10: {
		message: 'The access token lacks a permission this call needs',
		hint: 'Give the system user the whatsapp_business_messaging and whatsapp_business_management permissions on this account.',
	},
	100: {
		message: 'Meta rejected a parameter of the request',
		hint: "Check the IDs and values sent; Meta's own message follows.",
	},
};

/** Codes that mean "slow down": Meta refused the call before doing anything. */
export const THROTTLING_CODES = new Set([4, 17, 32, 613, 80007, 130429, 131208]);

export function metaErrorCode(detail: GraphErrorDetail | undefined): number | undefined {
	if (!detail || detail.code === undefined || detail.code === null) return undefined;
	const code = Number(detail.code);
	return Number.isFinite(code) ? code : undefined;
}

/**
 * Meta's error code of an error the transport threw (`metaApiError` puts it in the error's
 * context); undefined for any other error. The one way to read it: never parse the message.
 */
export function metaCodeOf(error: unknown): number | undefined {
	if (!(error instanceof NodeApiError)) return undefined;
	const code = error.context?.metaCode;
	return typeof code === 'number' ? code : undefined;
}

export function metaErrorDetails(detail: GraphErrorDetail | undefined): string | undefined {
	const data = detail?.error_data;
	if (!data) return undefined;
	if (typeof data === 'string') return data;
	return data.details;
}

/** Secrets that must never leave the node: replaced wherever they could surface. */
export function redactSecrets(text: string, secrets: Array<string | undefined>): string {
	let result = text;
	for (const secret of secrets) {
		if (secret && secret.length >= 4) result = result.split(secret).join('[redacted]');
	}
	return result;
}

export interface MetaErrorContext {
	statusCode?: number;
	itemIndex?: number;
	secrets?: Array<string | undefined>;
}

/** A clean, secret-free object describing Meta's error, for output items and NodeApiError. */
export function describeMetaError(
	detail: GraphErrorDetail | undefined,
	context: MetaErrorContext = {},
): JsonObject {
	const code = metaErrorCode(detail);
	const known = code !== undefined ? META_ERROR_EXPLANATIONS[code] : undefined;
	const secrets = context.secrets ?? [];
	const metaMessage = detail?.message ? redactSecrets(String(detail.message), secrets) : undefined;
	const details = metaErrorDetails(detail);
	const result: JsonObject = {
		message: known?.message ?? metaMessage ?? 'The WhatsApp API returned an error',
	};
	if (code !== undefined) result.code = code;
	if (detail?.error_subcode !== undefined) result.subcode = detail.error_subcode;
	if (detail?.title) result.title = redactSecrets(String(detail.title), secrets);
	if (metaMessage) result.metaMessage = metaMessage;
	if (details) result.details = redactSecrets(String(details), secrets);
	if (known) result.hint = known.hint;
	if (detail?.fbtrace_id) result.fbtraceId = redactSecrets(String(detail.fbtrace_id), secrets);
	if (context.statusCode !== undefined) result.httpCode = context.statusCode;
	return result;
}

/** A text as a sentence: trimmed, ending with a full stop unless it already ends a sentence. */
function asSentence(text: string): string {
	const trimmed = text.trim();
	return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** For comparing texts: without Meta's "(#131212) " prefix, case, spacing and the final stop. */
function comparable(text: string): string {
	return text
		.replace(/^\(#\d+\)\s*/, '')
		.replace(/[.!?]+$/, '')
		.replace(/\s+/g, ' ')
		.trim()
		.toLowerCase();
}

/**
 * Meta's details without a repeated subject: "15550000001: 15550000001 is not a participant"
 * (one entry per participant, joined with "; ") reads "15550000001 is not a participant".
 */
export function withoutRepeatedIds(details: string): string {
	return details.replace(/(^|;\s*)([^\s:;]+):\s+(?=\2(?![^\s:;]))/g, '$1');
}

/**
 * The description of a NodeApiError from Meta's error: Meta's own message when it says more than
 * ours, its details, our hint, the code and fbtrace_id, each a sentence of its own, nothing twice.
 */
export function describeForUser(described: JsonObject): string {
	const message = String(described.message);
	const seen = [comparable(message)];
	const parts: string[] = [];
	const metaMessage = described.metaMessage
		? String(described.metaMessage).replace(/^\(#\d+\)\s*/, '')
		: '';
	if (metaMessage && !seen.includes(comparable(metaMessage))) {
		parts.push(`Meta says: ${asSentence(metaMessage)}`);
		seen.push(comparable(metaMessage));
	}
	const details = described.details ? withoutRepeatedIds(String(described.details)) : '';
	if (details && !seen.includes(comparable(details))) parts.push(`Details: ${asSentence(details)}`);
	if (described.hint) parts.push(asSentence(String(described.hint)));
	if (described.code !== undefined) parts.push(`Meta error code ${String(described.code)}.`);
	if (described.fbtraceId) parts.push(`fbtrace_id: ${String(described.fbtraceId)}`);
	return parts.join(' ');
}

/**
 * Turns Meta's error into a NodeApiError carrying the Meta code, a plain-language message, the hint
 * and fbtrace_id. Built from a clean object so that nothing from the request (headers, token) can
 * ride along.
 */
export function metaApiError(
	node: INode,
	detail: GraphErrorDetail | undefined,
	context: MetaErrorContext = {},
): NodeApiError {
	const described = describeMetaError(detail, context);
	const code = described.code as number | undefined;
	const error = new NodeApiError(node, described, {
		message: `${described.message as string}${code !== undefined ? ` (code ${code})` : ''}`,
		description: describeForUser(described),
		httpCode: context.statusCode !== undefined ? String(context.statusCode) : undefined,
		itemIndex: context.itemIndex,
	});
	// Machine-readable for callers (pagination restarts, per-ID reports).
	error.context.metaCode = code;
	return error;
}

/**
 * What an error answer says. Meta (and 360dialog passing Meta's answer on) sends Meta's `error`
 * object; 360dialog's own layer sends `{"error": "<text>"}` or, on its older endpoints,
 * `{"meta": {"developer_message": "<text>"}}`.
 */
export type ErrorBody =
	| { kind: 'meta'; detail: GraphErrorDetail }
	| { kind: 'provider'; message: string };

export function readErrorBody(body: unknown): ErrorBody | undefined {
	if (typeof body === 'string' && body.trim().startsWith('{')) {
		try {
			return readErrorBody(JSON.parse(body));
		} catch {
			return undefined;
		}
	}
	if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
	const error = (body as GraphErrorResponse).error as unknown;
	if (error && typeof error === 'object' && !Array.isArray(error)) {
		return { kind: 'meta', detail: error as GraphErrorDetail };
	}
	if (typeof error === 'string' && error.trim() !== '') {
		return { kind: 'provider', message: error.trim() };
	}
	const meta = (body as { meta?: unknown }).meta;
	if (meta && typeof meta === 'object') {
		const { developer_message: developerMessage, details } = meta as {
			developer_message?: unknown;
			details?: unknown;
		};
		if (typeof developerMessage === 'string' && developerMessage.trim() !== '') {
			const extra =
				typeof details === 'string' && details.trim() !== '' ? ` ${details.trim()}` : '';
			return { kind: 'provider', message: `${developerMessage.trim()}${extra}` };
		}
	}
	return undefined;
}

const PROVIDER_HINTS: Record<number, string> = {
	401: 'Check the API key in the 360dialog credential: 360dialog issues one key per phone number, and generating a new key revokes the old ones.',
	403: 'The API key may not use this endpoint: check the key and that the number is on the Cloud API.',
	404: "Nothing answered at this path: check the credential's Base URL (default https://waba-v2.360dialog.io).",
	429: "Too many requests: wait a while and lower the node's Concurrency option.",
};

/**
 * 360dialog's own error (a text, not Meta's object) as a NodeApiError: its text, the HTTP status
 * and a hint, built from a clean object so that nothing from the request can ride along.
 */
export function providerApiError(
	node: INode,
	text: string,
	context: MetaErrorContext = {},
): NodeApiError {
	const message = redactSecrets(text, context.secrets ?? []);
	const status = context.statusCode;
	const hint = status !== undefined ? PROVIDER_HINTS[status] : undefined;
	const described: JsonObject = {
		message: `360dialog refused the request`,
		providerMessage: message,
	};
	if (hint) described.hint = hint;
	if (status !== undefined) described.httpCode = status;
	return new NodeApiError(node, described, {
		message: `360dialog refused the request${status !== undefined ? ` (HTTP ${status})` : ''}`,
		description: [`360dialog says: ${asSentence(message)}`, hint].filter(Boolean).join(' '),
		httpCode: status !== undefined ? String(status) : undefined,
		itemIndex: context.itemIndex,
	});
}
