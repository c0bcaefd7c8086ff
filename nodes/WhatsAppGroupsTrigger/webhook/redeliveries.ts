import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { eventKey } from './eventKeys';

/**
 * Ignore Redeliveries: the first step of every run a delivery starts leaves out the events an
 * earlier run already took in.
 *
 * Where and when, and why there:
 * - Not in the webhook call. Whatever the webhook call remembers must be saved before n8n answers
 *   Meta, and in n8n 2.40 a webhook call's static data is saved only if the node answers Meta
 *   itself, before n8n has created the execution; an event n8n then fails to start is lost (Meta
 *   does not resend what it got 200 for). So the webhook call remembers nothing, and n8n answers
 *   200 only once it has accepted the execution.
 * - Not in the workflow's static data. A queue-mode worker starts a run with empty static data
 *   (n8n 2.40 stores no static data with an execution) and saves it whole when the run ends, so
 *   each run would overwrite the memory, and any other node's static data, with its own keys.
 * - In n8n's deduplication store (the one behind the Remove Duplicates node): a row per workflow
 *   and node in n8n's database, read and written when the step runs (n8n calls a start node's
 *   `execute` with the webhook's items, on whichever process runs the execution). A key is
 *   recorded only by a run n8n accepted and started; a delivery n8n failed to start leaves none,
 *   and its redelivery runs.
 */

/** How many event keys the memory keeps (the newest). */
export const REDELIVERY_MEMORY_SIZE = 1000;

/** How long a run waits for its answer from the store before it takes every event in. */
export const STORE_WAIT_MS = 60_000;
const STORE_POLL_MS = 250;

/** One call to n8n's store (`helpers.checkProcessedAndRecord` of a run): the keys not seen before. */
type RecordKeys = (keys: string[]) => Promise<Set<string>>;

/** A run waiting for its keys to be looked up and recorded. */
interface Request {
	keys: string[];
	record: RecordKeys;
	answer: (fresh: Set<string> | Error) => void;
}

/**
 * The runs of this process waiting for the store, per memory (workflow and node), and whether a
 * store call for that memory is under way. n8n's store reads a memory's row and writes it back
 * whole without a lock, so two calls at the same moment drop each other's keys (in a burst into
 * one process, half of the keys were lost that way). So one call at a time per memory in this
 * process, and the runs that arrive meanwhile go together in the next call (a burst needs a few
 * calls, not one per run). Nothing is kept once no run waits, and nothing depends on it for
 * correctness: runs of other processes (several queue-mode workers) still overlap.
 */
const waiting = new Map<string, { busy: boolean; requests: Request[] }>();

/** Looks up and records the keys of every waiting run of a memory, one store call per batch. */
async function drain(memory: string): Promise<void> {
	const queue = waiting.get(memory);
	if (queue === undefined || queue.busy) return;
	queue.busy = true;
	try {
		while (queue.requests.length > 0) {
			const batch = queue.requests.splice(0);
			const keys = [...new Set(batch.flatMap((request) => request.keys))];
			let fresh: Set<string> | Error;
			try {
				fresh = await batch[0].record(keys);
			} catch (error) {
				fresh = error instanceof Error ? error : new Error(String(error));
			}
			if (fresh instanceof Error) {
				for (const request of batch) request.answer(fresh);
				continue;
			}
			// A key new to the store is new to the first run in the batch that brought it.
			const claimed = new Set<string>();
			for (const request of batch) {
				const mine = new Set<string>();
				for (const key of request.keys) {
					if (fresh.has(key) && !claimed.has(key)) {
						claimed.add(key);
						mine.add(key);
					}
				}
				request.answer(mine);
			}
		}
	} finally {
		queue.busy = false;
		if (queue.requests.length === 0) waiting.delete(memory);
		else void drain(memory);
	}
}

/**
 * The keys among `keys` that no earlier run recorded (recording them), the error when the store
 * failed, or 'late' when the store has not answered within STORE_WAIT_MS.
 */
