import type {
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { getPhoneNumbers } from '../shared/methods/phoneNumbers';
import { triggerProperties } from './description';
import { resolveDestination } from './setup';
import { receiveChallenge, receiveDelivery } from './webhook/receive';
import { runTriggerStep } from './webhook/redeliveries';

export class WhatsAppGroupsTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Groups Trigger',
		name: 'whatsAppGroupsTrigger',
		icon: { light: 'file:whatsappGroups.svg', dark: 'file:whatsappGroups.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ $parameter["authentication"] === "360dialog" ? {"phoneNumber": "360dialog webhook", "manual": "Manual setup (360dialog)"}[$parameter["destination"]] : {"phoneNumber": "Phone number override", "businessAccount": "Business account override", "app": "App subscription", "manual": "Manual setup"}[$parameter["destination"]] }}',
		description:
			'Starts the workflow on WhatsApp group events (Cloud API Groups API, from Meta or through 360dialog): lifecycle, participants, join requests, settings, suspensions, messages and statuses',
		defaults: { name: 'WhatsApp Groups Trigger' },
		inputs: [],
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
		webhooks: [
			{
				// Meta verifies the callback with a GET challenge before it accepts it (360dialog sends none).
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
				const { handler, setup } = await resolveDestination(this);
				return await handler.checkExists.call(this, setup);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const { handler, setup } = await resolveDestination(this);
				return await handler.create.call(this, setup);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const { handler, setup } = await resolveDestination(this, { forDeletion: true });
				return await handler.delete.call(this, setup);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		if (this.getWebhookName() === 'setup') return await receiveChallenge.call(this);
		return await receiveDelivery.call(this);
	}

	/**
	 * Runs as the first step of every execution a delivery starts (n8n calls a start node's execute
	 * with the webhook's items): records the redelivery memory once n8n has accepted the execution.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runTriggerStep.call(this);
	}
}
