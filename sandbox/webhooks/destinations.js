// @ts-check
'use strict';

/**
 * Webhook destinations as Meta keeps them: the app's subscription (callback URL, verify token,
 * fields), the WABA's subscribed_apps with an optional override callback, and a phone number's
 * override callback. Every callback is verified with Meta's GET challenge before it is stored.
 */
const http = require('node:http');

const { waError, D360Error } = require('../http/errors');
const { optString, parseFields } = require('../model/validate');
const { rawRequest } = require('./delivery');
const lookups = require('../model/lookups');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').PhoneState} PhoneState */

/** The webhook fields of the Groups API (other lower_snake names are accepted too). */
const ALL_FIELDS = [
	'group_lifecycle_update',
	'group_participants_update',
	'group_settings_update',
	'group_status_update',
	'messages',
];

/**
 * Meta's verification: GET <callback>?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…,
 * answered 200 with the challenge. Throws Graph error 2200 otherwise.
 * @param {Sandbox} sb
 * @param {string} url
 * @param {string} verifyToken
 */
async function verifyCallback(sb, url, verifyToken) {
	/** @type {URL} */
	let target;
	try {
		target = new URL(url);
	} catch {
		throw waError(100, `Invalid callback URL ${url}`);
	}
	if (target.protocol !== 'http:' && target.protocol !== 'https:')
		throw waError(100, 'The callback URL must be http or https');
	const challenge = String(Math.floor(sb.rng() * 1e9) + 1);
	target.searchParams.set('hub.mode', 'subscribe');
	target.searchParams.set('hub.challenge', challenge);
	target.searchParams.set('hub.verify_token', verifyToken);
	let response;
	try {
		response = await rawRequest(target.toString(), 'GET', undefined, {}, sb.deliveryTimeoutMs);
	} catch (error) {
		throw waError(2200, undefined, {
			message: `Callback verification failed with the following errors: curl_errno = 7; curl_error = ${error instanceof Error ? error.message : String(error)}`,
		});
	}
	if (response.status !== 200) {
		throw waError(2200, undefined, {
			message: `Callback verification failed with the following errors: HTTP Status Code = ${response.status}; HTTP Message = ${http.STATUS_CODES[response.status] ?? 'Unknown'}`,
		});
	}
	if (response.text.trim() !== challenge) {
		throw waError(2200, undefined, {
			message: `Callback verification failed with the following errors: The URL couldn't be validated. Response does not match challenge, expected value="${challenge}", received="${response.text.slice(0, 100)}"`,
		});
	}
}

/**
 * POST /<APP_ID>/subscriptions
 * @param {Sandbox} sb
 * @param {Record<string, unknown>} params
 * @returns {Promise<import('../../nodes/shared/types').SuccessResponse>}
 */
async function subscribeApp(sb, params) {
	const object = optString(params.object);
	if (object !== 'whatsapp_business_account')
		throw waError(100, 'object must be whatsapp_business_account');
	const callbackUrl = optString(params.callback_url);
	const verifyToken = optString(params.verify_token);
	if (!callbackUrl) throw waError(100, 'callback_url is required');
	if (!verifyToken) throw waError(100, 'verify_token is required');
	const fields = parseFields(params.fields);
	if (fields.length === 0) throw waError(100, 'fields is required');
	const unknown = fields.filter((f) => !ALL_FIELDS.includes(f) && !/^[a-z_]+$/.test(f));
	if (unknown.length) throw waError(100, `Unknown fields: ${unknown.join(', ')}`);
	await verifyCallback(sb, callbackUrl, verifyToken);
	const previous = sb.appSubscription;
	const merged = previous ? [...new Set([...previous.fields, ...fields])] : fields;
	sb.appSubscription = {
		object,
		callback_url: callbackUrl,
		verify_token: verifyToken,
		fields: merged,
	};
	return { success: true };
}

