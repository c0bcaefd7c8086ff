import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { validateGroupId, validatePhoneNumberId } from './validation';

export function getOptions(context: IExecuteFunctions, itemIndex: number): IDataObject {
	return (context.getNodeParameter('options', itemIndex, {}) as IDataObject) ?? {};
}

export function getGroupId(context: IExecuteFunctions, itemIndex: number): string {
	const value = context.getNodeParameter('groupId', itemIndex, '', { extractValue: true });
	return validateGroupId(context, itemIndex, value);
}

export function getPhoneNumberId(context: IExecuteFunctions, itemIndex: number): string {
	return validatePhoneNumberId(
		context,
		itemIndex,
		context.getNodeParameter('phoneNumberId', itemIndex, ''),
	);
}
