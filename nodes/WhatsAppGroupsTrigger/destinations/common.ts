import type { IHookFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { callGraph, metaCodeOf } from '../../shared/transport';
import type { GraphRequest } from '../../shared/transport';
import type { AppSubscriptionsResponse, SubscribedAppsResponse } from '../../shared/types';
import type { DestinationSetup } from './types';

export const APP_SUBSCRIPTION_OBJECT = 'whatsapp_business_account';

/** Meta accepts override URLs up to this length. */
export const OVERRIDE_URL_MAX_LENGTH = 200;

export function activationError(
	node: INode,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(node, message, { description });
}

function describeError(error: unknown): string {
	if (error instanceof Error) {
		const description = (error as Error & { description?: unknown }).description;
		return [error.message, typeof description === 'string' ? description : '']
			.filter(Boolean)
			.join(' ');
	}
	return String(error);
}

/**
 * Turns a Graph failure during activation into a message that says what to fix. Meta answers
 * many setup mistakes with a bare "Invalid parameter"; the step and the destination tell which.
 */
export function explainActivationFailure(
	node: INode,
	error: unknown,
	step: string,
	parameterHint: string,
): NodeOperationError {
	const code = metaCodeOf(error);
	const original = describeError(error);
	const text = original.toLowerCase();
	let fix: string;
	if (code === 190) {
		fix =
			'The access token is invalid or expired: generate a new system-user token and update the credential.';
	} else if (code === 200 || code === 10 || code === 3) {
		fix =
			'The token lacks a permission: give the system user the whatsapp_business_management and whatsapp_business_messaging permissions and access to this account (Business Settings > System users > Assign assets).';
	} else if (
		code === 2200 ||
		text.includes('callback') ||
		text.includes('verify') ||
		text.includes('challenge')
	) {
		fix =
			"Meta could not verify the callback URL: it calls the URL with a GET request before accepting it, so n8n must be reachable from the internet at this address over HTTPS with a valid certificate (set n8n's WEBHOOK_URL to the public address; a tunnel works for testing), and nothing in front of n8n may block or rewrite the request.";
	} else if (code === 100) {
		fix = parameterHint;
	} else {
		fix = "See Meta's message above.";
	}
	return new NodeOperationError(node, `WhatsApp Groups Trigger could not ${step}`, {
		description: `${original} What to fix: ${fix}`,
	});
}

/** Runs a Graph call during activation, explaining any failure. */
export async function activationRequest<T>(
	context: IHookFunctions,
	request: GraphRequest,
	step: string,
	parameterHint: string,
): Promise<T> {
	try {
		return await callGraph<T>(context, request);
	} catch (error) {
		throw explainActivationFailure(context.getNode(), error, step, parameterHint);
	}
}

/** Meta refuses callbacks it cannot reach; say so before it answers "Invalid parameter". */
export function assertCallbackUrl(node: INode, setup: DestinationSetup, maxLength?: number): void {
	const url = setup.webhookUrl;
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch (error) {
		throw activationError(
			node,
			'The trigger has no valid webhook URL',
			`n8n gave "${url}" (${(error as Error).message}). Check n8n's WEBHOOK_URL setting.`,
		);
	}
	if (setup.requirePublicHttps && parsed.protocol !== 'https:') {
		throw activationError(
			node,
			'Meta only sends webhooks to HTTPS URLs',
			`This trigger's URL is ${url}. Set n8n's WEBHOOK_URL to a public https:// address (a tunnel works for testing) and activate again.`,
		);
	}
	if (setup.requirePublicHttps && /^(localhost|127\.|0\.0\.0\.0|\[::1\])/.test(parsed.hostname)) {
		throw activationError(
			node,
			'Meta cannot reach a localhost URL',
			`This trigger's URL is ${url}. Set n8n's WEBHOOK_URL to the public address of this n8n (a tunnel works for testing).`,
		);
	}
	if (maxLength !== undefined && url.length > maxLength) {
		throw activationError(
			node,
			`The webhook URL is longer than the ${maxLength} characters Meta accepts for an override`,
			`This trigger's URL has ${url.length} characters. Use a shorter WEBHOOK_URL or webhook path, or choose the App destination.`,
		);
	}
}

/** The app token for app-level calls: Meta defines it as "APP_ID|APP_SECRET". */
export function appAccessToken(setup: DestinationSetup): string {
	return `${setup.appId}|${setup.appSecret}`;
}

export function fieldNames(
	fields: AppSubscriptionsResponse['data'][number]['fields'] | undefined,
): string[] {
	return (fields ?? []).map((field) => (typeof field === 'string' ? field : field.name));
}

/** The app's subscription for WhatsApp Business Account webhooks, if any. */
export async function readAppSubscription(
	context: IHookFunctions,
	setup: DestinationSetup,
	step: string,
): Promise<AppSubscriptionsResponse['data'][number] | undefined> {
	const response = await activationRequest<AppSubscriptionsResponse>(
		context,
		{
			method: 'GET',
			endpoint: 'appSubscriptions',
			ids: { appId: setup.appId },
			qs: { access_token: appAccessToken(setup) },
			authentication: 'none',
		},
		step,
		'Check the App ID and App Secret in the credential (App Dashboard > App settings > Basic).',
	);
	return (response.data ?? []).find(
		(subscription) => subscription.object === APP_SUBSCRIPTION_OBJECT,
	);
}

/**
 * Overrides only redirect what the app is subscribed to: without the fields at app level nothing
 * arrives, silently. Checked when the credential allows (app ID and secret); otherwise logged.
 */
export async function assertAppSubscribedToFields(
	context: IHookFunctions,
	setup: DestinationSetup,
): Promise<void> {
	if (!setup.appId || !setup.appSecret) {
		context.logger.warn(
			`WhatsApp Groups Trigger: cannot check that the app is subscribed to the webhook fields ${setup.fields.join(', ')} (the credential has no App ID or App Secret). If no events arrive, subscribe them in the App Dashboard > WhatsApp > Configuration.`,
		);
		return;
	}
	const subscription = await readAppSubscription(context, setup, "read the app's webhook fields");
	const subscribed = new Set(fieldNames(subscription?.fields));
	const missing = setup.fields.filter((field) => !subscribed.has(field));
	if (!subscription || missing.length > 0) {
		throw activationError(
			context.getNode(),
			`The Meta app is not subscribed to the webhook fields ${missing.join(', ')}`,
			`Overrides only redirect webhooks the app is subscribed to. In the App Dashboard > WhatsApp > Configuration (Webhook fields), subscribe ${missing.join(', ')}${subscription ? '' : ' (the app needs a callback URL there first; any URL you control works)'}, or choose the App destination, which subscribes them itself.`,
		);
	}
}

/** Whether the app is subscribed to the WABA at all: without it, no webhook arrives. */
export async function readSubscribedApps(
	context: IHookFunctions,
	setup: DestinationSetup,
	step: string,
): Promise<SubscribedAppsResponse['data']> {
	const response = await activationRequest<SubscribedAppsResponse>(
		context,
		{
			method: 'GET',
			endpoint: 'subscribedApps',
			ids: { businessAccountId: setup.businessAccountId },
		},
		step,
		'Check the WhatsApp Business Account ID in the credential.',
	);
	return response.data ?? [];
}

/** The subscribed-app entry of this credential's app: by App ID, or the only one without it. */
export function findOwnApp(
	apps: SubscribedAppsResponse['data'],
	setup: DestinationSetup,
): SubscribedAppsResponse['data'][number] | undefined {
	if (setup.appId) return apps.find((app) => app.whatsapp_business_api_data?.id === setup.appId);
	return apps.length === 1 ? apps[0] : undefined;
}