async function checkAndRecord(
	memory: string,
	keys: string[],
	record: RecordKeys,
): Promise<Set<string> | Error | 'late'> {
	let queue = waiting.get(memory);
	if (queue === undefined) {
		queue = { busy: false, requests: [] };
		waiting.set(memory, queue);
	}
	let settled = false;
	const answered = new Promise<Set<string> | Error>((resolve) =>
		queue.requests.push({
			keys,
			record,
			answer: (fresh) => {
				settled = true;
				resolve(fresh);
			},
		}),
	);
	void drain(memory);
	const deadline = Date.now() + STORE_WAIT_MS;
	while (!settled && Date.now() < deadline) {
		await Promise.race([answered, sleep(STORE_POLL_MS)]);
	}
	return settled ? await answered : 'late';
}

/** The items with their keys, the first of each key only (one delivery can repeat an event). */
function firstOfEachKey(
	items: INodeExecutionData[],
): Array<{ item: INodeExecutionData; key: string }> {
	const seen = new Set<string>();
	const out: Array<{ item: INodeExecutionData; key: string }> = [];
	for (const item of items) {
		const key = eventKey(item.json);
		if (seen.has(key)) continue;
		seen.add(key);
		out.push({ item, key });
	}
	return out;
}

const LOG_PREFIX = 'WhatsApp Groups Trigger:';

/**
 * Looks the keys up in n8n's deduplication store and records the new ones (one read and one write
 * of the node's row, shared with the runs of this process waiting at the same moment): the keys not
 * seen before, or undefined when the store failed or did not answer in time. After a failure the
 * keys are recorded once more, for later redeliveries, but that answer is not used: the failed
 * call may have recorded them already, and an event must never be left out for a key only its own
 * run recorded.
 */
async function recordKeys(
	context: IExecuteFunctions,
	keys: string[],
): Promise<Set<string> | undefined> {
	const helpers = context.helpers as Partial<IExecuteFunctions['helpers']>;
	const checkProcessedAndRecord = helpers.checkProcessedAndRecord;
	if (typeof checkProcessedAndRecord !== 'function') return undefined;
	const record: RecordKeys = async (batch) => {
		const result = await checkProcessedAndRecord.call(helpers, batch, 'node', {
			mode: 'entries',
			maxEntries: REDELIVERY_MEMORY_SIZE,
		});
		return new Set(result.new.map(String));
	};
	const memory = `${context.getWorkflow().id ?? ''}\u0000${context.getNode().id}`;
	const fresh = await checkAndRecord(memory, keys, record);
	if (fresh instanceof Set) return fresh;
	let why = `n8n's deduplication store did not answer within ${STORE_WAIT_MS / 1000} s`;
	if (fresh instanceof Error) {
		why = fresh.message;
		const again = await checkAndRecord(memory, keys, record);
		if (!(again instanceof Set)) why += '; recording the keys once more failed too';
	}
	context.logger.warn(
		`${LOG_PREFIX} could not use the redelivery memory (${why}); this run takes in every event, so a redelivery may run twice.`,
	);
	return undefined;
}

/**
 * The trigger node's step in every run a delivery starts (n8n calls a start node's execute with
 * the webhook's items). In production runs with Ignore Redeliveries on, it passes on only the
 * events no earlier run took in, and records them. Manual and test runs, retries from the
 * Executions list and every other mode pass everything and record nothing.
 */
export async function runTriggerStep(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	if (options.ignoreRedeliveries === false || this.getMode() !== 'webhook' || items.length === 0) {
		return [items];
	}
	const keyed = firstOfEachKey(items);
	const fresh = await recordKeys(
		this,
		keyed.map(({ key }) => key),
	);
	if (fresh === undefined) return [items];
	const passed = keyed.filter(({ key }) => fresh.has(key)).map(({ item }) => item);
	if (passed.length < items.length) {
		this.logger.debug(
			`${LOG_PREFIX} ${items.length - passed.length} of ${items.length} event(s) left out: already run (redelivery).`,
		);
	}
	return [passed];
}
