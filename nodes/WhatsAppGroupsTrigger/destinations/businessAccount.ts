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
import type { DestinationSetup, WebhookDestination } from './types';

const ACCOUNT_HINT =
	'Check the WhatsApp Business Account ID in the credential and that the token can manage that account.';

/**
 * The WhatsApp Business Account override on this credential's app. Setting it also subscribes the
 * app to the account. Removing it re-subscribes the app without an override, so the app keeps
 * receiving the account's webhooks at its own callback (other workflows may rely on that).
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
		const apps = await readSubscribedApps(this, setup, 'read the account override callback');
		const own = findOwnApp(apps, setup);
		const current = own?.override_callback_uri || undefined;
		if (!own && !setup.appId && apps.length > 1 && !setup.replaceExisting) {
			throw activationError(
				node,
				"Cannot tell which subscribed app is this credential's",
				`${apps.length} apps are subscribed to the account ${setup.businessAccountId}. Add the App ID to the credential so the trigger can check it does not replace another app's callback, or turn on "Replace Existing Callback".`,
			);
		}
		if (current !== undefined && current !== setup.webhookUrl && !setup.replaceExisting) {
			throw activationError(
				node,
				'Another callback URL is already set on this WhatsApp Business Account',
				`The account ${setup.businessAccountId} sends this app's webhooks to ${current}, which is not this trigger. Activating would take those events away from it. Remove that override first, choose the Phone Number destination, or turn on "Replace Existing Callback" if you are sure.`,
			);
		}
		await assertAppSubscribedToFields(this, setup);
		await activationRequest(
			this,
			{
				method: 'POST',
				endpoint: 'subscribedApps',
				ids: { businessAccountId: setup.businessAccountId },
				body: { override_callback_uri: setup.webhookUrl, verify_token: setup.verifyToken },
				idempotent: true,
			},
			'set the account override callback',
			ACCOUNT_HINT,
		);
		if (current !== undefined && current !== setup.webhookUrl) {
			this.logger.warn(
				`WhatsApp Groups Trigger replaced the account ${setup.businessAccountId} callback ${current} (Replace Existing Callback is on).`,
			);
		}
		return true;
	},

	async delete(this: IHookFunctions, setup: DestinationSetup) {
		const apps = await readSubscribedApps(this, setup, 'read the account override callback');
		const own =
			findOwnApp(apps, setup) ?? apps.find((app) => app.override_callback_uri === setup.webhookUrl);
		if (own?.override_callback_uri !== setup.webhookUrl) {
			this.logger.info(
				`WhatsApp Groups Trigger left the account ${setup.businessAccountId} alone: its override is ${own?.override_callback_uri || 'not set'}, not this trigger.`,
			);
			return true;
		}
		await activationRequest(
			this,
			{
				method: 'POST',
				endpoint: 'subscribedApps',
				ids: { businessAccountId: setup.businessAccountId },
				idempotent: true,
			},
			'remove the account override callback',
			ACCOUNT_HINT,
		);
		return true;
	},
};
