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
	{ show: { resource: ['inviteLink'], operation: ['get'] } },
	properties,
);

interface InviteLinkPlan {
	groupId: string;
}

export const get: ItemOperation<InviteLinkPlan> = {
	mode: 'item',
	description,
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<InviteLinkPlan> {
		return { groupId: getGroupId(this, itemIndex) };
	},
	async execute(
		this: IExecuteFunctions,
		plan: InviteLinkPlan,
		itemIndex: number,
	): Promise<IDataObject[]> {
		const response = await callGraph<InviteLinkResponse>(this, {
			method: 'GET',
			path: `/${encodeURIComponent(plan.groupId)}/invite_link`,
			itemIndex,
		});
		return [{ groupId: plan.groupId, inviteLink: response.invite_link }];
	},
};
