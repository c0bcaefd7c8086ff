/**
 * Small readers that tolerate Meta's inconsistencies, and the mappers of Meta's sub-objects
 * (errors, participants, setting parts, media, pricing) into the parts of the trigger's items.
 */
import type {
	GraphErrorDetail,
	GraphParticipant,
	WebhookContact,
	WebhookMedia,
	WebhookPricing,
	WebhookProfilePicturePart,
	WebhookSettingPart,
	WebhookTimestamp,
} from '../../shared/types';
import type {
	EventContact,
	EventError,
	EventMedia,
	EventParticipant,
	EventPricing,
	SettingPicturePart,
	SettingTextPart,
} from './eventTypes';

// Items are built once, in their final shape: the common keys in one object literal, then each
// key Meta sent, in the documented order, by a plain assignment (a generic "set if defined"
// helper is measurably slower: its one store sees every key name).

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray<T>(value: unknown): T[] {
	return Array.isArray(value) ? (value as T[]) : [];
}

export function asString(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/** Own keys only: a type or status named "constructor" or "__proto__" must not reach the prototype. */
export function hasOwn(target: object, key: string): boolean {
	return Object.prototype.hasOwnProperty.call(target, key);
}

/** Sets an own key, also one named "__proto__" (a plain assignment would set the prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
	if (key === '__proto__') {
		Object.defineProperty(target, key, {
			value,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	} else {
		target[key] = value;
	}
}

const UNIX_TEXT = /^\s*\d+(\.\d+)?\s*$/;

/** Whether a string is only ASCII digits (Meta's times), the common case of UNIX_TEXT. */
function isDigits(value: string): boolean {
	if (value.length === 0 || value.length > 15) return false;
	for (let index = 0; index < value.length; index++) {
		const code = value.charCodeAt(index);
		if (code < 48 || code > 57) return false;
	}
	return true;
}

/** Unix seconds as Meta sends them (a number, or a string of digits); undefined for anything else. */
export function unixSeconds(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value !== 'string') return undefined;
	return isDigits(value) || UNIX_TEXT.test(value) ? Number(value) : undefined;
}

/**
 * Unix seconds from a string or a number. Anything else (Meta's doc samples carry placeholders
 * such as "TIMESTAMP") gives null rather than a made-up date.
 */
export function parseTimestamp(value: WebhookTimestamp | undefined): {
	timestamp: string | null;
	timestampUnix: number | null;
} {
	const seconds = unixSeconds(value);
	if (seconds === undefined) return { timestamp: null, timestampUnix: null };
	const date = new Date(seconds * 1000);
	if (Number.isNaN(date.getTime())) return { timestamp: null, timestampUnix: null };
	return { timestamp: date.toISOString(), timestampUnix: seconds };
}

const SECONDS_PER_DAY = 86_400;
/** The last second a Date can hold (8.64e15 ms after 1970). */
const LAST_DATE_SECOND = 8.64e12;
const twoDigits = (value: number) => String(value).padStart(2, '0');
/** "hh:mm:" for every minute of a day, and "ss.000Z" for every second of a minute. */
const MINUTE_TEXT = Array.from(
	{ length: 1440 },
	(_, minute) => `${twoDigits(Math.floor(minute / 60))}:${twoDigits(minute % 60)}:`,
);
const SECOND_TEXT = Array.from({ length: 60 }, (_, second) => `${twoDigits(second)}.000Z`);
/**
 * The "YYYY-MM-DDT" text of the last day written: events mostly share a day. A cache of a pure
 * function, the same in every process, whatever it held before.
 */
const lastDay = { day: NaN, date: '' };

/** Day 2,932,896 after 1970-01-01 is 9999-12-31, the last date written with four year digits. */
const LAST_FOUR_DIGIT_DAY = 2_932_896;

/**
 * "YYYY-MM-DDT" of a day counted from 1970-01-01, by the civil calendar's arithmetic (days to
 * year, month and day in 400-year eras, March-based years), for the days of four-digit years;
 * later ones go through Date, which writes their year with a sign and six digits.
 */
function dateText(day: number): string {
	if (day > LAST_FOUR_DIGIT_DAY) {
		const text = new Date(day * SECONDS_PER_DAY * 1000).toISOString();
		return text.slice(0, text.indexOf('T') + 1);
	}
	const shifted = day + 719_468; // days from 0000-03-01
	const era = Math.floor(shifted / 146_097);
	const dayOfEra = shifted - era * 146_097;
	const yearOfEra = Math.floor(
		(dayOfEra -
			Math.floor(dayOfEra / 1460) +
			Math.floor(dayOfEra / 36_524) -
			Math.floor(dayOfEra / 146_096)) /
			365,
	);
	const dayOfYear =
		dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
	const monthIndex = Math.floor((5 * dayOfYear + 2) / 153); // 0 = March
	const dayOfMonth = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
	const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
	const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
	return `${String(year).padStart(4, '0')}-${twoDigits(month)}-${twoDigits(dayOfMonth)}T`;
}

/**
 * ISO 8601 text of a unix time, exactly as `Date.prototype.toISOString` writes it; null for a time
 * no Date can hold. Whole seconds from 1970 on (what Meta sends) are written from the day's date
 * and tables of minutes and seconds, without a Date; any other time goes through Date.
 */
