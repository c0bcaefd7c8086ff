import nock from 'nock';
import type { IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';

import { getPhoneNumbers } from '../../nodes/shared/methods/phoneNumbers';
import { searchGroups } from '../../nodes/WhatsAppGroups/methods/listSearch';
import { FAKE_NODE, performRequest } from '../support/n8n/fakeContext';
import { credentials, FAKE_BEARER, graph, PHONE_ID, WABA_ID } from '../support/action';

function loadOptionsContext(
	currentParameters: Record<string, unknown> = {},
): ILoadOptionsFunctions {
	return {
		getNode: () => FAKE_NODE,
		getCurrentNodeParameter: (name: string) => currentParameters[name],
		getCredentials: async () => credentials.whatsAppGroupsApi,
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) =>
				performRequest(options, { Authorization: `Bearer ${FAKE_BEARER}` }),
		},
	} as unknown as ILoadOptionsFunctions;
}

describe('Phone number dropdown', () => {
	afterEach(() => nock.cleanAll());

	it("lists the account's numbers with name, display number and ID, across pages", async () => {
		const scope = graph()
			.get(`/v26.0/${WABA_ID}/phone_numbers`)
			.query({ fields: 'id,display_phone_number,verified_name' })
			.reply(200, {
				data: [{ id: '111', display_phone_number: '+1 555 0100', verified_name: 'Acme Support' }],
				paging: { cursors: { after: 'N1' }, next: 'https://graph.facebook.com/next' },
			})
			.get(`/v26.0/${WABA_ID}/phone_numbers`)
			.query({ fields: 'id,display_phone_number,verified_name', after: 'N1' })
			.reply(200, { data: [{ id: '222' }] });
		await expect(getPhoneNumbers.call(loadOptionsContext())).resolves.toEqual([
			{ name: 'Acme Support · +1 555 0100', value: '111', description: 'ID 111' },
			{ name: '222', value: '222', description: 'ID 222' },
		]);
		scope.done();
	});
});

describe('Group list search', () => {
	afterEach(() => nock.cleanAll());

	it("shows subject and ID of the number's active groups, filtered, with the next cursor", async () => {
		const scope = graph()
			.get(`/v26.0/${PHONE_ID}/groups`)
			.query({ limit: 1024 })
			.reply(200, {
				data: {
					groups: [
						{ id: 'G1', subject: 'Cohort Alpha', created_at: 1 },
						{ id: 'G2', subject: 'Support', created_at: 2 },
					],
				},
				paging: { cursors: { after: 'P2' }, next: 'https://graph.facebook.com/next' },
			});
		await expect(
			searchGroups.call(loadOptionsContext({ phoneNumberId: PHONE_ID }), 'alpha'),
		).resolves.toEqual({
			results: [{ name: 'Cohort Alpha · G1', value: 'G1' }],
			paginationToken: 'P2',
		});
		scope.done();
	});

	it('asks for the next page with the token and ends when Meta has no next page', async () => {
		const scope = graph()
			.get(`/v26.0/${PHONE_ID}/groups`)
			.query({ limit: 1024, after: 'P2' })
			.reply(200, {
				data: { groups: [{ id: 'G3', subject: '', created_at: 3 }] },
				paging: { cursors: { after: 'P3' } },
			});
		await expect(
			searchGroups.call(loadOptionsContext({ phoneNumberId: PHONE_ID }), undefined, 'P2'),
		).resolves.toEqual({
			results: [{ name: '(no subject) · G3', value: 'G3' }],
			paginationToken: undefined,
		});
		scope.done();
	});

	it('asks nothing while no phone number is chosen', async () => {
		await expect(searchGroups.call(loadOptionsContext({ phoneNumberId: '' }))).resolves.toEqual({
			results: [],
		});
		expect(nock.pendingMocks()).toEqual([]);
	});
});
