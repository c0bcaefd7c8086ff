import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { metaCodeOf } from '../../shared/transport';
import { getConcurrency } from '../helpers/parameters';
import { runWithConcurrency } from '../helpers/pool';
import { groupOperations } from './group';
import { inviteLinkOperations } from './inviteLink';
import { joinRequestOperations } from './joinRequest';
import { messageOperations } from './message';
import { participantOperations } from './participant';
import type { NodeMap, WhatsAppGroupsType } from './node.type';
import type { BatchOutcome, Operation, PreparedItem } from './types';

export const operationsByResource = {
	group: groupOperations,
	inviteLink: inviteLinkOperations,
	joinRequest: joinRequestOperations,
	participant: participantOperations,
	message: messageOperations,
} satisfies { [R in keyof NodeMap]: Record<NodeMap[R], Operation> };

/**
 * The operation for a resource/operation pair read from the node's parameters. The pair is typed,
 * but a saved or hand-written workflow can hold anything, so an unknown pair is still checked here.
 */
function findOperation(resource: string, operation: string): Operation | undefined {
	const byResource: Record<string, Record<string, Operation> | undefined> = operationsByResource;
	return byResource[resource]?.[operation];
}

function errorToItemJson(error: Error): IDataObject {
	const json: IDataObject = { error: error.message };
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.description) json.description = error.description;
		const code = metaCodeOf(error);
		if (code !== undefined) json.code = code;
		if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	}
	return json;
}

function asError(context: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(context.getNode(), error instanceof Error ? error : String(error), {
		itemIndex,
	});
}

/**
 * Validates every item before anything is sent, runs the operation with bounded concurrency (or
 * as one batch for operations that combine IDs), and returns one output item per result row, each
 * paired with the input item it came from. With "Continue On Fail" a failing item yields an error
 * item instead of stopping the node.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const { resource, operation: operationName } = {
		resource: this.getNodeParameter('resource', 0),
		operation: this.getNodeParameter('operation', 0),
	} as WhatsAppGroupsType;
	const operation = findOperation(resource, operationName);
	if (!operation) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" is not supported for "${resource}"`,
		);
	}
	const continueOnFail = this.continueOnFail();
	const outcomes = new Map<number, BatchOutcome>();

	// 1. Validate all items first: with one bad item and no "Continue On Fail", nothing is sent.
	const prepared: Array<PreparedItem<unknown>> = [];
	const concurrencies = new Map<number, number>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const plan = await operation.prepare.call(this, itemIndex);
			concurrencies.set(itemIndex, getConcurrency(this, itemIndex));
			prepared.push({ itemIndex, plan });
		} catch (error) {
			const failure = asError(this, error, itemIndex);
			if (!continueOnFail) throw failure;
			outcomes.set(itemIndex, { error: failure });
		}
	}

	// 1b. Items that cannot run beside each other: also before anything is sent.
	if (operation.checkTogether && prepared.length > 1) {
		const conflicts = operation.checkTogether.call(this, prepared);
		for (const { itemIndex } of [...prepared]) {
			const conflict = conflicts.get(itemIndex);
			if (!conflict) continue;
			const failure = asError(this, conflict, itemIndex);
			if (!continueOnFail) throw failure;
			outcomes.set(itemIndex, { error: failure });
			prepared.splice(
				prepared.findIndex((entry) => entry.itemIndex === itemIndex),
				1,
			);
		}
	}

	// 2. Run.
	if (prepared.length > 0) {
		if (operation.mode === 'batch') {
			const batchOutcomes = await operation.executeBatch.call(this, prepared);
			for (const [itemIndex, outcome] of batchOutcomes) {
				if ('error' in outcome) {
					const failure = asError(this, outcome.error, itemIndex);
					if (!continueOnFail) throw failure;
					outcomes.set(itemIndex, { error: failure });
				} else {
					outcomes.set(itemIndex, outcome);
				}
			}
		} else {
			// The run's concurrency is the first valid item's (each item's was checked above).
			const concurrency = concurrencies.get(prepared[0].itemIndex) ?? 1;
			const results = await runWithConcurrency(
				prepared,
				concurrency,
				async ({ itemIndex, plan }) => operation.execute.call(this, plan, itemIndex),
				!continueOnFail,
			);
			results.forEach((result, position) => {
				const { itemIndex } = prepared[position];
				if (result?.ok) outcomes.set(itemIndex, { rows: result.value });
				else if (result && !result.ok)
					outcomes.set(itemIndex, { error: asError(this, result.error, itemIndex) });
			});
			if (!continueOnFail) {
				// Stop at the first failing item in input order, as n8n users expect.
				for (const { itemIndex } of prepared) {
					const outcome = outcomes.get(itemIndex);
					if (outcome && 'error' in outcome) throw outcome.error;
				}
			}
		}
	}

	// 3. Assemble in input order, every row paired with its input item.
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const outcome = outcomes.get(itemIndex);
		if (!outcome) continue;
		if ('error' in outcome) {
			output.push({ json: errorToItemJson(outcome.error), pairedItem: { item: itemIndex } });
			continue;
		}
		for (const row of outcome.rows) output.push({ json: row, pairedItem: { item: itemIndex } });
	}
	return [output];
}
