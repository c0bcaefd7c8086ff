import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { callGraph } from '../../../shared/transport';
import type { SuccessResponse } from '../../../shared/types';
import {
	groupLocatorField,
	optionsCollection,
	phoneNumberIdField,
} from '../../descriptions/common';
import { getGroupId } from '../../helpers/parameters';
import type { ItemOperation } from '../types';

const properties: INodeProperties[] = [phoneNumberIdField, groupLocatorField, optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['group'], operation: ['delete'] } },
	properties,
);

interface DeletePlan {
	groupId: string;
}

export const deleteGroup: ItemOperation<DeletePlan> = {
	mode: 'item',
	description,
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<DeletePlan> {
		return { groupId: getGroupId(this, itemIndex) };
	},
	async execute(
		this: IExecuteFunctions,
		plan: DeletePlan,
		itemIndex: number,
	): Promise<IDataObject[]> {
		const response = await callGraph<SuccessResponse>(this, {
			method: 'DELETE',
			path: `/${encodeURIComponent(plan.groupId)}`,
			itemIndex,
		});
		return [{ groupId: plan.groupId, deleted: response.success === true }];
	},
};
