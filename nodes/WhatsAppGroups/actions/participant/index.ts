import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../types';
import { remove } from './remove.operation';

export const participantOperations: ResourceOperations = { remove };

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
					'Destructive: remove up to 8 people from a group. A removed person can no longer join through the invite link.',
			},
		],
		default: 'remove',
	},
	...remove.description,
];
