import type { IHookFunctions } from 'n8n-workflow';

import type { PhoneNumberWebhookConfigurationResponse } from '../../shared/types';
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

const PHONE_HINT =
	'Check that the business phone number ID belongs to the WhatsApp Business Account in the credential and that the token can manage it.';

function placeOf(setup: DestinationSetup): CallbackPlace {
	return {
		key: `phoneNumber:${setup.phoneNumberId}`,
		label: `The phone number ${setup.phoneNumberId}`,
		alternative: 'choose another number or destination',
		freeTarget: 'a number without an override callback',
	};
}

/** The phone number's own override callback, if one is set. */
async function readPhoneOverride(
	context: IHookFunctions,
	setup: DestinationSetup,
): Promise<string | undefined> {
	const response = await activationRequest<PhoneNumberWebhookConfigurationResponse>(
		context,
		{
			method: 'GET',
			endpoint: 'phoneNumber',
			ids: { phoneNumberId: setup.phoneNumberId },
			qs: { fields: 'webhook_configuration' },
		},
		"read the phone number's webhook configuration",
		PHONE_HINT,
	);
	const url = response.webhook_configuration?.phone_number;
	return typeof url === 'string' && url !== '' ? url : undefined;
}

async function writePhoneOverride(
	context: IHookFunctions,
	setup: DestinationSetup,
	callbackUrl: string,
	verifyToken: string | undefined,
	step: string,
): Promise<void> {
	const configuration: Record<string, string> = { override_callback_uri: callbackUrl };
	if (verifyToken !== undefined) configuration.verify_token = verifyToken;
	await activationRequest(
		context,
		{
			method: 'POST',
			endpoint: 'phoneNumber',
			ids: { phoneNumberId: setup.phoneNumberId },
			body: { webhook_configuration: configuration },
			// Setting the same override twice is harmless.
			idempotent: true,
		},
		step,
		PHONE_HINT,
		callbackUrl || undefined,
	);
}

/**
 * The business phone number's override callback: events of this number come here, the app's own
 * callback and other numbers stay untouched, and one workflow per number can coexist.
 */
export const phoneNumberDestination: WebhookDestination = {
	async checkExists(this: IHookFunctions, setup: DestinationSetup) {
		return (await readPhoneOverride(this, setup)) === setup.webhookUrl;
	},

	async create(this: IHookFunctions, setup: DestinationSetup) {
		const node = this.getNode();
		if (!setup.phoneNumberId) {
			throw activationError(
				node,
				'No business phone number chosen. Choose the Business Phone Number the trigger listens to.',
				'The Phone Number destination sets the override callback of that number.',
			);
		}
		assertCallbackUrl(node, setup, OVERRIDE_URL_MAX_LENGTH);
		const place = placeOf(setup);
		const current = await readPhoneOverride(this, setup);
		claimCallback(this, setup, place, current);
		const apps = await readSubscribedApps(
			this,
			setup,
			'check that the app is subscribed to the WhatsApp Business Account',
		);
		if (apps.length === 0 || (setup.appId && !findOwnApp(apps, setup))) {
			throw activationError(
				node,
				`The Meta app is not subscribed to the WhatsApp Business Account ${setup.businessAccountId}, so Meta sends it no webhooks at all. Subscribe it once (POST /${setup.businessAccountId}/subscribed_apps, or WhatsApp Manager), or choose the Business Account destination, which subscribes it itself.`,
				'A phone number override only redirects the webhooks the app receives for the account.',
			);
		}
		await assertAppSubscribedToFields(this, setup);
		await writePhoneOverride(
			this,
			setup,
			setup.webhookUrl,
			setup.verifyToken,
			'set the phone number override callback',
		);
		recordTakeover(this, setup, place, current);
		return true;
	},

	async delete(this: IHookFunctions, setup: DestinationSetup) {
		const place = placeOf(setup);
		const record = takeTestRecord(this, setup, place);
		const current = await readPhoneOverride(this, setup);
		if (current !== setup.webhookUrl) {
			this.logger.info(
				`WhatsApp Groups Trigger left the phone number ${setup.phoneNumberId} webhook configuration alone: its override is ${current ?? 'not set'}, not this trigger.`,
			);
			return true;
		}
		await giveBack(this, setup, place, record, {
			restore: async (previous, verifyToken) =>
				await writePhoneOverride(
					this,
					setup,
					previous,
					verifyToken,
					'give the phone number its previous override callback back',
				),
			// An empty override removes it; Meta then routes to the account override or the app.
			remove: async () =>
				await writePhoneOverride(
					this,
					setup,
					'',
					undefined,
					'remove the phone number override callback',
				),
		});
		return true;
	},
};
