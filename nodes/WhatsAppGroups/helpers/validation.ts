import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	isNumericId,
	NUMERIC_ID_MAX_LENGTH,
	pathIdProblem,
	shownValue,
} from '../../shared/transport';

/** A validation error that names the field and the item, so the user can find it at once. */
export function invalidInput(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	problem: string,
	hint?: string,
): NodeOperationError {
	return new NodeOperationError(
		context.getNode(),
		`Invalid "${field}" in item ${itemIndex}: ${problem}`,
		{ itemIndex, description: hint ?? `Nothing was sent for item ${itemIndex}.` },
	);
}

/**
 * A text field's value: a string as it is, a number or true/false as its text (expressions often
 * give them), unset as ''. An object, an array or a function (from an expression or an AI agent)
 * is an error naming the field and the item: as text it would read "[object Object]", or throw.
 */
export function textOf(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
		return String(value);
	}
	const kind = Array.isArray(value)
		? 'an array'
		: typeof value === 'object'
			? 'an object'
			: `a ${typeof value}`;
	throw invalidInput(context, itemIndex, field, `must be text, not ${kind}`);
}

export const LIMITS = {
	subjectMaxLength: 128,
	descriptionMaxLength: 2048,
	maxParticipantsPerGroup: 8,
	pinMinDays: 1,
	pinMaxDays: 30,
	textMaxLength: 4096,
	captionMaxLength: 1024,
	pictureMaxBytes: 5 * 1024 * 1024,
	pictureMinSide: 192,
	activeGroupsMaxPageSize: 1024,
} as const;

/**
 * A business-scoped user ID (BSUID): an ISO 3166 two-letter country code, a period, and up to 128
 * letters and digits (US.13491208655302741918); a parent BSUID has ENT between the two
 * (US.ENT.11815799212886844830).
 */
export const BSUID_PATTERN = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

export function isBusinessScopedUserId(value: string): boolean {
	return BSUID_PATTERN.test(value);
}

/**
 * Group IDs are opaque strings that go into request paths: held to the transport's rule for path
 * IDs (no ".", "..", "/", "%", spaces, …). WhatsApp Web JIDs and phone numbers are a common mix-up.
 */
export function validateGroupId(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): string {
	const groupId = textOf(context, itemIndex, 'Group', value).trim();
	if (!groupId) {
		throw invalidInput(context, itemIndex, 'Group', 'a group ID is required');
	}
	if (/@g\.us$/i.test(groupId)) {
		throw invalidInput(
			context,
			itemIndex,
			'Group',
			`${shownValue(groupId)} is a WhatsApp Web group JID, not a Cloud API group ID`,
			'Cloud API group IDs are opaque strings such as Y2FwaV9ncm91cDo…; list them with Group > Get Many.',
		);
	}
	const problem = pathIdProblem(groupId);
	if (problem) {
		throw invalidInput(
			context,
			itemIndex,
			'Group',
			`${shownValue(groupId)} is not a group ID: ${problem}`,
			`Nothing was sent for item ${itemIndex}. Cloud API group IDs are opaque strings such as Y2FwaV9ncm91cDo…; list them with Group > Get Many.`,
		);
	}
	return groupId;
}

/** Meta's phone number IDs are digits only: not the phone number itself with + or spaces. */
export function isPhoneNumberId(value: string): boolean {
	return isNumericId(value);
}

export function validatePhoneNumberId(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): string {
	const id = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
	if (!isPhoneNumberId(id)) {
		throw invalidInput(
			context,
			itemIndex,
			'Business Phone Number',
			typeof value !== 'string' &&
				typeof value !== 'number' &&
				value !== undefined &&
				value !== null
				? `must be a phone number ID (digits), not ${Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : String(value)}`
				: !id
					? 'a business phone number ID is required'
					: /^[0-9]+$/.test(id)
						? `${shownValue(id)} is not a phone number ID: it has ${id.length} digits, at most ${NUMERIC_ID_MAX_LENGTH}`
						: `${shownValue(id)} is not a phone number ID (Meta's phone number IDs are digits only, not the phone number itself with + or spaces)`,
		);
	}
	return id;
}

/** A template's name as Meta stores it: lowercase letters, digits and underscores. */
export function validateTemplateName(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	field = 'Template Name',
): string {
	const name = textOf(context, itemIndex, field, value).trim();
	if (!/^[a-z0-9_]{1,512}$/.test(name)) {
		throw invalidInput(
			context,
			itemIndex,
			field,
			`"${name}" is not a template name (lowercase letters, digits and underscores)`,
		);
	}
	return name;
}

/** The language a template was approved in: en, en_US, pt_BR, … */
export function validateLanguageCode(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): string {
	const code = textOf(context, itemIndex, 'Language Code', value).trim();
	if (!/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/.test(code)) {
		throw invalidInput(
			context,
			itemIndex,
			'Language Code',
			`"${code}" is not a language code such as en or en_US`,
		);
	}
	return code;
}

/**
 * How many characters a text has, counted as Unicode code points: an emoji such as 👍 is one, a
 * letter with a combining accent is two. Meta does not say how it counts its limits; the sandbox
 * counts the same way, so the node and the sandbox agree.
 */
export function characterCount(text: string): number {
	return Array.from(text).length;
}

export function validateSubject(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): string {
	const subject = textOf(context, itemIndex, 'Subject', value).trim();
	const length = characterCount(subject);
	if (length < 1 || length > LIMITS.subjectMaxLength) {
		throw invalidInput(
			context,
			itemIndex,
			'Subject',
			`must be 1–${LIMITS.subjectMaxLength} characters after trimming (got ${length})`,
		);
	}
	return subject;
}

export function validateDescription(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): string {
	const description = textOf(context, itemIndex, 'Description', value);
	const length = characterCount(description);
	if (length > LIMITS.descriptionMaxLength) {
		throw invalidInput(
			context,
			itemIndex,
			'Description',
			`must be at most ${LIMITS.descriptionMaxLength} characters (got ${length})`,
		);
	}
	return description;
}
