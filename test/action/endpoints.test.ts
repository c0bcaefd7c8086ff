/**
 * The one table of paths: what each endpoint becomes for Meta and for 360dialog, IDs encoded,
 * missing or dot-segment IDs refused, and what 360dialog (or Meta) has no endpoint for.
 */
import { ENDPOINTS, resolvePath } from '../../nodes/shared/transport/endpoints';
import type { EndpointName, PathIds } from '../../nodes/shared/transport/endpoints';
import { actionNode } from '../support/action';

const NODE = actionNode();
const IDS: PathIds = {
	phoneNumberId: '1234567890',
	groupId: 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD',
	businessAccountId: '102030405060708',
	appId: '998877',
};
const G = IDS.groupId;

describe('ENDPOINTS', () => {
	it.each<[EndpointName, string, string | RegExp]>([
		['groups', '/1234567890/groups', '/groups'],
		['group', `/${G}`, `/groups/${G}`],
		['inviteLink', `/${G}/invite_link`, `/groups/${G}/invite_link`],
		['joinRequests', `/${G}/join_requests`, `/groups/${G}/join_requests`],
		['participants', `/${G}/participants`, `/groups/${G}/participants`],
		['messages', '/1234567890/messages', '/messages'],
		[
			'phoneNumbers',
			'/102030405060708/phone_numbers',
			/^Not available with 360dialog: a 360dialog API key belongs to one phone number/,
		],
		[
			'messageTemplates',
			'/102030405060708/message_templates',
			/^Not available with 360dialog: the template list/,
		],
		['phoneNumber', '/1234567890', /^Not available with 360dialog: 360dialog owns the Meta app/],
		[
			'subscribedApps',
			'/102030405060708/subscribed_apps',
			/^Not available with 360dialog: 360dialog owns the Meta app/,
		],
		[
			'appSubscriptions',
			'/998877/subscriptions',
			/^Not available with 360dialog: 360dialog owns the Meta app/,
		],
	])('%s: Meta %s, 360dialog %s', (endpoint, meta, d360) => {
		expect(resolvePath(NODE, 'cloudApi', endpoint, IDS)).toBe(meta);
		if (typeof d360 === 'string') expect(resolvePath(NODE, '360dialog', endpoint, IDS)).toBe(d360);
		else expect(() => resolvePath(NODE, '360dialog', endpoint, IDS)).toThrow(d360);
	});

	it("webhookConfig is 360dialog's alone", () => {
		expect(resolvePath(NODE, '360dialog', 'webhookConfig')).toBe('/v1/configs/webhook');
		expect(() => resolvePath(NODE, 'cloudApi', 'webhookConfig')).toThrow(
			/^Not available with the Meta Cloud API/,
		);
	});

	it('every endpoint is covered above', () => {
		expect(Object.keys(ENDPOINTS).sort()).toEqual(
			[
				'appSubscriptions',
				'group',
				'groups',
				'inviteLink',
				'joinRequests',
				'messageTemplates',
				'messages',
				'participants',
				'phoneNumber',
				'phoneNumbers',
				'subscribedApps',
				'webhookConfig',
			].sort(),
		);
	});

	it('puts an ID in one segment and refuses a missing ID, a dot segment or URL characters, for both providers', () => {
		expect(resolvePath(NODE, '360dialog', 'group', { groupId: ' Y2F-b_c.d=~1 ' })).toBe(
			'/groups/Y2F-b_c.d%3D~1',
		);
		for (const groupId of [undefined, '', '  ']) {
			for (const provider of ['cloudApi', '360dialog'] as const) {
				expect(() => resolvePath(NODE, provider, 'inviteLink', { groupId })).toThrow(
					'The group ID is missing',
				);
			}
		}
		for (const groupId of [
			'.',
			'..',
			' .. ',
			'a/b',
			'a?b',
			'a#b',
			'%2e%2e',
			'a b',
			'\uFF0E\uFF0E',
		]) {
			for (const provider of ['cloudApi', '360dialog'] as const) {
				expect(() => resolvePath(NODE, provider, 'inviteLink', { groupId })).toThrow(
					/^The group ID ".*" is not an ID: /,
				);
			}
		}
		expect(() => resolvePath(NODE, 'cloudApi', 'groups', {})).toThrow(
			'The business phone number ID is missing',
		);
	});
});
