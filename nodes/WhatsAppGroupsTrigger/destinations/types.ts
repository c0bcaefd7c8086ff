/** The destination contract: where the trigger registers its callback, and what each one needs. */
import type { IHookFunctions } from 'n8n-workflow';

/** The values of the trigger's Destination parameter (saved in workflows: never rename one). */
export type DestinationName = 'phoneNumber' | 'businessAccount' | 'app' | 'manual';

/** The credential's fields the trigger uses, trimmed. */
export interface TriggerCredentials {
	baseUrl: string;
	accessToken: string;
	businessAccountId: string;
	appId: string;
	appSecret: string;
}

/** The 360dialog credential's fields the trigger uses, trimmed. */
export interface D360TriggerCredentials {
	baseUrl: string;
	apiKey: string;
}

/** Everything a destination needs, resolved once by the node from its parameters and credential. */
export interface DestinationSetup {
	webhookUrl: string;
	/** With 360dialog: the value of the header every delivery must carry (D360_TOKEN_HEADER). */
	verifyToken: string;
	/**
	 * The verify token this package registers for a URL (derived from the URL and the credential's
	 * secret, so the token of any WhatsApp Groups Trigger's URL on this app is known from the URL
	 * alone). Used to give a callback back after a test registration.
	 */
	verifyTokenOf(url: string): string;
	/** The user allowed replacing a callback that is not this trigger's. */
	replaceExisting: boolean;
	/** Meta webhook fields the selected events arrive on (the App destination subscribes them). */
	fields: string[];
	/**
	 * The fields without which a selected event cannot arrive at all (the overrides check that the
	 * app has them). `user_id_update` is not among them: the same change also comes on `messages`.
	 */
	requiredFields: string[];
	businessAccountId: string;
	appId: string;
	appSecret: string;
	phoneNumberId: string;
	/**
	 * Meta (and 360dialog) only call public HTTPS URLs. Checked before calling them; not when the
	 * credential points at another Base URL (the local sandbox or a test double), which may call
	 * anything.
	 */
	requirePublicHttps: boolean;
}

export interface WebhookDestination {
	checkExists(this: IHookFunctions, setup: DestinationSetup): Promise<boolean>;
	create(this: IHookFunctions, setup: DestinationSetup): Promise<boolean>;
	delete(this: IHookFunctions, setup: DestinationSetup): Promise<boolean>;
}
