import nock from 'nock';
import type { INodeParameters } from 'n8n-workflow';

import { GRAPH, graph, GROUP_ID, groupLocator, PHONE_ID, rows, run } from '../support/action';
import { useNock } from '../support/nock';

const group = { phoneNumberId: PHONE_ID, groupId: groupLocator() };
const send = { resource: 'message', operation: 'send', ...group };
// The type comes from an expression here; the other fields are filled so only the type is wrong.
const anyType = { text: 'x', mediaId: 'x', mediaLink: 'https://x.example', templateName: 'x' };

/** [label, parameters, expected message] — every case must fail before any request. */
const invalid: Array<[string, INodeParameters, string]> = [
	[
		'empty subject',
		{ resource: 'group', operation: 'create', phoneNumberId: PHONE_ID, subject: '   ' },
		'Invalid "Subject" in item 0: must be 1–128 characters after trimming (got 0)',
	],
	[
		'subject of 129 characters',
		{ resource: 'group', operation: 'create', phoneNumberId: PHONE_ID, subject: 'x'.repeat(129) },
		'Invalid "Subject" in item 0: must be 1–128 characters after trimming (got 129)',
	],
	[
		'subject of 129 emoji (counted as characters, not UTF-16 units)',
		{ resource: 'group', operation: 'create', phoneNumberId: PHONE_ID, subject: '👍'.repeat(129) },
		'Invalid "Subject" in item 0: must be 1–128 characters after trimming (got 129)',
	],
	[
		'description of 2049 characters',
		{
			resource: 'group',
			operation: 'create',
			phoneNumberId: PHONE_ID,
			subject: 'ok',
			additionalFields: { description: 'd'.repeat(2049) },
		},
		'Invalid "Description" in item 0: must be at most 2048 characters (got 2049)',
	],
	[
		'a phone number instead of a phone number ID',
		{ resource: 'group', operation: 'create', phoneNumberId: '+49 151 123', subject: 'ok' },
		'Invalid "Business Phone Number" in item 0: "+49 151 123" is not a phone number ID (Meta\'s phone number IDs are digits only, not the phone number itself with + or spaces)',
	],
	[
		'a WhatsApp Web group JID',
		{
			resource: 'group',
			operation: 'get',
			phoneNumberId: PHONE_ID,
			groupId: groupLocator('={{ "120363040000000000@g.us" }}'),
		},
		'Invalid "Group" in item 0: "120363040000000000@g.us" is a WhatsApp Web group JID, not a Cloud API group ID',
	],
	[
		'an empty group',
		{
			resource: 'group',
			operation: 'delete',
			phoneNumberId: PHONE_ID,
			groupId: groupLocator('={{ "" }}'),
		},
		'Invalid "Group" in item 0: a group ID is required',
	],
	[
		'an update without fields',
		{ resource: 'group', operation: 'update', ...group, updateFields: {} },
		'Invalid "Update Fields" in item 0: add at least one of Subject, Description or Profile Picture',
	],
	[
		'an update with an empty subject',
		{ resource: 'group', operation: 'update', ...group, updateFields: { subject: ' ' } },
		'Invalid "Subject" in item 0: must be 1–128 characters after trimming (got 0)',
	],
	[
		'no participants',
		{ resource: 'participant', operation: 'remove', ...group, participants: ' , ' },
		'Invalid "Participants" in item 0: at least one participant is required',
	],
	[
		'nine participants',
		{
			resource: 'participant',
			operation: 'remove',
			...group,
			participants: Array.from({ length: 9 }, (_, i) => `4915100000${i}0`).join(','),
		},
		'Invalid "Participants" in item 0: a group has at most 8 participants; got 9',
	],
	[
		'a duplicate participant',
		{
			resource: 'participant',
			operation: 'remove',
			...group,
			participants: '+4915100000001, 4915100000001',
		},
		'Invalid "Participants" in item 0: "4915100000001" is listed twice (Meta refuses duplicates with error 131202)',
	],
	[
		'a participant that is neither number nor BSUID',
		{ resource: 'participant', operation: 'remove', ...group, participants: 'ana@example.com' },
		'Invalid "Participants" in item 0: "ana@example.com" is neither a phone number with country code nor a business-scoped user ID',
	],
	[
		'no join request IDs',
		{ resource: 'joinRequest', operation: 'approve', ...group, joinRequestIds: '={{ "" }}' },
		'Invalid "Join Request IDs" in item 0: at least one join request ID is required',
	],
	[
		'no join request IDs to reject',
		{ resource: 'joinRequest', operation: 'reject', ...group, joinRequestIds: '={{ [] }}' },
		'Invalid "Join Request IDs" in item 0: at least one join request ID is required',
	],
	[
		'pin for 0 days',
		{ resource: 'message', operation: 'pin', ...group, messageId: 'wamid.X', expirationDays: 0 },
		'Invalid "Days" in item 0: must be a whole number from 1 to 30 (got 0)',
	],
	[
		'pin for 31 days',
		{ resource: 'message', operation: 'pin', ...group, messageId: 'wamid.X', expirationDays: 31 },
		'Invalid "Days" in item 0: must be a whole number from 1 to 30 (got 31)',
	],
	[
		'pin without message ID',
		{ resource: 'message', operation: 'pin', ...group, messageId: ' ', expirationDays: 3 },
		'Invalid "Message ID" in item 0: a message ID is required',
	],
	[
		'unpin without message ID',
		{ resource: 'message', operation: 'unpin', ...group, messageId: '={{ "" }}' },
		'Invalid "Message ID" in item 0: a message ID is required',
	],
	[
		'an interactive message',
		{ ...send, ...anyType, messageType: '={{ "interactive" }}' },
		'Invalid "Message Type" in item 0: "interactive" cannot be sent to a group: interactive messages (buttons, lists, flows) cannot be sent to groups',
	],
	[
		'a location message',
		{ ...send, ...anyType, messageType: '={{ "location" }}' },
		'Invalid "Message Type" in item 0: "location" cannot be sent to a group: location messages are not among the message types groups support (text, media and text- or media-based templates)',
	],
	[
		'a commerce message',
		{ ...send, ...anyType, messageType: '={{ "product_list" }}' },
		'Invalid "Message Type" in item 0: "product_list" cannot be sent to a group: commerce messages cannot be sent to groups',
	],
	[
		'an unknown message type',
		{ ...send, ...anyType, messageType: '={{ "hologram" }}' },
		'Invalid "Message Type" in item 0: "hologram" is not a message type; use one of text, image, video, audio, document, sticker, template',
	],
	[
		'empty text',
		{ ...send, messageType: 'text', text: '  ' },
		'Invalid "Text" in item 0: the message text is empty',
	],
	[
		'text over 4096 characters',
		{ ...send, messageType: 'text', text: 't'.repeat(4097) },
		'Invalid "Text" in item 0: must be at most 4096 characters (got 4097)',
	],
	[
		'media without ID',
		{ ...send, messageType: 'image', mediaSource: 'id', mediaId: '={{ "" }}' },
		'Invalid "Media ID" in item 0: a media ID is required',
	],
	[
		'media link that is not a URL',
		{ ...send, messageType: 'video', mediaSource: 'link', mediaLink: 'ftp://x' },
		'Invalid "Media Link" in item 0: "ftp://x" is not an http(s) URL',
	],
	[
		'template components that are not JSON',
		{
			...send,
			messageType: 'template',
			templateName: 'hello',
			languageCode: 'en',
			components: '{oops',
		},
		'Invalid "Components (JSON)" in item 0: is not valid JSON',
	],
	[
		'template components that are not an array',
		{
			...send,
			messageType: 'template',
			templateName: 'hello',
			languageCode: 'en',
			components: '{"type":"body"}',
		},
		'Invalid "Components (JSON)" in item 0: must be a JSON array of component objects',
	],
	[
		'a template name with spaces',
		{ ...send, messageType: 'template', templateName: 'Hello World', languageCode: 'en' },
		'Invalid "Template Name" in item 0: "Hello World" is not a template name (lowercase letters, digits and underscores)',
	],
	[
		'an invite to something that is not a phone number',
		{
			resource: 'inviteLink',
			operation: 'send',
			...group,
			recipient: 'call me',
			templateName: 'group_invite_link',
			languageCode: 'en',
		},
		'Invalid "Recipient" in item 0: "call me" is neither a phone number with country code (6–15 digits, e.g. +4915112345678) nor a business-scoped user ID (e.g. US.13491208655302741918)',
	],
	[
		'an invite to a business-scoped user ID with a character Meta does not allow',
		{
			resource: 'inviteLink',
			operation: 'send',
			...group,
			recipient: 'US.1349-1208',
			templateName: 'group_invite_link',
			languageCode: 'en',
		},
		'Invalid "Recipient" in item 0: "US.1349-1208" is neither a phone number with country code (6–15 digits, e.g. +4915112345678) nor a business-scoped user ID (e.g. US.13491208655302741918)',
	],
	[
		'an invite template named with capitals (By Name mode)',
		{
			resource: 'inviteLink',
			operation: 'send',
			...group,
			recipient: '+4915112345678',
			templateName: { __rl: true, mode: 'name', value: '={{ "Group Invite" }}' },
			languageCode: 'en',
		},
		'Invalid "Template" in item 0: "Group Invite" is not a template name (lowercase letters, digits and underscores)',
	],
	[
		'a business-scoped user ID of the wrong shape to remove',
		{
			resource: 'participant',
			operation: 'remove',
			...group,
			identifyBy: 'userId',
			participants: 'us.13491208655302741918',
		},
		'Invalid "Participants" in item 0: "us.13491208655302741918" is not a business-scoped user ID (a two-letter country code, a period and up to 128 letters and digits, e.g. US.13491208655302741918)',
	],
	[
		'a business-scoped user ID over 128 characters to remove',
		{
			resource: 'participant',
			operation: 'remove',
			...group,
			identifyBy: 'userId',
			participants: `US.${'a'.repeat(129)}`,
		},
		`Invalid "Participants" in item 0: "US.${'a'.repeat(129)}" is not a business-scoped user ID (a two-letter country code, a period and up to 128 letters and digits, e.g. US.13491208655302741918)`,
	],
	[
		'mark as read without message ID',
		{ resource: 'message', operation: 'markAsRead', phoneNumberId: PHONE_ID, messageId: ' ' },
		'Invalid "Message ID" in item 0: a message ID is required',
	],
	[
		'a "read" message to send',
		{ ...send, ...anyType, messageType: '={{ "read" }}' },
		'Invalid "Message Type" in item 0: "read" is not a message to send: marking a received message as read is its own operation',
	],
	[
		'an invite link position past the parameters',
		{
			resource: 'inviteLink',
			operation: 'send',
			...group,
			recipient: '+4915112345678',
			templateName: 'group_invite_link',
			languageCode: 'en',
			groupLinkPosition: 3,
		},
		'Invalid "Invite Link Position" in item 0: must be a whole number from 1 to 1 (got 3)',
	],
];

