import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { assertCredentialChosen } from '../../shared/methods/credential';
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
	// The list is the groups of one number: say what is missing instead of an empty "No results".
	if (!phoneNumberId) {
		throw new NodeOperationError(this.getNode(), 'Choose a Business Phone Number first', {
			description: 'The list shows the active groups of the Business Phone Number chosen above.',
			level: 'warning',
		});
	}
	if (!isPhoneNumberId(phoneNumberId)) {
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
