import nock from 'nock';
import type { IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';

import { getPhoneNumbers } from '../../nodes/shared/methods/phoneNumbers';
import {
	searchApprovedTemplates,
	searchGroups,
} from '../../nodes/WhatsAppGroups/methods/listSearch';
import { FAKE_NODE, performRequest } from '../support/n8n/fakeContext';
import { credentials, FAKE_BEARER, graph, PHONE_ID, WABA_ID } from '../support/action';

const CHOSEN_CREDENTIAL = { whatsAppGroupsApi: { id: 'cred-1', name: 'WhatsApp Groups' } };

function loadOptionsContext(
	currentParameters: Record<string, unknown> = {},
	nodeCredentials: Record<string, unknown> | null = CHOSEN_CREDENTIAL,
): ILoadOptionsFunctions {
	return {
		getNode: () => ({ ...FAKE_NODE, credentials: nodeCredentials }),
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

	it('says how to get the list when n8n asked before a credential was chosen, and asks Meta nothing', async () => {
		const error = await getPhoneNumbers.call(loadOptionsContext({}, null)).catch((e) => e);
		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toBe(
			"No WhatsApp Groups API credential was chosen when n8n asked for the business phone numbers: choose one in Credential to connect with, then Refresh List in this field's menu (or close and reopen the node)",
		);
		expect(nock.pendingMocks()).toEqual([]);
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

	it('says "Choose a Business Phone Number first" while none is chosen, and asks Meta nothing', async () => {
		for (const phoneNumberId of ['', '  ', undefined]) {
			const error = await searchGroups.call(loadOptionsContext({ phoneNumberId })).catch((e) => e);
			expect(error.name).toBe('NodeOperationError');
			expect(error.message).toBe('Choose a Business Phone Number first');
			expect(error.description).toBe(
				'The list shows the active groups of the Business Phone Number chosen above.',
			);
		}
		const expression = await searchGroups
			.call(loadOptionsContext({ phoneNumberId: '={{ $json.phoneNumberId }}' }))
			.catch((e) => e);
		expect(expression.message).toBe(
			'Choose a Business Phone Number from its list or enter its numeric ID first; for a number from an expression, enter the group By ID',
		);
		const noCredential = await searchGroups
			.call(loadOptionsContext({ phoneNumberId: PHONE_ID }, null))
			.catch((e) => e);
		expect(noCredential.message).toBe(
			"No WhatsApp Groups API credential was chosen when n8n asked for the groups: choose one in Credential to connect with, then Refresh List in this field's menu (or close and reopen the node)",
		);
		expect(nock.pendingMocks()).toEqual([]);
	});
});

describe('Invite template list search', () => {
	afterEach(() => nock.cleanAll());

	it("lists the account's approved templates by name with their languages, without authentication templates", async () => {
		const scope = graph()
			.get(`/v26.0/${WABA_ID}/message_templates`)
			.query({ status: 'APPROVED', fields: 'name,language,category', limit: 100 })
			.reply(200, {
				data: [
					{ id: '1', name: 'group_invite_link', language: 'en', category: 'UTILITY' },
					{ id: '2', name: 'group_invite_link', language: 'es', category: 'UTILITY' },
					{ id: '3', name: 'verification_code', language: 'en_US', category: 'AUTHENTICATION' },
					{ id: '4', name: 'club_invite', language: 'pt_BR', category: 'UTILITY' },
				],
				paging: { cursors: { before: 'B', after: 'T2' }, next: 'https://graph.facebook.com/next' },
			});
		await expect(searchApprovedTemplates.call(loadOptionsContext(), 'INVITE')).resolves.toEqual({
			results: [
				{ name: 'group_invite_link (en, es) · utility', value: 'group_invite_link' },
				{ name: 'club_invite (pt_BR) · utility', value: 'club_invite' },
			],
			paginationToken: 'T2',
		});
		scope.done();
	});

	it('asks for the next page with the token and ends when Meta has no next page', async () => {
		const scope = graph()
			.get(`/v26.0/${WABA_ID}/message_templates`)
			.query({ status: 'APPROVED', fields: 'name,language,category', limit: 100, after: 'T2' })
			.reply(200, {
				data: [{ id: '5', name: 'welcome', language: 'en' }],
				paging: { cursors: {} },
			});
		await expect(searchApprovedTemplates.call(loadOptionsContext(), '', 'T2')).resolves.toEqual({
			results: [{ name: 'welcome (en)', value: 'welcome' }],
			paginationToken: undefined,
		});
		scope.done();
	});
});
