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

/** A text as a sentence: trimmed, ending with a full stop unless it already ends a sentence. */
function asSentence(text: string): string {
	const trimmed = text.trim();
	return trimmed === '' || /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function describeError(error: unknown): string {
	if (error instanceof Error) {
		const description = (error as Error & { description?: unknown }).description;
		return [asSentence(error.message), typeof description === 'string' ? description : '']
			.filter(Boolean)
			.join(' ');
	}
	return asSentence(String(error));
}

/** n8n's setting for its public webhook address, as n8n 2.40 names it (and older versions did). */
export const WEBHOOK_URL_SETTING =
	"n8n's N8N_WEBHOOK_URL setting (WEBHOOK_URL in older n8n versions)";

/**
 * Turns a Graph failure during activation into an error whose message (the text n8n shows) says
 * what went wrong and what to fix. Meta answers many setup mistakes with a bare "Invalid
 * parameter"; the step and the destination tell which. `callbackUrl`: the URL a write asked Meta
 * to verify, named when Meta could not.
 */
export function explainActivationFailure(
	node: INode,
	error: unknown,
	step: string,
	parameterHint: string,
	callbackUrl?: string,
): NodeOperationError {
	const code = metaCodeOf(error);
	const original = describeError(error);
	const text = original.toLowerCase();
	const answered = asSentence(error instanceof Error ? error.message : String(error));
	let fix: string;
	if (code === 190) {
		fix =
			'Meta refused the access token (invalid or expired): generate a new system-user token and update the credential.';
	} else if (code === 200 || code === 10 || code === 3) {
		fix =
			'The token lacks a permission: give the system user the whatsapp_business_management and whatsapp_business_messaging permissions and access to this account (Business Settings > System users > Assign assets).';
	} else if (
		code === 2200 ||
		text.includes('callback') ||
		text.includes('verify') ||
		text.includes('challenge')
	) {
		fix = `Meta could not verify the callback URL${callbackUrl ? ` ${callbackUrl}` : ''} (it calls it with a GET request first): make n8n reachable there from the internet over HTTPS with a valid certificate by setting ${WEBHOOK_URL_SETTING} to n8n's public address (a tunnel works for testing), with nothing in front of n8n blocking the request.`;
	} else if (code === 100) {
		fix = `${answered} ${parameterHint}`;
	} else {
		fix = answered;
	}
	return new NodeOperationError(node, `WhatsApp Groups Trigger could not ${step}. ${fix}`, {
		description: `What failed: ${original}`,
	});
}

/**
 * Runs a Graph call during activation, explaining any failure. `callbackUrl`: the URL the call
 * asks Meta to verify, if any.
 */
export async function activationRequest<T>(
	context: IHookFunctions,
	request: GraphRequest,
	step: string,
	parameterHint: string,
	callbackUrl?: string,
): Promise<T> {
	try {
		return await callGraph<T>(context, request);
	} catch (error) {
		throw explainActivationFailure(context.getNode(), error, step, parameterHint, callbackUrl);
	}
}

/** The trigger's webhook URL as n8n gave it, parsed; an activation error if it is not a URL. */
export function parseWebhookUrl(node: INode, url: string): URL {
	try {
		return new URL(url);
	} catch (error) {
		throw activationError(
			node,
			`n8n gave this trigger "${url}", which is not a valid URL. Check ${WEBHOOK_URL_SETTING}.`,
			(error as Error).message,
		);
	}
}

/** Meta refuses callbacks it cannot reach; say so before it answers "Invalid parameter". */
export function assertCallbackUrl(node: INode, setup: DestinationSetup, maxLength?: number): void {
	const url = setup.webhookUrl;
	const parsed = parseWebhookUrl(node, url);
	if (setup.requirePublicHttps && parsed.protocol !== 'https:') {
		throw activationError(
			node,
			`Meta only sends webhooks to HTTPS URLs, and this trigger's URL is ${url}. Set ${WEBHOOK_URL_SETTING} to n8n's public https:// address (a tunnel works for testing) and activate again.`,
			'Meta verifies the callback URL with a GET request before it accepts it, and delivers only over HTTPS with a valid certificate.',
		);
	}
	if (setup.requirePublicHttps && /^(localhost|127\.|0\.0\.0\.0|\[::1\])/.test(parsed.hostname)) {
		throw activationError(
			node,
			`Meta cannot reach this trigger's URL ${url} on this machine. Set ${WEBHOOK_URL_SETTING} to n8n's public address (a tunnel works for testing) and activate again.`,
			'Meta verifies the callback URL with a GET request from the internet before it accepts it.',
		);
	}
	if (maxLength !== undefined && url.length > maxLength) {
		throw activationError(
			node,
			`This trigger's URL has ${url.length} characters, more than the ${maxLength} Meta accepts for an override. Set ${WEBHOOK_URL_SETTING} to a shorter address, or choose the App destination.`,
			`The URL is ${url}.`,
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
			`WhatsApp Groups Trigger: cannot check that the app is subscribed to the webhook fields ${setup.requiredFields.join(', ')} (the credential has no App ID or App Secret). If no events arrive, subscribe them in the App Dashboard > WhatsApp > Configuration.`,
		);
		return;
	}
	const subscription = await readAppSubscription(context, setup, "read the app's webhook fields");
	const subscribed = new Set(fieldNames(subscription?.fields));
	const missing = setup.requiredFields.filter((field) => !subscribed.has(field));
	if (!subscription || missing.length > 0) {
		throw activationError(
			context.getNode(),
			`The Meta app is not subscribed to the webhook fields ${missing.join(', ')}, so no such events would arrive. Subscribe them in the App Dashboard > WhatsApp > Configuration > Webhook fields${subscription ? '' : ' (after setting a callback URL there; any URL you control works)'}, or choose the App destination, which subscribes them itself.`,
			'Overrides only redirect the webhooks the app is subscribed to.',
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
