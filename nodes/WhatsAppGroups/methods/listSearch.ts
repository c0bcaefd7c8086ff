import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { assertCredentialChosen, nextPageToken } from '../../shared/methods/credential';
import { assertAvailable, callGraph, CREDENTIAL_TYPE, providerOf } from '../../shared/transport';
import type { ActiveGroupsResponse, MessageTemplatesResponse } from '../../shared/types';
import { isPhoneNumberId, LIMITS } from '../helpers/validation';

/**
 * The "From List" mode of the group locator: the phone number's active groups (with 360dialog,
 * those of the key's number), one page at a time.
 */
export async function searchGroups(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const provider = providerOf(this);
	const phoneNumberId =
		provider === '360dialog'
			? undefined
			: String(this.getCurrentNodeParameter('phoneNumberId') ?? '').trim();
	// The list is the groups of one number: say what is missing instead of an empty "No results".
	if (phoneNumberId === '') {
		throw new NodeOperationError(this.getNode(), 'Choose a Business Phone Number first', {
			description: 'The list shows the active groups of the Business Phone Number chosen above.',
			level: 'warning',
		});
	}
	if (phoneNumberId !== undefined && !isPhoneNumberId(phoneNumberId)) {
		throw new NodeOperationError(
			this.getNode(),
			'Choose a Business Phone Number from its list or enter its numeric ID first; for a number from an expression, enter the group By ID',
			{
				description: 'The list shows the active groups of the Business Phone Number chosen above.',
				level: 'warning',
			},
		);
	}
	assertCredentialChosen(this, 'groups');
	const qs: Record<string, string | number> = { limit: LIMITS.activeGroupsMaxPageSize };
	if (paginationToken) qs.after = paginationToken;
	const page = await callGraph<ActiveGroupsResponse>(this, {
		method: 'GET',
		endpoint: 'groups',
		ids: { phoneNumberId },
		qs,
	});
	const needle = (filter ?? '').trim().toLowerCase();
	const groups = (page.data?.groups ?? []).filter(
		(group) =>
			!needle ||
			String(group.subject ?? '')
				.toLowerCase()
				.includes(needle) ||
			group.id.toLowerCase().includes(needle),
	);
	return {
		results: groups.map((group) => ({
			name: `${group.subject || '(no subject)'} · ${group.id}`,
			value: group.id,
		})),
		paginationToken: nextPageToken(page.paging, paginationToken),
	};
}

/**
 * The "From List" mode of Invite Link > Send's template: the business account's approved
 * templates (GET /<WABA_ID>/message_templates?status=APPROVED), one entry per name with its
 * languages and category, one page at a time. Authentication templates are left out: they cannot
 * carry a group invite.
 */
export async function searchApprovedTemplates(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	assertAvailable(this.getNode(), providerOf(this), 'messageTemplates');
	assertCredentialChosen(this, 'templates');
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const businessAccountId = String(credentials.businessAccountId ?? '').trim();
	if (!/^\d+$/.test(businessAccountId)) return { results: [] };
	const qs: Record<string, string | number> = {
		status: 'APPROVED',
		fields: 'name,language,category',
		limit: 100,
	};
	if (paginationToken) qs.after = paginationToken;
	const page = await callGraph<MessageTemplatesResponse>(this, {
		method: 'GET',
		endpoint: 'messageTemplates',
		ids: { businessAccountId },
		qs,
	});
	const needle = (filter ?? '').trim().toLowerCase();
	const byName = new Map<string, { languages: string[]; category?: string }>();
	for (const template of page.data ?? []) {
		if (typeof template.name !== 'string' || template.category === 'AUTHENTICATION') continue;
		if (needle && !template.name.toLowerCase().includes(needle)) continue;
		const entry = byName.get(template.name) ?? { languages: [], category: template.category };
		if (template.language && !entry.languages.includes(template.language))
			entry.languages.push(template.language);
		byName.set(template.name, entry);
	}
	return {
		results: [...byName].map(([name, { languages, category }]) => ({
			name: `${name}${languages.length ? ` (${languages.join(', ')})` : ''}${category ? ` · ${category.toLowerCase()}` : ''}`,
			value: name,
		})),
		paginationToken: nextPageToken(page.paging, paginationToken),
	};
}
