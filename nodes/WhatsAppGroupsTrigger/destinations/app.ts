import type { IDataObject, IHookFunctions } from 'n8n-workflow';

import {
	activationError,
	activationRequest,
	APP_SUBSCRIPTION_OBJECT,
	appAccessToken,
	assertCallbackUrl,
	fieldNames,
	readAppSubscription,
} from './common';
import type { DestinationSetup, WebhookDestination } from './types';

const APP_HINT =
	'Check the App ID and App Secret in the credential (App Dashboard > App settings > Basic) and that the app has the WhatsApp product.';

/** What create() changed, kept in the node's static data so delete() undoes only that. */
export const APP_RECORD_PROPERTY = 'appSubscription';

interface AppSubscriptionRecord {
	callbackUrl: string;
	/** No whatsapp_business_account subscription existed before: delete removes it whole. */
	createdSubscription: boolean;
	/** Fields this trigger added to an existing subscription: delete removes only these. */
	addedFields: string[];
}

function readRecord(staticData: IDataObject, url: string): AppSubscriptionRecord | undefined {
	const record = staticData[APP_RECORD_PROPERTY] as AppSubscriptionRecord | undefined;
	return record && record.callbackUrl === url ? record : undefined;
}

function assertAppCredential(context: IHookFunctions, setup: DestinationSetup): void {
	if (!setup.appId || !setup.appSecret) {
		throw activationError(
			context.getNode(),
			'The App destination needs the App ID and App Secret',
			'App-level subscriptions are managed with an app access token, made from the App ID and App Secret. Add both to the credential (App Dashboard > App settings > Basic), or choose the Phone Number or Business Account destination.',
		);
	}
}

/**
 * The app-level subscription (one callback URL per app). It is shared by everything that uses the
 * app, so this destination refuses to take over a foreign callback unless allowed, and on
 * deactivation removes only what it added.
 */
export const appDestination: WebhookDestination = {
	async checkExists(this: IHookFunctions, setup: DestinationSetup) {
		assertAppCredential(this, setup);
		const subscription = await readAppSubscription(
			this,
			setup,
			"read the app's webhook subscription",
		);
		if (
			!subscription ||
			subscription.callback_url !== setup.webhookUrl ||
			subscription.active === false
		) {
			return false;
		}
		const subscribed = new Set(fieldNames(subscription.fields));
		// Missing fields count as not registered, so create() adds them.
		return setup.fields.every((field) => subscribed.has(field));
	},

	async create(this: IHookFunctions, setup: DestinationSetup) {
		const node = this.getNode();
		assertAppCredential(this, setup);
		assertCallbackUrl(node, setup);
		const subscription = await readAppSubscription(
			this,
			setup,
			"read the app's webhook subscription",
		);
		const current = subscription?.callback_url || undefined;
		if (current !== undefined && current !== setup.webhookUrl && !setup.replaceExisting) {
			throw activationError(
				node,
				'The Meta app already sends its webhooks to another callback URL',
				`The app ${setup.appId} delivers WhatsApp Business Account webhooks to ${current}, which is not this trigger. An app has one callback URL, so activating would take every event away from it. Choose the Phone Number or Business Account destination (they leave the app's callback alone), or turn on "Replace Existing Callback" if you are sure.`,
			);
		}
		const existingFields = fieldNames(subscription?.fields);
		const addedFields = setup.fields.filter((field) => !existingFields.includes(field));
		await activationRequest(
			this,
			{
				method: 'POST',
				endpoint: 'appSubscriptions',
				ids: { appId: setup.appId },
				qs: { access_token: appAccessToken(setup) },
				body: {
					object: APP_SUBSCRIPTION_OBJECT,
					callback_url: setup.webhookUrl,
					verify_token: setup.verifyToken,
					fields: [...existingFields, ...addedFields].join(','),
					include_values: true,
				},
				authentication: 'none',
				idempotent: true,
			},
			"set the app's webhook subscription",
			APP_HINT,
		);
		const staticData = this.getWorkflowStaticData('node');
		const previous = readRecord(staticData, setup.webhookUrl);
		const record: AppSubscriptionRecord = {
			callbackUrl: setup.webhookUrl,
			createdSubscription: previous?.createdSubscription ?? subscription === undefined,
			addedFields: [...new Set([...(previous?.addedFields ?? []), ...addedFields])],
		};
		staticData[APP_RECORD_PROPERTY] = record as unknown as IDataObject;
		if (current !== undefined && current !== setup.webhookUrl) {
			this.logger.warn(
				`WhatsApp Groups Trigger replaced the app ${setup.appId} callback ${current} (Replace Existing Callback is on).`,
			);
		}
		return true;
	},

	async delete(this: IHookFunctions, setup: DestinationSetup) {
		assertAppCredential(this, setup);
		const staticData = this.getWorkflowStaticData('node');
		const record = readRecord(staticData, setup.webhookUrl);
		const subscription = await readAppSubscription(
			this,
			setup,
			"read the app's webhook subscription",
		);
		if (!subscription || subscription.callback_url !== setup.webhookUrl) {
			this.logger.info(
				`WhatsApp Groups Trigger left the app ${setup.appId} subscription alone: its callback is ${subscription?.callback_url || 'not set'}, not this trigger.`,
			);
			delete staticData[APP_RECORD_PROPERTY];
			return true;
		}
		if (!record) {
			this.logger.warn(
				`WhatsApp Groups Trigger has no record of what it added to the app ${setup.appId} subscription, so it removed nothing. The app's callback still points to ${setup.webhookUrl}; change it in the App Dashboard > WhatsApp > Configuration if needed.`,
			);
			return true;
		}
		const qs: IDataObject = {
			access_token: appAccessToken(setup),
			object: APP_SUBSCRIPTION_OBJECT,
		};
		if (!record.createdSubscription) {
			if (record.addedFields.length === 0) {
				this.logger.info(
					`WhatsApp Groups Trigger added nothing to the app ${setup.appId} subscription, so it removed nothing. The app's callback still points to ${setup.webhookUrl}.`,
				);
				delete staticData[APP_RECORD_PROPERTY];
				return true;
			}
			qs.fields = record.addedFields.join(',');
		}
		await activationRequest(
			this,
			{
				method: 'DELETE',
				endpoint: 'appSubscriptions',
				ids: { appId: setup.appId },
				qs,
				authentication: 'none',
			},
			"remove the app's webhook subscription",
			APP_HINT,
		);
		if (!record.createdSubscription) {
			this.logger.warn(
				`WhatsApp Groups Trigger removed the fields it had added (${record.addedFields.join(', ')}); the app's callback still points to ${setup.webhookUrl}, because the previous callback cannot be restored without its verify token. Set it again in the App Dashboard > WhatsApp > Configuration.`,
			);
		}
		delete staticData[APP_RECORD_PROPERTY];
		return true;
	},
};
