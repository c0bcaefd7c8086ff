import type { IExecuteFunctions } from 'n8n-workflow';

import { callGraph, metaCodeOf } from '../../shared/transport';
import type { GroupInfoField, GroupInfoResponse } from '../../shared/types';

/**
 * Remove, Delete and Update are carried out by Meta after it answers, and Meta tells the outcome
 * only by webhook. What the node can say when it returns:
 * - `requested`: Meta accepted the request; the outcome comes later (the trigger reports it).
 * - `removed` / `failed`: Meta's answer itself named the outcome (a 206 partial success).
 * With *Wait for Confirmation*, what reading the group back showed:
 * - `confirmed`: the read-back shows it done.
 * - `unconfirmed`: not seen done before the timeout. A read-back never proves a failure (Meta may
 *   still carry it out, or its webhook says why not), so `failed` comes only from Meta's answer.
 */
export type OutcomeStatus = 'requested' | 'removed' | 'failed' | 'confirmed' | 'unconfirmed';

/** The group as it is now, or undefined when Meta says it is unknown (131041: deleted or left). */
export async function readGroupBack(
	context: IExecuteFunctions,
	groupId: string,
	fields: GroupInfoField[],
	itemIndex: number,
	timeoutMs: number | undefined,
): Promise<GroupInfoResponse | undefined> {
	let failure: unknown;
	try {
		return await callGraph<GroupInfoResponse>(context, {
			method: 'GET',
			endpoint: 'group',
			ids: { groupId },
			qs: fields.length > 0 ? { fields: fields.join(',') } : undefined,
			itemIndex,
			timeoutMs,
		});
	} catch (error) {
		failure = error;
	}
	if (metaCodeOf(failure) === 131041) return undefined;
	// The transport's own NodeApiError, passed on as it is.
	throw failure;
}

/** Where the definitive outcome comes from, for the notes of unconfirmed results. */
export function triggerHint(events: string): string {
	return `the WhatsApp Groups Trigger's ${events} event reports the outcome`;
}
