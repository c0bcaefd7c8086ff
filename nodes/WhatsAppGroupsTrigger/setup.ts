import type {
	ICredentialDataDecryptedObject,
	IHookFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import {
	CREDENTIAL_TYPE,
	D360_CREDENTIAL_TYPE,
	D360_DEFAULT_BASE_URL,
	pathIdProblem,
	providerOf,
	shownValue,
} from '../shared/transport';
import { TRIGGER_WEBHOOK_FIELDS, USER_ID_UPDATE_FIELD } from '../shared/types';
import { D360_DESTINATIONS, DESTINATIONS } from './destinations';
import { activationError, WEBHOOK_URL_SETTING } from './destinations/common';
import type {
	D360TriggerCredentials,
	DestinationName,
	DestinationSetup,
	TriggerCredentials,
	WebhookDestination,
} from './destinations/types';
import { DEFAULT_EVENTS } from './description';
import type { TriggerEventName } from './webhook/eventTypes';
import { EVENT_FIELDS, TRIGGER_EVENTS } from './webhook/eventTypes';
import { deriveHeaderToken, deriveVerifyToken } from './webhook/verifyToken';

export async function readTriggerCredentials(
	context: IHookFunctions | IWebhookFunctions,
): Promise<TriggerCredentials> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
	return {
		baseUrl: text(credentials.baseUrl) || 'https://graph.facebook.com',
		accessToken: text(credentials.accessToken),
		businessAccountId: text(credentials.businessAccountId),
		appId: text(credentials.appId),
		appSecret: appSecretOf(credentials),
	};
}

/** The 360dialog credential's fields the trigger uses, trimmed. */
export async function readD360Credentials(
	context: IHookFunctions | IWebhookFunctions,
): Promise<D360TriggerCredentials> {
	const credentials = await context.getCredentials(D360_CREDENTIAL_TYPE);
	const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
	return {
		baseUrl: text(credentials.baseUrl) || D360_DEFAULT_BASE_URL,
		apiKey: text(credentials.apiKey),
	};
}

/** Whether the 360dialog credential talks to 360dialog itself (and not to the sandbox). */
export function talksTo360dialog(baseUrl: string): boolean {
	try {
		const host = new URL(baseUrl).hostname;
		return host === '360dialog.io' || host.endsWith('.360dialog.io');
	} catch {
		return true;
	}
}

/**
 * The value of the header a 360dialog delivery must carry. Manual: the user's own value (they set
 * it in the 360dialog Hub with the URL). Otherwise derived from the API key and the URL (see
 * deriveHeaderToken): never stored, the same on every instance.
 */
export function headerTokenFor(
	destination: DestinationName,
	credentials: D360TriggerCredentials,
	manualToken: string,
	webhookUrl: string,
): string {
	if (destination === 'manual') return manualToken;
	return credentials.apiKey ? deriveHeaderToken(credentials.apiKey, webhookUrl) : '';
}

/** Whether the credential talks to Meta itself (and not to the sandbox or a test double). */
export function talksToMeta(baseUrl: string): boolean {
	try {
		const host = new URL(baseUrl).hostname;
		return host === 'facebook.com' || host.endsWith('.facebook.com');
	} catch {
		return true;
	}
}

export function readDestinationName(context: IHookFunctions | IWebhookFunctions): DestinationName {
	const value = String(context.getNodeParameter('destination', 'phoneNumber'));
	return Object.prototype.hasOwnProperty.call(DESTINATIONS, value)
		? (value as DestinationName)
		: 'phoneNumber';
}

const KNOWN_EVENTS: ReadonlySet<unknown> = new Set(TRIGGER_EVENTS);

export function readSelectedEvents(
	context: IHookFunctions | IWebhookFunctions,
): TriggerEventName[] {
	const value = context.getNodeParameter('events', DEFAULT_EVENTS) as unknown;
	if (!Array.isArray(value)) return [...DEFAULT_EVENTS];
	return value.filter((event): event is TriggerEventName => KNOWN_EVENTS.has(event));
}

const DEFAULT_EVENT_SET: ReadonlySet<string> = new Set(DEFAULT_EVENTS);

/** Answers whether an event name is among the selected ones. */
export type EventSelection = Pick<ReadonlySet<string>, 'has'>;

/**
 * The selected events, for the check of each of `lookups` events of a delivery, read straight
 * from the parameter (a value that is no event name may be in it, but no item's event is ever
 * one). A set pays for itself only over many lookups; for a few the list is searched.
 */
