import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { callGraph } from '../../../shared/transport';
import type { SuccessResponse, UpdateSettingsBody } from '../../../shared/types';
import {
	groupLocatorField,
	optionsCollection,
	phoneNumberIdField,
} from '../../descriptions/common';
import { detectImageFormat, readJpegSize } from '../../helpers/jpeg';
import { buildMultipartBody } from '../../helpers/multipart';
import { getGroupId, getRequestTimeoutMs } from '../../helpers/parameters';
import {
	invalidInput,
	LIMITS,
	validateDescription,
	validateSubject,
} from '../../helpers/validation';
import type { ItemOperation, RequestPlan } from '../types';

const properties: INodeProperties[] = [
	phoneNumberIdField,
	groupLocatorField,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				description: 'The new description, at most 2048 characters',
			},
			{
				displayName: 'Profile Picture (Binary Property)',
				name: 'pictureBinaryProperty',
				type: 'string',
				default: 'data',
				description:
					'Name of the input binary property holding the new picture: a square JPEG, at least 192×192 pixels, at most 5 MB',
			},
			{
				displayName: 'Subject',
				name: 'subject',
				type: 'string',
				default: '',
				description: 'The new group name, 1–128 characters',
			},
		],
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['group'], operation: ['update'] } },
	properties,
);

interface PicturePlan {
	data: Buffer;
	fileName: string;
}

interface UpdatePlan extends RequestPlan {
	groupId: string;
	settings?: UpdateSettingsBody;
	picture?: PicturePlan;
}

/** Mime types that honestly describe each format detectImageFormat() names. */
const FORMAT_MIME_TYPES: Record<string, string[]> = {
	PNG: ['image/png'],
	GIF: ['image/gif'],
	WebP: ['image/webp'],
	BMP: ['image/bmp', 'image/x-ms-bmp', 'image/x-bmp'],
	TIFF: ['image/tiff'],
	HEIC: ['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence'],
	AVIF: ['image/avif'],
	PDF: ['application/pdf'],
	SVG: ['image/svg+xml'],
};

/**
 * Why a picture is not a JPEG the node can read, from its bytes. The declared mime type is named
 * only where it says something else than the bytes.
 */
function notJpegProblem(propertyName: string, data: Buffer, mimeType: string | undefined): string {
	const format = detectImageFormat(data);
	const declared = (mimeType ?? '').split(';')[0].trim().toLowerCase();
	if (format === 'JPEG') {
		return `"${propertyName}" starts like a JPEG but has no readable frame header (damaged or cut short); use an intact JPEG`;
	}
	if (format) {
		const honest = !declared || (FORMAT_MIME_TYPES[format] ?? []).includes(declared);
		return `"${propertyName}" is a ${format} file${honest ? '' : `, although its mime type says ${declared}`}; only JPEG is accepted, so convert it to JPEG first`;
	}
	return `"${propertyName}" is not a JPEG image: its bytes are not a picture format the node knows${declared ? ` (its mime type says ${declared})` : ''}; only JPEG is accepted`;
}

async function readPicture(
	context: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
): Promise<PicturePlan> {
	const field = 'Profile Picture (Binary Property)';
	const binary = context.getInputData()[itemIndex]?.binary?.[propertyName];
	if (!binary) {
		throw invalidInput(
			context,
			itemIndex,
			field,
			`the item has no binary property "${propertyName}"`,
		);
	}
	const data = await context.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	if (data.length > LIMITS.pictureMaxBytes) {
		throw invalidInput(
			context,
			itemIndex,
			field,
			`the picture is ${(data.length / 1024 / 1024).toFixed(1)} MB; at most 5 MB is allowed`,
		);
	}
	const size = readJpegSize(data);
	if (!size) {
		throw invalidInput(
			context,
			itemIndex,
			field,
			notJpegProblem(propertyName, data, binary.mimeType),
		);
	}
	if (size.width !== size.height) {
		throw invalidInput(
			context,
			itemIndex,
			field,
			`the picture must be square (it is ${size.width}×${size.height})`,
		);
	}
	if (size.width < LIMITS.pictureMinSide) {
		throw invalidInput(
			context,
			itemIndex,
			field,
			`the picture must be at least ${LIMITS.pictureMinSide}×${LIMITS.pictureMinSide} pixels (it is ${size.width}×${size.height})`,
		);
	}
	return { data, fileName: binary.fileName || 'profile.jpg' };
}

export const update: ItemOperation<UpdatePlan> = {
	mode: 'item',
	description,
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<UpdatePlan> {
		const groupId = getGroupId(this, itemIndex);
		const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
		const plan: UpdatePlan = { groupId, timeoutMs: getRequestTimeoutMs(this, itemIndex) };
		const settings: UpdateSettingsBody = { messaging_product: 'whatsapp' };
		if (fields.subject !== undefined)
			settings.subject = validateSubject(this, itemIndex, fields.subject);
		if (fields.description !== undefined) {
			settings.description = validateDescription(this, itemIndex, fields.description);
		}
		if (settings.subject !== undefined || settings.description !== undefined)
			plan.settings = settings;
		if (fields.pictureBinaryProperty !== undefined) {
			const propertyName = String(fields.pictureBinaryProperty).trim();
			if (!propertyName) {
				throw invalidInput(
					this,
					itemIndex,
					'Profile Picture (Binary Property)',
					'name the binary property that holds the picture',
				);
			}
			plan.picture = await readPicture(this, itemIndex, propertyName);
		}
		if (!plan.settings && !plan.picture) {
			throw invalidInput(
				this,
				itemIndex,
				'Update Fields',
				'add at least one of Subject, Description or Profile Picture',
			);
		}
		return plan;
	},
	async execute(
		this: IExecuteFunctions,
		plan: UpdatePlan,
		itemIndex: number,
	): Promise<IDataObject[]> {
		const path = `/${encodeURIComponent(plan.groupId)}`;
		const updated: string[] = [];
		if (plan.settings) {
			await callGraph<SuccessResponse>(this, {
				method: 'POST',
				path,
				body: plan.settings as unknown as IDataObject,
				idempotent: true,
				itemIndex,
				timeoutMs: plan.timeoutMs,
			});
			if (plan.settings.subject !== undefined) updated.push('subject');
			if (plan.settings.description !== undefined) updated.push('description');
		}
		if (plan.picture) {
			const multipart = buildMultipartBody(
				{ messaging_product: 'whatsapp' },
				{
					fieldName: 'file',
					fileName: plan.picture.fileName,
					contentType: 'image/jpeg',
					data: plan.picture.data,
				},
			);
			await callGraph<SuccessResponse>(this, {
				method: 'POST',
				path,
				body: multipart.body,
				headers: { 'Content-Type': multipart.contentType },
				idempotent: true,
				itemIndex,
				timeoutMs: plan.timeoutMs,
			});
			updated.push('profilePicture');
		}
		// Meta confirms each part asynchronously with a group_settings_update webhook.
		return [
			{
				groupId: plan.groupId,
				updated,
				...(plan.settings?.subject !== undefined ? { subject: plan.settings.subject } : {}),
				...(plan.settings?.description !== undefined
					? { description: plan.settings.description }
					: {}),
			},
		];
	},
};
