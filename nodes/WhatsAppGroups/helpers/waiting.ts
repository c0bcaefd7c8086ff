import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { DEFAULTS } from './defaults';
import { invalidInput } from './validation';

// Plain names: n8n's linter reads `default: DEFAULTS.x` as a missing default.
const { waitTimeout, pollInterval } = DEFAULTS;

/**
 * Waiting for what Meta does after it answers: Group > Create's *Wait for Group* and the *Wait for
 * Confirmation* of Delete, Update and Participant > Remove. One set of options, one set of bounds
 * and one polling loop, so every wait is bounded the same way.
 */
export const WAIT_BOUNDS = {
	timeout: { min: 5, max: 300, default: waitTimeout },
	pollInterval: { min: 1, max: 60, default: pollInterval },
} as const;

export interface WaitPlan {
	timeoutMs: number;
	pollIntervalMs: number;
}

/**
 * The three options of a wait: the switch (`name`), Wait Timeout and Poll Interval, the last two
 * shown only while the switch is on. Every wait uses the names `waitTimeout` and `pollInterval`.
 */
export function waitOptions(
	flag: { name: string; displayName: string; description: string },
	texts: { timeout: string; pollInterval: string },
): INodeProperties[] {
	const show = { show: { [flag.name]: [true] } };
	return [
		{
			displayName: flag.displayName,
			name: flag.name,
			type: 'boolean',
			default: false,
			description: flag.description,
		},
		{
			displayName: 'Wait Timeout (Seconds)',
			name: 'waitTimeout',
			type: 'number',
			typeOptions: { minValue: WAIT_BOUNDS.timeout.min, maxValue: WAIT_BOUNDS.timeout.max },
			default: waitTimeout,
			description: texts.timeout,
			displayOptions: show,
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: {
				minValue: WAIT_BOUNDS.pollInterval.min,
				maxValue: WAIT_BOUNDS.pollInterval.max,
			},
			default: pollInterval,
			description: texts.pollInterval,
			displayOptions: show,
		},
	];
}

function boundedSeconds(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
	bounds: { min: number; max: number; default: number },
): number {
	if (value === undefined || value === null || value === '') return bounds.default;
	const seconds = Number(value);
	if (!Number.isFinite(seconds) || seconds < bounds.min || seconds > bounds.max) {
		throw invalidInput(
			context,
			itemIndex,
			field,
			`must be a number of seconds from ${bounds.min} to ${bounds.max} (got ${String(value)})`,
		);
	}
	return seconds;
}

/** The item's wait, read from its Options; undefined when the switch `flag` is off. */
export function readWaitPlan(
	context: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
	flag: string,
): WaitPlan | undefined {
	if (options[flag] !== true) return undefined;
	const timeout = boundedSeconds(
		context,
		itemIndex,
		'Wait Timeout (Seconds)',
		options.waitTimeout,
		WAIT_BOUNDS.timeout,
	);
	const pollInterval = boundedSeconds(
		context,
		itemIndex,
		'Poll Interval (Seconds)',
		options.pollInterval,
		WAIT_BOUNDS.pollInterval,
	);
	return { timeoutMs: timeout * 1000, pollIntervalMs: pollInterval * 1000 };
}

/**
 * Runs `check` now and then every poll interval until it reports done or the next check would
 * start after the timeout. Answers the last check's value and whether the wait timed out. An
 * error thrown by `check` ends the wait.
 */
export async function pollUntil<T>(
	plan: WaitPlan,
	check: () => Promise<{ done: boolean; value: T }>,
): Promise<{ value: T; timedOut: boolean }> {
	const deadline = Date.now() + plan.timeoutMs;
	for (;;) {
		const { done, value } = await check();
		if (done) return { value, timedOut: false };
		if (Date.now() + plan.pollIntervalMs > deadline) return { value, timedOut: true };
		await sleep(plan.pollIntervalMs);
	}
}
