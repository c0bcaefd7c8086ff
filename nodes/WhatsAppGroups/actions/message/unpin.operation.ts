import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	groupLocatorField,
	optionsCollection,
	phoneNumberIdField,
} from '../../descriptions/common';
import { getGroupId, getPhoneNumberId, getRequestTimeoutMs } from '../../helpers/parameters';
import type { ItemOperation } from '../types';
import { getMessageId, messageIdField } from './pin.operation';
import type { GroupMessagePlan } from './shared';
import { sendGroupMessage } from './shared';

const properties: INodeProperties[] = [
	phoneNumberIdField,
	groupLocatorField,
	messageIdField,
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['unpin'] } },
	properties,
);

export const unpin: ItemOperation<GroupMessagePlan> = {
	mode: 'item',
	description,
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<GroupMessagePlan> {
		return {
			phoneNumberId: getPhoneNumberId(this, itemIndex),
			body: {
				messaging_product: 'whatsapp',
				recipient_type: 'group',
				to: getGroupId(this, itemIndex),
				type: 'pin',
				pin: { type: 'unpin', message_id: getMessageId(this, itemIndex) },
			},
			timeoutMs: getRequestTimeoutMs(this, itemIndex),
		};
	},
	async execute(
		this: IExecuteFunctions,
		plan: GroupMessagePlan,
		itemIndex: number,
	): Promise<IDataObject[]> {
		const result = await sendGroupMessage(this, plan, itemIndex, { idempotent: true });
		return [{ ...result, unpinnedMessageId: plan.body.pin?.message_id }];
	},
};
