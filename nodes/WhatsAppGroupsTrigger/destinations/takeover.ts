/**
 * The one rule every destination that registers a callback follows: what its create() may take
 * over, and what a test registration gives back when it ends.
 *
 * n8n registers the test URL of "Listen for test event" through the same checkExists / create /
 * delete as a published workflow (n8n 2.40.7, webhooks/test-webhooks.js: create runs with mode
 * 'manual'; delete runs when the first test execution starts, when the test is stopped and after
 * n8n's two-minute timeout). A destination holds one callback, so a test registration takes it
 * over, and it must give it back as it found it:
 *
 * - **Nothing there**: register; a test removes its URL again.
 * - **This trigger node's own URL in n8n's other form** (the published workflow's production URL
 *   while you test; a test URL left behind when you publish): taken over without asking. A test
 *   gives the production URL back with its verify token, which is derived from the URL and the
 *   app secret (webhook/verifyToken.ts), so Meta's verification of it succeeds.
 * - **Anything else**: refused, unless "Replace Existing Callback" is on. A test then gives it back
 *   with the token this package derives for that URL. That is the right token when the URL is
 *   another WhatsApp Groups Trigger of the same app; any other receiver's token cannot be known,
 *   Meta's verification fails, and the trigger removes its test URL and logs the URL to set again.
 *
 * What a test registration replaced is kept in the node's static data: n8n keeps a test
 * registration's static data with the registration (in memory, or in n8n's cache in queue mode,
 * where test webhooks run on the main instance) from create to delete, apart from the published
 * workflow's static data.
 */
import type { IDataObject, IHookFunctions } from 'n8n-workflow';

import { activationError } from './common';
import type { DestinationSetup } from './types';

const LOG_PREFIX = 'WhatsApp Groups Trigger:';

/** Where a destination registers, for the record and the texts. */
export interface CallbackPlace {
	/** Identifies the destination and its target, e.g. `phoneNumber:1234`. */
	key: string;
	/** How the texts name it, e.g. `The phone number 1234`. */
	label: string;
	/** What else the user can do in production (a sentence fragment: "choose another destination"). */
	alternative: string;
	/** Where a test can listen without taking anything over ("a number without an override"). */
	freeTarget: string;
	/**
	 * How a callback that is not this trigger's comes back after a test, when it is not Meta's rule
	 * (the verify token this package derives): `condition` ends "which works only if …", and
	 * `description` explains it. `console`: where the user sets a callback by hand.
	 */
	giveBackRule?: { condition: string; description: string; console: string };
}

const META_GIVE_BACK = (current: string | undefined) => ({
	condition: `${current} is a WhatsApp Groups Trigger of this app`,
	description: `The trigger gives a callback back with the verify token it derives for that URL (HMAC of the app secret and the URL). Any other receiver's verify token is not known, so Meta would refuse it: you would have to set ${current} again yourself in Meta's dashboard.`,
	console: "Meta's dashboard, with that receiver's verify token",
});

/** Who owns the callback found where the trigger registers. */
export type CallbackOwner = 'none' | 'this' | 'thisNode' | 'other';

/** What a test registration replaced, so that delete() gives it back. */
export interface TestRegistrationRecord {
	/** The place's key. */
	place: string;
	/** The test URL the registration set. */
	url: string;
	/** The callback found there before; absent when there was none. */
	previous?: string;
	/** Destination-specific state to give back (the app's fields, the account subscription). */
	details?: IDataObject;
}

export const TEST_RECORD_PROPERTY = 'testRegistration';

/** Whether n8n runs this webhook method for "Listen for test event" (create and checkExists only). */
export function isTestRegistration(context: IHookFunctions): boolean {
	return context.getMode() === 'manual';
}

/**
 * Whether `other` is this trigger node's webhook URL in n8n's other form (production ↔ test). n8n
 * builds both from the same base and the node's path `<webhookId>/webhook`; only the endpoint
 * segment between them differs (`webhook` / `webhook-test`, or N8N_ENDPOINT_WEBHOOK /
 * N8N_ENDPOINT_WEBHOOK_TEST). A different base (another host, another n8n) is not this node.
 */
export function isSameNodeUrl(own: string, other: string, webhookId: string | undefined): boolean {
	if (!webhookId || own === other) return false;
	const tail = `/${webhookId}/webhook`;
	if (!own.endsWith(tail) || !other.endsWith(tail)) return false;
	const base = (url: string) => {
		const head = url.slice(0, -tail.length);
		const cut = head.lastIndexOf('/');
		return cut < 0 ? undefined : head.slice(0, cut + 1);
	};
	const ownBase = base(own);
	return ownBase !== undefined && /^https?:\/\/[^/]+\//i.test(ownBase) && ownBase === base(other);
}

