/**
 * Where each request goes, for each API the nodes can talk to: Meta's Graph API directly, or
 * 360dialog's hosted Cloud API. The whole path mapping lives in ENDPOINTS below, one line per
 * endpoint, so a finding on a live 360dialog account changes one line.
 */
import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { pathIdProblem, shownValue } from './path';

/**
 * The value of both nodes' Authentication parameter (saved in workflows: never rename one).
 * `cloudApi`: Meta's Graph API with a system-user token. `360dialog`: 360dialog's hosted Cloud API
 * with a per-number API key.
 */
export type Provider = 'cloudApi' | '360dialog';

export const PROVIDERS: readonly Provider[] = ['cloudApi', '360dialog'];

/** The IDs a path can name. 360dialog's key belongs to one phone number, so its paths name none. */
export interface PathIds {
	phoneNumberId?: string;
	groupId?: string;
	businessAccountId?: string;
	appId?: string;
}

/** A path with `{id}` placeholders, or why the provider has no such endpoint. */
type Route = string | { unavailable: string };

const NO_LIST_OF_NUMBERS = {
	unavailable:
		'a 360dialog API key belongs to one phone number, so there is no list of numbers to choose from (the number is the one of the key)',
};
const META_APP_ONLY = {
	unavailable:
		"360dialog owns the Meta app and its subscriptions; with 360dialog the trigger registers the number's webhook instead (Webhook Destination: Phone Number)",
};

/**
 * Every endpoint the nodes call: Meta's path (below the Graph version) and 360dialog's (below its
 * base URL). Confidence of the 360dialog paths, from 360dialog's documentation: groups, group,
 * messages, webhookConfig high; deleting a group medium; the group's invite link, join requests
 * and participants extrapolated from the group path (unconfirmed).
 */
export const ENDPOINTS = {
	groups: { cloudApi: '/{phoneNumberId}/groups', '360dialog': '/groups' },
	group: { cloudApi: '/{groupId}', '360dialog': '/groups/{groupId}' },
	inviteLink: { cloudApi: '/{groupId}/invite_link', '360dialog': '/groups/{groupId}/invite_link' },
	joinRequests: {
		cloudApi: '/{groupId}/join_requests',
		'360dialog': '/groups/{groupId}/join_requests',
	},
	participants: {
		cloudApi: '/{groupId}/participants',
		'360dialog': '/groups/{groupId}/participants',
	},
	messages: { cloudApi: '/{phoneNumberId}/messages', '360dialog': '/messages' },
	phoneNumbers: { cloudApi: '/{businessAccountId}/phone_numbers', '360dialog': NO_LIST_OF_NUMBERS },
	messageTemplates: {
		cloudApi: '/{businessAccountId}/message_templates',
		'360dialog': {
			unavailable:
				"the template list reads Meta's business account, which a 360dialog key does not reach: enter the template By Name",
		},
	},
	/** The phone number node itself (its webhook_configuration). */
	phoneNumber: { cloudApi: '/{phoneNumberId}', '360dialog': META_APP_ONLY },
	subscribedApps: { cloudApi: '/{businessAccountId}/subscribed_apps', '360dialog': META_APP_ONLY },
	appSubscriptions: { cloudApi: '/{appId}/subscriptions', '360dialog': META_APP_ONLY },
	/** 360dialog's one webhook per phone number: GET reads it, POST sets it. */
	webhookConfig: {
		cloudApi: {
			unavailable: "Meta's Cloud API keeps webhooks on the app, the account and the phone number",
		},
		'360dialog': '/v1/configs/webhook',
	},
} satisfies Record<string, Record<Provider, Route>>;

export type EndpointName = keyof typeof ENDPOINTS;

const PROVIDER_NAMES: Record<Provider, string> = {
	cloudApi: 'the Meta Cloud API',
	'360dialog': '360dialog',
};

const ID_NAMES: Record<keyof PathIds, string> = {
	phoneNumberId: 'business phone number ID',
	groupId: 'group ID',
	businessAccountId: 'WhatsApp Business Account ID',
	appId: 'App ID',
};

/**
 * One ID as one path segment: trimmed, held to the rule for path IDs (./path: letters, digits and
 * `. _ - = ~ + :`, not dots alone), then percent-encoded. The one place an ID enters a path, for
 * both providers: `/groups/` + '' would list the groups, `..` would climb to another endpoint,
 * and `/`, `?`, `#`, `%`, spaces or look-alikes would change what the path says.
 */
function pathSegment(
	node: INode,
	name: keyof PathIds,
	value: string | undefined,
	itemIndex: number | undefined,
): string {
	const id = String(value ?? '').trim();
	const problem = pathIdProblem(id);
	if (problem) {
		throw new NodeOperationError(
			node,
			id === ''
				? `The ${ID_NAMES[name]} is missing`
				: `The ${ID_NAMES[name]} ${shownValue(id)} is not an ID: ${problem}`,
			{ itemIndex, description: 'Nothing was sent.' },
		);
	}
	return encodeURIComponent(id);
}

/**
 * Throws, before anything is sent, when the provider has no such endpoint: the message says why
 * and what to do instead.
 */
export function assertAvailable(node: INode, provider: Provider, endpoint: EndpointName): string {
	const route: Route = ENDPOINTS[endpoint][provider];
	if (typeof route !== 'string') {
		throw new NodeOperationError(
			node,
			`Not available with ${PROVIDER_NAMES[provider]}: ${route.unavailable}`,
			{ description: 'Nothing was sent.' },
		);
	}
	return route;
}

/**
 * The path of an endpoint for a provider, its IDs filled in. Throws, before anything is sent,
 * when the provider has no such endpoint or an ID is missing or not an ID (for `itemIndex`).
 */
export function resolvePath(
	node: INode,
	provider: Provider,
	endpoint: EndpointName,
	ids: PathIds = {},
	itemIndex?: number,
): string {
	return assertAvailable(node, provider, endpoint).replace(
		/\{(\w+)\}/g,
		(_match, name: keyof PathIds) => pathSegment(node, name, ids[name], itemIndex),
	);
}
