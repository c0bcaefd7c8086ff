import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { callGraph } from '../../../shared/transport';
import type { InviteLinkResponse } from '../../../shared/types';
import { groupTargetProperties } from '../../descriptions/common';
import { prepareGroupTarget } from '../../helpers/parameters';
import type { GroupTargetPlan, ItemOperation } from '../types';

const properties: INodeProperties[] = groupTargetProperties();

export const description = updateDisplayOptions(
	{ show: { resource: ['inviteLink'], operation: ['reset'] } },
	properties,
);

export const reset: ItemOperation<GroupTargetPlan> = {
	mode: 'item',
	description,
	prepare: prepareGroupTarget,
	async execute(
		this: IExecuteFunctions,
		plan: GroupTargetPlan,
		itemIndex: number,
	): Promise<IDataObject[]> {
		// Resetting twice only yields yet another fresh link, so a retry is harmless.
		const response = await callGraph<InviteLinkResponse>(this, {
			method: 'POST',
			endpoint: 'inviteLink',
			ids: { groupId: plan.groupId },
			body: { messaging_product: 'whatsapp' },
			idempotent: true,
			itemIndex,
			timeoutMs: plan.timeoutMs,
		});
		return [
			{ groupId: plan.groupId, inviteLink: response.invite_link, previousLinksRevoked: true },
		];
	},
};
