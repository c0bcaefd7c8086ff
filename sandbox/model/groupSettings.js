// @ts-check
'use strict';

/**
 * A group's settings: subject, description and profile picture, updated in one request whose
 * outcome, part by part, comes by the group_settings_update webhook.
 */
const { nowSeconds } = require('../util');
const { waError, itemError } = require('../http/errors');
const { checkSubject, checkDescription, checkPicture, pictureProblem } = require('./validate');
const lookups = require('./lookups');
const delivery = require('../webhooks/delivery');

/** @typedef {import('../state').Sandbox} Sandbox */
/** @typedef {import('../types').FaultContext} FaultContext */
/** @typedef {import('../../nodes/shared/types').WebhookGroupItem} WebhookGroupItem */

/**
 * POST /<GROUP_ID>: subject, description and/or profile picture. Malformed input is refused at
 * once; otherwise the answer is {success: true} and each part is applied (or not) a moment later,
 * the group_settings_update webhook telling which: a picture that is not square (131209) or under
 * 192 px (131210) fails there, as does the last part under an injected partial fault.
 * @param {Sandbox} sb
 * @param {string} groupId
 * @param {{ subject?: unknown, description?: unknown }} input
 * @param {{ data: Buffer, contentType?: string } | undefined} picture
 * @param {FaultContext} [ctx]
 * @returns {import('../../nodes/shared/types').SuccessResponse}
 */
function updateSettings(sb, groupId, input, picture, ctx = {}) {
	const group = lookups.group(sb, groupId);
	lookups.notSuspended(group);
	const subject = input.subject !== undefined ? checkSubject(input.subject, true) : undefined;
	const description =
		input.description !== undefined ? checkDescription(input.description) : undefined;
	/** @type {{ sha256: string, mime_type: string, width: number, height: number } | undefined} */
	let pictureInfo;
	if (picture) pictureInfo = checkPicture(picture.data, picture.contentType);
	if (subject === undefined && description === undefined && !pictureInfo) {
		throw waError(100, 'Nothing to update: send subject, description, or a profile picture');
	}
	const parts = [
		subject !== undefined ? 'subject' : '',
		description !== undefined ? 'description' : '',
		pictureInfo ? 'picture' : '',
	].filter(Boolean);
	// An injected partial failure fails the last part of the update (all of it when only one).
	const failing = ctx.partial ? parts[parts.length - 1] : undefined;
	const injected = () => [itemError(131000, 'Update failed (fault injected by the sandbox)')];
	const record = sb.newRequest('group_settings_update', group.id);
	const requestId = record.request_id;
	sb.later(sb.asyncDelayMs, () => {
		const current = sb.groups.get(group.id);
		/** @type {WebhookGroupItem} */
		const item = {
			timestamp: String(nowSeconds()),
			group_id: group.id,
			type: 'group_settings_update',
			request_id: requestId,
		};
		const gone = current ? undefined : itemError(131041, `Group ${group.id} no longer exists`);
		/** @type {(part: string, problem?: import('../../nodes/shared/types').GraphErrorDetail) => import('../../nodes/shared/types').GraphErrorDetail[] | undefined} */
		const errorsOf = (part, problem) =>
			gone ? [gone] : failing === part ? injected() : problem ? [problem] : undefined;
		/** @type {import('../../nodes/shared/types').GraphErrorDetail[]} */
		const failed = [];
		if (pictureInfo) {
			const errors = errorsOf('picture', pictureProblem(pictureInfo));
			if (!errors && current) current.profile_picture = pictureInfo;
			item.profile_picture = {
				mime_type: 'image/jpeg',
				sha256: pictureInfo.sha256,
				update_successful: !errors,
			};
			if (errors) {
				item.profile_picture.errors = errors;
				failed.push(errors[0]);
			}
		}
		if (subject !== undefined) {
			const errors = errorsOf('subject');
			if (!errors && current) current.subject = subject;
			item.group_subject = { text: subject, update_successful: !errors };
			if (errors) {
				item.group_subject.errors = errors;
				failed.push(errors[0]);
			}
		}
		if (description !== undefined) {
			const errors = errorsOf('description');
			if (!errors && current) current.description = description;
			item.group_description = { text: description, update_successful: !errors };
			if (errors) {
				item.group_description.errors = errors;
				failed.push(errors[0]);
			}
		}
		// Beside the parts, Meta's failure samples carry one error for the whole update.
		if (failed.length === parts.length) item.errors = [failed[0]];
		else if (failed.length > 0)
			item.errors = [
				itemError(131201, `${failed.length} of ${parts.length} settings were not updated`),
			];
		record.status =
			failed.length === 0 ? 'done' : failed.length === parts.length ? 'failed' : 'partial';
		delivery.emitGroups(sb, group.phone_number_id, 'group_settings_update', [item]);
	});
	return { success: true };
}

module.exports = { updateSettings };
