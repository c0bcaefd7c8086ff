import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { getPhoneNumbers } from '../shared/methods/phoneNumbers';
import { triggerProperties } from './description';
import { DESTINATIONS } from './destinations';
import { resolveDestination } from './setup';
import { receiveChallenge, receiveDelivery } from './webhook/receive';

export class WhatsAppGroupsTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Groups Trigger',
		name: 'whatsAppGroupsTrigger',
		icon: { light: 'file:whatsappGroups.svg', dark: 'file:whatsappGroups.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ {"phoneNumber": "Phone number override", "businessAccount": "Business account override", "app": "App subscription", "manual": "Manual setup"}[$parameter["destination"]] }}',
		description:
			'Starts the workflow on WhatsApp group events (Cloud API Groups API): lifecycle, participants, join requests, settings, suspensions, messages and statuses',
		defaults: { name: 'WhatsApp Groups Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whatsAppGroupsApi', required: true }],
		webhooks: [
			{
				// Meta verifies the callback with a GET challenge before it accepts it.
				name: 'setup',
				httpMethod: 'GET',
				responseMode: 'onReceived',
				path: 'webhook',
			},
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: triggerProperties,
	};

	methods = {
		loadOptions: { getPhoneNumbers },
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const { destination, setup } = await resolveDestination(this);
				return await DESTINATIONS[destination].checkExists.call(this, setup);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const { destination, setup } = await resolveDestination(this);
				return await DESTINATIONS[destination].create.call(this, setup);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const { destination, setup } = await resolveDestination(this, { forDeletion: true });
				return await DESTINATIONS[destination].delete.call(this, setup);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		if (this.getWebhookName() === 'setup') return await receiveChallenge.call(this);
		return await receiveDelivery.call(this);
	}
}
