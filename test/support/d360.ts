/**
 * For the 360dialog suites: a fake 360dialog credential, a nock scope that answers only requests
 * carrying its D360-API-KEY header and no Authorization header, and `runD360()`, which runs the
 * BUILT action node in n8n's engine with Authentication set to 360dialog.
 */
import nock from 'nock';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { runNode } from './n8n/engine';
import type { RunNodeResult } from './n8n/engine';

export const D360_HOST = 'https://waba-v2.360dialog.io';
export const FAKE_D360_KEY = 'dummy-d360-KEY-never-leaks-0123456789';

export const d360Credentials = {
	whatsAppGroups360DialogApi: { apiKey: FAKE_D360_KEY, baseUrl: D360_HOST },
};

/** A scope that only matches requests with the key in D360-API-KEY and no Authorization header. */
export function d360(host = D360_HOST): nock.Scope {
	return nock(host, {
		reqheaders: { 'd360-api-key': FAKE_D360_KEY },
		badheaders: ['authorization'],
	});
}

export async function runD360(
	parameters: INodeParameters,
	inputItems: Array<INodeExecutionData | IDataObject> = [{}],
	options: { continueOnFail?: boolean; credentials?: IDataObject } = {},
): Promise<RunNodeResult> {
	return runNode({
		nodeType: 'whatsAppGroups',
		parameters: { authentication: '360dialog', ...parameters },
		inputItems,
		credentials: {
			whatsAppGroups360DialogApi: {
				...d360Credentials.whatsAppGroups360DialogApi,
				...(options.credentials ?? {}),
			},
		},
		continueOnFail: options.continueOnFail ?? false,
	});
}

/** The headers n8n sent after the credential authenticated each request, lower-cased names. */
export function sentHeaders(result: RunNodeResult): Array<Record<string, unknown>> {
	return result.authenticatedRequests.map((request) =>
		Object.fromEntries(
			Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
		),
	);
}
