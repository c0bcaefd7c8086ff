import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * One credential for both nodes. The access token authenticates every Graph call; the app ID and
 * secret are only needed by the trigger (signature checks and app-level subscriptions).
 */
export class WhatsAppGroupsApi implements ICredentialType {
	name = 'whatsAppGroupsApi';

	displayName = 'WhatsApp Groups API';

	icon: Icon = {
		light: 'file:whatsappGroups.svg',
		dark: 'file:whatsappGroups.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-whatsapp-groups/n8n-nodes-whatsapp-groups#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A permanent system-user access token with the whatsapp_business_messaging and whatsapp_business_management permissions',
		},
		{
			displayName: 'WhatsApp Business Account ID',
			name: 'businessAccountId',
			type: 'string',
			default: '',
			required: true,
			description: 'The ID of the WhatsApp Business Account (WABA) that owns the phone numbers',
		},
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			description:
				'The Meta app ID. Needed by the trigger for app-level webhook subscriptions; optional for the action node.',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The Meta app secret. The trigger uses it to verify the X-Hub-Signature-256 of every delivery; optional for the action node.',
		},
		{
			displayName: 'Graph API Version',
			name: 'graphApiVersion',
			type: 'string',
			default: 'v27.0',
			required: true,
			placeholder: 'v27.0',
			description: 'The Graph API version to call, for example v27.0',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://graph.facebook.com',
			required: true,
			description: 'Where the Graph API lives. Change it only to use the local sandbox or a proxy.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken.trim()}}',
			},
		},
	};

	// Reading the account with the token proves both at once: a bad token fails with 401,
	// an account the token cannot see fails with 400/403. n8n evaluates these URLs as expressions
	// and sends them as they come out, so only an ID that passes the transport's rule for path IDs
	// (nodes/shared/transport/path.ts; a test holds the two to the same cases) and a version such
	// as v27.0 go in the path: anything else becomes 0 (no such account: Meta answers 400) or v0.0,
	// never a "." or ".." that would take the token to another endpoint. Redirects are not
	// followed: n8n would send the token on to whatever host a redirect names.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.baseUrl.trim().replace(/\\/+$/, "")}}/{{ /^v[0-9]{1,3}[.][0-9]{1,3}$/.test(String($credentials.graphApiVersion).trim().replace(/^\\/+|\\/+$/g, "")) ? String($credentials.graphApiVersion).trim().replace(/^\\/+|\\/+$/g, "") : "v0.0" }}',
			url: '=/{{ /^(?![.]+$)[A-Za-z0-9._~=+:-]{1,512}$/.test(String($credentials.businessAccountId).trim()) ? String($credentials.businessAccountId).trim() : "0" }}',
			qs: { fields: 'id,name' },
			disableFollowRedirect: true,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'The access token was refused: it is invalid, expired or revoked. Generate a new system-user token.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The access token cannot read this WhatsApp Business Account: give the system user access to the account and the whatsapp_business_management permission.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 400,
					message:
						'Meta did not accept the WhatsApp Business Account ID with this token: check the ID (WhatsApp Manager > Account tools) and that the token belongs to the same business.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'Nothing answered at this Base URL and Graph API version: check both (default https://graph.facebook.com and v27.0).',
				},
			},
			...[301, 302, 303, 307, 308].map((value) => ({
				type: 'responseCode' as const,
				properties: {
					value,
					message:
						'The Base URL answered with a redirect, which is not followed (the access token would travel with it): set the Base URL to the address that answers the API itself.',
				},
			})),
		],
	};
}
