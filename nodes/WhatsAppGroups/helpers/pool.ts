/**
 * Runs `task` over `inputs` with at most `concurrency` in flight, keeping results in input order.
 * With `stopOnError`, no new task starts after a failure; tasks already running finish first.
 */
export async function runWithConcurrency<TInput, TResult>(
	inputs: TInput[],
	concurrency: number,
	task: (input: TInput, position: number) => Promise<TResult>,
	stopOnError = false,
): Promise<Array<{ ok: true; value: TResult } | { ok: false; error: unknown } | undefined>> {
	const results: Array<{ ok: true; value: TResult } | { ok: false; error: unknown } | undefined> =
		new Array(inputs.length).fill(undefined);
	// The callers read it with its range checked; NaN here would start no worker and run nothing.
	if (!Number.isInteger(concurrency) || concurrency < 1) {
		throw new Error(`Concurrency must be a whole number of at least 1, not ${concurrency}`);
	}
	let next = 0;
	let failed = false;
	const workers = Array.from(
		{ length: Math.max(1, Math.min(concurrency, inputs.length)) },
		async () => {
			while (next < inputs.length && !(stopOnError && failed)) {
				const position = next++;
				try {
					results[position] = { ok: true, value: await task(inputs[position], position) };
				} catch (error) {
					results[position] = { ok: false, error };
					failed = true;
				}
			}
		},
	);
	await Promise.all(workers);
	return results;
}
