import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	groupLocatorField,
	optionsCollection,
	phoneNumberIdField,
} from '../../descriptions/common';
import { DEFAULTS, RANGES } from '../../helpers/defaults';
import {
	getGroupId,
	getPhoneNumberId,
	getRequestTimeoutMs,
	readNumber,
} from '../../helpers/parameters';
import { invalidInput, textOf } from '../../helpers/validation';
import type { ItemOperation } from '../types';
import type { GroupMessagePlan } from './shared';
import { sendGroupMessage } from './shared';

// Plain names: n8n's linter reads `default: DEFAULTS.x` as a missing default.
const { pinDays } = DEFAULTS;

export const messageIdField: INodeProperties = {
	displayName: 'Message ID',
	name: 'messageId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. wamid.HBgL…',
	description: 'The ID (wamid) of a message in the group',
};

const properties: INodeProperties[] = [
	phoneNumberIdField,
	groupLocatorField,
	messageIdField,
	{
		displayName: 'Days',
		name: 'expirationDays',
		type: 'number',
		typeOptions: { minValue: RANGES.pinDays.min, maxValue: RANGES.pinDays.max },
		default: pinDays,
		description:
			'How long the message stays pinned, 1–30 days. A group has at most 3 pins; the oldest is unpinned automatically.',
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['pin'] } },
	properties,
);

export function getMessageId(context: IExecuteFunctions, itemIndex: number): string {
	const messageId = textOf(
		context,
		itemIndex,
		'Message ID',
		context.getNodeParameter('messageId', itemIndex, ''),
	).trim();
	if (!messageId) throw invalidInput(context, itemIndex, 'Message ID', 'a message ID is required');
	return messageId;
}

export const pin: ItemOperation<GroupMessagePlan> = {
	mode: 'item',
	description,
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<GroupMessagePlan> {
		const phoneNumberId = getPhoneNumberId(this, itemIndex);
		const groupId = getGroupId(this, itemIndex);
		const messageId = getMessageId(this, itemIndex);
		const days = readNumber(
			this,
			itemIndex,
			'pinDays',
			this.getNodeParameter('expirationDays', itemIndex, DEFAULTS.pinDays),
		);
		return {
			phoneNumberId,
			body: {
				messaging_product: 'whatsapp',
				recipient_type: 'group',
				to: groupId,
				type: 'pin',
				pin: { type: 'pin', message_id: messageId, expiration_days: days },
			},
			timeoutMs: getRequestTimeoutMs(this, itemIndex),
		};
	},
	async execute(
		this: IExecuteFunctions,
		plan: GroupMessagePlan,
		itemIndex: number,
	): Promise<IDataObject[]> {
		// Pinning the same message again only renews it: safe to retry.
		const result = await sendGroupMessage(this, plan, itemIndex, { idempotent: true });
		return [
			{
				...result,
				pinnedMessageId: plan.body.pin?.message_id,
				expirationDays: plan.body.pin?.expiration_days,
			},
		];
	},
};
