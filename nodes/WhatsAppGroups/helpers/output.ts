import type { IDataObject } from 'n8n-workflow';

import type { GraphParticipant } from '../../shared/types';

/** Unix seconds (string or number) to ISO 8601; undefined when Meta sent something unreadable. */
export function unixToIso(value: unknown): string | undefined {
	const seconds = typeof value === 'number' ? value : Number(String(value ?? '').trim());
	if (!Number.isFinite(seconds) || String(value ?? '').trim() === '') return undefined;
	return new Date(seconds * 1000).toISOString();
}

export function unixToNumber(value: unknown): number | undefined {
	const seconds = typeof value === 'number' ? value : Number(String(value ?? '').trim());
	return Number.isFinite(seconds) && String(value ?? '').trim() !== '' ? seconds : undefined;
}

/** Drops undefined keys so output items stay clean. */
export function compact(object: IDataObject): IDataObject {
	const result: IDataObject = {};
	for (const [key, value] of Object.entries(object)) {
		if (value !== undefined) result[key] = value;
	}
	return result;
}

export function participantToOutput(participant: GraphParticipant): IDataObject {
	return compact({
		waId: participant.wa_id,
		userId: participant.user_id,
		parentUserId: participant.parent_user_id,
		username: participant.username,
		input: participant.input,
	});
}
