import type { INodeProperties } from 'n8n-workflow';

import type { NodeMap } from '../node.type';
import type { Operation } from '../types';
import { markAsRead } from './markAsRead.operation';
import { pin } from './pin.operation';
import { send } from './send.operation';
import { unpin } from './unpin.operation';

export const messageOperations = { markAsRead, pin, send, unpin } satisfies Record<
	NodeMap['message'],
	Operation
>;

export const messageDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Mark as Read',
				value: 'markAsRead',
				action: 'Mark a message as read',
				description:
					'Mark a message the business number received in a group as read (blue ticks for that message only)',
			},
			{
				name: 'Pin',
				value: 'pin',
				action: 'Pin a message',
				description: 'Pin a group message for 1–30 days (at most 3 pins per group)',
			},
			{
				name: 'Send',
				value: 'send',
				action: 'Send a message',
				description:
					'Send a text, media (image, video, audio, document, sticker) or template message to everyone in a group',
			},
			{
				name: 'Unpin',
				value: 'unpin',
				action: 'Unpin a message',
				description: 'Unpin a pinned group message',
			},
		],
		default: 'send',
	},
	...markAsRead.description,
	...pin.description,
	...send.description,
	...unpin.description,
];
