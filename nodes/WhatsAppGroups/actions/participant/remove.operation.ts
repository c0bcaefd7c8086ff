import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { splitList } from '../../../shared/helpers/lists';
import { callGraph, describeMetaError } from '../../../shared/transport';
import type {
	ParticipantRef,
	RemoveParticipantsBody,
	RemoveParticipantsResponse,
} from '../../../shared/types';
import {
	groupLocatorField,
	optionsCollection,
	phoneNumberIdField,
} from '../../descriptions/common';
import { errorToData, runGroupedBatches } from '../../helpers/batching';
import { DEFAULTS } from '../../helpers/defaults';
import { compact } from '../../helpers/output';
import { getGroupId, getOptions, getRequestTimeoutMs } from '../../helpers/parameters';
import { invalidInput, LIMITS } from '../../helpers/validation';
import type { BatchOperation, BatchOutcome, GroupedPlan, KeyResults, PreparedItem } from '../types';

const properties: INodeProperties[] = [
	phoneNumberIdField,
	groupLocatorField,
	{
		displayName: 'Participants',
		name: 'participants',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. +4915112345678, US.13491208655302741918',
		description:
			'Who to remove: 1 to 8 phone numbers / WhatsApp IDs or business-scoped user IDs, separated by commas, or an array from an expression',
	},
	{
		displayName: 'Identify Participants By',
		name: 'identifyBy',
		type: 'options',
		options: [
			{
				name: 'Detect Automatically',
				value: 'auto',
				description:
					'IDs like US.13491208655302741918 are business-scoped user IDs; everything else is a phone number',
			},
			{ name: 'Phone Number or WhatsApp ID', value: 'phone' },
			{ name: 'Business-Scoped User ID', value: 'userId' },
		],
		default: 'auto',
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['participant'], operation: ['remove'] } },
	properties,
);

const BUSINESS_SCOPED_ID = /^[A-Z]{2}\.\d+$/;

export interface RemovePlan extends GroupedPlan {
	concurrency: number;
}

/** Keys carry their kind so one group's phone numbers and user IDs can share a request. */
function toKey(kind: 'user' | 'user_id', value: string): string {
	return `${kind}:${value}`;
}

function keyToRef(key: string): ParticipantRef {
	const [kind, ...rest] = key.split(':');
	const value = rest.join(':');
	return kind === 'user_id' ? { user_id: value } : { user: value };
}

function keyToOutput(key: string): IDataObject {
	const ref = keyToRef(key);
	return 'user_id' in ref ? { userId: ref.user_id } : { participant: ref.user };
}

export const remove: BatchOperation<RemovePlan> = {
	mode: 'batch',
	description,
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<RemovePlan> {
		const groupId = getGroupId(this, itemIndex);
		const identifyBy = this.getNodeParameter('identifyBy', itemIndex, 'auto') as
			| 'auto'
			| 'phone'
			| 'userId';
		const entries = splitList(this.getNodeParameter('participants', itemIndex, ''));
		if (entries.length === 0) {
			throw invalidInput(this, itemIndex, 'Participants', 'at least one participant is required');
		}
		const keys: string[] = [];
		for (const entry of entries) {
			const isUserId =
				identifyBy === 'userId' || (identifyBy === 'auto' && BUSINESS_SCOPED_ID.test(entry));
			let key: string;
			if (isUserId) {
				key = toKey('user_id', entry);
			} else {
				const digits = entry.replace(/[\s().-]/g, '').replace(/^\+/, '');
				if (!/^\d{6,15}$/.test(digits)) {
					throw invalidInput(
						this,
						itemIndex,
						'Participants',
						`"${entry}" is neither a phone number with country code nor a business-scoped user ID`,
					);
				}
				key = toKey('user', digits);
			}
			if (keys.includes(key)) {
				throw invalidInput(
					this,
					itemIndex,
					'Participants',
					`"${entry}" is listed twice (Meta refuses duplicates with error 131202)`,
				);
			}
			keys.push(key);
		}
		if (keys.length > LIMITS.maxParticipantsPerGroup) {
			throw invalidInput(
				this,
				itemIndex,
				'Participants',
				`a group has at most ${LIMITS.maxParticipantsPerGroup} participants; got ${keys.length}`,
			);
		}
		return {
			groupId,
			keys,
			concurrency: Number(getOptions(this, itemIndex).concurrency ?? DEFAULTS.concurrency),
			timeoutMs: getRequestTimeoutMs(this, itemIndex),
		};
	},
	async executeBatch(
		this: IExecuteFunctions,
		items: Array<PreparedItem<RemovePlan>>,
	): Promise<Map<number, BatchOutcome>> {
		const plans = new Map(items.map(({ itemIndex, plan }) => [itemIndex, plan]));
		const send = async (
			groupId: string,
			keys: string[],
			itemIndex: number,
		): Promise<KeyResults> => {
			const body: RemoveParticipantsBody = {
				messaging_product: 'whatsapp',
				participants: keys.map(keyToRef),
			};
			const response = await callGraph<RemoveParticipantsResponse>(this, {
				method: 'DELETE',
				path: `/${encodeURIComponent(groupId)}/participants`,
				body: body as unknown as IDataObject,
				idempotent: true,
				// 206 with code 131201: some removals failed; the body says which.
				acceptStatuses: [206],
				itemIndex,
				// A combined request is sent for the first item that named the group: its timeout.
				timeoutMs: plans.get(itemIndex)?.timeoutMs,
			});
			const failures = response.failed_participants ?? [];
			const partialError = response.error ?? response.errors?.[0];
			const rows: KeyResults = new Map();
			for (const key of keys) {
				const ref = keyToRef(key);
				const value = 'user_id' in ref ? ref.user_id : ref.user;
				const failure = failures.find((entry) =>
					[entry.input, entry.user, entry.user_id, entry.wa_id].some(
						(candidate) =>
							candidate !== undefined && String(candidate).replace(/^\+/, '') === value,
					),
				);
				if (failure) {
					rows.set(key, {
						groupId,
						...keyToOutput(key),
						status: 'failed',
						errors: (failure.errors ?? []).map((error) => describeMetaError(error)),
					});
				} else if (partialError && failures.length === 0) {
					// A partial success that does not name the failures: surface it on every participant.
					rows.set(
						key,
						compact({
							groupId,
							...keyToOutput(key),
							status: 'unconfirmed',
							errors: [describeMetaError(partialError)],
						}),
					);
				} else {
					rows.set(key, { groupId, ...keyToOutput(key), status: 'removed' });
				}
			}
			return rows;
		};
		return runGroupedBatches(
			items,
			LIMITS.maxParticipantsPerGroup,
			items[0]?.plan.concurrency ?? DEFAULTS.concurrency,
			send,
			(groupId, key, error) => ({
				groupId,
				...keyToOutput(key),
				status: 'failed',
				errors: [errorToData(error)],
			}),
		);
	},
};
