/**
 * For the action node's suites (test/action, the hostile and engine suites): fake IDs and a fake
 * credential, a nock scope that only answers requests carrying that credential's token, and
 * `run()`, which runs the BUILT node in n8n's engine (./n8n/engine.js).
 */
import nock from 'nock';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameterResourceLocator,
	INodeParameters,
} from 'n8n-workflow';

import { runNode } from './n8n/engine';
import type { RunNodeResult } from './n8n/engine';

export const GRAPH = 'https://graph.facebook.com';
export const VERSION = 'v26.0';
export const FAKE_BEARER = 'EAAGtestTOKENsecret0123456789';
export const FAKE_APP_SIGNING = 'app-secret-never-leaks-42';
export const WABA_ID = '102030405060708';
export const PHONE_ID = '1234567890';
export const GROUP_ID = 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD';
export const GROUP_ID_2 = 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjBBQ';

/**
 * The action node as n8n hands it to code that takes an `INode` (the transport, its paths and
 * errors), with these parameters.
 */
export function actionNode(parameters: INodeParameters = {}): INode {
	return {
		id: 'n',
		name: 'WhatsApp Groups',
		type: 'whatsAppGroups',
		typeVersion: 1,
		position: [0, 0],
		parameters,
	};
}

export const credentials = {
	whatsAppGroupsApi: {
		accessToken: FAKE_BEARER,
		businessAccountId: WABA_ID,
		appId: '998877',
		appSecret: FAKE_APP_SIGNING,
		graphApiVersion: VERSION,
		baseUrl: GRAPH,
	},
};

/** A scope that only matches requests carrying the credential's bearer token. */
export function graph(): nock.Scope {
	return nock(GRAPH, { reqheaders: { authorization: `Bearer ${FAKE_BEARER}` } });
}

export function groupLocator(value = GROUP_ID): INodeParameterResourceLocator {
	return { __rl: true, mode: 'id', value };
}

export async function run(
	parameters: INodeParameters,
	inputItems: Array<INodeExecutionData | IDataObject> = [{}],
	continueOnFail = false,
): Promise<RunNodeResult> {
	return runNode({
		nodeType: 'whatsAppGroups',
		parameters,
		inputItems,
		credentials,
		continueOnFail,
	});
}

/** The output items' JSON and pairing, for exact comparisons. */
export function rows(
	result: RunNodeResult,
): Array<{ json: IDataObject; item: number | undefined }> {
	return result.items.map((entry) => ({
		json: entry.json,
		item: Array.isArray(entry.pairedItem)
			? undefined
			: typeof entry.pairedItem === 'object'
				? entry.pairedItem?.item
				: entry.pairedItem,
	}));
}

/** Every text the run produced: outputs, error, reported errors — for secret scans. */
export function everything(result: RunNodeResult): string {
	return JSON.stringify({
		items: result.items,
		error: result.error,
		reported: result.reportedErrors.map((error) => ({
			...error,
			message: error.message,
			stack: error.stack,
		})),
	});
}

export function graphError(
	code: number,
	message = 'Meta error',
	extra: IDataObject = {},
): IDataObject {
	return {
		error: {
			message,
			type: 'OAuthException',
			code,
			error_data: { messaging_product: 'whatsapp', details: `details for ${code}` },
			fbtrace_id: 'AbCdEfGh123',
			...extra,
		},
	};
}
