import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/**
 * An operation validates an item (no request leaves before every item is valid), then runs it.
 * Per-item operations run items independently with bounded concurrency; batch operations receive
 * every valid item at once so they can combine IDs that target the same group into few requests.
 */
interface OperationBase<TPlan> {
	description: INodeProperties[];
	/** Reads and validates the item's parameters. Throws a NodeOperationError naming field and item. */
	prepare(this: IExecuteFunctions, itemIndex: number): Promise<TPlan>;
	/**
	 * Checks the valid items against each other, before anything is sent; answers the error of
	 * each item that cannot run beside the others (e.g. two creates Wait for Group cannot tell apart).
	 */
	checkTogether?(this: IExecuteFunctions, items: Array<PreparedItem<TPlan>>): Map<number, Error>;
}

export interface ItemOperation<TPlan = unknown> extends OperationBase<TPlan> {
	mode: 'item';
	execute(this: IExecuteFunctions, plan: TPlan, itemIndex: number): Promise<IDataObject[]>;
}

export interface PreparedItem<TPlan> {
	itemIndex: number;
	plan: TPlan;
}

/** What a batch produced for one input item: its output rows, or the error that item gets. */
export type BatchOutcome = { rows: IDataObject[] } | { error: Error };

export interface BatchOperation<TPlan = unknown> extends OperationBase<TPlan> {
	mode: 'batch';
	executeBatch(
		this: IExecuteFunctions,
		items: Array<PreparedItem<TPlan>>,
	): Promise<Map<number, BatchOutcome>>;
}

export type Operation<TPlan = unknown> = ItemOperation<TPlan> | BatchOperation<TPlan>;

/**
 * What every plan carries for its requests: the item's Request Timeout in milliseconds, read in
 * `prepare` (undefined: the transport's default).
 */
export interface RequestPlan {
	timeoutMs: number | undefined;
}

/** What one item asks of one group: keys are join request IDs or participants. */
export interface GroupedPlan extends RequestPlan {
	groupId: string;
	keys: string[];
}

/** The outcome of one key after its request: a finished output row. */
export type KeyResults = Map<string, IDataObject>;

/** The plan of operations that need nothing but the group. */
export interface GroupTargetPlan extends RequestPlan {
	groupId: string;
}