/** Counts every request that reaches the Graph API host, whatever its method and path. */
function countRequests(): { count: () => number } {
	let sent = 0;
	const scope = nock(GRAPH).persist();
	const reply = (): [number, object] => {
		sent++;
		return [500, {}];
	};
	scope.get(/.*/).reply(reply);
	scope.post(/.*/).reply(reply);
	scope.delete(/.*/).reply(reply);
	return { count: () => sent };
}

describe('Validation: bad input is refused before anything is sent', () => {
	useNock();

	it.each(invalid)('refuses %s', async (_label, parameters, message) => {
		const requests = countRequests();
		const result = await run(parameters);
		expect(result.error?.message).toBe(message);
		expect(requests.count()).toBe(0);
	});

	it('names the failing item and sends nothing for any item when one item is invalid', async () => {
		const requests = countRequests();
		const result = await run({ ...send, messageType: 'text', text: '={{ $json.text }}' }, [
			{ text: 'fine' },
			{ text: 'also fine' },
			{ text: '' },
		]);
		expect(result.error?.message).toBe('Invalid "Text" in item 2: the message text is empty');
		expect(requests.count()).toBe(0);
	});

	it('with Continue On Fail, sends the valid items and reports the invalid one in place', async () => {
		const scope = graph()
			.post(`/v26.0/${PHONE_ID}/messages`, (body) => body.text?.body === 'fine')
			.reply(200, { messaging_product: 'whatsapp', messages: [{ id: 'wamid.OK' }] });
		const result = await run(
			{ ...send, messageType: 'text', text: '={{ $json.text }}' },
			[{ text: '' }, { text: 'fine' }],
			true,
		);
		expect(rows(result)).toEqual([
			{
				json: {
					error: 'Invalid "Text" in item 0: the message text is empty',
					description: 'Nothing was sent for item 0.',
				},
				item: 0,
			},
			{ json: { groupId: GROUP_ID, messageId: 'wamid.OK', type: 'text' }, item: 1 },
		]);
		scope.done();
	});
});