/**
 * @param {Sandbox} sb
 * @returns {import('../../nodes/shared/types').AppSubscriptionsResponse}
 */
function listAppSubscriptions(sb) {
	const s = sb.appSubscription;
	return {
		data: s
			? [
					{
						object: s.object,
						callback_url: s.callback_url,
						active: true,
						fields: s.fields.map((name) => ({ name, version: 'v27.0' })),
					},
				]
			: [],
	};
}

/**
 * DELETE /<APP_ID>/subscriptions: the whole object, or only the listed fields.
 * @param {Sandbox} sb
 * @param {Record<string, unknown>} params
 * @returns {import('../../nodes/shared/types').SuccessResponse}
 */
function unsubscribeApp(sb, params) {
	const object = optString(params.object);
	if (object && object !== 'whatsapp_business_account')
		throw waError(100, 'object must be whatsapp_business_account');
	const fields = parseFields(params.fields);
	if (sb.appSubscription && fields.length > 0) {
		sb.appSubscription.fields = sb.appSubscription.fields.filter((f) => !fields.includes(f));
		if (sb.appSubscription.fields.length === 0) sb.appSubscription = null;
	} else {
		sb.appSubscription = null;
	}
	return { success: true };
}

/**
 * POST /<WABA_ID>/subscribed_apps: subscribe the app, with or without an override callback.
 * @param {Sandbox} sb
 * @param {Record<string, unknown>} params
 * @returns {Promise<import('../../nodes/shared/types').SuccessResponse>}
 */
async function subscribeWaba(sb, params) {
	const uri = optString(params.override_callback_uri);
	if (uri) {
		if (uri.length > 200) throw waError(100, 'override_callback_uri is limited to 200 characters');
		const verifyToken = optString(params.verify_token);
		if (!verifyToken) throw waError(100, 'verify_token is required with override_callback_uri');
		await verifyCallback(sb, uri, verifyToken);
		sb.waba.override = { uri, verify_token: verifyToken };
	} else {
		sb.waba.override = null;
	}
	sb.waba.subscribed = true;
	return { success: true };
}

/**
 * @param {Sandbox} sb
 * @returns {import('../../nodes/shared/types').SubscribedAppsResponse}
 */
function listWabaSubscriptions(sb) {
	if (!sb.waba.subscribed) return { data: [] };
	/** @type {import('../../nodes/shared/types').SubscribedApp} */
	const app = {
		whatsapp_business_api_data: {
			id: sb.appId,
			name: 'Sandbox App',
			link: `https://www.facebook.com/games/?app_id=${sb.appId}`,
		},
	};
	if (sb.waba.override) app.override_callback_uri = sb.waba.override.uri;
	return { data: [app] };
}

/**
 * @param {Sandbox} sb
 * @returns {import('../../nodes/shared/types').SuccessResponse}
 */
function unsubscribeWaba(sb) {
	sb.waba.subscribed = false;
	sb.waba.override = null;
	return { success: true };
}

/**
 * POST /<PHONE_NUMBER_ID> with webhook_configuration.
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {unknown} config
 * @returns {Promise<import('../../nodes/shared/types').SuccessResponse>}
 */
async function setPhoneOverride(sb, phoneId, config) {
	const phone = lookups.phone(sb, phoneId);
	if (!phone) throw waError(100, `Unknown phone number ID ${phoneId}`, { subcode: 33 });
	if (!config || typeof config !== 'object')
		throw waError(100, 'webhook_configuration must be an object');
	const c = /** @type {Record<string, unknown>} */ (config);
	const uri =
		typeof c.override_callback_uri === 'string' ? c.override_callback_uri.trim() : undefined;
	if (uri === undefined)
		throw waError(100, 'webhook_configuration.override_callback_uri is required');
	if (uri === '') {
		phone.override = null;
		return { success: true };
	}
	if (uri.length > 200) throw waError(100, 'override_callback_uri is limited to 200 characters');
	const verifyToken = optString(c.verify_token);
	if (!verifyToken) throw waError(100, 'webhook_configuration.verify_token is required');
	await verifyCallback(sb, uri, verifyToken);
	phone.override = { uri, verify_token: verifyToken };
	return { success: true };
}

