import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * 360dialog's hosted Cloud API: one API key per business phone number, sent in the D360-API-KEY
 * header; no access token, no account or phone number ID, no Graph version.
 */
export class WhatsAppGroups360DialogApi implements ICredentialType {
	name = 'whatsAppGroups360DialogApi';

	displayName = '360dialog API';

	icon: Icon = {
		light: 'file:whatsappGroups.svg',
		dark: 'file:whatsappGroups.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-whatsapp-groups/n8n-nodes-whatsapp-groups#360dialog';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The 360dialog API key of the business phone number (360dialog Hub > the number > API key). One key belongs to one number; generating a new key revokes the old ones.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://waba-v2.360dialog.io',
			required: true,
			description:
				"360dialog's Cloud API host. Change it only to use the local sandbox or a proxy.",
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'D360-API-KEY': '={{$credentials.apiKey.trim()}}',
			},
		},
	};

	// The first page of one group proves the key (401 otherwise) and that 360dialog lets this
	// number use the Groups API (Meta's refusal comes back otherwise).
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.trim().replace(/\\/+$/, "")}}',
			url: '/groups',
			qs: { limit: 1 },
			// Not followed: n8n would send the key on to whatever host a redirect names.
			disableFollowRedirect: true,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'360dialog refused the API key: it is wrong, or was revoked when a new key was generated. Copy the current key of the number from the 360dialog Hub.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'360dialog accepted the key but does not let it read groups: check that the number is on the Cloud API in the 360dialog Hub.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 400,
					message:
						"360dialog accepted the key, but Meta refused to list the number's groups: the Groups API needs an Official Business Account and is not available to Coexistence or Multi-solution Conversations numbers.",
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'Nothing answered at this Base URL: check it (default https://waba-v2.360dialog.io, no path and no version).',
				},
			},
			...[301, 302, 303, 307, 308].map((value) => ({
				type: 'responseCode' as const,
				properties: {
					value,
					message:
						'The Base URL answered with a redirect, which is not followed (the API key would travel with it): set the Base URL to the address that answers the API itself.',
				},
			})),
		],
	};
}
