import { updateDisplayOptions } from 'n8n-workflow';

import { joinRequestAction, joinRequestProperties } from './shared';

export const description = updateDisplayOptions(
	{ show: { resource: ['joinRequest'], operation: ['reject'] } },
	joinRequestProperties('reject'),
);

export const reject = joinRequestAction('reject', description);
