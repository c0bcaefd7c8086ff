import { appDestination } from './app';
import { businessAccountDestination } from './businessAccount';
import { manualDestination } from './manual';
import { phoneNumberDestination } from './phoneNumber';
import type { DestinationName, WebhookDestination } from './types';

export const DESTINATIONS: Record<DestinationName, WebhookDestination> = {
	phoneNumber: phoneNumberDestination,
	businessAccount: businessAccountDestination,
	app: appDestination,
	manual: manualDestination,
};