export function readEventSelection(context: IWebhookFunctions, lookups: number): EventSelection {
	const value = context.getNodeParameter('events', DEFAULT_EVENTS) as unknown;
	if (!Array.isArray(value)) return DEFAULT_EVENT_SET;
	if (lookups > 8) return new Set<unknown>(value) as ReadonlySet<string>;
	return { has: (event: string) => value.includes(event) };
}

/** The app secret of Meta's credential, trimmed ('' when it has none). */
export function appSecretOf(credentials: ICredentialDataDecryptedObject): string {
	return typeof credentials.appSecret === 'string' ? credentials.appSecret.trim() : '';
}

/**
 * The Meta webhook fields the selected events arrive on, in one order (every field when only
 * `unknown` is selected). With `required`: only the fields without which a selected event cannot
 * arrive, the first of each event's fields (`user_id_update` is never required: the same change
 * also comes on `messages`).
 */
export function fieldsForEvents(events: TriggerEventName[], required = false): string[] {
	const fields = new Set<string>();
	for (const event of events) {
		if (event === 'unknown') continue;
		const eventFields = EVENT_FIELDS[event];
		if (required) fields.add(eventFields[0]);
		else for (const field of eventFields) fields.add(field);
	}
	if (fields.size === 0) {
		return TRIGGER_WEBHOOK_FIELDS.filter((field) => !required || field !== USER_ID_UPDATE_FIELD);
	}
	return TRIGGER_WEBHOOK_FIELDS.filter((field) => fields.has(field));
}

/**
 * The verify token Meta must echo. Manual: the user's own token (they paste it in Meta's
 * dashboard). Otherwise derived from the app secret (or, when signature checks are off and there
 * is no secret, the access token) and the webhook URL — never stored, never the node ID.
 */
export function verifyTokenFor(
	destination: DestinationName,
	credentials: TriggerCredentials,
	manualToken: string,
	webhookUrl: string,
): string {
	if (destination === 'manual') return manualToken;
	const secret = credentials.appSecret || credentials.accessToken;
	return secret ? deriveVerifyToken(secret, webhookUrl) : '';
}

export interface ResolvedDestination {
	destination: DestinationName;
	/** What registers, checks and gives back the callback (depends on the provider). */
	handler: WebhookDestination;
	setup: DestinationSetup;
}

const DESTINATION_LABELS: Record<DestinationName, string> = {
	phoneNumber: 'Phone Number',
	businessAccount: 'Business Account',
	app: 'App',
	manual: 'Manual',
};

/** A destination that registers nothing and removes nothing: deactivating what never activated. */
const NOTHING_REGISTERED: WebhookDestination = {
	checkExists: async () => false,
	create: async () => true,
	delete: async () => true,
};

/**
 * The IDs that go into the destination's request paths, held to the transport's rule for path IDs
 * and refused by name (the transport would refuse the request too, but could not name the field).
 */
function assertIds(
	node: ReturnType<IHookFunctions['getNode']>,
	destination: DestinationName,
	credentials: TriggerCredentials,
	phoneNumberId: string,
): void {
	const fields: Array<[string, string, boolean]> = [
		['Business Phone Number', phoneNumberId, destination === 'phoneNumber' && phoneNumberId !== ''],
		[
			"credential's WhatsApp Business Account ID",
			credentials.businessAccountId,
			destination === 'phoneNumber' || destination === 'businessAccount',
		],
		[
			"credential's App ID",
			credentials.appId,
			destination !== 'manual' && credentials.appId !== '',
		],
	];
	for (const [field, value, used] of fields) {
		const problem = used ? pathIdProblem(value) : undefined;
		if (problem) {
			throw activationError(
				node,
				`The ${field} ${shownValue(value)} is not an ID (${problem}): correct it and activate again`,
				"Meta's IDs are digits; this value cannot be sent in a request path. Nothing was sent.",
			);
		}
	}
}

