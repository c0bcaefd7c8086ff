/**
 * With 360dialog: the phone number's one webhook (`POST /v1/configs/webhook {"url", "headers"}`,
 * read back with `GET`). 360dialog documents no way to remove a webhook and no verification
 * request; deliveries are unsigned, so the URL is registered with a header whose value only this
 * trigger can compute (webhook/verifyToken.ts), and receive.ts checks it on every delivery.
 *
 * The rule for what create() may take over is the one of every destination (takeover.ts): nothing
 * there, this trigger, or this node's URL in n8n's other form is taken; anything else only with
 * "Replace Existing Callback". What it replaced is given back when the registration goes: a test's
 * through the test record of takeover.ts, a published workflow's through the record below (in the
 * workflow's static data, which n8n saves with the workflow after activation, so whichever main
 * instance deactivates it, in queue mode too, reads it). A URL replaced goes back with the headers
 * 360dialog reported for it; when 360dialog reported none, with the header this package derives
 * for that URL (right when it is another WhatsApp Groups Trigger of this key, an ignored extra
 * header otherwise). With nothing to give back, this trigger's URL stays: there is no delete.
 */
import type { IDataObject, IHookFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { callGraph } from '../../shared/transport';
import type { D360WebhookConfig } from '../../shared/types';
import { D360_TOKEN_HEADER } from '../webhook/verifyToken';
import { activationError, parseWebhookUrl, WEBHOOK_URL_SETTING } from './common';
import { MANUAL_TOKEN_MIN_LENGTH } from './manual';
import type { CallbackPlace } from './takeover';
import {
	claimCallback,
	giveBack,
	isTestRegistration,
	ownerOf,
	recordTakeover,
	takeTestRecord,
} from './takeover';
import type { DestinationSetup, WebhookDestination } from './types';

const LOG_PREFIX = 'WhatsApp Groups Trigger:';

const PLACE: CallbackPlace = {
	key: '360dialog:webhook',
	label: "The number's 360dialog webhook",
	alternative: 'use another number (another 360dialog API key)',
	freeTarget: 'a number whose 360dialog webhook is not set',
	giveBackRule: {
		condition:
			'360dialog reports the headers of that webhook, or it is a WhatsApp Groups Trigger of this API key',
		description:
			'360dialog keeps one webhook per number. The test gives it back with the headers 360dialog reported for it; when it reports none, with the header this package derives for that URL.',
		console: 'the 360dialog Hub, with the headers its receiver expects',
	},
};

/** What a published workflow's registration replaced, kept in the node's static data. */
export const D360_RECORD_PROPERTY = 'd360Replaced';

interface D360Record {
	/** This trigger's URL, when it registered. */
	url: string;
	/** The webhook it replaced. */
	previous: string;
	/** Its headers as 360dialog reported them; absent when 360dialog reported none. */
	headers?: Record<string, string>;
}

/** A webhook as read from 360dialog: the URL (undefined when none) and the headers, if reported. */
interface CurrentWebhook {
	url: string | undefined;
	headers: Record<string, string> | undefined;
}

/** A text as a sentence: trimmed, ending with a full stop unless it already ends a sentence. */
function asSentence(text: string): string {
	const trimmed = text.trim();
	return trimmed === '' || /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function httpCodeOf(error: unknown): string | undefined {
	return error instanceof NodeApiError ? (error.httpCode ?? undefined) : undefined;
}

/** A 360dialog failure during activation as a message that says what to fix (no secret in it). */
function explainFailure(context: IHookFunctions, error: unknown, step: string): NodeOperationError {
	const { message, description } = error as Error & { description?: unknown };
	const what = typeof description === 'string' && description ? description : message;
	const code = httpCodeOf(error);
	const fix =
		code === '401' || code === '403'
			? '360dialog refused the API key: copy the current key of this number from the 360dialog Hub into the credential (generating a key revokes the older ones).'
			: asSentence(what);
	return new NodeOperationError(
		context.getNode(),
		`WhatsApp Groups Trigger could not ${step}. ${fix}`,
		{
			description: `What failed: ${asSentence(message)}`,
		},
	);
}

function readHeaders(value: unknown): Record<string, string> | undefined {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
	const headers: Record<string, string> = {};
	for (const [name, content] of Object.entries(value as IDataObject)) {
		if (typeof content === 'string') headers[name] = content;
	}
	return headers;
}

/** The number's webhook. 360dialog's answer for a number without one is not documented: 404 is none. */
async function readWebhook(context: IHookFunctions): Promise<CurrentWebhook> {
	let answer: D360WebhookConfig | undefined;
	try {
		answer = await callGraph<D360WebhookConfig | undefined>(context, {
			method: 'GET',
			endpoint: 'webhookConfig',
		});
	} catch (error) {
		if (httpCodeOf(error) === '404') return { url: undefined, headers: undefined };
		throw explainFailure(context, error, "read the number's 360dialog webhook");
	}
	const url = typeof answer?.url === 'string' ? answer.url.trim() : '';
	return { url: url === '' ? undefined : url, headers: readHeaders(answer?.headers) };
}

async function writeWebhook(
	context: IHookFunctions,
	url: string,
	headers: Record<string, string>,
	step: string,
): Promise<void> {
	try {
		// Setting the same webhook twice is harmless.
		await callGraph(context, {
			method: 'POST',
			endpoint: 'webhookConfig',
			body: { url, headers },
			idempotent: true,
		});
	} catch (error) {
		throw explainFailure(context, error, step);
	}
}

/** This trigger's header for a URL, as registered with it. */
function ownHeaders(token: string): Record<string, string> {
	return { [D360_TOKEN_HEADER]: token };
}

/** Whether the headers carry this trigger's header with this value (names compared in any case). */
function carriesToken(headers: Record<string, string> | undefined, token: string): boolean {
	if (!headers || token === '') return false;
	const wanted = D360_TOKEN_HEADER.toLowerCase();
	return Object.entries(headers).some(
		([name, value]) => name.toLowerCase() === wanted && value === token,
	);
}

const D360_URL_RULE =
	'360dialog: "Webhook URLs or headers for Cloud API does not support "_" (underscore) or ":xxxx" (port) in (sub)domain names." Nothing was sent to 360dialog.';

/**
 * Refuses, before calling 360dialog, a URL it would refuse or that would leak: credentials in the
 * URL (they would travel to 360dialog and to every delivery's logs), "_" or a port in the host
 * (360dialog refuses both), anything but public HTTPS. Against another Base URL (the sandbox)
 * only the credentials and "_" are checked: a local n8n listens on a port over HTTP.
 */
export function assertD360Url(node: INode, setup: DestinationSetup): void {
	const url = setup.webhookUrl;
	const parsed = parseWebhookUrl(node, url);
	if (parsed.username !== '' || parsed.password !== '') {
		parsed.username = '';
		parsed.password = '';
		throw activationError(
			node,
			`This trigger's URL carries a user name or password (${parsed.href} without them). Set ${WEBHOOK_URL_SETTING} to an address without credentials and activate again.`,
			'They would be sent to 360dialog with the webhook. The trigger authenticates deliveries with its own header instead. Nothing was sent to 360dialog.',
		);
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		throw activationError(
			node,
			`360dialog sends webhooks to https:// URLs, and this trigger's URL is ${url}. Check ${WEBHOOK_URL_SETTING}.`,
			'Nothing was sent to 360dialog.',
		);
	}
	if (parsed.hostname.includes('_')) {
		throw activationError(
			node,
			`360dialog refuses webhook URLs with "_" in the host name, and this trigger's URL is ${url}. Set ${WEBHOOK_URL_SETTING} to an address without an underscore in its host and activate again.`,
			D360_URL_RULE,
		);
	}
	if (!setup.requirePublicHttps) return;
	if (parsed.protocol !== 'https:') {
		throw activationError(
			node,
			`360dialog sends webhooks to public HTTPS URLs, and this trigger's URL is ${url}. Set ${WEBHOOK_URL_SETTING} to n8n's public https:// address (a tunnel works for testing) and activate again.`,
			'Nothing was sent to 360dialog.',
		);
	}
	if (parsed.port !== '') {
		throw activationError(
			node,
			`360dialog refuses webhook URLs with a port, and this trigger's URL is ${url}. Put n8n behind a reverse proxy on the standard HTTPS port and set ${WEBHOOK_URL_SETTING} to that address (without ":${parsed.port}"), then activate again.`,
			D360_URL_RULE,
		);
	}
	if (/^(localhost|127\.|0\.0\.0\.0|\[::1\]|10\.|192\.168\.)/.test(parsed.hostname)) {
		throw activationError(
			node,
			`360dialog cannot reach this trigger's URL ${url}: it is an address of this machine or its private network. Set ${WEBHOOK_URL_SETTING} to n8n's public address and activate again.`,
			'Nothing was sent to 360dialog.',
		);
	}
}

function readRecord(context: IHookFunctions, setup: DestinationSetup): D360Record | undefined {
	const record = context.getWorkflowStaticData('node')[D360_RECORD_PROPERTY] as
		| D360Record
		| undefined;
	return record && typeof record === 'object' && record.url === setup.webhookUrl
		? record
		: undefined;
}

/**
 * The headers to give a replaced webhook back with: this package's header for it when it is this
 * node's URL in n8n's other form, the ones 360dialog reported for it otherwise, and this package's
 * header for it when 360dialog reported none (`derived`: whether the derived header was used).
 */
function headersToRestore(
	context: IHookFunctions,
	setup: DestinationSetup,
	previous: string,
	reported: Record<string, string> | undefined,
	derivedToken: string,
): { headers: Record<string, string>; derived: boolean } {
	if (ownerOf(context, setup, previous) === 'thisNode' || !reported) {
		return { headers: ownHeaders(derivedToken), derived: true };
	}
	return { headers: reported, derived: false };
}

export const d360WebhookDestination: WebhookDestination = {
	async checkExists(this: IHookFunctions, setup: DestinationSetup) {
		if (setup.verifyToken === '') return false;
		const current = await readWebhook(this);
		// Only when 360dialog reports this trigger's header too: otherwise create() sets it again.
		return current.url === setup.webhookUrl && carriesToken(current.headers, setup.verifyToken);
	},

	async create(this: IHookFunctions, setup: DestinationSetup) {
		const node = this.getNode();
		if (setup.verifyToken === '') {
			throw activationError(
				node,
				'The 360dialog credential has no API key. Add the API key of the number (360dialog Hub) to the credential and activate again.',
				'The trigger registers its webhook with the key, and derives from it the header that every delivery must carry. Nothing was sent to 360dialog.',
			);
		}
		assertD360Url(node, setup);
		const current = await readWebhook(this);
		const owner = claimCallback(this, setup, PLACE, current.url);
		await writeWebhook(
			this,
			setup.webhookUrl,
			ownHeaders(setup.verifyToken),
			"set the number's 360dialog webhook",
		);
		const replaced = owner === 'other' ? current.url : undefined;
		recordTakeover(
			this,
			setup,
			PLACE,
			current.url,
			replaced && current.headers ? { headers: current.headers } : undefined,
		);
		if (!isTestRegistration(this)) {
			const staticData = this.getWorkflowStaticData('node');
			if (replaced) {
				const record: D360Record = { url: setup.webhookUrl, previous: replaced };
				if (current.headers) record.headers = current.headers;
				staticData[D360_RECORD_PROPERTY] = record as unknown as IDataObject;
			} else if (owner !== 'this') {
				// Nothing, or this node's leftover test URL, was there: nothing to give back.
				delete staticData[D360_RECORD_PROPERTY];
			}
		}
		if (replaced && !current.headers) {
			this.logger.warn(
				`${LOG_PREFIX} 360dialog did not report the headers of ${replaced}; when this registration ends it is given back with the header this package derives for it, which is right only if it is a WhatsApp Groups Trigger of this API key.`,
			);
		}
		return true;
	},

	async delete(this: IHookFunctions, setup: DestinationSetup) {
		// n8n runs delete() in its own mode for a test and a published workflow alike: a test
		// registration is told by its record.
		const testRecord = takeTestRecord(this, setup, PLACE);
		const record = testRecord ? undefined : readRecord(this, setup);
		const staticData = this.getWorkflowStaticData('node');
		const current = await readWebhook(this);
		if (current.url !== setup.webhookUrl) {
			this.logger.info(
				`${LOG_PREFIX} left the number's 360dialog webhook alone: it is ${current.url ?? 'not set'}, not this trigger.`,
			);
			if (!testRecord) delete staticData[D360_RECORD_PROPERTY];
			return true;
		}
		const reported = readHeaders(testRecord ? testRecord.details?.headers : record?.headers);
		const restore = async (previous: string, derivedToken: string) => {
			const { headers, derived } = headersToRestore(this, setup, previous, reported, derivedToken);
			await writeWebhook(this, previous, headers, "give the number's 360dialog webhook back");
			if (derived && ownerOf(this, setup, previous) !== 'thisNode') {
				this.logger.warn(
					`${LOG_PREFIX} gave the number's 360dialog webhook back to ${previous} with this package's header for it (360dialog had not reported its own headers).`,
				);
			}
		};
		const stay = async () => {
			this.logger.warn(
				`${LOG_PREFIX} the number's 360dialog webhook stays ${setup.webhookUrl}: 360dialog has no way to remove a webhook, and this trigger replaced none. n8n refuses deliveries there while nothing listens; set another webhook URL in the 360dialog Hub, or activate a workflow with this trigger again.`,
			);
		};
		if (testRecord) {
			await giveBack(this, setup, PLACE, testRecord, { restore, remove: stay });
			return true;
		}
		const previous = record?.previous;
		if (!previous) {
			await stay();
			return true;
		}
		try {
			await restore(previous, setup.verifyTokenOf(previous));
		} catch (error) {
			this.logger.error(
				`${LOG_PREFIX} could not give the number's 360dialog webhook back to ${previous}: ${(error as Error).message} It stays ${setup.webhookUrl}; set ${previous} again in the 360dialog Hub, with the headers its receiver expects.`,
			);
			return true;
		}
		delete staticData[D360_RECORD_PROPERTY];
		this.logger.info(`${LOG_PREFIX} the number's 360dialog webhook is ${previous} again.`);
		return true;
	},
};

/**
 * Registers nothing: the user sets the URL and the header in the 360dialog Hub themselves (the
 * header's value is the node's Header Value). The trigger still checks the header on every delivery.
 */
export const d360ManualDestination: WebhookDestination = {
	async checkExists(this: IHookFunctions) {
		return false;
	},

	async create(this: IHookFunctions, setup: DestinationSetup) {
		if (setup.verifyToken.length < MANUAL_TOKEN_MIN_LENGTH) {
			throw activationError(
				this.getNode(),
				`The Header Value must have at least ${MANUAL_TOKEN_MIN_LENGTH} characters: use a long random string, and set the same value in the 360dialog Hub.`,
				`Every delivery must carry it in the ${D360_TOKEN_HEADER} header; a short value could be guessed.`,
			);
		}
		if (/[^\x21-\x7e]/.test(setup.verifyToken)) {
			throw activationError(
				this.getNode(),
				'The Header Value may only hold visible ASCII characters (no spaces or line breaks): use letters, digits and hyphens.',
				'It travels as an HTTP header value.',
			);
		}
		this.logger.info(
			`${LOG_PREFIX} (manual destination, 360dialog) registers nothing. In the 360dialog Hub, set the number's webhook URL to ${setup.webhookUrl} with the header ${D360_TOKEN_HEADER} set to the node's Header Value.`,
		);
		return true;
	},

	async delete(this: IHookFunctions, setup: DestinationSetup) {
		this.logger.info(
			`${LOG_PREFIX} (manual destination, 360dialog) removed nothing: ${setup.webhookUrl} stays the number's webhook until you change it in the 360dialog Hub.`,
		);
		return true;
	},
};