/**
 * @param {Sandbox} sb
 * @param {string} phoneId
 */
function phoneWebhookConfiguration(sb, phoneId) {
	const phone = /** @type {PhoneState} */ (lookups.phone(sb, phoneId));
	/** @type {import('../../nodes/shared/types').WebhookConfiguration} */
	const config = {};
	if (sb.appSubscription) config.application = sb.appSubscription.callback_url;
	if (sb.waba.override) config.whatsapp_business_account = sb.waba.override.uri;
	if (phone.override) config.phone_number = phone.override.uri;
	return config;
}

/** Loopback hosts, where the sandbox lets a URL carry a port (360dialog refuses any port). */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * POST /v1/configs/webhook {url, headers?} with the number's 360dialog key: replaces the number's
 * webhook. 360dialog documents no verification request, and refuses an underscore or a port in
 * the URL's host ("Webhook URLs or headers for Cloud API does not support '_' (underscore) or
 * ':xxxx' (port) in (sub)domain names"); the sandbox allows a port on loopback hosts only, so that
 * a local n8n can register, and refuses an underscore in header names too.
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @param {Record<string, unknown>} params
 * @returns {import('../types').D360Webhook}
 */
function setD360Webhook(sb, phoneId, params) {
	const phone = /** @type {PhoneState} */ (lookups.phone(sb, phoneId));
	const url = typeof params.url === 'string' ? params.url.trim() : '';
	if (!url) throw new D360Error(400, 'url is required');
	/** @type {URL} */
	let target;
	try {
		target = new URL(url);
	} catch {
		throw new D360Error(400, `Invalid webhook URL ${url}`);
	}
	if (target.protocol !== 'https:' && target.protocol !== 'http:')
		throw new D360Error(400, 'The webhook URL must be http or https');
	if (target.hostname.includes('_'))
		throw new D360Error(400, 'Webhook URLs do not support "_" (underscore) in domain names');
	if (target.port !== '' && !LOOPBACK.has(target.hostname))
		throw new D360Error(400, 'Webhook URLs do not support a port (":xxxx") in domain names');
	const headers = params.headers ?? {};
	if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
		throw new D360Error(400, 'headers must be an object of header names and values');
	/** @type {Record<string, string>} */
	const clean = {};
	for (const [name, value] of Object.entries(headers)) {
		if (!/^[A-Za-z0-9-]+$/.test(name))
			throw new D360Error(400, `Invalid header name ${JSON.stringify(name)}`);
		if (typeof value !== 'string' || /[\r\n]/.test(value))
			throw new D360Error(400, `Invalid value for header ${name}`);
		clean[name] = value;
	}
	phone.d360_webhook = { url, headers: clean };
	return { url, headers: { ...clean } };
}

/**
 * GET /v1/configs/webhook: the number's webhook, `{}` when none is set (360dialog's answer for a
 * number without one is not documented).
 * @param {Sandbox} sb
 * @param {string} phoneId
 * @returns {Partial<import('../types').D360Webhook>}
 */
function d360WebhookConfig(sb, phoneId) {
	const phone = /** @type {PhoneState} */ (lookups.phone(sb, phoneId));
	const webhook = phone.d360_webhook;
	return webhook ? { url: webhook.url, headers: { ...webhook.headers } } : {};
}

module.exports = {
	setD360Webhook,
	d360WebhookConfig,
	verifyCallback,
	subscribeApp,
	listAppSubscriptions,
	unsubscribeApp,
	subscribeWaba,
	listWabaSubscriptions,
	unsubscribeWaba,
	setPhoneOverride,
	phoneWebhookConfiguration,
};