export function ownerOf(
	context: IHookFunctions,
	setup: DestinationSetup,
	current: string | undefined,
): CallbackOwner {
	if (current === undefined || current === '') return 'none';
	if (current === setup.webhookUrl) return 'this';
	return isSameNodeUrl(setup.webhookUrl, current, context.getNode().webhookId)
		? 'thisNode'
		: 'other';
}

/**
 * Applies the rule before create() registers at `place`, where `current` is set: throws the
 * refusal (its message says what is there and what to do), or returns who owns `current`.
 */
export function claimCallback(
	context: IHookFunctions,
	setup: DestinationSetup,
	place: CallbackPlace,
	current: string | undefined,
): CallbackOwner {
	const owner = ownerOf(context, setup, current);
	if (owner !== 'other' || setup.replaceExisting) return owner;
	if (isTestRegistration(context)) {
		const rule = place.giveBackRule ?? META_GIVE_BACK(current);
		throw activationError(
			context.getNode(),
			`${place.label} sends its webhooks to ${current}, so listening for a test event here would take them away from it. Test on ${place.freeTarget}, or turn on "Replace Existing Callback": the test then takes it over and gives it back when it ends, which works only if ${rule.condition}.`,
			rule.description,
		);
	}
	throw activationError(
		context.getNode(),
		`${place.label} already sends its webhooks to ${current}, which is not this trigger. Remove that callback first, ${place.alternative}, or turn on "Replace Existing Callback" to take it over.`,
		'Activating would take those events away from it.',
	);
}

/**
 * After create() registered: logs what it took over and, for a test registration, remembers what
 * to give back (`details`: destination-specific state).
 */
export function recordTakeover(
	context: IHookFunctions,
	setup: DestinationSetup,
	place: CallbackPlace,
	current: string | undefined,
	details?: IDataObject,
): void {
	const owner = ownerOf(context, setup, current);
	const test = isTestRegistration(context);
	if (test) {
		const record: TestRegistrationRecord = { place: place.key, url: setup.webhookUrl };
		if (owner !== 'none' && owner !== 'this') record.previous = current;
		if (details) record.details = details;
		context.getWorkflowStaticData('node')[TEST_RECORD_PROPERTY] = record as unknown as IDataObject;
	}
	if (owner === 'thisNode' && test) {
		context.logger.warn(
			`${LOG_PREFIX} while you test, ${lower(place.label)} sends its webhooks to ${setup.webhookUrl} instead of the published workflow's ${current}; it gets them back when the test ends.`,
		);
	} else if (owner === 'thisNode') {
		context.logger.info(
			`${LOG_PREFIX} ${lower(place.label)} sent its webhooks to this trigger's ${current}; it now sends them to ${setup.webhookUrl}.`,
		);
	} else if (owner === 'other') {
		context.logger.warn(
			`${LOG_PREFIX} replaced the callback ${current} of ${lower(place.label)} (Replace Existing Callback is on)${test ? '; the test tries to give it back when it ends' : ''}.`,
		);
	}
}

/**
 * The record of a test registration of this URL at `place`, taken out of the static data (so a
 * later delete never applies it twice); undefined for a published workflow.
 */
export function takeTestRecord(
	context: IHookFunctions,
	setup: DestinationSetup,
	place: CallbackPlace,
): TestRegistrationRecord | undefined {
	const staticData = context.getWorkflowStaticData('node');
	const record = staticData[TEST_RECORD_PROPERTY] as TestRegistrationRecord | undefined;
	if (!record || typeof record !== 'object') return undefined;
	delete staticData[TEST_RECORD_PROPERTY];
	return record.place === place.key && record.url === setup.webhookUrl ? record : undefined;
}

/**
 * Gives a destination back when this trigger's registration goes: the callback a test replaced
 * (`restore`, with its derived verify token), otherwise nothing (`remove`). When Meta refuses the
 * previous callback (its receiver does not accept the derived token), logs the URL to set again and
 * removes this trigger's URL all the same. Errors of `remove` reach n8n.
 */
export async function giveBack(
	context: IHookFunctions,
	setup: DestinationSetup,
	place: CallbackPlace,
	record: TestRegistrationRecord | undefined,
	actions: {
		restore: (previous: string, verifyToken: string) => Promise<void>;
		remove: () => Promise<void>;
	},
): Promise<void> {
	const previous = record?.previous;
	if (previous) {
		try {
			await actions.restore(previous, setup.verifyTokenOf(previous));
			context.logger.info(
				`${LOG_PREFIX} the test ended; ${lower(place.label)} sends its webhooks to ${previous} again.`,
			);
			return;
		} catch (error) {
			context.logger.error(
				`${LOG_PREFIX} the test ended, but ${lower(place.label)} could not be given back to ${previous}: ${(error as Error).message} Set ${previous} again in ${(place.giveBackRule ?? META_GIVE_BACK(previous)).console}.`,
			);
		}
	}
	await actions.remove();
}

function lower(label: string): string {
	return label.charAt(0).toLowerCase() + label.slice(1);
}
