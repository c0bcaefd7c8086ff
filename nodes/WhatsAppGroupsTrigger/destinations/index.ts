import { appDestination } from './app';
import { businessAccountDestination } from './businessAccount';
import type { WebhookDestination } from './common';
import { manualDestination } from './manual';
import { phoneNumberDestination } from './phoneNumber';

export type DestinationName = 'phoneNumber' | 'businessAccount' | 'app' | 'manual';

export const DESTINATIONS: Record<DestinationName, WebhookDestination> = {
	phoneNumber: phoneNumberDestination,
	businessAccount: businessAccountDestination,
	app: appDestination,
	manual: manualDestination,
};

export type { DestinationSetup, WebhookDestination } from './common';
