import { updateDisplayOptions } from 'n8n-workflow';

import { joinRequestAction, joinRequestProperties } from './shared';

export const description = updateDisplayOptions(
	{ show: { resource: ['joinRequest'], operation: ['approve'] } },
	joinRequestProperties('approve'),
);

export const approve = joinRequestAction('approve', description);
