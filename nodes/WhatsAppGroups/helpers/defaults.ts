import { DEFAULT_TIMEOUT_MS } from '../../shared/transport';

/**
 * Every number the action node falls back to when a parameter is not set, stated once: the
 * parameter descriptions show these values as their defaults and the code uses the same ones.
 */
export const DEFAULTS = {
	/** Options > Concurrency: requests to Meta in flight at once. */
	concurrency: 5,
	/** Options > Request Timeout, in seconds: the transport's own default. */
	requestTimeout: DEFAULT_TIMEOUT_MS / 1000,
	/** Options > Wait Timeout (Create's Wait for Group, and Wait for Confirmation), in seconds. */
	waitTimeout: 60,
	/** Options > Poll Interval of the same waits, in seconds. */
	pollInterval: 3,
	/** Join Request > Approve / Reject, Options > Batch Size: IDs per request. */
	joinRequestBatchSize: 100,
	/** Limit, when Return All is off. */
	limit: 50,
	/** Message > Pin, Days. */
	pinDays: 7,
	/** Invite Link > Send, Invite Link Position. */
	inviteLinkPosition: 1,
} as const;

export type NumberParameter = keyof typeof DEFAULTS;

export interface NumberRange {
	/** The field's name in the editor, as errors name it. */
	field: string;
	min: number;
	/** The largest value; Invite Link Position's depends on the item (its text parameters + 1). */
	max: number;
	/** Only whole numbers (a count); otherwise any number in the range (seconds). */
	whole: boolean;
	/** What the number counts, when errors say it ("a number of seconds"). */
	unit?: 'seconds';
}

/**
 * The range of every number the action node reads, beside its default: the descriptions show
 * them as minValue / maxValue, and `readNumber` (helpers/parameters) holds every item to them at
 * run time, because an expression or an AI agent can send any value whatever the editor allows.
 */
export const RANGES: Record<NumberParameter, NumberRange> = {
	concurrency: { field: 'Concurrency', min: 1, max: 50, whole: true },
	requestTimeout: { field: 'Request Timeout', min: 1, max: 300, whole: false, unit: 'seconds' },
	waitTimeout: {
		field: 'Wait Timeout (Seconds)',
		min: 5,
		max: 300,
		whole: false,
		unit: 'seconds',
	},
	pollInterval: {
		field: 'Poll Interval (Seconds)',
		min: 1,
		max: 60,
		whole: false,
		unit: 'seconds',
	},
	joinRequestBatchSize: { field: 'Batch Size', min: 1, max: 1000, whole: true },
	limit: { field: 'Limit', min: 1, max: Number.MAX_SAFE_INTEGER, whole: true },
	pinDays: { field: 'Days', min: 1, max: 30, whole: true },
	// At most the item's text parameters + 1: Invite Link > Send passes that as the reader's `max`.
	inviteLinkPosition: {
		field: 'Invite Link Position',
		min: 1,
		max: Number.MAX_SAFE_INTEGER,
		whole: true,
	},
};
