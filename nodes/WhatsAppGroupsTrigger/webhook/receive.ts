import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { providerOf } from '../../shared/transport';
import {
	readDestinationName,
	readEventSelection,
	readTriggerCredentials,
	verifyTokenFor,
} from '../setup';
import { deliveryRefusal, servedWebhookUrl } from './authenticity';
import { parseDelivery } from './events';
import { applyFilters, parseIdList } from './filters';
import { sameToken } from './verifyToken';

const LOG_PREFIX = 'WhatsApp Groups Trigger:';

/** Answers without starting the workflow; n8n must not add its own response. */
function answer(context: IWebhookFunctions, status: number, body: string): IWebhookResponseData {
	const response = context.getResponseObject();
	response.status(status);
	response.setHeader('Content-Type', 'text/plain; charset=utf-8');
	response.send(body);
	return { noWebhookResponse: true };
}

/** Meta's verification: GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=… */
export async function receiveChallenge(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	if (providerOf(this) === '360dialog') {
		this.logger.warn(
			`${LOG_PREFIX} refused a GET request (403): 360dialog sends no verification request, only POSTed deliveries.`,
		);
		return answer(this, 403, 'Forbidden');
	}
	const query = this.getQueryData() as IDataObject;
	const mode = query['hub.mode'];
	const challenge = query['hub.challenge'];
	const destination = readDestinationName(this);
	const credentials = await readTriggerCredentials(this);
	const manualToken =
		destination === 'manual' ? String(this.getNodeParameter('manualVerifyToken', '')).trim() : '';
	const expected = verifyTokenFor(destination, credentials, manualToken, servedWebhookUrl(this));
	if (mode !== 'subscribe' || typeof challenge !== 'string' || challenge === '') {
		this.logger.warn(
			`${LOG_PREFIX} refused a GET request (403): it is not a Meta verification (hub.mode=subscribe with a hub.challenge).`,
		);
		return answer(this, 403, 'Forbidden');
	}
	if (!sameToken(query['hub.verify_token'], expected)) {
		this.logger.warn(
			`${LOG_PREFIX} refused Meta's verification (403): the verify token does not match this trigger's. Paste the token again or re-activate the workflow.`,
		);
		return answer(this, 403, 'Forbidden');
	}
	return answer(this, 200, challenge);
}

/** The raw bytes of the request; n8n has usually read them already (no await then). */
function readRawBody(context: IWebhookFunctions): Buffer | undefined | Promise<Buffer | undefined> {
	const request = context.getRequestObject();
	if (request.rawBody !== undefined || typeof request.readRawBody !== 'function') {
		return request.rawBody;
	}
	return request.readRawBody().then(() => request.rawBody);
}

/**
 * Content types for which n8n's parsed body is exactly `JSON.parse` of the raw bytes read as UTF-8
 * (what Meta sends is `application/json`). n8n 2.40.7 (`parseBody` in its body-parser) parses a
 * body as JSON only when the type is exactly `application/json`, with the declared charset (UTF-8
 * when none is given); anything else here (another charset, other parameters, spaces n8n would
 * not trim) is left to the trigger's own parse.
 */
const JSON_UTF8_CONTENT_TYPE =
	/^application\/json(?:;[ \t]*charset[ \t]*=[ \t]*(?:utf-?8|"utf-?8")[ \t]*)?$/i;

function startsWithByteOrderMark(bytes: Buffer): boolean {
	return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/**
 * The object n8n parsed from these same bytes, when it is provably `JSON.parse` of their UTF-8
 * text, the value the trigger would get by parsing them itself; undefined otherwise. n8n strips a
 * byte-order mark before parsing (the trigger does not: such a body is not JSON to it), honours a
 * declared charset, parses other content types differently or not at all, and leaves `{}` when it
 * skipped the parse; each of those gives undefined. A delivery without an `entry` list is also
 * left to the trigger's own parse: that costs nothing for Meta's deliveries, and a body n8n did
 * not parse cannot pass for one.
 */
function parsedByN8n(context: IWebhookFunctions, rawBody: Buffer): unknown {
	const contentType = context.getHeaderData()['content-type'];
	if (
		contentType !== 'application/json' &&
		(typeof contentType !== 'string' || !JSON_UTF8_CONTENT_TYPE.test(contentType))
	)
		return undefined;
	if (startsWithByteOrderMark(rawBody)) return undefined;
	const body = context.getBodyData() as unknown;
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
	return Array.isArray((body as IDataObject).entry) ? body : undefined;
}

/**
 * The JSON that was signed, when there is a raw body; n8n's parsed body otherwise. The signature
 * covers the raw bytes, so the items come from exactly those bytes: n8n's object when it is their
 * parse (see parsedByN8n), which spares parsing them a second time, or the trigger's own parse.
 */
function deliveryBody(context: IWebhookFunctions, rawBody: Buffer | undefined): unknown {
	if (rawBody !== undefined && rawBody.length > 0) {
		const parsed = parsedByN8n(context, rawBody);
		if (parsed !== undefined) return parsed;
		try {
			return JSON.parse(rawBody.toString('utf8'));
		} catch (error) {
			context.logger.warn(
				`${LOG_PREFIX} the delivery body is not JSON (${(error as Error).message}); it becomes an unknown event.`,
			);
			return { unparsedBody: rawBody.toString('utf8') };
		}
	}
	return context.getBodyData();
}

/**
 * A delivery: check that it comes from Meta or 360dialog (authenticity.ts), split into events,
 * filter, emit (redeliveries are left out in the run: redeliveries.ts).
 */
export async function receiveDelivery(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const read = readRawBody(this);
	const rawBody = read instanceof Promise ? await read : read;
	const refusal = await deliveryRefusal(this, rawBody);
	if (refusal !== undefined) {
		this.logger.warn(`${LOG_PREFIX} refused a delivery (401): ${refusal}.`);
		return answer(this, 401, 'Unauthorized');
	}

	const options = this.getNodeParameter('options', {}) as IDataObject;
	const parsed = parseDelivery(deliveryBody(this, rawBody));
	const { kept, skipped } = applyFilters(parsed, {
		events: readEventSelection(this, parsed.length),
		groupIds: parseIdList(options.groupIds),
		phoneNumberIds: parseIdList(options.phoneNumberIds),
		includeOneToOne: options.includeOneToOne === true,
	});
	if (kept.length < parsed.length) {
		const skippedText = Object.entries(skipped)
			.map(([reason, count]) => `${count} × ${reason}`)
			.join(', ');
		this.logger.debug(
			`${LOG_PREFIX} ${parsed.length} event(s) in the delivery, ${kept.length} emitted; left out: ${skippedText}.`,
		);
	}
	// Nothing to run: Meta gets its 200 at once.
	if (kept.length === 0) return answer(this, 200, 'OK');
	// Redeliveries are left out by the run's first step (redeliveries.ts), not here: whatever this
	// call remembered would only be saved if it answered Meta before n8n created the execution.

	const includeRaw = options.includeRaw === true;
	// Each item was built for this delivery alone, in its final shape: handed over as it is.
	const items = kept.map(({ item, raw }) => {
		const json = item as unknown as IDataObject;
		if (includeRaw) json.raw = raw as IDataObject;
		return json;
	});
	// n8n answers Meta (200, responseMode onReceived) only once it has created the execution and
	// started or enqueued it; if that fails, Meta gets a 5xx and delivers again.
	return { workflowData: [this.helpers.returnJsonArray(items)] };
}
