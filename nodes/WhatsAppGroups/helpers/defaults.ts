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