export function isoTime(seconds: number): string | null {
	if (Number.isInteger(seconds) && seconds >= 0 && seconds <= LAST_DATE_SECOND) {
		const day = Math.floor(seconds / SECONDS_PER_DAY);
		if (day !== lastDay.day) {
			lastDay.date = dateText(day);
			lastDay.day = day;
		}
		const time = seconds - day * SECONDS_PER_DAY;
		return lastDay.date + MINUTE_TEXT[Math.floor(time / 60)] + SECOND_TEXT[time % 60];
	}
	const date = new Date(seconds * 1000);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function mapError(error: GraphErrorDetail | unknown): EventError {
	const detail = isObject(error) ? (error as GraphErrorDetail) : {};
	let code: number | string | null = null;
	if (typeof detail.code === 'number') code = detail.code;
	else if (typeof detail.code === 'string') {
		code = /^\d+$/.test(detail.code) ? Number(detail.code) : detail.code;
	}
	const data = detail.error_data;
	const details =
		typeof data === 'string' ? data : asString(isObject(data) ? data.details : undefined);
	return {
		code,
		title: asString(detail.title) ?? null,
		message: asString(detail.message) ?? null,
		details: details ?? null,
	};
}

export function mapErrors(errors: unknown): EventError[] | undefined {
	if (!Array.isArray(errors)) return undefined;
	return errors.map(mapError);
}

export function mapParticipant(
	participant: GraphParticipant & { errors?: unknown },
): EventParticipant {
	const mapped: EventParticipant = {};
	const waId = asString(participant.wa_id);
	if (waId !== undefined) mapped.waId = waId;
	const userId = asString(participant.user_id);
	if (userId !== undefined) mapped.userId = userId;
	const parentUserId = asString(participant.parent_user_id);
	if (parentUserId !== undefined) mapped.parentUserId = parentUserId;
	const username = asString(participant.username);
	if (username !== undefined) mapped.username = username;
	const input = asString(participant.input);
	if (input !== undefined) mapped.input = input;
	const errors = mapErrors(participant.errors);
	if (errors !== undefined) mapped.errors = errors;
	return mapped;
}

/**
 * A person of a change's `contacts[]`: the IDs, and the profile's name and username (Meta's pages
 * put the username inside `profile`; one beside it is read too).
 */
export function mapContact(contact: WebhookContact): EventContact {
	const mapped: EventContact = {};
	const waId = asString(contact.wa_id);
	if (waId !== undefined) mapped.waId = waId;
	const userId = asString(contact.user_id);
	if (userId !== undefined) mapped.userId = userId;
	const parentUserId = asString(contact.parent_user_id);
	if (parentUserId !== undefined) mapped.parentUserId = parentUserId;
	const profile = isObject(contact.profile) ? contact.profile : undefined;
	const username = asString(profile?.username) ?? asString(contact.username);
	if (username !== undefined) mapped.username = username;
	const name = asString(profile?.name);
	if (name !== undefined) mapped.name = name;
	return mapped;
}

export function mapParticipants(list: unknown): EventParticipant[] {
	const mapped: EventParticipant[] = [];
	for (const participant of asArray<GraphParticipant>(list)) {
		if (isObject(participant)) mapped.push(mapParticipant(participant));
	}
	return mapped;
}

function asBoolean(value: unknown): boolean | undefined {
	return typeof value === 'boolean' ? value : undefined;
}

export function mapTextPart(part: WebhookSettingPart): SettingTextPart {
	const mapped: SettingTextPart = {};
	const text = asString(part.text);
	if (text !== undefined) mapped.text = text;
	const updateSuccessful = asBoolean(part.update_successful);
	if (updateSuccessful !== undefined) mapped.updateSuccessful = updateSuccessful;
	const errors = mapErrors(part.errors);
	if (errors !== undefined) mapped.errors = errors;
	return mapped;
}

export function mapPicturePart(part: WebhookProfilePicturePart): SettingPicturePart {
	const mapped: SettingPicturePart = {};
	const mimeType = asString(part.mime_type);
	if (mimeType !== undefined) mapped.mimeType = mimeType;
	const sha256 = asString(part.sha256);
	if (sha256 !== undefined) mapped.sha256 = sha256;
	const updateSuccessful = asBoolean(part.update_successful);
	if (updateSuccessful !== undefined) mapped.updateSuccessful = updateSuccessful;
	const errors = mapErrors(part.errors);
	if (errors !== undefined) mapped.errors = errors;
	return mapped;
}

export function mapMedia(source: WebhookMedia): EventMedia {
	const media: EventMedia = {};
	const id = asString(source.id);
	if (id !== undefined) media.id = id;
	const mimeType = asString(source.mime_type);
	if (mimeType !== undefined) media.mimeType = mimeType;
	const sha256 = asString(source.sha256);
	if (sha256 !== undefined) media.sha256 = sha256;
	const caption = asString(source.caption);
	if (caption !== undefined) media.caption = caption;
	const filename = asString(source.filename);
	if (filename !== undefined) media.filename = filename;
	const url = asString(source.url);
	if (url !== undefined) media.url = url;
	return media;
}

export function mapPricing(value: unknown): EventPricing | undefined {
	if (!isObject(value)) return undefined;
	const pricing = value as WebhookPricing;
	const mapped: EventPricing = {};
	if (typeof pricing.billable === 'boolean') mapped.billable = pricing.billable;
	else if (pricing.billable === 'true' || pricing.billable === 'false')
		mapped.billable = pricing.billable === 'true';
	const category = asString(pricing.category);
	if (category !== undefined) mapped.category = category;
	const type = asString(pricing.type);
	if (type !== undefined) mapped.type = type;
	const model = asString(pricing.pricing_model);
	if (model !== undefined) mapped.model = model;
	return mapped;
}
