import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { callGraph } from '../../../shared/transport';
import type { SendMessageRequest, SendMessageResponse } from '../../../shared/types';
import { compact } from '../../helpers/output';
import type { RequestPlan } from '../types';

/** What send, pin and unpin have in common: the business number and the message to it. */
export interface GroupMessagePlan extends RequestPlan {
	/** Undefined with 360dialog (the key's own number). */
	phoneNumberId: string | undefined;
	body: SendMessageRequest;
}

/** Every group message (send, pin, unpin) goes to /<PHONE_NUMBER_ID>/messages addressed to the group. */
export async function sendGroupMessage(
	context: IExecuteFunctions,
	plan: GroupMessagePlan,
	itemIndex: number,
	{
		retryAmbiguous = false,
		idempotent = false,
	}: { retryAmbiguous?: boolean; idempotent?: boolean },
): Promise<IDataObject> {
	const { body } = plan;
	const response = await callGraph<SendMessageResponse>(context, {
		method: 'POST',
		endpoint: 'messages',
		ids: { phoneNumberId: plan.phoneNumberId },
		body: body as unknown as IDataObject,
		idempotent,
		retry: { retryAmbiguous },
		itemIndex,
		timeoutMs: plan.timeoutMs,
	});
	return compact({
		groupId: body.to,
		messageId: response.messages?.[0]?.id,
		messageStatus: response.messages?.[0]?.message_status,
		type: body.type,
	});
}
