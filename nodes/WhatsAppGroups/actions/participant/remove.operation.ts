import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { splitList } from '../../../shared/helpers/lists';
import { callGraph, describeMetaError } from '../../../shared/transport';
import type {
	FailedParticipant,
	GraphParticipant,
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
import { readGroupBack, triggerHint } from '../../helpers/confirmation';
import { DEFAULTS } from '../../helpers/defaults';
import { compact } from '../../helpers/output';
import {
	getConcurrency,
	getGroupId,
	getOptions,
	getRequestTimeoutMs,
	readChoice,
} from '../../helpers/parameters';
import { runWithConcurrency } from '../../helpers/pool';
import { invalidInput, isBusinessScopedUserId, LIMITS } from '../../helpers/validation';
import { WAIT_FOR_CONFIRMATION, pollUntil, readWaitPlan, waitOptions } from '../../helpers/waiting';
import type { WaitPlan } from '../../helpers/waiting';
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
					'IDs like US.13491208655302741918 or US.ENT.AbC123 (country code, period, letters and digits) are business-scoped user IDs; everything else is a phone number',
			},
			{ name: 'Phone Number or WhatsApp ID', value: 'phone' },
			{ name: 'Business-Scoped User ID', value: 'userId' },
		],
		default: 'auto',
	},
	optionsCollection(
		waitOptions(
			{
				...WAIT_FOR_CONFIRMATION,
				description:
					"Whether to read the group back until the participants are gone. Meta removes them after it answers and reports the outcome only by webhook; without this each participant's status is 'requested'.",
			},
			{
				timeout:
					"How long to read the group back before reporting a participant still there as 'unconfirmed'",
				pollInterval: "How often to read the group's participants",
			},
		),
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['participant'], operation: ['remove'] } },
	properties,
);

export interface RemovePlan extends GroupedPlan {
	concurrency: number;
	/** Set when the item waits for confirmation. */
	wait?: WaitPlan;
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
		const identifyBy = readChoice(
			this,
			itemIndex,
			'Identify Participants By',
			this.getNodeParameter('identifyBy', itemIndex, 'auto'),
			['auto', 'phone', 'userId'] as const,
			'auto',
		);
		const entries = splitList(this.getNodeParameter('participants', itemIndex, ''));
		if (entries.length === 0) {
			throw invalidInput(this, itemIndex, 'Participants', 'at least one participant is required');
		}
		const keys: string[] = [];
		for (const entry of entries) {
			const isUserId =
				identifyBy === 'userId' || (identifyBy === 'auto' && isBusinessScopedUserId(entry));
			let key: string;
			if (isUserId) {
				if (!isBusinessScopedUserId(entry)) {
					throw invalidInput(
						this,
						itemIndex,
						'Participants',
						`"${entry}" is not a business-scoped user ID (a two-letter country code, a period and up to 128 letters and digits, e.g. US.13491208655302741918)`,
					);
				}
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
		const options = getOptions(this, itemIndex);
		return {
			groupId,
			keys,
			concurrency: getConcurrency(this, itemIndex),
			wait: readWaitPlan(this, itemIndex, options, WAIT_FOR_CONFIRMATION),
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
				endpoint: 'participants',
				ids: { groupId },
				body: body as unknown as IDataObject,
				idempotent: true,
				// 206 with code 131201: some removals failed; the body says which.
				acceptStatuses: [206],
				itemIndex,
				// A combined request is sent for the first item that named the group: its timeout.
				timeoutMs: plans.get(itemIndex)?.timeoutMs,
			});
			// Meta documents no body for a removal's answer (its outcome comes by webhook), except
			// the partial success of HTTP 206 / 131201, which may name what failed and what worked.
			const requestId = response.request_id;
			const failures = response.failed_participants ?? [];
			const removals = response.removed_participants ?? [];
			const partialError = response.error ?? response.errors?.[0];
			const named = (entries: Array<FailedParticipant | GraphParticipant>, value: string) =>
				entries.find((entry) =>
					[entry.input, (entry as FailedParticipant).user, entry.user_id, entry.wa_id].some(
						(candidate) =>
							candidate !== undefined && String(candidate).replace(/^\+/, '') === value,
					),
				);
			const rows: KeyResults = new Map();
			for (const key of keys) {
				const ref = keyToRef(key);
				const value = 'user_id' in ref ? ref.user_id : ref.user;
				const base = { groupId, ...keyToOutput(key) };
				const failure = named(failures, value) as FailedParticipant | undefined;
				if (failure) {
					rows.set(
						key,
						compact({
							...base,
							status: 'failed',
							requestId,
							errors: (failure.errors ?? []).map((error) => describeMetaError(error)),
						}),
					);
				} else if (named(removals, value)) {
					rows.set(key, compact({ ...base, status: 'removed', requestId }));
				} else {
					rows.set(
						key,
						compact({
							...base,
							status: 'requested',
							requestId,
							// A partial success that names nobody: every participant may be the one that
							// failed, so each carries Meta's error; none is guessed to be failed or removed.
							errors:
								partialError && failures.length === 0 && removals.length === 0
									? [describeMetaError(partialError)]
									: undefined,
						}),
					);
				}
			}
			return rows;
		};
		const outcomes = await runGroupedBatches(
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
		await confirmRemovals(this, items, outcomes);
		return outcomes;
	},
};

