import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { splitList } from '../../../shared/helpers/lists';
import { callGraph, describeMetaError } from '../../../shared/transport';
import type { JoinRequestsActionResponse, JoinRequestsBody } from '../../../shared/types';
import {
	groupLocatorField,
	optionsCollection,
	phoneNumberIdField,
} from '../../descriptions/common';
import { errorToData, runGroupedBatches } from '../../helpers/batching';
import { DEFAULTS, RANGES } from '../../helpers/defaults';
import { compact } from '../../helpers/output';
import {
	getConcurrency,
	getGroupId,
	getOptions,
	getRequestTimeoutMs,
	readNumber,
} from '../../helpers/parameters';
import { invalidInput } from '../../helpers/validation';
import type { BatchOperation, BatchOutcome, GroupedPlan, KeyResults, PreparedItem } from '../types';

// Plain names: n8n's linter reads `default: DEFAULTS.x` as a missing default.
const { joinRequestBatchSize } = DEFAULTS;

export function joinRequestProperties(verb: 'approve' | 'reject'): INodeProperties[] {
	return [
		phoneNumberIdField,
		groupLocatorField,
		{
			displayName: 'Join Request IDs',
			name: 'joinRequestIds',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. {{ $json.joinRequestId }}',
			description: `The join requests to ${verb}: one ID, several separated by commas, or an array from an expression. Items for the same group are combined into one request.`,
		},
		optionsCollection([
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: {
					minValue: RANGES.joinRequestBatchSize.min,
					maxValue: RANGES.joinRequestBatchSize.max,
				},
				default: joinRequestBatchSize,
				description:
					'The most join request IDs sent in one request; IDs of all items for the same group are combined up to this size',
			},
		]),
	];
}

export interface JoinRequestPlan extends GroupedPlan {
	batchSize: number;
	concurrency: number;
}

async function prepareJoinRequests(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<JoinRequestPlan> {
	const groupId = getGroupId(this, itemIndex);
	const ids = splitList(this.getNodeParameter('joinRequestIds', itemIndex, ''));
	if (ids.length === 0) {
		throw invalidInput(
			this,
			itemIndex,
			'Join Request IDs',
			'at least one join request ID is required',
		);
	}
	const options = getOptions(this, itemIndex);
	return {
		groupId,
		keys: [...new Set(ids)],
		batchSize: readNumber(this, itemIndex, 'joinRequestBatchSize', options.batchSize),
		concurrency: getConcurrency(this, itemIndex),
		timeoutMs: getRequestTimeoutMs(this, itemIndex),
	};
}

/** Approve and reject differ only in method and the name of the success list. */
export function joinRequestAction(
	action: 'approve' | 'reject',
	description: INodeProperties[],
): BatchOperation<JoinRequestPlan> {
	const doneStatus = action === 'approve' ? 'approved' : 'rejected';
	return {
		mode: 'batch',
		description,
		prepare: prepareJoinRequests,
		async executeBatch(
			this: IExecuteFunctions,
			items: Array<PreparedItem<JoinRequestPlan>>,
		): Promise<Map<number, BatchOutcome>> {
			const first = items[0]?.plan;
			const plans = new Map(items.map(({ itemIndex, plan }) => [itemIndex, plan]));
			const send = async (
				groupId: string,
				keys: string[],
				itemIndex: number,
			): Promise<KeyResults> => {
				const body: JoinRequestsBody = { messaging_product: 'whatsapp', join_requests: keys };
				const response = await callGraph<JoinRequestsActionResponse>(this, {
					method: action === 'approve' ? 'POST' : 'DELETE',
					endpoint: 'joinRequests',
					ids: { groupId },
					body: body as unknown as IDataObject,
					idempotent: true,
					acceptStatuses: [206],
					itemIndex,
					// A combined request is sent for the first item that named the group: its timeout.
					timeoutMs: plans.get(itemIndex)?.timeoutMs,
				});
				const done = new Set(
					(action === 'approve'
						? response.approved_join_requests
						: response.rejected_join_requests) ?? [],
				);
				const failed = new Map(
					(response.failed_join_requests ?? []).map((entry) => [
						entry.join_request_id,
						entry.errors ?? [],
					]),
				);
				const rows: KeyResults = new Map();
				for (const key of keys) {
					if (failed.has(key)) {
						rows.set(key, {
							groupId,
							joinRequestId: key,
							status: 'failed',
							errors: (failed.get(key) ?? []).map((error) => describeMetaError(error)),
						});
					} else if (done.has(key)) {
						rows.set(key, { groupId, joinRequestId: key, status: doneStatus });
					} else {
						// Meta neither confirmed nor refused it: say so instead of guessing.
						rows.set(
							key,
							compact({
								groupId,
								joinRequestId: key,
								status: 'unconfirmed',
								errors: response.errors?.map((error) => describeMetaError(error)),
							}),
						);
					}
				}
				return rows;
			};
			return runGroupedBatches(
				items,
				first?.batchSize ?? DEFAULTS.joinRequestBatchSize,
				first?.concurrency ?? DEFAULTS.concurrency,
				send,
				(groupId, key, error) => ({
					groupId,
					joinRequestId: key,
					status: 'failed',
					errors: [errorToData(error)],
				}),
			);
		},
	};
}
