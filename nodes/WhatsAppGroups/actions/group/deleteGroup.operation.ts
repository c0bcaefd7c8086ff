import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { callGraph } from '../../../shared/transport';
import type { SuccessResponse } from '../../../shared/types';
import {
	groupLocatorField,
	optionsCollection,
	phoneNumberIdField,
} from '../../descriptions/common';
import { readGroupBack, triggerHint } from '../../helpers/confirmation';
import { compact } from '../../helpers/output';
import { getGroupId, getOptions, getRequestTimeoutMs } from '../../helpers/parameters';
import { WAIT_FOR_CONFIRMATION, pollUntil, readWaitPlan, waitOptions } from '../../helpers/waiting';
import type { WaitPlan } from '../../helpers/waiting';
import type { GroupTargetPlan, ItemOperation } from '../types';

const properties: INodeProperties[] = [
	phoneNumberIdField,
	groupLocatorField,
	optionsCollection(
		waitOptions(
			{
				...WAIT_FOR_CONFIRMATION,
				description:
					"Whether to read the group back until Meta no longer knows it. Meta deletes the group after it answers and reports the outcome only by webhook; without this the status is 'requested'.",
			},
			{
				timeout: "How long to read the group back before reporting 'unconfirmed'",
				pollInterval: 'How often to look the group up',
			},
		),
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['group'], operation: ['delete'] } },
	properties,
);

interface DeletePlan extends GroupTargetPlan {
	/** Set when the item waits for confirmation. */
	wait?: WaitPlan;
}

export const deleteGroup: ItemOperation<DeletePlan> = {
	mode: 'item',
	description,
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<DeletePlan> {
		return {
			groupId: getGroupId(this, itemIndex),
			timeoutMs: getRequestTimeoutMs(this, itemIndex),
			wait: readWaitPlan(this, itemIndex, getOptions(this, itemIndex), WAIT_FOR_CONFIRMATION),
		};
	},
	async execute(
		this: IExecuteFunctions,
		plan: DeletePlan,
		itemIndex: number,
	): Promise<IDataObject[]> {
		// Meta answers {success: true} at once and deletes the group later; only a webhook (the
		// trigger's group_deleted / group_delete_failed) tells the outcome.
		const response = await callGraph<SuccessResponse>(this, {
			method: 'DELETE',
			endpoint: 'group',
			ids: { groupId: plan.groupId },
			itemIndex,
			timeoutMs: plan.timeoutMs,
		});
		const result: IDataObject = compact({
			groupId: plan.groupId,
			status: 'requested',
			requestId: response.request_id,
		});
		if (!plan.wait) return [result];
		try {
			const { timedOut } = await pollUntil(plan.wait, async () => ({
				done:
					(await readGroupBack(this, plan.groupId, [], itemIndex, plan.timeoutMs)) === undefined,
				value: undefined,
			}));
			if (!timedOut) return [{ ...result, status: 'confirmed' }];
			return [
				{
					...result,
					status: 'unconfirmed',
					note: `Meta still knows the group after ${Math.round(plan.wait.timeoutMs / 1000)} s: it may delete it later, or the deletion failed; ${triggerHint('group_deleted / group_delete_failed')}.`,
				},
			];
		} catch (error) {
			return [
				{
					...result,
					status: 'unconfirmed',
					note: `Could not read the group back (${error instanceof Error ? error.message : String(error)}); ${triggerHint('group_deleted / group_delete_failed')}.`,
				},
			];
		}
	},
};
