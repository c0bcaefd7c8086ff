import type { INodeProperties } from 'n8n-workflow';

import type { NodeMap } from '../node.type';
import type { Operation } from '../types';
import { approve } from './approve.operation';
import { getMany } from './getMany.operation';
import { reject } from './reject.operation';

export const joinRequestOperations = { approve, getMany, reject } satisfies Record<
	NodeMap['joinRequest'],
	Operation
>;

export const joinRequestDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['joinRequest'] } },
		options: [
			{
				name: 'Approve',
				value: 'approve',
				action: 'Approve join requests',
				description:
					'Let the people behind one or more pending join requests into the group (max 8 participants)',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many join requests',
				description: 'List the pending join requests of a group that requires approval',
			},
			{
				name: 'Reject',
				value: 'reject',
				action: 'Reject join requests',
				description:
					'Destructive: turn down one or more pending join requests. The people are not told and no webhook follows.',
			},
		],
		default: 'getMany',
	},
	...approve.description,
	...getMany.description,
	...reject.description,
];