interface GroupWait {
	groupId: string;
	keys: Set<string>;
	itemIndex: number;
	timeoutMs: number | undefined;
	wait: WaitPlan;
}

/** Whether the read-back shows this participant gone; undefined when it cannot tell. */
function isGone(participants: GraphParticipant[], key: string): boolean | undefined {
	const ref = keyToRef(key);
	if ('user_id' in ref) {
		if (participants.some((p) => p.user_id === ref.user_id)) return false;
		// Someone without a BSUID in the list might be them.
		return participants.every((p) => p.user_id !== undefined) ? true : undefined;
	}
	if (participants.some((p) => p.wa_id === ref.user)) return false;
	// Someone whose phone number Meta withholds might be them.
	return participants.every((p) => p.wa_id !== undefined) ? true : undefined;
}

/**
 * *Wait for Confirmation*: reads each group's participants back until every participant asked
 * for is gone or the wait ends, then turns each waiting item's rows into `confirmed` (gone within
 * that item's timeout) or `unconfirmed`. Rows Meta's answer failed stay `failed`.
 */
async function confirmRemovals(
	context: IExecuteFunctions,
	items: Array<PreparedItem<RemovePlan>>,
	outcomes: Map<number, BatchOutcome>,
): Promise<void> {
	const groups = new Map<string, GroupWait>();
	for (const { itemIndex, plan } of items) {
		const outcome = outcomes.get(itemIndex);
		if (!plan.wait || !outcome || 'error' in outcome) continue;
		const entry = groups.get(plan.groupId) ?? {
			groupId: plan.groupId,
			keys: new Set<string>(),
			itemIndex,
			timeoutMs: plan.timeoutMs,
			wait: plan.wait,
		};
		// Items for one group share one read-back: it lasts as long as the longest wait asks.
		entry.wait = {
			timeoutMs: Math.max(entry.wait.timeoutMs, plan.wait.timeoutMs),
			pollIntervalMs: Math.min(entry.wait.pollIntervalMs, plan.wait.pollIntervalMs),
		};
		plan.keys.forEach((key, position) => {
			if (outcome.rows[position]?.status !== 'failed') entry.keys.add(key);
		});
		groups.set(plan.groupId, entry);
	}
	// A group whose every participant Meta's answer already failed has nothing to read back.
	for (const [groupId, entry] of groups) if (entry.keys.size === 0) groups.delete(groupId);
	if (groups.size === 0) return;

	const findings = new Map<
		string,
		{ startedAt: number; goneAt: Map<string, number>; note?: string }
	>();
	await runWithConcurrency(
		[...groups.values()],
		items[0]?.plan.concurrency ?? DEFAULTS.concurrency,
		async (group) => {
			const finding = {
				startedAt: Date.now(),
				goneAt: new Map<string, number>(),
				note: undefined as string | undefined,
			};
			findings.set(group.groupId, finding);
			try {
				await pollUntil(group.wait, async () => {
					const info = await readGroupBack(
						context,
						group.groupId,
						['participants'],
						group.itemIndex,
						group.timeoutMs,
					);
					if (!info) {
						finding.note = `The group no longer exists (Meta answers 131041), so the removal cannot be read back; ${triggerHint('participants_removed / participants_remove_failed')}.`;
						return { done: true, value: undefined };
					}
					const participants = info.participants ?? [];
					for (const key of group.keys) {
						if (!finding.goneAt.has(key) && isGone(participants, key))
							finding.goneAt.set(key, Date.now());
					}
					return { done: finding.goneAt.size === group.keys.size, value: undefined };
				});
			} catch (error) {
				finding.note = `Could not read the group back (${error instanceof Error ? error.message : String(error)}); ${triggerHint('participants_removed / participants_remove_failed')}.`;
			}
		},
	);

	for (const { itemIndex, plan } of items) {
		const outcome = outcomes.get(itemIndex);
		const finding = findings.get(plan.groupId);
		if (!plan.wait || !outcome || 'error' in outcome || !finding) continue;
		const deadline = finding.startedAt + plan.wait.timeoutMs;
		const seconds = Math.round(plan.wait.timeoutMs / 1000);
		outcome.rows = outcome.rows.map((row, position) => {
			if (row.status === 'failed') return row;
			const goneAt = finding.goneAt.get(plan.keys[position]);
			if (goneAt !== undefined && goneAt <= deadline) {
				const confirmed: IDataObject = { ...row, status: 'confirmed' };
				// Meta's partial-success error no longer concerns this one.
				delete confirmed.errors;
				return confirmed;
			}
			return {
				...row,
				status: 'unconfirmed',
				note:
					finding.note ??
					`Still in the group after ${seconds} s: Meta may remove them later, or the removal failed; ${triggerHint('participants_removed / participants_remove_failed')}.`,
			};
		});
	}
}
