/**
 * Defaults are stated once, in DEFAULTS: every parameter the code falls back on shows the same
 * value in the editor, and the values themselves are the documented ones.
 */
import type { INodeProperties } from 'n8n-workflow';

import { WhatsAppGroups } from '../../nodes/WhatsAppGroups/WhatsAppGroups.node';
import { DEFAULTS } from '../../nodes/WhatsAppGroups/helpers/defaults';
import { DEFAULT_TIMEOUT_MS } from '../../nodes/shared/transport';

/** Parameter name → its entry in DEFAULTS. */
const PARAMETERS: Record<string, keyof typeof DEFAULTS> = {
	concurrency: 'concurrency',
	requestTimeout: 'requestTimeout',
	waitTimeout: 'waitTimeout',
	pollInterval: 'pollInterval',
	batchSize: 'joinRequestBatchSize',
	limit: 'limit',
	expirationDays: 'pinDays',
	groupLinkPosition: 'inviteLinkPosition',
};

/** Every property of the node, collections' options included. */
function allProperties(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => [
		property,
		...allProperties(
			(property.type === 'collection' ? (property.options as INodeProperties[]) : undefined) ?? [],
		),
	]);
}

describe('defaults', () => {
	const properties = allProperties(new WhatsAppGroups().description.properties);

	it.each(Object.entries(PARAMETERS))('every "%s" parameter shows DEFAULTS.%s', (name, key) => {
		const found = properties.filter((property) => property.name === name);
		expect(found.length).toBeGreaterThan(0);
		expect(found.map((property) => property.default)).toEqual(found.map(() => DEFAULTS[key]));
	});

	it('are the documented values', () => {
		expect(DEFAULTS).toEqual({
			concurrency: 5,
			requestTimeout: 60,
			waitTimeout: 60,
			pollInterval: 3,
			joinRequestBatchSize: 100,
			limit: 50,
			pinDays: 7,
			inviteLinkPosition: 1,
		});
		expect(DEFAULTS.requestTimeout * 1000).toBe(DEFAULT_TIMEOUT_MS);
	});
});
