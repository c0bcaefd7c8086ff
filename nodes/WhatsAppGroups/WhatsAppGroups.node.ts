import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { authenticationField } from '../shared/descriptions/authentication';
import { getPhoneNumbers } from '../shared/methods/phoneNumbers';
import { router } from './actions/router';
import { searchApprovedTemplates, searchGroups } from './methods/listSearch';

import { groupDescription } from './actions/group';
import { inviteLinkDescription } from './actions/inviteLink';
import { joinRequestDescription } from './actions/joinRequest';
import { messageDescription } from './actions/message';
import { participantDescription } from './actions/participant';

export class WhatsAppGroups implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Groups',
		name: 'whatsAppGroups',
		icon: { light: 'file:whatsappGroups.svg', dark: 'file:whatsappGroups.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			"Manage WhatsApp groups on Meta's official Cloud API (directly or through 360dialog): create and delete groups, invite links, join requests, participants and group messages",
		defaults: { name: 'WhatsApp Groups' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'whatsAppGroupsApi',
				required: true,
				displayOptions: { show: { authentication: ['cloudApi'] } },
			},
			{
				name: 'whatsAppGroups360DialogApi',
				required: true,
				displayOptions: { show: { authentication: ['360dialog'] } },
			},
		],
		properties: [
			authenticationField,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Group', value: 'group', description: 'Create, read, update and delete groups' },
					{
						name: 'Invite Link',
						value: 'inviteLink',
						description: "Get, reset or send a group's invite link",
					},
					{
						name: 'Join Request',
						value: 'joinRequest',
						description: 'List, approve or reject requests to join',
					},
					{
						name: 'Message',
						value: 'message',
						description: 'Send, pin, unpin and mark group messages as read',
					},
					{ name: 'Participant', value: 'participant', description: 'Remove people from a group' },
				],
				default: 'group',
			},
			...groupDescription,
			...inviteLinkDescription,
			...joinRequestDescription,
			...participantDescription,
			...messageDescription,
		],
	};

	methods = {
		listSearch: { searchApprovedTemplates, searchGroups },
		loadOptions: { getPhoneNumbers },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
