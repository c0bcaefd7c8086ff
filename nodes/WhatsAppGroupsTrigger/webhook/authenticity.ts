import type { IWebhookFunctions } from 'n8n-workflow';

import { CREDENTIAL_TYPE, providerOf } from '../../shared/transport';
import { appSecretOf, headerTokenFor, readD360Credentials, readDestinationName } from '../setup';
import { checkSignature, SIGNATURE_HEADER } from './signature';
import { D360_TOKEN_HEADER, sameToken } from './verifyToken';

/**
 * The URL the request arrived on: the test URL during "Listen for test event", the production URL
 * otherwise. The verify token and 360dialog's header are bound to it, as they were when the
 * destination was registered.
 */
export function servedWebhookUrl(context: IWebhookFunctions): string {
	const resourceUrl =
		typeof context.getWebhookResourceUrl === 'function'
			? context.getWebhookResourceUrl('default')
			: undefined;
	return resourceUrl ?? context.getNodeWebhookUrl('default') ?? '';
}

function firstValue(header: unknown): string | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	return typeof value === 'string' ? value : undefined;
}

/**
 * Why a delivery must be refused (it gets 401 and starts nothing), or undefined when it comes from
 * the provider. Meta: the X-Hub-Signature-256 of the raw body, keyed with the app secret (unless
 * Verify Signatures is off). 360dialog, which signs nothing a client could check: the header
 * registered with the webhook, its value derived from the API key and the URL (or the node's
 * Header Value for the Manual destination), compared in constant time, on every delivery.
 */
export async function deliveryRefusal(
	context: IWebhookFunctions,
	rawBody: Buffer | undefined,
): Promise<string | undefined> {
	const headers = context.getHeaderData();
	if (providerOf(context) === '360dialog') {
		const destination = readDestinationName(context);
		const manualToken =
			destination === 'manual'
				? String(context.getNodeParameter('manualVerifyToken', '')).trim()
				: '';
		const expected = headerTokenFor(
			destination,
			await readD360Credentials(context),
			manualToken,
			servedWebhookUrl(context),
		);
		const received = firstValue(headers[D360_TOKEN_HEADER.toLowerCase()]);
		if (received === undefined || received === '') {
			return `the ${D360_TOKEN_HEADER} header is missing: 360dialog sends it with every delivery once this trigger has registered the webhook (if the webhook was set some other way, activate the workflow again)`;
		}
		if (expected === '') {
			return `the 360dialog credential has no ${destination === 'manual' ? 'Header Value on the node' : 'API key'} to check the ${D360_TOKEN_HEADER} header with`;
		}
		if (!sameToken(received, expected)) {
			return `the ${D360_TOKEN_HEADER} header does not match this trigger's: it was not sent by 360dialog for this webhook, or the API key changed since the webhook was registered (deactivate and activate the workflow again)`;
		}
		return undefined;
	}
	if (context.getNodeParameter('verifySignatures', true) === false) return undefined;
	const appSecret = appSecretOf(await context.getCredentials(CREDENTIAL_TYPE));
	if (!appSecret) return 'the credential has no App Secret to verify its signature';
	const result = checkSignature(rawBody, headers[SIGNATURE_HEADER], appSecret);
	return result.valid ? undefined : result.reason;
}
