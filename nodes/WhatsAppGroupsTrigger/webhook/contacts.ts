/**
 * The people of a change (`contacts[]`), looked up by phone number or business-scoped user ID.
 */
import type { WebhookChangeValue, WebhookContact } from '../../shared/types';
import { isObject } from './readers';

/** Above this many contacts in a change, people are looked up in an index, not by a scan. */
const CONTACT_SCAN_LIMIT = 8;

/**
 * The `contacts[]` of a `messages` change, looked up by a user's phone number (`wa_id`) or
 * business-scoped user ID (`user_id`): the sender of a message, the recipient of a status. The
 * first contact with either ID wins. Large contact lists are indexed once per change, so a change with many
 * elements and many contacts costs linear time, not quadratic.
 */
export class Contacts {
	private byWaId?: Map<unknown, number>;
	private byUserId?: Map<unknown, number>;

	constructor(private readonly contacts: WebhookContact[]) {}

	/**
	 * The contact with this phone number or BSUID. `orOnly`: the only contact when none has either
	 * (the sender of a message: Meta's own samples give its contact other placeholder IDs).
	 */
	find(waId: unknown, userId: unknown, orOnly: boolean): WebhookContact | undefined {
		const { contacts } = this;
		let found: WebhookContact | undefined;
		if (contacts.length <= CONTACT_SCAN_LIMIT) {
			found = contacts.find(
				(contact) =>
					(waId !== undefined && contact.wa_id === waId) ||
					(userId !== undefined && contact.user_id === userId),
			);
		} else {
			if (this.byWaId === undefined || this.byUserId === undefined) {
				this.byWaId = firstIndexes(contacts, 'wa_id');
				this.byUserId = firstIndexes(contacts, 'user_id');
			}
			const byWaId = waId === undefined ? undefined : this.byWaId.get(waId);
			const byUserId = userId === undefined ? undefined : this.byUserId.get(userId);
			const index = Math.min(byWaId ?? Infinity, byUserId ?? Infinity);
			found = index === Infinity ? undefined : contacts[index];
		}
		return found ?? (orOnly && contacts.length === 1 ? contacts[0] : undefined);
	}
}

/** Where each value of `key` first occurs (NaN, which never equals itself, is left out). */
function firstIndexes(contacts: WebhookContact[], key: 'wa_id' | 'user_id'): Map<unknown, number> {
	const indexes = new Map<unknown, number>();
	contacts.forEach((contact, index) => {
		const value: unknown = contact[key];
		if (value === value && !indexes.has(value)) indexes.set(value, index);
	});
	return indexes;
}

/** The contacts of a change, or undefined when it has none (most changes of statuses). */
export function contactsOf(value: WebhookChangeValue): Contacts | undefined {
	const list = value.contacts;
	if (!Array.isArray(list) || list.length === 0) return undefined;
	return new Contacts((list as unknown[]).filter(isObject) as WebhookContact[]);
}
