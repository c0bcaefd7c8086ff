import type { INodeProperties } from 'n8n-workflow';

import { phoneNumberIdField } from '../../shared/descriptions/phoneNumber';
import { DEFAULTS, RANGES } from '../helpers/defaults';

// Plain names: n8n's linter reads `default: DEFAULTS.x` as a missing default.
const { concurrency: defaultConcurrency, requestTimeout: defaultRequestTimeout } = DEFAULTS;

export { phoneNumberIdField };

/** The group an operation acts on: picked from the active groups of the phone number, or by ID. */
export const groupLocatorField: INodeProperties = {
	displayName: 'Group',
	name: 'groupId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The WhatsApp group to act on',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a group...',
			typeOptions: {
				searchListMethod: 'searchGroups',
				searchable: true,
			},
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^[^\\s@/?#]+$',
						errorMessage:
							'A Cloud API group ID has no spaces and is not a WhatsApp Web JID (…@g.us)',
					},
				},
			],
		},
	],
};

export const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: RANGES.concurrency.min, maxValue: RANGES.concurrency.max },
	default: defaultConcurrency,
	description:
		'How many requests to Meta may be in flight at once when the node gets many items. Lower it if Meta answers with rate-limit errors.',
};

export const requestTimeoutOption: INodeProperties = {
	displayName: 'Request Timeout',
	name: 'requestTimeout',
	type: 'number',
	typeOptions: { minValue: RANGES.requestTimeout.min, maxValue: RANGES.requestTimeout.max },
	default: defaultRequestTimeout,
	description:
		'How many seconds to wait for Meta to answer one request. A read that times out is retried; a create or a send is not (Meta may have acted on it), unless "Retry After Ambiguous Failures" is on.',
};

export const retryAmbiguousOption: INodeProperties = {
	displayName: 'Retry After Ambiguous Failures',
	name: 'retryAmbiguous',
	type: 'boolean',
	default: false,
	description:
		'Whether to retry when the connection fails or Meta answers 5xx after the request may already have been processed. Off by default: a retry could create a duplicate group or send a message twice.',
};

/** The "Options" collection every operation carries; operations add their own entries. */
export function optionsCollection(extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [concurrencyOption, requestTimeoutOption, ...extra].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	};
}

export const returnAllField: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export const limitField: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: RANGES.limit.min },
	// A literal: n8n's linter wants 50 written here. A test checks it equals DEFAULTS.limit.
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { returnAll: [false] } },
};

/** Business phone number, group, and the common options: all that most group operations need. */
export function groupTargetProperties(): INodeProperties[] {
	return [phoneNumberIdField, groupLocatorField, optionsCollection()];
}

/** Return All / Limit for the list operations. */
export const paginationFields: INodeProperties[] = [returnAllField, limitField];
