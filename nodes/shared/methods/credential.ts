import type { ILoadOptionsFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_TYPES, providerOf } from '../transport';

/**
 * Refuses a list request made before a credential was chosen, with a message that says how to get
 * the list. n8n 2.40's editor asks for a dropdown's options as soon as a node is added, and when
 * it assigns the credential while that first request is still running it does not ask again: the
 * field keeps this message (n8n shows it as the field's issue) until the list is refreshed.
 */
export function assertCredentialChosen(context: ILoadOptionsFunctions, list: string): void {
	const provider = providerOf(context);
	if (context.getNode().credentials?.[CREDENTIAL_TYPES[provider]]) return;
	throw new NodeOperationError(
		context.getNode(),
		`No ${provider === '360dialog' ? '360dialog API' : 'WhatsApp Groups API'} credential was chosen when n8n asked for the ${list}: choose one in Credential to connect with, then Refresh List in this field's menu (or close and reopen the node)`,
		{ level: 'warning' },
	);
}

/**
 * The `after` cursor of a list's next page, or undefined when there is none — also when Meta
 * sends back the cursor that asked for this page, which would show the same page for ever.
 */
export function nextPageToken(
	paging: { next?: string; cursors?: { after?: string } } | undefined,
	current: string | undefined,
): string | undefined {
	const after = paging?.next ? paging.cursors?.after : undefined;
	return after && after !== current ? after : undefined;
}
