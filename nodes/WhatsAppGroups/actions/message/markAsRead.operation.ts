import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { callGraph } from '../../../shared/transport';
import type { MarkReadRequest, SuccessResponse } from '../../../shared/types';
import { optionsCollection, phoneNumberIdField } from '../../descriptions/common';
import { getPhoneNumberId, getRequestTimeoutMs } from '../../helpers/parameters';
import type { ItemOperation, RequestPlan } from '../types';
import { getMessageId } from './pin.operation';

const properties: INodeProperties[] = [
	phoneNumberIdField,
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.messageId }}',
		description:
			"The ID (wamid) of a message this business number received in a group, such as the trigger's message_received messageId. Only that message is marked: earlier ones in the group are not.",
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['markAsRead'] } },
	properties,
);

interface MarkAsReadPlan extends RequestPlan {
	/** Undefined with 360dialog (the key's own number). */
	phoneNumberId: string | undefined;
	body: MarkReadRequest;
}

export const markAsRead: ItemOperation<MarkAsReadPlan> = {
	mode: 'item',
	description,
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<MarkAsReadPlan> {
		return {
			phoneNumberId: getPhoneNumberId(this, itemIndex),
			body: {
				messaging_product: 'whatsapp',
				status: 'read',
				message_id: getMessageId(this, itemIndex),
			},
			timeoutMs: getRequestTimeoutMs(this, itemIndex),
		};
	},
	async execute(
		this: IExecuteFunctions,
		plan: MarkAsReadPlan,
		itemIndex: number,
	): Promise<IDataObject[]> {
		// Marking a message read twice changes nothing: safe to retry.
		const response = await callGraph<SuccessResponse>(this, {
			method: 'POST',
			endpoint: 'messages',
			ids: { phoneNumberId: plan.phoneNumberId },
			body: plan.body as unknown as IDataObject,
			idempotent: true,
			itemIndex,
			timeoutMs: plan.timeoutMs,
		});
		return [
			{
				phoneNumberId: plan.phoneNumberId,
				messageId: plan.body.message_id,
				markedAsRead: response.success === true,
			},
		];
	},
};
