import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { paginateGraph } from '../../../shared/transport';
import type { ActiveGroupSummary, ActiveGroupsResponse } from '../../../shared/types';
import { optionsCollection, paginationFields, phoneNumberIdField } from '../../descriptions/common';
import { compact, unixToIso, unixToNumber } from '../../helpers/output';
import { getPhoneNumberId, getRequestTimeoutMs, getResultLimit } from '../../helpers/parameters';
import { LIMITS } from '../../helpers/validation';
import type { ItemOperation, RequestPlan } from '../types';

const properties: INodeProperties[] = [
	phoneNumberIdField,
	...paginationFields,
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['group'], operation: ['getMany'] } },
	properties,
);

interface GetManyPlan extends RequestPlan {
	/** Undefined with 360dialog (the key's own number). */
	phoneNumberId: string | undefined;
	limit: number;
}

export const getMany: ItemOperation<GetManyPlan> = {
	mode: 'item',
	description,
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<GetManyPlan> {
		const phoneNumberId = getPhoneNumberId(this, itemIndex);
		const limit = getResultLimit(this, itemIndex);
		return { phoneNumberId, limit, timeoutMs: getRequestTimeoutMs(this, itemIndex) };
	},
	async execute(
		this: IExecuteFunctions,
		plan: GetManyPlan,
		itemIndex: number,
	): Promise<IDataObject[]> {
		// Pages of up to 1024 (Meta's maximum) keep the request count low: 10,000 groups in 10 calls.
		const groups = await paginateGraph<ActiveGroupsResponse, ActiveGroupSummary>(
			this,
			{
				method: 'GET',
				endpoint: 'groups',
				ids: { phoneNumberId: plan.phoneNumberId },
				itemIndex,
				timeoutMs: plan.timeoutMs,
			},
			(page) => ({ items: page.data?.groups ?? [], paging: page.paging }),
			{
				limit: plan.limit,
				pageSize: LIMITS.activeGroupsMaxPageSize,
				restartKey: (group) => group.id,
			},
		);
		return groups.map((group) =>
			compact({
				groupId: group.id,
				subject: group.subject,
				createdAt: unixToIso(group.created_at),
				createdAtUnix: unixToNumber(group.created_at),
				phoneNumberId: plan.phoneNumberId,
			}),
		);
	},
};
