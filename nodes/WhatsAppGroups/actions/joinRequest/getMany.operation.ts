import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { paginateGraph } from '../../../shared/transport';
import type { GraphJoinRequest, JoinRequestsResponse } from '../../../shared/types';
import {
	groupLocatorField,
	optionsCollection,
	paginationFields,
	phoneNumberIdField,
} from '../../descriptions/common';
import { compact, unixToIso, unixToNumber } from '../../helpers/output';
import { getGroupId, getRequestTimeoutMs, getResultLimit } from '../../helpers/parameters';
import type { ItemOperation, RequestPlan } from '../types';

const properties: INodeProperties[] = [
	phoneNumberIdField,
	groupLocatorField,
	...paginationFields,
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['joinRequest'], operation: ['getMany'] } },
	properties,
);

const JOIN_REQUESTS_PAGE_SIZE = 25;

interface GetManyPlan extends RequestPlan {
	groupId: string;
	limit: number;
}

export const getMany: ItemOperation<GetManyPlan> = {
	mode: 'item',
	description,
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<GetManyPlan> {
		const groupId = getGroupId(this, itemIndex);
		const limit = getResultLimit(this, itemIndex);
		return { groupId, limit, timeoutMs: getRequestTimeoutMs(this, itemIndex) };
	},
	async execute(
		this: IExecuteFunctions,
		plan: GetManyPlan,
		itemIndex: number,
	): Promise<IDataObject[]> {
		const requests = await paginateGraph<JoinRequestsResponse, GraphJoinRequest>(
			this,
			{
				method: 'GET',
				endpoint: 'joinRequests',
				ids: { groupId: plan.groupId },
				itemIndex,
				timeoutMs: plan.timeoutMs,
			},
			(page) => ({ items: page.data ?? [], paging: page.paging }),
			{
				limit: plan.limit,
				// Meta's documented answer carries cursors and no `next`: a full page means more may
				// follow. 25 is the Graph API's usual page size, so a full page is recognised.
				pageSize: JOIN_REQUESTS_PAGE_SIZE,
				followCursorWhenFull: true,
				restartKey: (request) => request.join_request_id,
			},
		);
		return requests.map((request) =>
			compact({
				groupId: plan.groupId,
				joinRequestId: request.join_request_id,
				waId: request.wa_id,
				userId: request.user_id,
				parentUserId: request.parent_user_id,
				username: request.username,
				createdAt: unixToIso(request.creation_timestamp),
				createdAtUnix: unixToNumber(request.creation_timestamp),
			}),
		);
	},
};
