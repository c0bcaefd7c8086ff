import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { callGraph } from '../../../shared/transport';
import type { SuccessResponse } from '../../../shared/types';
import { groupTargetProperties } from '../../descriptions/common';
import { prepareGroupTarget } from '../../helpers/parameters';
import type { GroupTargetPlan, ItemOperation } from '../types';

const properties: INodeProperties[] = groupTargetProperties();

export const description = updateDisplayOptions(
	{ show: { resource: ['group'], operation: ['delete'] } },
	properties,
);

export const deleteGroup: ItemOperation<GroupTargetPlan> = {
	mode: 'item',
	description,
	prepare: prepareGroupTarget,
	async execute(
		this: IExecuteFunctions,
		plan: GroupTargetPlan,
		itemIndex: number,
	): Promise<IDataObject[]> {
		const response = await callGraph<SuccessResponse>(this, {
			method: 'DELETE',
			path: `/${encodeURIComponent(plan.groupId)}`,
			itemIndex,
			timeoutMs: plan.timeoutMs,
		});
		return [{ groupId: plan.groupId, deleted: response.success === true }];
	},
};
