import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { callGraph, paginateGraph } from '../../../shared/transport';
import type {
	ActiveGroupSummary,
	ActiveGroupsResponse,
	CreateGroupRequest,
	CreateGroupAnswer,
	InviteLinkResponse,
	JoinApprovalMode,
} from '../../../shared/types';
import {
	optionsCollection,
	phoneNumberIdField,
	retryAmbiguousOption,
} from '../../descriptions/common';
import { compact, unixToIso, unixToNumber } from '../../helpers/output';
import {
	getOptions,
	getPhoneNumberId,
	getRequestTimeoutMs,
	readRetryAmbiguous,
	readChoice,
} from '../../helpers/parameters';
import {
	invalidInput,
	LIMITS,
	validateDescription,
	validateSubject,
} from '../../helpers/validation';
import { WAIT_FOR_GROUP, pollUntil, readWaitPlan, waitOptions } from '../../helpers/waiting';
import type { WaitPlan } from '../../helpers/waiting';
import type { ItemOperation, PreparedItem, RequestPlan } from '../types';

const properties: INodeProperties[] = [
	phoneNumberIdField,
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		required: true,
		description: 'The group name, 1–128 characters (spaces at the ends are trimmed)',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
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
				description: 'The group description, at most 2048 characters',
			},
			{
				displayName: 'Join Approval Mode',
				name: 'joinApprovalMode',
				type: 'options',
				options: [
					{
						name: 'Auto Approve',
						value: 'auto_approve',
						description: 'Anyone with the invite link joins at once',
					},
					{
						name: 'Approval Required',
						value: 'approval_required',
						description:
							'People with the link send a join request that the business approves or rejects',
					},
				],
				default: 'auto_approve',
			},
		],
	},
	optionsCollection([
		...waitOptions(
			{
				...WAIT_FOR_GROUP,
				description:
					'Whether to wait until the new group is active and return its ID and invite link. Meta creates groups asynchronously; without this the node returns only the request ID.',
			},
			{
				timeout: 'How long to wait for the group to appear before failing with the request ID',
				pollInterval: 'How often to look for the new group among the active groups',
			},
		),
		retryAmbiguousOption,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['group'], operation: ['create'] } },
	properties,
);

interface CreatePlan extends RequestPlan {
	/** Undefined with 360dialog (the key's own number). */
	phoneNumberId: string | undefined;
	body: CreateGroupRequest;
	/** Set when the item waits for the group. */
	wait?: WaitPlan;
	retryAmbiguous: boolean;
}

/** The group ID of the answer, when it names one (360dialog documents `id`; Meta answers `request_id`). */
function readCreatedId(response: CreateGroupAnswer): string | undefined {
	const id = typeof response.id === 'string' ? response.id.trim() : '';
	return id === '' ? undefined : id;
}

/** Meta's clock and ours may differ: a group created this many seconds "before" the list still counts. */
const CLOCK_SKEW_SECONDS = 30;

/** The number's active groups that carry the plan's subject (trimmed, exactly). */
async function groupsWithSubject(
	context: IExecuteFunctions,
	plan: CreatePlan,
	itemIndex: number,
): Promise<ActiveGroupSummary[]> {
	const groups = await paginateGraph<ActiveGroupsResponse, ActiveGroupSummary>(
		context,
		{
			method: 'GET',
			endpoint: 'groups',
			ids: { phoneNumberId: plan.phoneNumberId },
			itemIndex,
			timeoutMs: plan.timeoutMs,
		},
		(page) => ({ items: page.data?.groups ?? [], paging: page.paging }),
		{ pageSize: LIMITS.activeGroupsMaxPageSize, restartKey: (group) => group.id },
	);
	return groups.filter((group) => String(group.subject ?? '').trim() === plan.body.subject);
}

/**
 * The new group among the groups with the plan's subject. When the answer named it (360dialog's
 * `id`), that one and nothing else. Otherwise (Meta lists no request ID with a group) the groups
 * that did not exist before the request: not in `before` (listed before the POST) and created no
 * earlier than that list (within the clock skew).
 */
function newGroups(
	groups: ActiveGroupSummary[],
	before: Set<string>,
	listedAtUnix: number,
	createdId: string | undefined,
): ActiveGroupSummary[] {
	if (createdId !== undefined) return groups.filter((group) => group.id === createdId);
	return groups.filter((group) => {
		const createdAt = unixToNumber(group.created_at);
		return (
			!before.has(group.id) &&
			createdAt !== undefined &&
			createdAt >= listedAtUnix - CLOCK_SKEW_SECONDS
		);
	});
}

/** What to do when the new group cannot be told apart: said in every such error. */
const UNIQUE_SUBJECT_HINT =
	'Give each group a subject no other group on this number has, for example with a unique suffix such as "Support – {{ $json.orderId }}", so Wait for Group can recognise it; or take the group ID from the WhatsApp Groups Trigger\'s group_created event, which carries the request ID.';

