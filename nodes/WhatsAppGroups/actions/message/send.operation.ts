import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { jsonParse, updateDisplayOptions } from 'n8n-workflow';

import type { MediaObject, SendMessageRequest } from '../../../shared/types';
import {
	groupLocatorField,
	optionsCollection,
	phoneNumberIdField,
	retryAmbiguousOption,
} from '../../descriptions/common';
import {
	getGroupId,
	getPhoneNumberId,
	getRequestTimeoutMs,
	readRetryAmbiguous,
	readChoice,
} from '../../helpers/parameters';
import {
	characterCount,
	invalidInput,
	LIMITS,
	validateLanguageCode,
	validateTemplateName,
	textOf,
} from '../../helpers/validation';
import type { ItemOperation } from '../types';
import type { GroupMessagePlan } from './shared';
import { sendGroupMessage } from './shared';

const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
type MediaType = (typeof MEDIA_TYPES)[number];
const SUPPORTED_TYPES = ['text', ...MEDIA_TYPES, 'template'] as const;
type SupportedType = (typeof SUPPORTED_TYPES)[number];
const CAPTIONED: MediaType[] = ['image', 'video', 'document'];

/** Types the Cloud API knows but groups refuse, with the reason the user is shown. */
export const UNSUPPORTED_IN_GROUPS: Record<string, string> = {
	interactive: 'interactive messages (buttons, lists, flows) cannot be sent to groups',
	button: 'interactive messages (buttons) cannot be sent to groups',
	list: 'interactive messages (lists) cannot be sent to groups',
	flow: 'WhatsApp Flows are interactive messages, which groups do not support',
	product: 'commerce messages cannot be sent to groups',
	product_list: 'commerce messages cannot be sent to groups',
	catalog_message: 'commerce messages cannot be sent to groups',
	order_details: 'commerce messages cannot be sent to groups',
	authentication: 'authentication templates cannot be sent to groups',
	view_once: 'view-once media is not available in groups',
	reaction:
		'reactions are not among the message types groups support (text, media and text- or media-based templates)',
	location:
		'location messages are not among the message types groups support (text, media and text- or media-based templates)',
	contacts:
		'contact cards are not among the message types groups support (text, media and text- or media-based templates)',
	call_permission_request: 'calling is not available in groups',
	voice_call: 'calling is not available in groups',
	edit: 'messages cannot be edited in groups',
	revoke: 'messages cannot be deleted in groups',
};

const mediaTypes = { show: { messageType: [...MEDIA_TYPES] } };

const properties: INodeProperties[] = [
	phoneNumberIdField,
	groupLocatorField,
	{
		displayName: 'Message Type',
		name: 'messageType',
		type: 'options',
		options: [
			{ name: 'Audio', value: 'audio' },
			{ name: 'Document', value: 'document' },
			{ name: 'Image', value: 'image' },
			{ name: 'Sticker', value: 'sticker' },
			{
				name: 'Template',
				value: 'template',
				description:
					'A text- or media-based template (authentication templates are not allowed in groups)',
			},
			{ name: 'Text', value: 'text' },
			{ name: 'Video', value: 'video' },
		],
		default: 'text',
		description:
			'What to send. Groups do not accept interactive, commerce, authentication, location, contact or view-once messages.',
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description: 'The message text, up to 4096 characters',
		displayOptions: { show: { messageType: ['text'] } },
	},
	{
		displayName: 'Show Link Preview',
		name: 'previewUrl',
		type: 'boolean',
		default: false,
		description: 'Whether WhatsApp shows a preview of the first link in the text',
		displayOptions: { show: { messageType: ['text'] } },
	},
	{
		displayName: 'Media Source',
		name: 'mediaSource',
		type: 'options',
		options: [
			{
				name: 'Uploaded Media ID',
				value: 'id',
				description: 'The ID of media uploaded to the Cloud API',
			},
			{
				name: 'Public Link',
				value: 'link',
				description: 'An HTTPS URL Meta downloads the media from',
			},
		],
		default: 'id',
		displayOptions: mediaTypes,
	},
	{
		displayName: 'Media ID',
		name: 'mediaId',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { messageType: [...MEDIA_TYPES], mediaSource: ['id'] } },
	},
	{
		displayName: 'Media Link',
		name: 'mediaLink',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/picture.jpg',
		displayOptions: { show: { messageType: [...MEDIA_TYPES], mediaSource: ['link'] } },
	},
	{
		displayName: 'Caption',
		name: 'caption',
		type: 'string',
		default: '',
		description: 'Text shown under the image, video or document',
		displayOptions: { show: { messageType: CAPTIONED } },
	},
	{
		displayName: 'File Name',
		name: 'filename',
		type: 'string',
		default: '',
		description: "The document's file name as shown to participants",
		displayOptions: { show: { messageType: ['document'] } },
	},
	{
		displayName: 'Template Name',
		name: 'templateName',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { messageType: ['template'] } },
	},
	{
		displayName: 'Language Code',
		name: 'languageCode',
		type: 'string',
		default: 'en_US',
		required: true,
		displayOptions: { show: { messageType: ['template'] } },
	},
	{
		displayName: 'Components (JSON)',
		name: 'components',
		type: 'json',
		default: '[]',
		description:
			"The template's components with their parameters, as in the Cloud API (header, body, buttons)",
		displayOptions: { show: { messageType: ['template'] } },
	},
	optionsCollection([retryAmbiguousOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['send'] } },
	properties,
);

