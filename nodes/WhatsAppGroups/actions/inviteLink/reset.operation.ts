import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { callGraph } from '../../../shared/transport';
import type { InviteLinkResponse } from '../../../shared/types';
import {
	groupLocatorField,
	optionsCollection,
	phoneNumberIdField,
} from '../../descriptions/common';
import { getGroupId } from '../../helpers/parameters';
import type { ItemOperation } from '../types';

const properties: INodeProperties[] = [phoneNumberIdField, groupLocatorField, optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['inviteLink'], operation: ['reset'] } },
	properties,
);

interface ResetPlan {
	groupId: string;
}

export const reset: ItemOperation<ResetPlan> = {
	mode: 'item',
	description,
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<ResetPlan> {
		return { groupId: getGroupId(this, itemIndex) };
	},
	async execute(
		this: IExecuteFunctions,
		plan: ResetPlan,
		itemIndex: number,
	): Promise<IDataObject[]> {
		// Resetting twice only yields yet another fresh link, so a retry is harmless.
		const response = await callGraph<InviteLinkResponse>(this, {
			method: 'POST',
			path: `/${encodeURIComponent(plan.groupId)}/invite_link`,
			body: { messaging_product: 'whatsapp' },
			idempotent: true,
			itemIndex,
		});
		return [
			{ groupId: plan.groupId, inviteLink: response.invite_link, previousLinksRevoked: true },
		];
	},
};
