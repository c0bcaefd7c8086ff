import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { describeMetaError, metaCodeOf } from '../../shared/transport';
import type { BatchOutcome, GroupedPlan, KeyResults, PreparedItem } from '../actions/types';
import { runWithConcurrency } from './pool';

/**
 * Combines the keys of all items that target the same group into as few requests as the API
 * allows (`maxPerRequest` keys each, duplicates sent once), then hands every item the rows of its
 * own keys, in its own order. A request that fails as a whole fails the items whose keys were all
 * in failed requests; an item with some keys in a failed request gets `failed` rows for those.
 */
export async function runGroupedBatches(
	items: Array<PreparedItem<GroupedPlan>>,
	maxPerRequest: number,
	concurrency: number,
	send: (groupId: string, keys: string[], itemIndex: number) => Promise<KeyResults>,
	failedRow: (groupId: string, key: string, error: unknown) => IDataObject,
): Promise<Map<number, BatchOutcome>> {
	// The callers read it with its range checked; a bad one here would loop for ever.
	if (!Number.isInteger(maxPerRequest) || maxPerRequest < 1) {
		throw new Error(`IDs per request must be a whole number of at least 1, not ${maxPerRequest}`);
	}
	const keysByGroup = new Map<string, { keys: string[]; firstItem: number }>();
	for (const { itemIndex, plan } of items) {
		const entry = keysByGroup.get(plan.groupId) ?? { keys: [], firstItem: itemIndex };
		for (const key of plan.keys) if (!entry.keys.includes(key)) entry.keys.push(key);
		keysByGroup.set(plan.groupId, entry);
	}

	const requests: Array<{ groupId: string; keys: string[]; itemIndex: number }> = [];
	for (const [groupId, { keys, firstItem }] of keysByGroup) {
		for (let start = 0; start < keys.length; start += maxPerRequest) {
			requests.push({
				groupId,
				keys: keys.slice(start, start + maxPerRequest),
				itemIndex: firstItem,
			});
		}
	}

	const results = new Map<string, { row?: IDataObject; error?: unknown }>();
	const settled = await runWithConcurrency(requests, concurrency, async (request) =>
		send(request.groupId, request.keys, request.itemIndex),
	);
	settled.forEach((outcome, position) => {
		const request = requests[position];
		for (const key of request.keys) {
			const id = `${request.groupId}\u0000${key}`;
			if (outcome?.ok) {
				results.set(id, { row: outcome.value.get(key) });
			} else {
				results.set(id, { error: outcome?.ok === false ? outcome.error : new Error('Not sent') });
			}
		}
	});

	const outcomes = new Map<number, BatchOutcome>();
	for (const { itemIndex, plan } of items) {
		const perKey = plan.keys.map((key) => ({
			key,
			result: results.get(`${plan.groupId}\u0000${key}`),
		}));
		const errors = perKey.filter((entry) => entry.result?.error !== undefined);
		if (errors.length === perKey.length && errors.length > 0) {
			const error = errors[0].result?.error;
			outcomes.set(itemIndex, { error: error instanceof Error ? error : new Error(String(error)) });
			continue;
		}
		outcomes.set(itemIndex, {
			rows: perKey.map(({ key, result }) =>
				result?.error !== undefined || !result?.row
					? failedRow(plan.groupId, key, result?.error)
					: result.row,
			),
		});
	}
	return outcomes;
}

/** A per-ID error as data: Meta's code, message and hint, never the request. */
export function errorToData(error: unknown): IDataObject {
	if (error instanceof NodeApiError) {
		return {
			message: error.message,
			code: metaCodeOf(error),
			description: error.description ?? undefined,
		};
	}
	if (error instanceof Error) return { message: error.message };
	if (error && typeof error === 'object') return describeMetaError(error as never) as IDataObject;
	return { message: 'Meta did not confirm this one' };
}
