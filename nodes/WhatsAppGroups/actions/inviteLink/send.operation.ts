import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { callGraph } from '../../../shared/transport';
import type { SendMessageRequest, SendMessageResponse } from '../../../shared/types';
import {
	groupLocatorField,
	optionsCollection,
	phoneNumberIdField,
	retryAmbiguousOption,
} from '../../descriptions/common';
import { DEFAULTS, RANGES } from '../../helpers/defaults';
import { compact } from '../../helpers/output';
import {
	getGroupId,
	getPhoneNumberId,
	getRequestTimeoutMs,
	readNumber,
	readRetryAmbiguous,
} from '../../helpers/parameters';
import {
	invalidInput,
	isBusinessScopedUserId,
	validateLanguageCode,
	validateTemplateName,
	textOf,
} from '../../helpers/validation';
import type { ItemOperation, RequestPlan } from '../types';

// Plain names: n8n's linter reads `default: DEFAULTS.x` as a missing default.
const { inviteLinkPosition } = DEFAULTS;

const properties: INodeProperties[] = [
	phoneNumberIdField,
	groupLocatorField,
	{
		displayName: 'Recipient',
		name: 'recipient',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. +4915112345678 or US.13491208655302741918',
		description:
			"The WhatsApp user to invite: a phone number with country code, or a business-scoped user ID (a join request's userId, for someone who hides their number). The invite goes to this person, not into the group.",
	},
	{
		displayName: 'Template',
		name: 'templateName',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description:
			"One of the account's approved templates: the group invite link template copied unmodified from the Template Library (category utility)",
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select an approved template...',
				typeOptions: { searchListMethod: 'searchApprovedTemplates', searchable: true },
			},
			{
				displayName: 'By Name',
				name: 'name',
				type: 'string',
				placeholder: 'e.g. group_invite_link',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: '^[a-z0-9_]{1,512}$',
							errorMessage: 'A template name has only lowercase letters, digits and underscores',
						},
					},
				],
			},
		],
	},
	{
		displayName: 'Language Code',
		name: 'languageCode',
		type: 'string',
		default: 'en',
		required: true,
		placeholder: 'e.g. en_US',
		description:
			"The language code the template was approved in (the list shows each template's languages)",
	},
	{
		displayName: 'Body Parameters',
		name: 'bodyParameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Parameter',
		default: {},
		description:
			"Text values for the template's other body variables, in order. The group invite link parameter is added by the node.",
		options: [
			{
				displayName: 'Parameter',
				name: 'parameter',
				values: [
					{
						displayName: 'Text',
						name: 'text',
						type: 'string',
						default: '',
					},
				],
			},
		],
	},
	{
		displayName: 'Invite Link Position',
		name: 'groupLinkPosition',
		type: 'number',
		typeOptions: { minValue: RANGES.inviteLinkPosition.min },
		default: inviteLinkPosition,
		description:
			'Which body variable ({{1}}, {{2}}, …) of the template is the group invite link; the text parameters fill the others in order',
	},
	optionsCollection([retryAmbiguousOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['inviteLink'], operation: ['send'] } },
	properties,
);

interface SendInvitePlan extends RequestPlan {
	/** Undefined with 360dialog (the key's own number). */
	phoneNumberId: string | undefined;
	groupId: string;
	body: SendMessageRequest;
	retryAmbiguous: boolean;
}

/** Digits only, as the Cloud API expects; refuses anything that is neither a phone number nor a BSUID. */
export function normalizePhoneNumber(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
): string {
	const raw = textOf(context, itemIndex, field, value).trim();
	const digits = raw
		.replace(/[\s().-]/g, '')
		.replace(/^\+/, '')
		.replace(/^00/, '');
	if (!/^\d{6,15}$/.test(digits)) {
		throw invalidInput(
			context,
			itemIndex,
			field,
			`"${raw}" is neither a phone number with country code (6–15 digits, e.g. +4915112345678) nor a business-scoped user ID (e.g. US.13491208655302741918)`,
		);
	}
	return digits;
}

export const send: ItemOperation<SendInvitePlan> = {
	mode: 'item',
	description,
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<SendInvitePlan> {
		const phoneNumberId = getPhoneNumberId(this, itemIndex);
		const groupId = getGroupId(this, itemIndex);
		const rawRecipient = textOf(
			this,
			itemIndex,
			'Recipient',
			this.getNodeParameter('recipient', itemIndex, ''),
		).trim();
		// A BSUID goes as `recipient`, a phone number as `to`; never both (Meta would take `to`).
		const address = isBusinessScopedUserId(rawRecipient)
			? { recipient: rawRecipient }
			: { to: normalizePhoneNumber(this, itemIndex, 'Recipient', rawRecipient) };
		const templateName = validateTemplateName(
			this,
			itemIndex,
			this.getNodeParameter('templateName', itemIndex, '', { extractValue: true }),
			'Template',
		);
		const languageCode = validateLanguageCode(
			this,
			itemIndex,
			this.getNodeParameter('languageCode', itemIndex, ''),
		);
		const collection = this.getNodeParameter('bodyParameters', itemIndex, {}) as unknown;
		const entries =
			collection !== null && typeof collection === 'object'
				? (collection as { parameter?: unknown }).parameter
				: collection;
		if (entries !== undefined && entries !== null && entries !== '' && !Array.isArray(entries)) {
			throw invalidInput(
				this,
				itemIndex,
				'Body Parameters',
				'must be a list of text parameters, each with a Text',
			);
		}
		const texts = ((entries ?? []) as unknown[]).map((entry) =>
			textOf(
				this,
				itemIndex,
				'Body Parameters',
				entry !== null && typeof entry === 'object' ? (entry as { text?: unknown }).text : entry,
			),
		);
		const position = readNumber(
			this,
			itemIndex,
			'inviteLinkPosition',
			this.getNodeParameter('groupLinkPosition', itemIndex, DEFAULTS.inviteLinkPosition),
			texts.length + 1,
		);
		const parameters: IDataObject[] = texts.map((text) => ({ type: 'text', text }));
		parameters.splice(position - 1, 0, { type: 'group_id', group_id: groupId });
		const body: SendMessageRequest = {
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			...address,
			type: 'template',
			template: {
				name: templateName,
				language: { code: languageCode },
				components: [{ type: 'body', parameters }],
			},
		};
		return {
			phoneNumberId,
			groupId,
			body,
			retryAmbiguous: readRetryAmbiguous(this, itemIndex),
			timeoutMs: getRequestTimeoutMs(this, itemIndex),
		};
	},
	async execute(
		this: IExecuteFunctions,
		plan: SendInvitePlan,
		itemIndex: number,
	): Promise<IDataObject[]> {
		const response = await callGraph<SendMessageResponse>(this, {
			method: 'POST',
			endpoint: 'messages',
			ids: { phoneNumberId: plan.phoneNumberId },
			body: plan.body as unknown as IDataObject,
			idempotent: false,
			retry: { retryAmbiguous: plan.retryAmbiguous },
			itemIndex,
			timeoutMs: plan.timeoutMs,
		});
		return [
			compact({
				groupId: plan.groupId,
				recipient: plan.body.to ?? plan.body.recipient,
				waId: response.contacts?.[0]?.wa_id,
				userId: response.contacts?.[0]?.user_id,
				messageId: response.messages?.[0]?.id,
				templateName: plan.body.template?.name,
			}),
		];
	},
};
