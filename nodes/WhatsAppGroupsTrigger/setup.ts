import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../shared/transport';
import { GROUP_WEBHOOK_FIELDS, TRIGGER_WEBHOOK_FIELDS } from '../shared/types';
import { DESTINATIONS } from './destinations';
import { activationError, WEBHOOK_URL_SETTING } from './destinations/common';
import type { DestinationName, DestinationSetup, TriggerCredentials } from './destinations/types';
import { DEFAULT_EVENTS } from './description';
import type { TriggerEventName } from './webhook/eventTypes';
import { EVENT_FIELD, TRIGGER_EVENTS } from './webhook/eventTypes';
import { deriveVerifyToken } from './webhook/verifyToken';

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
		appSecret: text(credentials.appSecret),
	};
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
	return value in DESTINATIONS ? (value as DestinationName) : 'phoneNumber';
}

const KNOWN_EVENTS: ReadonlySet<unknown> = new Set(TRIGGER_EVENTS);

export function readSelectedEvents(
	context: IHookFunctions | IWebhookFunctions,
): TriggerEventName[] {
	const value = context.getNodeParameter('events', DEFAULT_EVENTS) as unknown;
	if (!Array.isArray(value)) return [...DEFAULT_EVENTS];
	return value.filter((event): event is TriggerEventName => KNOWN_EVENTS.has(event));
}

/** The Meta webhook fields the selected events arrive on (all of them when only `unknown` is). */
export function fieldsForEvents(events: TriggerEventName[]): string[] {
	const fields = new Set<string>();
	for (const event of events) {
		if (event !== 'unknown') fields.add(EVENT_FIELD[event]);
	}
	if (fields.size === 0) return [...TRIGGER_WEBHOOK_FIELDS];
	// Keep Meta's order so requests are predictable.
	return [...GROUP_WEBHOOK_FIELDS, 'messages'].filter((field) => fields.has(field));
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

/** Resolves the destination and everything it needs; refuses to activate an unsafe setup. */
export async function resolveDestination(
	context: IHookFunctions,
	options: { forDeletion?: boolean } = {},
): Promise<{ destination: DestinationName; setup: DestinationSetup }> {
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
			? String(context.getNodeParameter('phoneNumberId', '')).trim()
			: '';
	return {
		destination,
		setup: {
			webhookUrl,
			verifyToken: verifyTokenFor(destination, credentials, manualToken, webhookUrl),
			verifyTokenOf: (url) => verifyTokenFor(destination, credentials, manualToken, url),
			replaceExisting:
				destination !== 'manual' && context.getNodeParameter('replaceExisting', false) === true,
			fields: fieldsForEvents(readSelectedEvents(context)),
			businessAccountId: credentials.businessAccountId,
			appId: credentials.appId,
			appSecret: credentials.appSecret,
			phoneNumberId,
			requirePublicHttps: talksToMeta(credentials.baseUrl),
		},
	};
}