export const create: ItemOperation<CreatePlan> = {
	mode: 'item',
	description,
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<CreatePlan> {
		const phoneNumberId = getPhoneNumberId(this, itemIndex);
		const subject = validateSubject(this, itemIndex, this.getNodeParameter('subject', itemIndex));
		const additional = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
		const options = getOptions(this, itemIndex);
		const body: CreateGroupRequest = { messaging_product: 'whatsapp', subject };
		if (additional.description !== undefined && additional.description !== '') {
			body.description = validateDescription(this, itemIndex, additional.description);
		}
		if (additional.joinApprovalMode !== undefined) {
			body.join_approval_mode = readChoice<JoinApprovalMode>(
				this,
				itemIndex,
				'Join Approval Mode',
				additional.joinApprovalMode,
				['auto_approve', 'approval_required'],
				'auto_approve',
			);
		}
		return {
			phoneNumberId,
			body,
			wait: readWaitPlan(this, itemIndex, options, WAIT_FOR_GROUP),
			retryAmbiguous: readRetryAmbiguous(this, itemIndex),
			timeoutMs: getRequestTimeoutMs(this, itemIndex),
		};
	},
	checkTogether(
		this: IExecuteFunctions,
		items: Array<PreparedItem<CreatePlan>>,
	): Map<number, Error> {
		// Two items of one run that wait for groups with the same subject on the same number
		// would each see the other's new group: neither could tell which is its own.
		const waitingBySubject = new Map<string, number[]>();
		for (const { itemIndex, plan } of items) {
			if (!plan.wait) continue;
			const key = `${plan.phoneNumberId}\u0000${plan.body.subject}`;
			waitingBySubject.set(key, [...(waitingBySubject.get(key) ?? []), itemIndex]);
		}
		const conflicts = new Map<number, Error>();
		for (const indexes of waitingBySubject.values()) {
			if (indexes.length < 2) continue;
			for (const itemIndex of indexes) {
				const others = indexes.filter((other) => other !== itemIndex);
				conflicts.set(
					itemIndex,
					invalidInput(
						this,
						itemIndex,
						'Subject',
						`${others.length > 1 ? `items ${others.join(', ')} of this run also create groups` : `item ${others[0]} of this run also creates a group`} with this subject on the same number and wait${others.length > 1 ? '' : 's'} for it; Wait for Group cannot tell new groups with one subject apart`,
						`Nothing was sent for item ${itemIndex}. ${UNIQUE_SUBJECT_HINT}`,
					),
				);
			}
		}
		return conflicts;
	},
	async execute(
		this: IExecuteFunctions,
		plan: CreatePlan,
		itemIndex: number,
	): Promise<IDataObject[]> {
		const wait = plan.wait;
		// Wait for Group: the groups that already carry this subject can never be taken for the
		// new one. Listed before the request, so a failure here creates nothing.
		const listedAtUnix = Math.floor(Date.now() / 1000);
		const before = wait
			? new Set((await groupsWithSubject(this, plan, itemIndex)).map((group) => group.id))
			: undefined;
		const response = await callGraph<CreateGroupAnswer>(this, {
			method: 'POST',
			endpoint: 'groups',
			ids: { phoneNumberId: plan.phoneNumberId },
			body: plan.body as unknown as IDataObject,
			idempotent: false,
			retry: { retryAmbiguous: plan.retryAmbiguous },
			itemIndex,
			timeoutMs: plan.timeoutMs,
		});
		const createdId = readCreatedId(response);
		// What names this creation in messages: Meta's request ID, or the ID 360dialog answered.
		const reference =
			typeof response.request_id === 'string'
				? `request ID ${response.request_id}`
				: `group ID ${createdId ?? '(none in the answer)'}`;
		const result: IDataObject = compact({
			requestId: response.request_id,
			groupId: createdId,
			phoneNumberId: plan.phoneNumberId,
			subject: plan.body.subject,
			description: plan.body.description,
			joinApprovalMode: plan.body.join_approval_mode ?? 'auto_approve',
		});
		if (!wait || !before) return [result];

		// Meta announces the group by webhook only; polling the active groups finds it without one.
		const { value: matches, timedOut } = await pollUntil(wait, async () => {
			const found = newGroups(
				await groupsWithSubject(this, plan, itemIndex),
				before,
				listedAtUnix,
				createdId,
			);
			if (found.length > 1) {
				throw new NodeOperationError(
					this.getNode(),
					`${found.length} new groups named "${plan.body.subject}" appeared on this number while waiting; cannot tell which one ${reference.replace(/ ID /, ' ')} created`,
					{
						itemIndex,
						description: `New group IDs: ${found.map((group) => group.id).join(', ')}. The group was requested once (${reference}): do not create it again blindly. ${UNIQUE_SUBJECT_HINT}`,
					},
				);
			}
			return { done: found.length === 1, value: found };
		});
		if (timedOut) {
			throw new NodeOperationError(
				this.getNode(),
				`The group "${plan.body.subject}" did not appear within ${Math.round(wait.timeoutMs / 1000)} s`,
				{
					itemIndex,
					description: `The request was accepted (${reference}) but the group is not active yet, or creation failed. Do not create it again blindly: check Group > Get Many, or listen for group_created / group_create_failed with the WhatsApp Groups Trigger.`,
				},
			);
		}
		const group = matches[0];
		const link = await callGraph<InviteLinkResponse>(this, {
			method: 'GET',
			endpoint: 'inviteLink',
			ids: { groupId: group.id },
			itemIndex,
			timeoutMs: plan.timeoutMs,
		});
		return [
			compact({
				...result,
				groupId: group.id,
				inviteLink: link.invite_link,
				createdAt: unixToIso(group.created_at),
				createdAtUnix: unixToNumber(group.created_at),
			}),
		];
	},
};
