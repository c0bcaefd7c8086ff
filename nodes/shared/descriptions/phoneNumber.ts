import type { INodeProperties } from 'n8n-workflow';

/**
 * The business phone number both nodes work on: a dropdown of the account's numbers, or an ID.
 * Hidden with 360dialog, whose API key belongs to one number.
 */
export const phoneNumberIdField: INodeProperties = {
	displayName: 'Business Phone Number Name or ID',
	name: 'phoneNumberId',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getPhoneNumbers' },
	default: '',
	required: true,
	description:
		'The business phone number that owns the groups. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	displayOptions: { show: { authentication: ['cloudApi'] } },
};
