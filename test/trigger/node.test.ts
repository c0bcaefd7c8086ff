import type { INodeProperties } from 'n8n-workflow';

import { WhatsAppGroupsTrigger } from '../../nodes/WhatsAppGroupsTrigger/WhatsAppGroupsTrigger.node';
import { DEFAULT_EVENTS } from '../../nodes/WhatsAppGroupsTrigger/description';
import { fieldsForEvents } from '../../nodes/WhatsAppGroupsTrigger/setup';
import {
	STATUS_EVENTS,
	TRIGGER_EVENTS,
} from '../../nodes/WhatsAppGroupsTrigger/webhook/eventTypes';
import { phoneNumberIdField } from '../../nodes/shared/descriptions/phoneNumber';
import { getPhoneNumbers } from '../../nodes/shared/methods/phoneNumbers';
import codex from '../../nodes/WhatsAppGroupsTrigger/WhatsAppGroupsTrigger.node.json';
import packageJson from '../../package.json';

const node = new WhatsAppGroupsTrigger();
const property = (name: string) =>
	node.description.properties.find((entry) => entry.name === name) as INodeProperties;

describe('WhatsApp Groups Trigger description', () => {
	it('follows the trigger conventions', () => {
		expect(node.description.name).toBe('whatsAppGroupsTrigger');
		expect(node.description.displayName).toContain('Trigger');
		expect(node.description.inputs).toEqual([]);
		expect(node.description.group).toEqual(['trigger']);
		expect(node.description).not.toHaveProperty('usableAsTool');
		expect(Object.keys(node.webhookMethods.default).sort()).toEqual([
			'checkExists',
			'create',
			'delete',
		]);
		expect(
			node.description.webhooks?.map((webhook) => [webhook.name, webhook.httpMethod, webhook.path]),
		).toEqual([
			['setup', 'GET', 'webhook'],
			['default', 'POST', 'webhook'],
		]);
	});

	it('defaults to every group event and group messages, statuses off', () => {
		expect(property('events').default).toEqual(DEFAULT_EVENTS);
		expect(DEFAULT_EVENTS).toEqual(
			TRIGGER_EVENTS.filter((event) => !STATUS_EVENTS.includes(event)),
		);
		expect(
			property('events')
				.options?.map((option) => (option as { value: string }).value)
				.sort(),
		).toEqual([...TRIGGER_EVENTS].sort());
	});

	it('reuses the shared phone number field and its one loadOptions method', () => {
		const field = property('phoneNumberId');
		expect(field.type).toBe(phoneNumberIdField.type);
		expect(field.typeOptions).toEqual(phoneNumberIdField.typeOptions);
		// Hidden for 360dialog, whose API key belongs to one number.
		expect(field.displayOptions).toEqual({
			show: { authentication: ['cloudApi'], destination: ['phoneNumber'] },
		});
		expect(node.methods.loadOptions.getPhoneNumbers).toBe(getPhoneNumbers);
	});

	it('offers the Meta and the 360dialog credential, each for its Authentication', () => {
		expect(node.description.credentials).toEqual([
			{
				name: 'whatsAppGroupsApi',
				required: true,
				displayOptions: { show: { authentication: ['cloudApi'] } },
			},
			{
				name: 'whatsAppGroups360DialogApi',
				required: true,
				displayOptions: { show: { authentication: ['360dialog'] } },
			},
		]);
		expect(property('authentication').default).toBe('cloudApi');
	});

	it('defaults to the phone number destination and never replaces callbacks silently', () => {
		expect(property('destination').default).toBe('phoneNumber');
		expect(property('replaceExisting').default).toBe(false);
		expect(property('verifySignatures').default).toBe(true);
	});

	it('subscribes only the fields the selected events arrive on', () => {
		expect(fieldsForEvents(['message_received'])).toEqual(['messages']);
		expect(fieldsForEvents(['join_request_created', 'group_suspended'])).toEqual([
			'group_participants_update',
			'group_status_update',
		]);
		// A changed BSUID: the reference's user_id_update field and the system message on messages.
		expect(fieldsForEvents(['user_id_changed'])).toEqual(['messages', 'user_id_update']);
		// What the overrides require of the app: not user_id_update (Meta's dashboard may not offer it).
		expect(fieldsForEvents(['user_id_changed'], true)).toEqual(['messages']);
		expect(fieldsForEvents(['user_id_changed', 'group_deleted'], true)).toEqual([
			'group_lifecycle_update',
			'messages',
		]);
		expect(fieldsForEvents(['unknown'], true)).toEqual([
			'group_lifecycle_update',
			'group_participants_update',
			'group_settings_update',
			'group_status_update',
			'messages',
		]);
		expect(fieldsForEvents(['unknown'])).toEqual([
			'group_lifecycle_update',
			'group_participants_update',
			'group_settings_update',
			'group_status_update',
			'messages',
			'user_id_update',
		]);
	});

	it('is registered in package.json and has a codex file', () => {
		expect(packageJson.n8n.nodes).toContain(
			'dist/nodes/WhatsAppGroupsTrigger/WhatsAppGroupsTrigger.node.js',
		);
		expect(codex.node).toBe('n8n-nodes-whatsapp-groups.whatsAppGroupsTrigger');
	});
});
