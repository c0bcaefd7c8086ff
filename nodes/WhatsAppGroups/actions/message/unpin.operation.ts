import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { SendMessageRequest } from '../../../shared/types';
import {
	groupLocatorField,
	optionsCollection,
	phoneNumberIdField,
} from '../../descriptions/common';
import { getGroupId, getPhoneNumberId } from '../../helpers/parameters';
import type { ItemOperation } from '../types';
import { getMessageId, messageIdField } from './pin.operation';
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

interface UnpinPlan {
	phoneNumberId: string;
	body: SendMessageRequest;
}

export const unpin: ItemOperation<UnpinPlan> = {
	mode: 'item',
	description,
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<UnpinPlan> {
		return {
			phoneNumberId: getPhoneNumberId(this, itemIndex),
			body: {
				messaging_product: 'whatsapp',
				recipient_type: 'group',
				to: getGroupId(this, itemIndex),
				type: 'pin',
				pin: { type: 'unpin', message_id: getMessageId(this, itemIndex) },
			},
		};
	},
	async execute(
		this: IExecuteFunctions,
		plan: UnpinPlan,
		itemIndex: number,
	): Promise<IDataObject[]> {
		const result = await sendGroupMessage(
			this,
			plan.phoneNumberId,
			plan.body,
			itemIndex,
			false,
			true,
		);
		return [{ ...result, unpinnedMessageId: plan.body.pin?.message_id }];
	},
};
