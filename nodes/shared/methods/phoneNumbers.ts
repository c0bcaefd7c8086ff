import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { assertAvailable, CREDENTIAL_TYPE, paginateGraph, providerOf } from '../transport';
import type { PhoneNumber, PhoneNumbersResponse } from '../types';
import { assertCredentialChosen } from './credential';

/** Lists the account's business phone numbers for the phone number dropdown of both nodes. */
export async function getPhoneNumbers(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	// With 360dialog the field is hidden; asked anyway, say why there is no list.
	assertAvailable(this.getNode(), providerOf(this), 'phoneNumbers');
	assertCredentialChosen(this, 'business phone numbers');
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const accountId = String(credentials.businessAccountId ?? '').trim();
	const numbers = await paginateGraph<PhoneNumbersResponse, PhoneNumber>(
		this,
		{
			method: 'GET',
			endpoint: 'phoneNumbers',
			ids: { businessAccountId: accountId },
			qs: { fields: 'id,display_phone_number,verified_name' },
		},
		(page) => ({ items: page.data ?? [], paging: page.paging }),
		{ limit: 500 },
	);
	return numbers.map((number) => ({
		name:
			[number.verified_name, number.display_phone_number].filter(Boolean).join(' · ') || number.id,
		value: number.id,
		description: `ID ${number.id}`,
	}));
}
