import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { providerOf } from '../../shared/transport';
import type { GroupTargetPlan } from '../actions/types';
import { DEFAULTS } from './defaults';
import { invalidInput, validateGroupId, validatePhoneNumberId } from './validation';

export function getOptions(context: IExecuteFunctions, itemIndex: number): IDataObject {
	return (context.getNodeParameter('options', itemIndex, {}) as IDataObject) ?? {};
}

export function getGroupId(context: IExecuteFunctions, itemIndex: number): string {
	const value = context.getNodeParameter('groupId', itemIndex, '', { extractValue: true });
	return validateGroupId(context, itemIndex, value);
}

/**
 * The item's business phone number ID; undefined with 360dialog, whose API key belongs to one
 * number (the field is hidden there and its paths name no number).
 */
export function getPhoneNumberId(
	context: IExecuteFunctions,
	itemIndex: number,
): string | undefined {
	if (providerOf(context) === '360dialog') return undefined;
	return validatePhoneNumberId(
		context,
		itemIndex,
		context.getNodeParameter('phoneNumberId', itemIndex, ''),
	);
}

/**
 * The item's "Request Timeout" option in milliseconds, for its plan. Undefined when unset or
 * unreadable, so the transport's default applies: the timeout never fails an item on its own.
 */
export function getRequestTimeoutMs(
	context: IExecuteFunctions,
	itemIndex: number,
): number | undefined {
	try {
		const seconds = Number(getOptions(context, itemIndex).requestTimeout);
		return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : undefined;
	} catch {
		return undefined;
	}
}

export async function prepareGroupTarget(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<GroupTargetPlan> {
	return { groupId: getGroupId(this, itemIndex), timeoutMs: getRequestTimeoutMs(this, itemIndex) };
}

/** "Return All" / "Limit" as one number: Infinity for all. */
export function getResultLimit(context: IExecuteFunctions, itemIndex: number): number {
	if (context.getNodeParameter('returnAll', itemIndex, false) as boolean)
		return Number.POSITIVE_INFINITY;
	const limit = Number(context.getNodeParameter('limit', itemIndex, DEFAULTS.limit));
	if (!Number.isInteger(limit) || limit < 1) {
		throw invalidInput(
			context,
			itemIndex,
			'Limit',
			`must be a whole number of at least 1 (got ${limit})`,
		);
	}
	return limit;
}
