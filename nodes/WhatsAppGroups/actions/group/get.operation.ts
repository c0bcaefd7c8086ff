import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { callGraph, shownValue } from '../../../shared/transport';
import type { GroupInfoField, GroupInfoResponse } from '../../../shared/types';
import { GROUP_INFO_FIELDS } from '../../../shared/types';
import {
	groupLocatorField,
	optionsCollection,
	phoneNumberIdField,
} from '../../descriptions/common';
import { compact, participantToOutput, unixToIso, unixToNumber } from '../../helpers/output';
import { getGroupId, getRequestTimeoutMs } from '../../helpers/parameters';
import { invalidInput } from '../../helpers/validation';
import type { ItemOperation, RequestPlan } from '../types';

const FIELD_LABELS: Record<GroupInfoField, string> = {
	subject: 'Subject',
	description: 'Description',
	participants: 'Participants',
	join_approval_mode: 'Join Approval Mode',
	suspended: 'Suspended',
	creation_timestamp: 'Creation Time',
	total_participant_count: 'Total Participant Count',
};

const properties: INodeProperties[] = [
	phoneNumberIdField,
	groupLocatorField,
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'multiOptions',
		options: GROUP_INFO_FIELDS.map((field) => ({ name: FIELD_LABELS[field], value: field })).sort(
			(a, b) => a.name.localeCompare(b.name),
		),
		default: [...GROUP_INFO_FIELDS],
		description: 'Which group details to fetch; fewer fields make a lighter request',
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['group'], operation: ['get'] } },
	properties,
);

interface GetPlan extends RequestPlan {
	groupId: string;
	fields: GroupInfoField[];
}

export function groupInfoToOutput(info: GroupInfoResponse): IDataObject {
	return compact({
		groupId: info.id,
		subject: info.subject,
		description: info.description,
		joinApprovalMode: info.join_approval_mode,
		suspended: info.suspended,
		createdAt: unixToIso(info.creation_timestamp),
		createdAtUnix: unixToNumber(info.creation_timestamp),
		totalParticipantCount: info.total_participant_count,
		participants: info.participants?.map(participantToOutput),
	});
}

export const get: ItemOperation<GetPlan> = {
	mode: 'item',
	description,
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<GetPlan> {
		const groupId = getGroupId(this, itemIndex);
		const raw: unknown = this.getNodeParameter('fields', itemIndex, [...GROUP_INFO_FIELDS]);
		// From an expression, a list may come as text: "subject, description".
		const fields: unknown =
			typeof raw === 'string'
				? raw
						.split(',')
						.map((field) => field.trim())
						.filter((field) => field !== '')
				: raw;
		if (!Array.isArray(fields) || fields.some((field) => typeof field !== 'string')) {
			throw invalidInput(
				this,
				itemIndex,
				'Fields',
				`must be a list of field names (allowed: ${GROUP_INFO_FIELDS.join(', ')})`,
			);
		}
		const unknown = (fields as string[]).filter(
			(field) => !(GROUP_INFO_FIELDS as readonly string[]).includes(field),
		);
		if (unknown.length > 0) {
			throw invalidInput(
				this,
				itemIndex,
				'Fields',
				`unknown field(s) ${unknown.slice(0, 3).map(shownValue).join(', ')}${unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''}; allowed: ${GROUP_INFO_FIELDS.join(', ')}`,
			);
		}
		return {
			groupId,
			fields: fields as GroupInfoField[],
			timeoutMs: getRequestTimeoutMs(this, itemIndex),
		};
	},
	async execute(this: IExecuteFunctions, plan: GetPlan, itemIndex: number): Promise<IDataObject[]> {
		const info = await callGraph<GroupInfoResponse>(this, {
			method: 'GET',
			endpoint: 'group',
			ids: { groupId: plan.groupId },
			qs: plan.fields.length > 0 ? { fields: plan.fields.join(',') } : undefined,
			itemIndex,
			timeoutMs: plan.timeoutMs,
		});
		return [groupInfoToOutput(info)];
	},
};