interface SendPlan extends GroupMessagePlan {
	retryAmbiguous: boolean;
}

function buildMedia(context: IExecuteFunctions, itemIndex: number, type: MediaType): MediaObject {
	const source = readChoice(
		context,
		itemIndex,
		'Media Source',
		context.getNodeParameter('mediaSource', itemIndex, 'id'),
		['id', 'link'] as const,
		'id',
	);
	const media: MediaObject = {};
	if (source === 'link') {
		const link = textOf(
			context,
			itemIndex,
			'Media Link',
			context.getNodeParameter('mediaLink', itemIndex, ''),
		).trim();
		if (!/^https?:\/\/\S+$/i.test(link)) {
			throw invalidInput(context, itemIndex, 'Media Link', `"${link}" is not an http(s) URL`);
		}
		media.link = link;
	} else {
		const id = textOf(
			context,
			itemIndex,
			'Media ID',
			context.getNodeParameter('mediaId', itemIndex, ''),
		).trim();
		if (!id) throw invalidInput(context, itemIndex, 'Media ID', 'a media ID is required');
		media.id = id;
	}
	if (CAPTIONED.includes(type)) {
		const caption = textOf(
			context,
			itemIndex,
			'Caption',
			context.getNodeParameter('caption', itemIndex, ''),
		);
		if (characterCount(caption) > LIMITS.captionMaxLength) {
			throw invalidInput(
				context,
				itemIndex,
				'Caption',
				`must be at most ${LIMITS.captionMaxLength} characters (got ${characterCount(caption)})`,
			);
		}
		if (caption) media.caption = caption;
	}
	if (type === 'document') {
		const filename = textOf(
			context,
			itemIndex,
			'File Name',
			context.getNodeParameter('filename', itemIndex, ''),
		).trim();
		if (filename) media.filename = filename;
	}
	return media;
}

export const send: ItemOperation<SendPlan> = {
	mode: 'item',
	description,
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<SendPlan> {
		const phoneNumberId = getPhoneNumberId(this, itemIndex);
		const groupId = getGroupId(this, itemIndex);
		const type = textOf(
			this,
			itemIndex,
			'Message Type',
			this.getNodeParameter('messageType', itemIndex, 'text'),
		).trim();
		if (type === 'read') {
			throw invalidInput(
				this,
				itemIndex,
				'Message Type',
				'"read" is not a message to send: marking a received message as read is its own operation',
				'Use Message > Mark as Read with the ID of the message to mark.',
			);
		}
		if (Object.prototype.hasOwnProperty.call(UNSUPPORTED_IN_GROUPS, type)) {
			throw invalidInput(
				this,
				itemIndex,
				'Message Type',
				`"${type}" cannot be sent to a group: ${UNSUPPORTED_IN_GROUPS[type]}`,
				'Groups accept text, image, video, audio, document, sticker and text- or media-based template messages.',
			);
		}
		if (!(SUPPORTED_TYPES as readonly string[]).includes(type)) {
			throw invalidInput(
				this,
				itemIndex,
				'Message Type',
				`"${type}" is not a message type; use one of ${SUPPORTED_TYPES.join(', ')}`,
			);
		}
		const body: SendMessageRequest = {
			messaging_product: 'whatsapp',
			recipient_type: 'group',
			to: groupId,
			type: type as SupportedType,
		};
		if (type === 'text') {
			const text = textOf(this, itemIndex, 'Text', this.getNodeParameter('text', itemIndex, ''));
			if (text.trim().length === 0)
				throw invalidInput(this, itemIndex, 'Text', 'the message text is empty');
			if (characterCount(text) > LIMITS.textMaxLength) {
				throw invalidInput(
					this,
					itemIndex,
					'Text',
					`must be at most ${LIMITS.textMaxLength} characters (got ${characterCount(text)})`,
				);
			}
			body.text = {
				body: text,
				preview_url: this.getNodeParameter('previewUrl', itemIndex, false) as boolean,
			};
		} else if (type === 'template') {
			const name = validateTemplateName(
				this,
				itemIndex,
				this.getNodeParameter('templateName', itemIndex, ''),
			);
			const code = validateLanguageCode(
				this,
				itemIndex,
				this.getNodeParameter('languageCode', itemIndex, ''),
			);
			const raw = this.getNodeParameter('components', itemIndex, '[]') as unknown;
			let components: unknown;
			try {
				components = typeof raw === 'string' ? jsonParse(raw || '[]') : raw;
			} catch {
				throw invalidInput(this, itemIndex, 'Components (JSON)', 'is not valid JSON');
			}
			if (
				!Array.isArray(components) ||
				components.some((entry) => !entry || typeof entry !== 'object')
			) {
				throw invalidInput(
					this,
					itemIndex,
					'Components (JSON)',
					'must be a JSON array of component objects',
				);
			}
			body.template = {
				name,
				language: { code },
				...(components.length ? { components: components as IDataObject[] } : {}),
			};
		} else {
			body[type as MediaType] = buildMedia(this, itemIndex, type as MediaType);
		}
		return {
			phoneNumberId,
			body,
			retryAmbiguous: readRetryAmbiguous(this, itemIndex),
			timeoutMs: getRequestTimeoutMs(this, itemIndex),
		};
	},
	async execute(
		this: IExecuteFunctions,
		plan: SendPlan,
		itemIndex: number,
	): Promise<IDataObject[]> {
		return [await sendGroupMessage(this, plan, itemIndex, { retryAmbiguous: plan.retryAmbiguous })];
	},
};
