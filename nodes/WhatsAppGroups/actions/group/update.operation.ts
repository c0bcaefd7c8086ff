import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { callGraph, shownValue } from '../../../shared/transport';
import type { SuccessResponse, UpdateSettingsBody } from '../../../shared/types';
import {
	groupLocatorField,
	optionsCollection,
	phoneNumberIdField,
} from '../../descriptions/common';
import { detectImageFormat, readJpegSize } from '../../helpers/jpeg';
import { buildMultipartBody } from '../../helpers/multipart';
import { readGroupBack, triggerHint } from '../../helpers/confirmation';
import type { OutcomeStatus } from '../../helpers/confirmation';
import { compact } from '../../helpers/output';
import { getGroupId, getOptions, getRequestTimeoutMs } from '../../helpers/parameters';
import {
	invalidInput,
	LIMITS,
	validateDescription,
	validateSubject,
	textOf,
} from '../../helpers/validation';
import { WAIT_FOR_CONFIRMATION, pollUntil, readWaitPlan, waitOptions } from '../../helpers/waiting';
import type { WaitPlan } from '../../helpers/waiting';
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
	optionsCollection(
		waitOptions(
			{
				...WAIT_FOR_CONFIRMATION,
				description:
					"Whether to read the group back until the subject and description are the ones set. Meta applies settings after it answers and reports the outcome only by webhook; without this every setting is 'requested'. The profile picture cannot be read back, so it stays 'unconfirmed'.",
			},
			{
				timeout: "How long to read the group back before reporting a setting as 'unconfirmed'",
				pollInterval: "How often to read the group's subject and description",
			},
		),
	),
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
	/** Set when the item waits for confirmation. */
	wait?: WaitPlan;
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

type SettingName = 'subject' | 'description' | 'profilePicture';

const PICTURE_NOTE = `Meta's API does not return a group's profile picture, so it cannot be read back; ${triggerHint('settings_updated / settings_update_failed')}.`;

async function readPicture(
	context: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
): Promise<PicturePlan> {
	const field = 'Profile Picture (Binary Property)';
	const binaries = context.getInputData()[itemIndex]?.binary;
	// Own properties only: "__proto__" or "constructor" must not find the object's prototype.
	const binary =
		binaries && Object.prototype.hasOwnProperty.call(binaries, propertyName)
			? binaries[propertyName]
			: undefined;
	if (!binary || typeof binary !== 'object') {
		throw invalidInput(
			context,
			itemIndex,
			field,
			`the item has no binary property ${shownValue(propertyName)}`,
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
		const plan: UpdatePlan = {
			groupId,
			timeoutMs: getRequestTimeoutMs(this, itemIndex),
			wait: readWaitPlan(this, itemIndex, getOptions(this, itemIndex), WAIT_FOR_CONFIRMATION),
		};
		const settings: UpdateSettingsBody = { messaging_product: 'whatsapp' };
		if (fields.subject !== undefined)
			settings.subject = validateSubject(this, itemIndex, fields.subject);
		if (fields.description !== undefined) {
			settings.description = validateDescription(this, itemIndex, fields.description);
		}
		if (settings.subject !== undefined || settings.description !== undefined)
			plan.settings = settings;
		if (fields.pictureBinaryProperty !== undefined) {
			const propertyName = textOf(
				this,
				itemIndex,
				'Profile Picture (Binary Property)',
				fields.pictureBinaryProperty,
			).trim();
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
		const target = { endpoint: 'group', ids: { groupId: plan.groupId } } as const;
		const settings: Partial<Record<SettingName, OutcomeStatus>> = {};
		let requestId: string | undefined;
		if (plan.settings) {
			const response = await callGraph<SuccessResponse>(this, {
				method: 'POST',
				...target,
				body: plan.settings as unknown as IDataObject,
				idempotent: true,
				itemIndex,
				timeoutMs: plan.timeoutMs,
			});
			requestId = response.request_id;
			if (plan.settings.subject !== undefined) settings.subject = 'requested';
			if (plan.settings.description !== undefined) settings.description = 'requested';
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
			const response = await callGraph<SuccessResponse>(this, {
				method: 'POST',
				...target,
				body: multipart.body,
				headers: { 'Content-Type': multipart.contentType },
				idempotent: true,
				itemIndex,
				timeoutMs: plan.timeoutMs,
			});
			requestId ??= response.request_id;
			settings.profilePicture = 'requested';
		}
		// Meta applies each part later and reports it only by a group_settings_update webhook.
		const result: IDataObject = compact({
			groupId: plan.groupId,
			status: 'requested',
			requestId,
			subject: plan.settings?.subject,
			description: plan.settings?.description,
		});
		if (!plan.wait) return [{ ...result, settings }];
		return [await confirmSettings(this, plan, plan.wait, result, settings, itemIndex)];
	},
};

/**
 * *Wait for Confirmation*: reads subject and description back until both are what was set, or
 * the wait ends. The picture cannot be read back: it stays `unconfirmed` with a note saying so.
 * The item's status is `confirmed` only when every setting is.
 */
async function confirmSettings(
	context: IExecuteFunctions,
	plan: UpdatePlan,
	wait: WaitPlan,
	result: IDataObject,
	requested: Partial<Record<SettingName, OutcomeStatus>>,
	itemIndex: number,
): Promise<IDataObject> {
	const expected: Partial<Record<'subject' | 'description', string>> = {};
	if (plan.settings?.subject !== undefined) expected.subject = plan.settings.subject;
	if (plan.settings?.description !== undefined) expected.description = plan.settings.description;
	const fields = Object.keys(expected) as Array<'subject' | 'description'>;
	const settings: Partial<Record<SettingName, OutcomeStatus>> = { ...requested };
	const notes: string[] = [];
	if (fields.length > 0) {
		try {
			const { value: info } = await pollUntil(wait, async () => {
				const current = await readGroupBack(
					context,
					plan.groupId,
					fields,
					itemIndex,
					plan.timeoutMs,
				);
				const done =
					current === undefined ||
					fields.every((field) => (current[field] ?? '') === expected[field]);
				return { done, value: current };
			});
			for (const field of fields) {
				const seen = info?.[field] ?? '';
				settings[field] = info && seen === expected[field] ? 'confirmed' : 'unconfirmed';
			}
			const waited = `${Math.round(wait.timeoutMs / 1000)} s`;
			if (!info) {
				notes.push(
					`The group no longer exists (Meta answers 131041), so its settings cannot be read back; ${triggerHint('settings_updated / settings_update_failed')}.`,
				);
			} else if (fields.some((field) => settings[field] === 'unconfirmed')) {
				const differing = fields
					.filter((field) => settings[field] === 'unconfirmed')
					.map((field) => `the ${field} reads "${info[field] ?? ''}"`)
					.join(' and ');
				notes.push(
					`After ${waited} ${differing}: Meta may apply it later, or the update failed; ${triggerHint('settings_updated / settings_update_failed')}.`,
				);
			}
		} catch (error) {
			for (const field of fields) settings[field] = 'unconfirmed';
			notes.push(
				`Could not read the group back (${error instanceof Error ? error.message : String(error)}); ${triggerHint('settings_updated / settings_update_failed')}.`,
			);
		}
	}
	if (settings.profilePicture) {
		settings.profilePicture = 'unconfirmed';
		notes.push(PICTURE_NOTE);
	}
	const allConfirmed = Object.values(settings).every((status) => status === 'confirmed');
	return compact({
		...result,
		status: allConfirmed ? 'confirmed' : 'unconfirmed',
		settings,
		note: notes.length > 0 ? notes.join(' ') : undefined,
	});
}