/** Resolves the destination and everything it needs; refuses to activate an unsafe setup. */
export async function resolveDestination(
	context: IHookFunctions,
	options: { forDeletion?: boolean } = {},
): Promise<ResolvedDestination> {
	if (providerOf(context) === '360dialog') return await resolveD360Destination(context, options);
	const node = context.getNode();
	const destination = readDestinationName(context);
	const credentials = await readTriggerCredentials(context);
	const verifySignatures = context.getNodeParameter('verifySignatures', true) !== false;
	// Deactivation must still clean up, whatever the credential looks like now.
	if (!options.forDeletion && verifySignatures && !credentials.appSecret) {
		throw activationError(
			node,
			'The credential has no App Secret, so the trigger cannot check that deliveries come from Meta. Add the App Secret (App Dashboard > App settings > Basic) to the credential, or turn off "Verify Signatures" if you accept that risk.',
			'Meta signs every webhook with the app secret; without it anyone who learns the URL could start this workflow.',
		);
	}
	const webhookUrl = context.getNodeWebhookUrl('default');
	if (!webhookUrl) {
		throw activationError(
			node,
			`n8n gave this trigger no webhook URL. Check ${WEBHOOK_URL_SETTING} and activate again.`,
			'The trigger registers this URL with Meta, so it cannot activate without one.',
		);
	}
	const manualToken =
		destination === 'manual'
			? String(context.getNodeParameter('manualVerifyToken', '')).trim()
			: '';
	const phoneNumberId =
		destination === 'phoneNumber'
			? String(context.getNodeParameter('phoneNumberId', '') ?? '').trim()
			: '';
	assertIds(node, destination, credentials, phoneNumberId);
	const selected = readSelectedEvents(context);
	return {
		destination,
		handler: DESTINATIONS[destination],
		setup: {
			webhookUrl,
			verifyToken: verifyTokenFor(destination, credentials, manualToken, webhookUrl),
			verifyTokenOf: (url) => verifyTokenFor(destination, credentials, manualToken, url),
			replaceExisting:
				destination !== 'manual' && context.getNodeParameter('replaceExisting', false) === true,
			fields: fieldsForEvents(selected),
			requiredFields: fieldsForEvents(selected, true),
			businessAccountId: credentials.businessAccountId,
			appId: credentials.appId,
			appSecret: credentials.appSecret,
			phoneNumberId,
			requirePublicHttps: talksToMeta(credentials.baseUrl),
		},
	};
}

/**
 * With 360dialog: the number's 360dialog webhook (destination Phone Number) or Manual, with the
 * header value in place of the verify token. Meta's app-level destinations are refused before
 * anything is sent: 360dialog owns the Meta app, and a key reaches one number.
 */
async function resolveD360Destination(
	context: IHookFunctions,
	options: { forDeletion?: boolean },
): Promise<ResolvedDestination> {
	const node = context.getNode();
	const destination = readDestinationName(context);
	const handler = D360_DESTINATIONS[destination];
	const credentials = await readD360Credentials(context);
	const webhookUrl = context.getNodeWebhookUrl('default') ?? '';
	const manualToken =
		destination === 'manual'
			? String(context.getNodeParameter('manualVerifyToken', '')).trim()
			: '';
	const selected = readSelectedEvents(context);
	const setup: DestinationSetup = {
		webhookUrl,
		verifyToken: headerTokenFor(destination, credentials, manualToken, webhookUrl),
		verifyTokenOf: (url) => headerTokenFor(destination, credentials, manualToken, url),
		replaceExisting:
			destination !== 'manual' && context.getNodeParameter('replaceExisting', false) === true,
		fields: fieldsForEvents(selected),
		requiredFields: fieldsForEvents(selected, true),
		businessAccountId: '',
		appId: '',
		appSecret: '',
		phoneNumberId: '',
		requirePublicHttps: talksTo360dialog(credentials.baseUrl),
	};
	if (!handler) {
		// Nothing was ever registered for it (create refuses it): nothing to remove.
		if (options.forDeletion) return { destination, handler: NOTHING_REGISTERED, setup };
		throw activationError(
			node,
			`The ${DESTINATION_LABELS[destination]} destination is Meta's and does not exist with 360dialog. Choose Webhook Destination: Phone Number (the number's 360dialog webhook), or Manual.`,
			"360dialog owns the Meta app and its subscriptions, and a 360dialog API key reaches one phone number: the trigger registers that number's webhook instead. Nothing was sent to 360dialog.",
		);
	}
	if (!webhookUrl) {
		throw activationError(
			node,
			`n8n gave this trigger no webhook URL. Check ${WEBHOOK_URL_SETTING} and activate again.`,
			'The trigger registers this URL with 360dialog, so it cannot activate without one.',
		);
	}
	return { destination, handler, setup };
}
