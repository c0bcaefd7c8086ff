import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { callGraph } from '../../../shared/transport';
import type { SendMessageRequest, SendMessageResponse } from '../../../shared/types';
import { compact } from '../../helpers/output';

/** Every group message (send, pin, unpin) goes to /<PHONE_NUMBER_ID>/messages addressed to the group. */
export async function sendGroupMessage(
	context: IExecuteFunctions,
	phoneNumberId: string,
	body: SendMessageRequest,
	itemIndex: number,
	retryAmbiguous: boolean,
	idempotent = false,
): Promise<IDataObject> {
	const response = await callGraph<SendMessageResponse>(context, {
		method: 'POST',
		path: `/${phoneNumberId}/messages`,
		body: body as unknown as IDataObject,
		idempotent,
		retry: { retryAmbiguous },
		itemIndex,
	});
	return compact({
		groupId: body.to,
		messageId: response.messages?.[0]?.id,
		messageStatus: response.messages?.[0]?.message_status,
		type: body.type,
	});
}
