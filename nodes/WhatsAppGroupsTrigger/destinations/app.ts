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
import type { CallbackPlace } from './takeover';
import { claimCallback, giveBack, recordTakeover, takeTestRecord } from './takeover';
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
			'The App destination needs the App ID and App Secret in the credential. Add both (App Dashboard > App settings > Basic), or choose the Phone Number or Business Account destination.',
			'App-level subscriptions are managed with an app access token, made from the App ID and App Secret.',
		);
	}
}

function placeOf(setup: DestinationSetup): CallbackPlace {
	return {
		key: `app:${setup.appId}`,
		label: `The Meta app ${setup.appId}`,
		alternative:
			"choose the Phone Number or Business Account destination (they leave the app's one callback alone)",
		freeTarget: 'the Phone Number or Business Account destination',
	};
}

/** Posts the app's subscription: the callback with its verify token, and the fields. */
async function postSubscription(
	context: IHookFunctions,
	setup: DestinationSetup,
	callbackUrl: string,
	verifyToken: string,
	fields: string[],
	step: string,
): Promise<void> {
	await activationRequest(
		context,
		{
			method: 'POST',
			endpoint: 'appSubscriptions',
			ids: { appId: setup.appId },
			qs: { access_token: appAccessToken(setup) },
			body: {
				object: APP_SUBSCRIPTION_OBJECT,
				callback_url: callbackUrl,
				verify_token: verifyToken,
				fields: fields.join(','),
				include_values: true,
			},
			authentication: 'none',
			idempotent: true,
		},
		step,
		APP_HINT,
		callbackUrl,
	);
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
		const place = placeOf(setup);
		const subscription = await readAppSubscription(
			this,
			setup,
			"read the app's webhook subscription",
		);
		const current = subscription?.callback_url || undefined;
		claimCallback(this, setup, place, current);
		const existingFields = fieldNames(subscription?.fields);
		const addedFields = setup.fields.filter((field) => !existingFields.includes(field));
		await postSubscription(
			this,
			setup,
			setup.webhookUrl,
			setup.verifyToken,
			[...existingFields, ...addedFields],
			"set the app's webhook subscription",
		);
		const staticData = this.getWorkflowStaticData('node');
		const previous = readRecord(staticData, setup.webhookUrl);
		const record: AppSubscriptionRecord = {
			callbackUrl: setup.webhookUrl,
			createdSubscription: previous?.createdSubscription ?? subscription === undefined,
			addedFields: [...new Set([...(previous?.addedFields ?? []), ...addedFields])],
		};
		staticData[APP_RECORD_PROPERTY] = record as unknown as IDataObject;
		recordTakeover(this, setup, place, current, { fields: existingFields });
		return true;
	},

	async delete(this: IHookFunctions, setup: DestinationSetup) {
		assertAppCredential(this, setup);
		const place = placeOf(setup);
		const test = takeTestRecord(this, setup, place);
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
		delete staticData[APP_RECORD_PROPERTY];
		if (record.createdSubscription) {
			// There was no subscription before: removing it gives the app back as it was.
			await removeSubscription(this, setup, undefined);
			return true;
		}
		if (test) {
			const fields = Array.isArray(test.details?.fields) ? (test.details.fields as string[]) : [];
			await giveBack(this, setup, place, test, {
				restore: async (previous, verifyToken) =>
					await postSubscription(
						this,
						setup,
						previous,
						verifyToken,
						fields.length > 0 ? fields : setup.fields,
						'give the app its previous callback back',
					),
				// An app's callback goes only with its whole subscription, which others use.
				remove: async () => {},
			});
		}
		if (record.addedFields.length === 0) {
			if (!test) {
				this.logger.info(
					`WhatsApp Groups Trigger added nothing to the app ${setup.appId} subscription, so it removed nothing. The app's callback still points to ${setup.webhookUrl}.`,
				);
			}
			return true;
		}
		await removeSubscription(this, setup, record.addedFields);
		if (!test) {
			this.logger.warn(
				`WhatsApp Groups Trigger removed the fields it had added (${record.addedFields.join(', ')}); the app's callback still points to ${setup.webhookUrl}, because the previous callback cannot be restored without its verify token. Set it again in the App Dashboard > WhatsApp > Configuration.`,
			);
		}
		return true;
	},
};

/** Deletes the app's subscription: the whole object, or only `fields`. */
async function removeSubscription(
	context: IHookFunctions,
	setup: DestinationSetup,
	fields: string[] | undefined,
): Promise<void> {
	const qs: IDataObject = {
		access_token: appAccessToken(setup),
		object: APP_SUBSCRIPTION_OBJECT,
	};
	if (fields) qs.fields = fields.join(',');
	await activationRequest(
		context,
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
}
