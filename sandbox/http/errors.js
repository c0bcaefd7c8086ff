// @ts-check
'use strict';

/**
 * Errors as the sandbox answers them. GraphError carries Meta's error body and HTTP status;
 * waError() builds one for a WhatsApp code the way Meta shapes it, itemError() the per-item error
 * of failed_* arrays and webhooks. D360Error is 360dialog's own `{"error": "…"}`. ControlError is
 * the sandbox's own /_sandbox endpoints' error (a status and a plain message).
 */

/** @typedef {import('../../nodes/shared/types').GraphErrorDetail} GraphErrorDetail */

/**
 * Meta's codes with the HTTP status they come with, a title and a message.
 * @type {Record<number, [number, string, string]>}
 */
const CODES = {
	1: [500, 'Unknown error', 'An unknown error occurred'],
	2: [503, 'Service temporarily unavailable', 'Service temporarily unavailable'],
	15: [400, 'Requires app access token', 'This method must be called with an app access_token'],
	100: [400, 'Invalid parameter', 'Invalid parameter'],
	190: [
		401,
		'Invalid OAuth access token',
		'Invalid OAuth access token - Cannot parse access token',
	],
	2200: [400, 'Callback verification failed', 'Callback verification failed'],
	2500: [400, 'Unknown path components', 'Unknown path components'],
	80007: [429, 'Rate limit issues', 'The WhatsApp Business Account has reached its rate limit'],
	130429: [429, 'Rate limit hit', 'Cloud API message throughput has been reached'],
	131000: [500, 'Something went wrong', 'Something went wrong'],
	131009: [400, 'Parameter value is not valid', 'Parameter value is not valid'],
	131020: [400, 'Single-member group', 'Cannot send messages to single-member groups'],
	131041: [400, 'Group unknown', 'The group does not exist or the business is not a member of it'],
	131059: [400, 'Invalid pagination cursor', 'Invalid or expired pagination cursor'],
	131201: [206, 'Not all operations succeeded', 'Request partially succeeded'],
	131202: [400, 'Duplicate participant', 'Duplicate participant in the input'],
	131203: [400, 'Unable to add participant', 'Unable to add participant to the group'],
	131204: [400, 'Participant over limit', 'The group has reached its participant limit'],
	131207: [403, 'Group suspended', 'The group is suspended for violating WhatsApp policies'],
	131208: [429, 'Group rate limit hit', 'Too many group operations from this phone number'],
	131209: [400, 'Profile picture not square', 'The profile picture must be square'],
	131210: [400, 'Profile picture too small', 'The profile picture must be at least 192x192 pixels'],
	131211: [400, 'Group create limit reached', 'This phone number has reached its group limit'],
	131212: [400, 'Participant not in group', 'The participant is not part of the group'],
	131213: [400, 'Join request does not exist', 'The join request does not exist'],
	131214: [
		400,
		'Group creation temporarily disabled',
		'Group creation is temporarily disabled for this phone number',
	],
	131215: [
		400,
		'Phone number not eligible',
		'This phone number is not eligible for the Groups API',
	],
};

class GraphError extends Error {
	/**
	 * @param {number} status
	 * @param {GraphErrorDetail} error
	 * @param {Record<string, string>} [headers]
	 */
	constructor(status, error, headers = {}) {
		super(String(error.message));
		this.status = status;
		this.error = error;
		this.headers = headers;
	}
}

/**
 * A synchronous Graph error as Meta sends it for WhatsApp endpoints.
 * @param {number} code
 * @param {string} [details]
 * @param {{ status?: number, message?: string, subcode?: number, transient?: boolean, headers?: Record<string, string> }} [opts]
 */
function waError(code, details, opts = {}) {
	const [status, , message] = CODES[code] ?? [400, 'Error', 'Error'];
	/** @type {GraphErrorDetail} */
	const error = {
		message: code === 190 ? (opts.message ?? message) : `(#${code}) ${opts.message ?? message}`,
		type: 'OAuthException',
		code,
	};
	if (opts.subcode !== undefined) error.error_subcode = opts.subcode;
	if (details !== undefined) error.error_data = { messaging_product: 'whatsapp', details };
	if (opts.transient !== undefined) error.is_transient = opts.transient;
	return new GraphError(opts.status ?? status, error, opts.headers);
}

/**
 * A per-item error as it appears in failed_* arrays and webhooks.
 * @param {number} code
 * @param {string} details
 * @param {string} [message]
 * @param {string} [title]
 * @returns {GraphErrorDetail}
 */
function itemError(code, details, message, title) {
	const [, defaultTitle, defaultMessage] = CODES[code] ?? [400, 'Error', 'Error'];
	return {
		code,
		message: message ?? defaultMessage,
		title: title ?? defaultTitle,
		error_data: { details },
	};
}

/**
 * An error of 360dialog's own layer (its API key, its configuration endpoints), which is not
 * Meta's shape: `{"error": "<text>"}` as 360dialog's API reference documents it (utils.ErrorResp).
 */
class D360Error extends Error {
	/**
	 * @param {number} status
	 * @param {string} message
	 */
	constructor(status, message) {
		super(message);
		this.status = status;
	}

	/** The body 360dialog answers. */
	get body() {
		return { error: this.message };
	}
}

/** An error of the sandbox's control endpoints (/_sandbox/…): a status and a message. */
class ControlError extends Error {
	/**
	 * @param {number} status
	 * @param {string} message
	 */
	constructor(status, message) {
		super(message);
		this.status = status;
	}
}

module.exports = { CODES, GraphError, waError, itemError, ControlError, D360Error };
