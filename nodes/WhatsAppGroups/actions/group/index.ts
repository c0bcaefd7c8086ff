import type { INodeProperties } from 'n8n-workflow';

import type { NodeMap } from '../node.type';
import type { Operation } from '../types';
import { create } from './create.operation';
import { deleteGroup } from './deleteGroup.operation';
import { get } from './get.operation';
import { getMany } from './getMany.operation';
import { update } from './update.operation';

export const groupOperations = {
	create,
	delete: deleteGroup,
	get,
	getMany,
	update,
} satisfies Record<NodeMap['group'], Operation>;

export const groupOperationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['group'] } },
	options: [
		{
			name: 'Create',
			value: 'create',
			action: 'Create a group',
			description:
				'Create a WhatsApp group on a business phone number (max 8 participants, who join by invite link). Returns the request ID, or with "Wait for Group" the group ID and invite link.',
		},
		{
			name: 'Delete',
			value: 'delete',
			action: 'Delete a group',
			description:
				'Destructive: ask Meta to permanently delete the group and remove everyone from it. Cannot be undone. Meta deletes it after answering: the status is \'requested\', or with "Wait for Confirmation" what a read-back showed.',
		},
		{
			name: 'Get',
			value: 'get',
			action: 'Get a group',
			description:
				"Get a group's subject, description, participants, approval mode, suspension state and creation time",
		},
		{
			name: 'Get Many',
			value: 'getMany',
			action: 'Get many groups',
			description:
				'List the active groups of a business phone number with their subject and creation time',
		},
		{
			name: 'Update',
			value: 'update',
			action: 'Update a group',
			description:
				'Change the subject, the description or the profile picture (square JPEG) of a group. Meta applies them after answering: each is \'requested\', or with "Wait for Confirmation" what a read-back showed.',
		},
	],
	default: 'getMany',
};

export const groupDescription: INodeProperties[] = [
	groupOperationField,
	...create.description,
	...deleteGroup.description,
	...get.description,
	...getMany.description,
	...update.description,
];
