import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { providerOf, shownValue } from '../../shared/transport';
import type { GroupTargetPlan } from '../actions/types';
import { DEFAULTS, RANGES } from './defaults';
import type { NumberParameter } from './defaults';
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

/** A decimal number written as text, as expressions often give them: "5", " 2.5 ", "1e3". */
const NUMBER_TEXT = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?\s*$/i;

/** A value as an error message shows it: 0.5, NaN, "5 items", true, an array. */
function describeValue(value: unknown): string {
	if (typeof value === 'string') return shownValue(value);
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object';
	return String(value);
}

/**
 * A number parameter of the item, held to its range (RANGES, beside DEFAULTS): unset (empty,
 * undefined, null) gives the default; a number, or text that is one (" 2.5 "), must lie in the
 * range (whole where the range says so); anything else (NaN, Infinity, true, [5], an object, "5
 * items") is an error naming the field and the item. `max` narrows the range for this item.
 */
export function readNumber(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: NumberParameter,
	value: unknown,
	max: number = RANGES[parameter].max,
): number {
	const range = RANGES[parameter];
	if (value === undefined || value === null || value === '') return DEFAULTS[parameter];
	const number =
		typeof value === 'number'
			? value
			: typeof value === 'string' && NUMBER_TEXT.test(value)
				? Number(value)
				: Number.NaN;
	const valid =
		Number.isFinite(number) &&
		number >= range.min &&
		number <= max &&
		(!range.whole || Number.isInteger(number));
	if (!valid) {
		const kind = `${range.whole ? 'a whole number' : 'a number'}${range.unit ? ` of ${range.unit}` : ''}`;
		const span =
			max >= Number.MAX_SAFE_INTEGER ? `of at least ${range.min}` : `from ${range.min} to ${max}`;
		throw invalidInput(
			context,
			itemIndex,
			range.field,
			`must be ${kind} ${span} (got ${describeValue(value)})`,
		);
	}
	return number;
}

/**
 * A switch of the item: true or false (also as the text "true" / "false", as expressions give
 * it); unset is `fallback`; anything else is an error naming the field and the item.
 */
export function readBoolean(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
	fallback = false,
): boolean {
	if (value === undefined || value === null || value === '') return fallback;
	if (typeof value === 'boolean') return value;
	if (typeof value === 'string' && /^\s*(true|false)\s*$/i.test(value)) {
		return value.trim().toLowerCase() === 'true';
	}
	throw invalidInput(
		context,
		itemIndex,
		field,
		`must be true or false (got ${describeValue(value)})`,
	);
}

/**
 * A choice field of the item (type options): one of `allowed`, as saved or as text an expression
 * gives (spaces around it ignored); unset (undefined, null) is `fallback`; anything else, empty
 * text included (the editor never saves one), is an error naming the field and the item, so that
 * no value the editor cannot offer reaches Meta or is read as the default.
 */
export function readChoice<T extends string>(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
	allowed: readonly T[],
	fallback: T,
): T {
	if (value === undefined || value === null) return fallback;
	const choice = typeof value === 'string' ? value.trim() : undefined;
	if (choice !== undefined && (allowed as readonly string[]).includes(choice)) return choice as T;
	throw invalidInput(
		context,
		itemIndex,
		field,
		`must be one of ${allowed.map((entry) => `"${entry}"`).join(', ')} (got ${describeValue(value)})`,
	);
}

/** The item's Options > Retry After Ambiguous Failures. */
export function readRetryAmbiguous(context: IExecuteFunctions, itemIndex: number): boolean {
	return readBoolean(
		context,
		itemIndex,
		'Retry After Ambiguous Failures',
		getOptions(context, itemIndex).retryAmbiguous,
	);
}

/** The item's Options > Concurrency: how many requests may be in flight at once. */
export function getConcurrency(context: IExecuteFunctions, itemIndex: number): number {
	return readNumber(context, itemIndex, 'concurrency', getOptions(context, itemIndex).concurrency);
}

/**
 * The item's "Request Timeout" option in milliseconds, for its plan. Undefined when unset, so
 * the transport's default applies; a value outside 1–300 s is an error naming the field.
 */
export function getRequestTimeoutMs(
	context: IExecuteFunctions,
	itemIndex: number,
): number | undefined {
	const value = getOptions(context, itemIndex).requestTimeout;
	if (value === undefined || value === null || value === '') return undefined;
	return Math.round(readNumber(context, itemIndex, 'requestTimeout', value) * 1000);
}

export async function prepareGroupTarget(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<GroupTargetPlan> {
	return { groupId: getGroupId(this, itemIndex), timeoutMs: getRequestTimeoutMs(this, itemIndex) };
}

/** "Return All" / "Limit" as one number: Infinity for all. */
export function getResultLimit(context: IExecuteFunctions, itemIndex: number): number {
	const returnAll = readBoolean(
		context,
		itemIndex,
		'Return All',
		context.getNodeParameter('returnAll', itemIndex, false),
	);
	if (returnAll) return Number.POSITIVE_INFINITY;
	return readNumber(
		context,
		itemIndex,
		'limit',
		context.getNodeParameter('limit', itemIndex, DEFAULTS.limit),
	);
}
