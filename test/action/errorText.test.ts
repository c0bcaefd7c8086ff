/* What n8n shows of Meta's errors: separate sentences, each thing said once. */
import { metaApiError, withoutRepeatedIds } from '../../nodes/shared/transport/errors';
import { actionNode } from '../support/action';

const node = actionNode();

describe("Meta's error details in the error n8n shows", () => {
	it('a participant that is not in the group: no run-together text, the ID once, Meta’s message not twice', () => {
		const error = metaApiError(
			node,
			{
				message: '(#131212) The participant is not part of the group',
				type: 'OAuthException',
				code: 131212,
				error_data: { details: '15550000001: 15550000001 is not a participant of the group' },
				fbtrace_id: 'AbC123',
			},
			{ statusCode: 400 },
		);
		expect(error.message).toBe('The participant is not part of the group (code 131212)');
		expect(error.description).toBe(
			'Details: 15550000001 is not a participant of the group. Check the phone number or user ID; the person may already have left or been removed. Meta error code 131212. fbtrace_id: AbC123',
		);
	});

	it('keeps Meta’s message when it says more than ours, each part a sentence', () => {
		const error = metaApiError(node, {
			message: 'Invalid parameter',
			code: 100,
			error_data: { details: 'Param subject must be at most 128 characters long' },
		});
		expect(error.message).toBe('Meta rejected a parameter of the request (code 100)');
		expect(error.description).toBe(
			"Meta says: Invalid parameter. Details: Param subject must be at most 128 characters long. Check the IDs and values sent; Meta's own message follows. Meta error code 100.",
		);
	});

	it('leaves out details that only repeat the message', () => {
		const error = metaApiError(node, {
			message: 'Something odd happened!',
			code: 999999,
			error_data: { details: 'something odd happened' },
		});
		expect(error.message).toBe('Something odd happened! (code 999999)');
		expect(error.description).toBe('Meta error code 999999.');
	});

	it('drops only a repeated ID, entry by entry', () => {
		expect(
			withoutRepeatedIds(
				'15550000001: 15550000001 is not a participant; US.12: US.12 is not a participant',
			),
		).toBe('15550000001 is not a participant; US.12 is not a participant');
		expect(withoutRepeatedIds('15550000001: 155500000012 is not a participant')).toBe(
			'15550000001: 155500000012 is not a participant',
		);
		expect(withoutRepeatedIds('subject: too long')).toBe('subject: too long');
		expect(withoutRepeatedIds('15550000001 is not a participant')).toBe(
			'15550000001 is not a participant',
		);
	});
});
