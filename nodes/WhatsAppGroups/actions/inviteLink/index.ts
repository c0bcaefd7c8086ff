import type { INodeProperties } from 'n8n-workflow';

import type { NodeMap } from '../node.type';
import type { Operation } from '../types';
import { get } from './get.operation';
import { reset } from './reset.operation';
import { send } from './send.operation';

export const inviteLinkOperations = { get, reset, send } satisfies Record<
	NodeMap['inviteLink'],
	Operation
>;

export const inviteLinkDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['inviteLink'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get an invite link',
				description: "Get the group's current invite link (https://chat.whatsapp.com/…)",
			},
			{
				name: 'Reset',
				value: 'reset',
				action: 'Reset an invite link',
				description: 'Create a new invite link; every earlier link of the group stops working',
			},
			{
				name: 'Send',
				value: 'send',
				action: 'Send an invite link',
				description:
					'Send the group invite link template to a WhatsApp user by phone number or business-scoped user ID (a template message to the person, not to the group)',
			},
		],
		default: 'get',
	},
	...get.description,
	...reset.description,
	...send.description,
];
