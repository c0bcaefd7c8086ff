import type { IHookFunctions } from 'n8n-workflow';

import {
	activationError,
	activationRequest,
	assertAppSubscribedToFields,
	assertCallbackUrl,
	findOwnApp,
	OVERRIDE_URL_MAX_LENGTH,
	readSubscribedApps,
} from './common';
import type { CallbackPlace } from './takeover';
import { claimCallback, giveBack, recordTakeover, takeTestRecord } from './takeover';
import type { DestinationSetup, WebhookDestination } from './types';

const ACCOUNT_HINT =
	'Check the WhatsApp Business Account ID in the credential and that the token can manage that account.';

function placeOf(setup: DestinationSetup): CallbackPlace {
	return {
		key: `businessAccount:${setup.businessAccountId}`,
		label: `The WhatsApp Business Account ${setup.businessAccountId}`,
		alternative: 'choose the Phone Number destination',
		freeTarget:
			'the Phone Number destination, or an account whose override callback for this app is free',
	};
}

/** Posts the account's subscription of this app, with an override callback or without one. */
async function subscribeApp(
	context: IHookFunctions,
	setup: DestinationSetup,
	override: { url: string; verifyToken: string } | undefined,
	step: string,
): Promise<void> {
	await activationRequest(
		context,
		{
			method: 'POST',
			endpoint: 'subscribedApps',
			ids: { businessAccountId: setup.businessAccountId },
			body: override
				? { override_callback_uri: override.url, verify_token: override.verifyToken }
				: undefined,
			idempotent: true,
		},
		step,
		ACCOUNT_HINT,
		override?.url,
	);
}

/**
 * The WhatsApp Business Account override on this credential's app. Setting it also subscribes the
 * app to the account. Removing it re-subscribes the app without an override, so the app keeps
 * receiving the account's webhooks at its own callback (other workflows may rely on that); a test
 * registration gives back exactly what it found, including an app that was not subscribed.
 */
export const businessAccountDestination: WebhookDestination = {
	async checkExists(this: IHookFunctions, setup: DestinationSetup) {
		const apps = await readSubscribedApps(this, setup, 'read the account override callback');
		const own = findOwnApp(apps, setup);
		if (own) return own.override_callback_uri === setup.webhookUrl;
		return !setup.appId && apps.some((app) => app.override_callback_uri === setup.webhookUrl);
	},

	async create(this: IHookFunctions, setup: DestinationSetup) {
		const node = this.getNode();
		assertCallbackUrl(node, setup, OVERRIDE_URL_MAX_LENGTH);
		const place = placeOf(setup);
		const apps = await readSubscribedApps(this, setup, 'read the account override callback');
		const own = findOwnApp(apps, setup);
		const current = own?.override_callback_uri || undefined;
		if (!own && !setup.appId && apps.length > 1 && !setup.replaceExisting) {
			throw activationError(
				node,
				`${apps.length} apps are subscribed to the WhatsApp Business Account ${setup.businessAccountId}, and the credential has no App ID to tell which is this one. Add the App ID to the credential (App Dashboard > App settings > Basic), or turn on "Replace Existing Callback".`,
				"Without it the trigger cannot check that it does not replace another app's callback.",
			);
		}
		claimCallback(this, setup, place, current);
		await assertAppSubscribedToFields(this, setup);
		await subscribeApp(
			this,
			setup,
			{ url: setup.webhookUrl, verifyToken: setup.verifyToken },
			'set the account override callback',
		);
		// Not subscribed: no app at all, or none with the App ID. Several apps and no App ID: unknown,
		// so counted as subscribed (a test never unsubscribes an app it cannot tell apart).
		const appWasSubscribed = own !== undefined || (apps.length > 1 && !setup.appId);
		recordTakeover(this, setup, place, current, { appWasSubscribed });
		return true;
	},

	async delete(this: IHookFunctions, setup: DestinationSetup) {
		const place = placeOf(setup);
		const record = takeTestRecord(this, setup, place);
		const apps = await readSubscribedApps(this, setup, 'read the account override callback');
		const own =
			findOwnApp(apps, setup) ?? apps.find((app) => app.override_callback_uri === setup.webhookUrl);
		if (own?.override_callback_uri !== setup.webhookUrl) {
			this.logger.info(
				`WhatsApp Groups Trigger left the account ${setup.businessAccountId} alone: its override is ${own?.override_callback_uri || 'not set'}, not this trigger.`,
			);
			return true;
		}
		await giveBack(this, setup, place, record, {
			restore: async (previous, verifyToken) =>
				await subscribeApp(
					this,
					setup,
					{ url: previous, verifyToken },
					'give the account its previous override callback back',
				),
			remove: async () => {
				if (record?.details?.appWasSubscribed === false) {
					// A test found the app not subscribed to the account: leave it so.
					await activationRequest(
						this,
						{
							method: 'DELETE',
							endpoint: 'subscribedApps',
							ids: { businessAccountId: setup.businessAccountId },
						},
						'unsubscribe the app from the account again',
						ACCOUNT_HINT,
					);
					return;
				}
				await subscribeApp(this, setup, undefined, 'remove the account override callback');
			},
		});
		return true;
	},
};
