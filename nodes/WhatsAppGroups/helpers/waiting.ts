import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { DEFAULTS, RANGES } from './defaults';
import { readBoolean, readNumber } from './parameters';

// Plain names: n8n's linter reads `default: DEFAULTS.x` as a missing default.
const { waitTimeout, pollInterval } = DEFAULTS;

/**
 * Waiting for what Meta does after it answers: Group > Create's *Wait for Group* and the *Wait for
 * Confirmation* of Delete, Update and Participant > Remove. One set of options, one set of bounds
 * and one polling loop, so every wait is bounded the same way.
 */
export const WAIT_BOUNDS = {
	timeout: { min: RANGES.waitTimeout.min, max: RANGES.waitTimeout.max, default: waitTimeout },
	pollInterval: {
		min: RANGES.pollInterval.min,
		max: RANGES.pollInterval.max,
		default: pollInterval,
	},
} as const;

/** The switches that turn a wait on, as saved (`name`) and as errors name them. */
export const WAIT_FOR_CONFIRMATION = {
	name: 'waitForConfirmation',
	displayName: 'Wait for Confirmation',
} as const;
export const WAIT_FOR_GROUP = { name: 'waitForGroup', displayName: 'Wait for Group' } as const;

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

/** The item's wait, read from its Options; undefined when the switch `flag` is off. */
export function readWaitPlan(
	context: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
	flag: { name: string; displayName: string },
): WaitPlan | undefined {
	if (!readBoolean(context, itemIndex, flag.displayName, options[flag.name])) return undefined;
	const timeout = readNumber(context, itemIndex, 'waitTimeout', options.waitTimeout);
	const pollInterval = readNumber(context, itemIndex, 'pollInterval', options.pollInterval);
	return {
		timeoutMs: Math.round(timeout * 1000),
		pollIntervalMs: Math.round(pollInterval * 1000),
	};
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
