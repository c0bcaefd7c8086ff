/**
 * Remove, Delete and Update: what Meta's answer proves ('requested', or a 206's named outcomes)
 * and what *Wait for Confirmation* reads back, with the exact requests of the read-back. Polling
 * waits with n8n's sleep, mocked here to advance a fake clock instead of waiting.
 */
import nock from 'nock';
import { sleep } from 'n8n-workflow';
import type { INodeParameters } from 'n8n-workflow';

import {
	graph,
	graphError,
	GROUP_ID,
	GROUP_ID_2,
	groupLocator,
	PHONE_ID,
	rows,
	run,
} from '../support/action';
import { virtualClock } from '../support/clock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => undefined),
}));
const sleepMock = sleep as jest.MockedFunction<typeof sleep>;

const clock = virtualClock(sleepMock as unknown as jest.Mock);

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
	clock.install();
});
afterEach(() => {
	clock.uninstall();
	nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

const WAIT: INodeParameters = { waitForConfirmation: true, waitTimeout: 10, pollInterval: 2 };

describe('Participant > Remove with Wait for Confirmation', () => {
	const remove = (participants: string, options: INodeParameters = WAIT): INodeParameters => ({
		resource: 'participant',
		operation: 'remove',
		phoneNumberId: PHONE_ID,
		groupId: groupLocator(),
		participants,
		options,
	});

	it('reads the participants back until they are gone: confirmed, polled every interval', async () => {
		const scope = graph()
			.delete(`/v26.0/${GROUP_ID}/participants`, {
				messaging_product: 'whatsapp',
				participants: [{ user: '4915100000001' }, { user_id: 'US.AbC123' }],
			})
			.reply(200, { success: true })
			.get(`/v26.0/${GROUP_ID}`)
			.query({ fields: 'participants' })
			.reply(200, {
				id: GROUP_ID,
				participants: [
					{ wa_id: '4915100000001', user_id: 'US.1' },
					{ wa_id: '4915100000009', user_id: 'US.AbC123' },
				],
			})
			.get(`/v26.0/${GROUP_ID}`)
			.query({ fields: 'participants' })
			.reply(200, {
				id: GROUP_ID,
				participants: [{ wa_id: '4915100000009', user_id: 'US.AbC123' }],
			})
			.get(`/v26.0/${GROUP_ID}`)
			.query({ fields: 'participants' })
			.reply(200, { id: GROUP_ID, participants: [] });
		const result = await run(remove('+49 151 00000001, US.AbC123'));
		expect(result.error).toBeUndefined();
		expect(rows(result)).toEqual([
			{ json: { groupId: GROUP_ID, participant: '4915100000001', status: 'confirmed' }, item: 0 },
			{ json: { groupId: GROUP_ID, userId: 'US.AbC123', status: 'confirmed' }, item: 0 },
		]);
		expect(sleepMock.mock.calls).toEqual([[2000], [2000]]);
		scope.done();
	});

	it('reports a participant still there at the timeout as unconfirmed, with where the outcome comes from', async () => {
		const scope = graph()
			.delete(`/v26.0/${GROUP_ID}/participants`)
			.reply(200, { success: true })
			.get(`/v26.0/${GROUP_ID}`)
			.query({ fields: 'participants' })
			.times(5)
			.reply(200, { id: GROUP_ID, participants: [{ wa_id: '4915100000001' }] });
		const result = await run(remove('4915100000001'));
		expect(rows(result)).toEqual([
			{
				json: {
					groupId: GROUP_ID,
					participant: '4915100000001',
					status: 'unconfirmed',
					note: "Still in the group after 10 s: Meta may remove them later, or the removal failed; the WhatsApp Groups Trigger's participants_removed / participants_remove_failed event reports the outcome.",
				},
				item: 0,
			},
		]);
		// Reads at 0, 2, 4, 6 and 8 s; the next would start after the 10 s deadline.
		expect(sleepMock).toHaveBeenCalledTimes(4);
		scope.done();
	});

	it('keeps what a 206 named failed, confirms the rest, and cannot confirm a BSUID while someone has none', async () => {
		const scope = graph()
			.delete(`/v26.0/${GROUP_ID}/participants`)
			.reply(206, {
				failed_participants: [
					{ input: '4915100000002', errors: [{ code: 131212, message: 'Not in group' }] },
				],
				errors: [{ code: 131201, message: 'Request partially succeeded' }],
			})
			.get(`/v26.0/${GROUP_ID}`)
			.query({ fields: 'participants' })
			.times(5)
			// Someone whose BSUID Meta does not show might be US.7: it cannot be confirmed gone.
			.reply(200, { id: GROUP_ID, participants: [{ wa_id: '4915100000005' }] });
		const result = await run(remove('4915100000001, 4915100000002, US.7'));
		expect(rows(result).map(({ json }) => [json.participant ?? json.userId, json.status])).toEqual([
			['4915100000001', 'confirmed'],
			['4915100000002', 'failed'],
			['US.7', 'unconfirmed'],
		]);
		expect(rows(result)[1].json.errors).toEqual([
			expect.objectContaining({ code: 131212, metaMessage: 'Not in group' }),
		]);
		scope.done();
	});

	it('reads nothing back when Meta answered that every participant failed', async () => {
		const scope = graph()
			.delete(`/v26.0/${GROUP_ID}/participants`)
			.reply(206, {
				failed_participants: [{ input: '4915100000001', errors: [{ code: 131212 }] }],
			});
		const result = await run(remove('4915100000001'));
		expect(rows(result).map(({ json }) => json.status)).toEqual(['failed']);
		expect(sleepMock).not.toHaveBeenCalled();
		expect(result.authenticatedRequests.map(({ method }) => method)).toEqual(['DELETE']);
		scope.done();
	});

	it('stops reading when the group is gone (131041): unconfirmed, saying why', async () => {
		const scope = graph()
			.delete(`/v26.0/${GROUP_ID}/participants`)
			.reply(200, { success: true })
			.get(`/v26.0/${GROUP_ID}`)
			.query({ fields: 'participants' })
			.reply(400, graphError(131041, 'Group unknown'));
		const result = await run(remove('4915100000001'));
		expect(rows(result)[0].json).toEqual({
			groupId: GROUP_ID,
			participant: '4915100000001',
			status: 'unconfirmed',
			note: "The group no longer exists (Meta answers 131041), so the removal cannot be read back; the WhatsApp Groups Trigger's participants_removed / participants_remove_failed event reports the outcome.",
		});
		expect(sleepMock).not.toHaveBeenCalled();
		scope.done();
	});

	it('keeps requested when a read-back fails otherwise, and says why, without failing the item', async () => {
		const scope = graph()
			.delete(`/v26.0/${GROUP_ID}/participants`)
			.reply(200, { success: true })
			.get(`/v26.0/${GROUP_ID}`)
			.query({ fields: 'participants' })
			.reply(400, graphError(100, 'Bad field'));
		const result = await run(remove('4915100000001'));
		expect(result.error).toBeUndefined();
		expect(rows(result)[0].json).toMatchObject({ status: 'unconfirmed' });
		expect(rows(result)[0].json.note).toMatch(/^Could not read the group back \(/);
		scope.done();
	});

	it('reads each group once for every item naming it; an item without the wait stays requested', async () => {
		const scope = graph()
			.delete(`/v26.0/${GROUP_ID}/participants`, {
				messaging_product: 'whatsapp',
				participants: [{ user: '4915100000001' }, { user: '4915100000002' }],
			})
			.reply(200, { success: true })
			.delete(`/v26.0/${GROUP_ID_2}/participants`)
			.reply(200, { success: true })
			.get(`/v26.0/${GROUP_ID}`)
			.query({ fields: 'participants' })
			.reply(200, { id: GROUP_ID, participants: [] });
		const result = await run(
			{
				resource: 'participant',
				operation: 'remove',
				phoneNumberId: PHONE_ID,
				groupId: { __rl: true, mode: 'id', value: '={{ $json.group }}' },
				participants: '={{ $json.who }}',
				options: { waitForConfirmation: '={{ $json.wait }}' },
			},
			[
				{ group: GROUP_ID, who: '4915100000001', wait: true },
				{ group: GROUP_ID, who: '4915100000002', wait: true },
				{ group: GROUP_ID_2, who: '4915100000003', wait: false },
			],
		);
		expect(rows(result).map(({ json, item }) => [json.participant, json.status, item])).toEqual([
			['4915100000001', 'confirmed', 0],
			['4915100000002', 'confirmed', 1],
			['4915100000003', 'requested', 2],
		]);
		scope.done();
	});

	it('refuses a wait timeout or poll interval out of bounds, naming the field, before sending', async () => {
		const tooLong = await run(remove('4915100000001', { ...WAIT, waitTimeout: 301 }));
		expect(tooLong.error?.message).toBe(
			'Invalid "Wait Timeout (Seconds)" in item 0: must be a number of seconds from 5 to 300 (got 301)',
		);
		const tooOften = await run(remove('4915100000001', { ...WAIT, pollInterval: 0 }));
		expect(tooOften.error?.message).toBe(
			'Invalid "Poll Interval (Seconds)" in item 0: must be a number of seconds from 1 to 60 (got 0)',
		);
	});
});

describe('Group > Delete', () => {
	const del = (options: INodeParameters = {}): INodeParameters => ({
		resource: 'group',
		operation: 'delete',
		phoneNumberId: PHONE_ID,
		groupId: groupLocator(),
		options,
	});

	it("passes Meta's request ID on when the answer carries one", async () => {
		const scope = graph()
			.delete(`/v26.0/${GROUP_ID}`)
			.reply(200, { success: true, request_id: 'REQ-DEL' });
		expect(rows(await run(del()))).toEqual([
			{ json: { groupId: GROUP_ID, status: 'requested', requestId: 'REQ-DEL' }, item: 0 },
		]);
		scope.done();
	});

	it('with Wait for Confirmation: confirmed once Meta no longer knows the group (131041)', async () => {
		const scope = graph()
			.delete(`/v26.0/${GROUP_ID}`)
			.reply(200, { success: true })
			.get(`/v26.0/${GROUP_ID}`)
			.reply(200, { messaging_product: 'whatsapp', id: GROUP_ID })
			.get(`/v26.0/${GROUP_ID}`)
			.reply(400, graphError(131041, 'Group unknown'));
		expect(rows(await run(del(WAIT)))).toEqual([
			{ json: { groupId: GROUP_ID, status: 'confirmed' }, item: 0 },
		]);
		scope.done();
	});

	it('with Wait for Confirmation: unconfirmed when the group is still there at the timeout', async () => {
		const scope = graph()
			.delete(`/v26.0/${GROUP_ID}`)
			.reply(200, { success: true })
			.get(`/v26.0/${GROUP_ID}`)
			.times(5)
			.reply(200, { messaging_product: 'whatsapp', id: GROUP_ID });
		expect(rows(await run(del(WAIT)))).toEqual([
			{
				json: {
					groupId: GROUP_ID,
					status: 'unconfirmed',
					note: "Meta still knows the group after 10 s: it may delete it later, or the deletion failed; the WhatsApp Groups Trigger's group_deleted / group_delete_failed event reports the outcome.",
				},
				item: 0,
			},
		]);
		scope.done();
	});
});

describe('Group > Update with Wait for Confirmation', () => {
	const update = (
		updateFields: INodeParameters,
		options: INodeParameters = WAIT,
	): INodeParameters => ({
		resource: 'group',
		operation: 'update',
		phoneNumberId: PHONE_ID,
		groupId: groupLocator(),
		updateFields,
		options,
	});

	it('reads subject and description back until both are what was set', async () => {
		const scope = graph()
			.post(`/v26.0/${GROUP_ID}`, {
				messaging_product: 'whatsapp',
				subject: 'New name',
				description: 'New text',
			})
			.reply(200, { success: true })
			.get(`/v26.0/${GROUP_ID}`)
			.query({ fields: 'subject,description' })
			.reply(200, { id: GROUP_ID, subject: 'New name', description: 'Old text' })
			.get(`/v26.0/${GROUP_ID}`)
			.query({ fields: 'subject,description' })
			.reply(200, { id: GROUP_ID, subject: 'New name', description: 'New text' });
		expect(rows(await run(update({ subject: ' New name ', description: 'New text' })))).toEqual([
			{
				json: {
					groupId: GROUP_ID,
					status: 'confirmed',
					subject: 'New name',
					description: 'New text',
					settings: { subject: 'confirmed', description: 'confirmed' },
				},
				item: 0,
			},
		]);
		scope.done();
	});

	it('reports per setting what the read-back showed at the timeout', async () => {
		const scope = graph()
			.post(`/v26.0/${GROUP_ID}`)
			.reply(200, { success: true })
			.get(`/v26.0/${GROUP_ID}`)
			.query({ fields: 'subject,description' })
			.times(5)
			.reply(200, { id: GROUP_ID, subject: 'New name', description: 'Old text' });
		expect(rows(await run(update({ subject: 'New name', description: 'New text' })))).toEqual([
			{
				json: {
					groupId: GROUP_ID,
					status: 'unconfirmed',
					subject: 'New name',
					description: 'New text',
					settings: { subject: 'confirmed', description: 'unconfirmed' },
					note: 'After 10 s the description reads "Old text": Meta may apply it later, or the update failed; the WhatsApp Groups Trigger\'s settings_updated / settings_update_failed event reports the outcome.',
				},
				item: 0,
			},
		]);
		scope.done();
	});
});
