import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { callGraph } from '../../shared/transport';
import type { ActiveGroupsResponse } from '../../shared/types';
import { isPhoneNumberId, LIMITS } from '../helpers/validation';

/** The "From List" mode of the group locator: the phone number's active groups, one page at a time. */
export async function searchGroups(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const phoneNumberId = String(this.getCurrentNodeParameter('phoneNumberId') ?? '').trim();
	if (!isPhoneNumberId(phoneNumberId)) {
		return { results: [] };
	}
	const qs: Record<string, string | number> = { limit: LIMITS.activeGroupsMaxPageSize };
	if (paginationToken) qs.after = paginationToken;
	const page = await callGraph<ActiveGroupsResponse>(this, {
		method: 'GET',
		path: `/${phoneNumberId}/groups`,
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
		paginationToken: page.paging?.next ? page.paging.cursors?.after : undefined,
	};
}
