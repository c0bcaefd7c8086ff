import type { INodeProperties } from 'n8n-workflow';

import type { NodeMap } from '../node.type';
import type { Operation } from '../types';
import { remove } from './remove.operation';

export const participantOperations = { remove } satisfies Record<NodeMap['participant'], Operation>;

export const participantDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['participant'] } },
		options: [
			{
				name: 'Remove',
				value: 'remove',
				action: 'Remove participants',
				description:
					'Destructive: remove up to 8 people from a group. A removed person can no longer join through the invite link. Meta removes them after answering: each is \'requested\', or with "Wait for Confirmation" what a read-back showed.',
			},
		],
		default: 'remove',
	},
	...remove.description,
];
