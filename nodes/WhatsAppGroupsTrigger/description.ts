import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { authenticationField } from '../shared/descriptions/authentication';
import { phoneNumberIdField } from '../shared/descriptions/phoneNumber';
import { MANUAL_TOKEN_MIN_LENGTH } from './destinations/manual';
import { D360_TOKEN_HEADER } from './webhook/verifyToken';
import type { TriggerEventName } from './webhook/eventTypes';
import { STATUS_EVENTS, TRIGGER_EVENTS } from './webhook/eventTypes';

const EVENT_OPTIONS: Record<TriggerEventName, { name: string; description: string }> = {
	group_created: {
		name: 'Group Created',
		description: 'A group the business asked for exists, with its invite link',
	},
	group_create_failed: {
		name: 'Group Create Failed',
		description: 'Meta could not create a requested group',
	},
	group_deleted: { name: 'Group Deleted', description: 'A group was deleted' },
	group_delete_failed: {
		name: 'Group Delete Failed',
		description: 'Meta could not delete a group',
	},
	participants_joined: {
		name: 'Participants Joined',
		description: 'Users joined through the invite link or an approved join request',
	},
	participants_removed: {
		name: 'Participants Removed',
		description: 'The business removed participants (failures of a partial removal included)',
	},
	participants_remove_failed: {
		name: 'Participants Remove Failed',
		description: 'A removal by the business failed for every participant',
	},
	participant_left: { name: 'Participant Left', description: 'A participant left the group' },
	join_request_created: {
		name: 'Join Request Created',
		description: 'A user asked to join a group that requires approval',
	},
	join_request_revoked: {
		name: 'Join Request Revoked',
		description: 'A user withdrew their join request',
	},
	settings_updated: {
		name: 'Settings Updated',
		description:
			'Subject, description or picture changed (failed parts of a partial update included)',
	},
	settings_update_failed: {
		name: 'Settings Update Failed',
		description: 'No part of a settings update succeeded',
	},
	group_suspended: { name: 'Group Suspended', description: 'WhatsApp suspended a group' },
	group_suspension_cleared: {
		name: 'Group Suspension Cleared',
		description: 'WhatsApp lifted a suspension',
	},
	message_received: {
		name: 'Message Received',
		description: 'A participant sent a message to a group',
	},
	message_sent: { name: 'Message Sent', description: 'Status: a group message was sent' },
	message_delivered: {
		name: 'Message Delivered',
		description: 'Status: a group message reached a participant (one item per participant)',
	},
	message_read: {
		name: 'Message Read',
		description: 'Status: a participant read a group message (one item per participant)',
	},
	message_failed: {
		name: 'Message Failed',
		description: 'Status: a group message could not be delivered',
	},
	user_id_changed: {
		name: 'User ID Changed',
		description:
			"A user's business-scoped user ID changed (previous and new ID): re-key what you stored by user ID",
	},
	unknown: {
		name: 'Unknown',
		description: 'Anything Meta sends that this version does not recognise, with the raw change',
	},
};

/** Default: every group event and group messages; the status flood only when asked for. */
export const DEFAULT_EVENTS: TriggerEventName[] = TRIGGER_EVENTS.filter(
	(event) => !STATUS_EVENTS.includes(event),
);

const eventOptions: INodePropertyOptions[] = TRIGGER_EVENTS.map((event) => ({
	name: EVENT_OPTIONS[event].name,
	value: event,
	description: EVENT_OPTIONS[event].description,
})).sort((a, b) => a.name.localeCompare(b.name));

const META = { authentication: ['cloudApi'] };
const D360 = { authentication: ['360dialog'] };

