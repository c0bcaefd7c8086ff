import type { IHookFunctions } from 'n8n-workflow';

import { activationError } from './common';
import type { DestinationSetup, WebhookDestination } from './types';

/** Short tokens can be guessed; Meta puts no upper limit on them. */
export const MANUAL_TOKEN_MIN_LENGTH = 16;

/**
 * Registers nothing: the user pastes the URL and the verify token into Meta's dashboard. The
 * trigger still answers Meta's verification and checks every signature.
 */
export const manualDestination: WebhookDestination = {
	async checkExists(this: IHookFunctions) {
		// Nothing to look up; create() validates the settings and says where to paste them.
		return false;
	},

	async create(this: IHookFunctions, setup: DestinationSetup) {
		if (setup.verifyToken.length < MANUAL_TOKEN_MIN_LENGTH) {
			throw activationError(
				this.getNode(),
				`The verify token must have at least ${MANUAL_TOKEN_MIN_LENGTH} characters. Enter a long random string in Verify Token and paste the same value into the App Dashboard > WhatsApp > Configuration.`,
				'Meta sends it back when it verifies the URL; a short token could be guessed.',
			);
		}
		this.logger.info(
			`WhatsApp Groups Trigger (manual destination) registers nothing. In Meta's dashboard, set the callback URL to ${setup.webhookUrl} with the verify token from the node, and subscribe the fields ${setup.requiredFields.join(', ')}.`,
		);
		return true;
	},

	async delete(this: IHookFunctions, setup: DestinationSetup) {
		this.logger.info(
			`WhatsApp Groups Trigger (manual destination) removed nothing: ${setup.webhookUrl} stays in Meta's dashboard until you change it there.`,
		);
		return true;
	},
};
