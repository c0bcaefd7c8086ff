import { appDestination } from './app';
import { businessAccountDestination } from './businessAccount';
import { d360ManualDestination, d360WebhookDestination } from './d360Webhook';
import { manualDestination } from './manual';
import { phoneNumberDestination } from './phoneNumber';
import type { DestinationName, WebhookDestination } from './types';

export const DESTINATIONS: Record<DestinationName, WebhookDestination> = {
	phoneNumber: phoneNumberDestination,
	businessAccount: businessAccountDestination,
	app: appDestination,
	manual: manualDestination,
};

/** With 360dialog: the number's 360dialog webhook, or Manual; Meta's app-level ones do not exist. */
export const D360_DESTINATIONS: Partial<Record<DestinationName, WebhookDestination>> = {
	phoneNumber: d360WebhookDestination,
	manual: d360ManualDestination,
};