export const triggerProperties: INodeProperties[] = [
	authenticationField,
	{
		displayName: 'Webhook Destination',
		name: 'destination',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: META },
		options: [
			{
				name: 'App (Whole Meta App)',
				value: 'app',
				description:
					"The app's one callback URL, with the group fields subscribed. Refuses to replace another callback unless allowed.",
			},
			{
				name: 'Business Account',
				value: 'businessAccount',
				description:
					"Override the callback of the credential's WhatsApp Business Account (also subscribes the app to it)",
			},
			{
				name: 'Manual',
				value: 'manual',
				description:
					"Register nothing: paste the URL and the verify token into Meta's dashboard yourself",
			},
			{
				name: 'Phone Number',
				value: 'phoneNumber',
				description:
					"Override the callback of one business phone number; the app's own callback stays untouched",
			},
		],
		default: 'phoneNumber',
		description: 'Where Meta is told to send the events when the workflow is activated',
	},
	{
		displayName: 'Webhook Destination',
		name: 'destination',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: D360 },
		options: [
			{
				name: 'Manual',
				value: 'manual',
				description: `Register nothing: set the URL and the ${D360_TOKEN_HEADER} header in the 360dialog Hub yourself`,
			},
			{
				name: 'Phone Number (360dialog Webhook)',
				value: 'phoneNumber',
				description:
					"Set the number's one 360dialog webhook to this trigger, with a secret header every delivery must carry",
			},
		],
		default: 'phoneNumber',
		description:
			"Where 360dialog is told to send the events of the API key's number when the workflow is activated",
	},
	{
		...phoneNumberIdField,
		description:
			'The business phone number whose events this trigger receives. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { ...META, destination: ['phoneNumber'] } },
	},
	{
		displayName: `The number's one 360dialog webhook is set to this node's Production URL, with a ${D360_TOKEN_HEADER} header whose value is derived from the API key; deliveries without it get 401. 360dialog has no way to remove a webhook: deactivating gives back the URL this trigger replaced, or leaves this one.`,
		name: 'd360Notice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...D360, destination: ['phoneNumber'] } },
	},
	{
		displayName:
			"This trigger registers nothing. In Meta's App Dashboard > WhatsApp > Configuration, set the Callback URL to this node's Production URL (under Webhook URLs above) and the Verify Token to the value below, then subscribe the fields group_lifecycle_update, group_participants_update, group_settings_update, group_status_update and messages (and user_id_update where the dashboard offers it).",
		name: 'manualNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...META, destination: ['manual'] } },
	},
	{
		displayName: 'Verify Token',
		name: 'manualVerifyToken',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		description: `The token Meta sends back when it verifies the URL: a random string of at least ${MANUAL_TOKEN_MIN_LENGTH} characters, pasted unchanged into Meta's dashboard`,
		displayOptions: { show: { ...META, destination: ['manual'] } },
	},
	{
		displayName: `This trigger registers nothing. In the 360dialog Hub, set the number's webhook URL to this node's Production URL (under Webhook URLs above) and add the header ${D360_TOKEN_HEADER} with the value below.`,
		name: 'd360ManualNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...D360, destination: ['manual'] } },
	},
	{
		displayName: 'Header Value',
		name: 'manualVerifyToken',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		description: `The value of the ${D360_TOKEN_HEADER} header every delivery must carry: a random string of at least ${MANUAL_TOKEN_MIN_LENGTH} letters, digits and hyphens, set unchanged as that header in the 360dialog Hub`,
		displayOptions: { show: { ...D360, destination: ['manual'] } },
	},
	{
		displayName: 'Replace Existing Callback',
		name: 'replaceExisting',
		type: 'boolean',
		default: false,
		description:
			'Whether to take over a callback URL that belongs to something else. Off: activation stops and says which URL is there.',
		displayOptions: { show: { destination: ['phoneNumber', 'businessAccount', 'app'] } },
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: eventOptions,
		// Literal for n8n's linter; a test checks it equals DEFAULT_EVENTS.
		default: [
			'group_created',
			'group_create_failed',
			'group_deleted',
			'group_delete_failed',
			'participants_joined',
			'participants_removed',
			'participants_remove_failed',
			'participant_left',
			'join_request_created',
			'join_request_revoked',
			'settings_updated',
			'settings_update_failed',
			'group_suspended',
			'group_suspension_cleared',
			'message_received',
			'user_id_changed',
			'unknown',
		],
		description:
			'Which events start the workflow. Message statuses are off by default: every group message produces one per participant.',
	},
	{
		displayName: 'Verify Signatures',
		name: 'verifySignatures',
		type: 'boolean',
		default: true,
		displayOptions: { show: META },
		description:
			"Whether to accept only deliveries signed with the credential's App Secret (X-Hub-Signature-256). Others get 401 and start nothing.",
	},
	{
		displayName:
			'Without signature checks anyone who knows the URL can start this workflow with forged events. Turn this off only for local experiments.',
		name: 'verifySignaturesNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...META, verifySignatures: [false] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Group IDs',
				name: 'groupIds',
				type: 'string',
				default: '',
				placeholder: 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD',
				description: 'Only events of these groups (comma-separated). Empty: every group.',
			},
			{
				displayName: 'Ignore Redeliveries',
				name: 'ignoreRedeliveries',
				type: 'boolean',
				default: true,
				description:
					"Whether each run leaves out events an earlier run already took in (Meta retries deliveries). The run's first step checks and records the newest 1,000 events in n8n's deduplication store (as Remove Duplicates does); a redelivery still starts a short run that ends here with no items. Meta always gets its 200 from n8n once it has accepted the run.",
			},
			{
				displayName: 'Include One-to-One Traffic',
				name: 'includeOneToOne',
				type: 'boolean',
				default: false,
				description:
					'Whether messages and statuses that are not about a group also start the workflow (their Group ID is empty)',
			},
			{
				displayName: 'Include Raw Object',
				name: 'includeRaw',
				type: 'boolean',
				default: false,
				description: "Whether to add Meta's original object to each item, under raw",
			},
			{
				displayName: 'Phone Number IDs',
				name: 'phoneNumberIds',
				type: 'string',
				default: '',
				description:
					'Only events of these business phone numbers (comma-separated IDs). Useful with the Business Account and App destinations. Empty: every number.',
			},
		],
	},
];
