import type { INodeProperties } from 'n8n-workflow';

/**
 * Which API both nodes talk to (the values are saved in workflows: never rename one). Workflows
 * saved before the choice existed have no value and keep talking to Meta.
 */
export const authenticationField: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: '360dialog',
			value: '360dialog',
			description:
				"360dialog's hosted Cloud API, with the 360dialog API key of one business phone number",
		},
		{
			name: 'Meta Cloud API',
			value: 'cloudApi',
			description: "Meta's Graph API directly, with a system-user access token",
		},
	],
	default: 'cloudApi',
};
