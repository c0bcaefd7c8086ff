/**
 * Every number the action node reads is held to its range, for every item, whatever the editor
 * allows: an expression or an AI agent can send NaN, 0, a fraction or a word (issue 10, items 2
 * and 4). Each bad value is refused with an error naming the field and the item, and nothing is
 * sent. The built node runs in n8n's WorkflowExecute; every request is recorded by a fake API.
 */
import type { INodeParameters, NodeParameterValue } from 'n8n-workflow';

import { RANGES } from '../../nodes/WhatsAppGroups/helpers/defaults';
import { GRAPH, GROUP_ID, PHONE_ID, groupLocator, run } from '../support/action';
import { fakeGraph } from '../support/fakeGraph';
import type { FakeGraph } from '../support/fakeGraph';
import { useNock } from '../support/nock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => undefined),
}));

const target = { phoneNumberId: PHONE_ID, groupId: groupLocator() };

/** Each number parameter, in an operation that reads it, and how to set it. */
const FIELDS: Array<{
	field: string;
	parameters: (value: NodeParameterValue) => INodeParameters;
}> = [
	{
		field: 'Concurrency',
		parameters: (value: NodeParameterValue) => ({
			resource: 'message',
			operation: 'send',
			...target,
			text: 'Hi',
			options: { concurrency: value },
		}),
	},
	{
		field: 'Concurrency',
		parameters: (value: NodeParameterValue) => ({
			resource: 'participant',
			operation: 'remove',
			...target,
			participants: '4915112345678',
			options: { concurrency: value },
		}),
	},
	{
		field: 'Request Timeout',
		parameters: (value: NodeParameterValue) => ({
			resource: 'group',
			operation: 'get',
			...target,
			options: { requestTimeout: value },
		}),
	},
	{
		field: 'Wait Timeout (Seconds)',
		parameters: (value: NodeParameterValue) => ({
			resource: 'group',
			operation: 'delete',
			...target,
			options: { waitForConfirmation: true, waitTimeout: value },
		}),
	},
	{
		field: 'Poll Interval (Seconds)',
		parameters: (value: NodeParameterValue) => ({
			resource: 'group',
			operation: 'create',
			phoneNumberId: PHONE_ID,
			subject: 'Numbers',
			options: { waitForGroup: true, pollInterval: value },
		}),
	},
	{
		field: 'Batch Size',
		parameters: (value: NodeParameterValue) => ({
			resource: 'joinRequest',
			operation: 'approve',
			...target,
			joinRequestIds: 'JR1, JR2',
			options: { batchSize: value },
		}),
	},
	{
		field: 'Batch Size',
		parameters: (value: NodeParameterValue) => ({
			resource: 'joinRequest',
			operation: 'reject',
			...target,
			joinRequestIds: 'JR1',
			options: { batchSize: value },
		}),
	},
	{
		field: 'Limit',
		parameters: (value: NodeParameterValue) => ({
			resource: 'group',
			operation: 'getMany',
			phoneNumberId: PHONE_ID,
			returnAll: false,
			limit: value,
		}),
	},
	{
		field: 'Limit',
		parameters: (value: NodeParameterValue) => ({
			resource: 'joinRequest',
			operation: 'getMany',
			...target,
			returnAll: false,
			limit: value,
		}),
	},
	{
		field: 'Days',
		parameters: (value: NodeParameterValue) => ({
			resource: 'message',
			operation: 'pin',
			...target,
			messageId: 'wamid.A',
			expirationDays: value,
		}),
	},
	{
		field: 'Invite Link Position',
		parameters: (value: NodeParameterValue) => ({
			resource: 'inviteLink',
			operation: 'send',
			...target,
			recipient: '4915112345678',
			templateName: { __rl: true, mode: 'name', value: 'group_invite' },
			languageCode: 'en',
			groupLinkPosition: value,
		}),
	},
];

/** Values no number parameter accepts: as saved, and as expressions return them. */
const BAD_VALUES: Array<[string, NodeParameterValue, string]> = [
	['NaN', '={{ NaN }}', 'NaN'],
	['0', 0, '0'],
	['-1', -1, '-1'],
	['0.5', 0.5, '0.5'],
	['1e308', 1e308, '1e+308'],
	['Infinity', '={{ Infinity }}', 'Infinity'],
	['a word', 'many', '"many"'],
	['blank text', '   ', '"   "'],
	['true', '={{ true }}', 'true'],
	['an array', '={{ [5] }}', 'an array'],
	['an object', '={{ { "n": 5 } }}', 'an object'],
];

describe('number parameters: a value out of range is refused, naming the field and the item, before anything is sent', () => {
	useNock();
	let graph: FakeGraph;
	beforeEach(() => {
		graph = fakeGraph(GRAPH, () => ({ status: 200, body: {} }));
	});
	afterEach(() => graph.stop());

	describe.each(
		FIELDS.map((entry) => {
			const { resource, operation } = entry.parameters(1);
			return [entry.field, `${String(resource)} > ${String(operation)}`, entry] as const;
		}),
	)('%s in %s', (field, _operation, { parameters }) => {
		it.each(BAD_VALUES)('refuses %s', async (_label, value, shown) => {
			const result = await run(parameters(value), [{}]);
			expect(result.error?.message).toMatch(
				new RegExp(
					`^Invalid "${field.replace(/[()]/g, '\\$&')}" in item 0: must be a (whole )?number (of seconds )?(from|of at least) `,
				),
			);
			expect(result.error?.message).toContain(`(got ${shown})`);
			expect(result.error?.description).toBe('Nothing was sent for item 0.');
			expect(graph.calls).toEqual([]);
			expect(graph.elsewhere).toEqual([]);
		});
	});

	it('names the item whose value is bad, and sends nothing for the others either (no Continue On Fail)', async () => {
		const parameters = FIELDS.find((entry) => entry.field === 'Batch Size')!.parameters(
			'={{ $json.size }}',
		);
		const result = await run(parameters, [{ size: 2 }, { size: 0 }, { size: 1 }]);
		expect(result.error?.message).toBe(
			'Invalid "Batch Size" in item 1: must be a whole number from 1 to 1000 (got 0)',
		);
		expect(graph.calls).toEqual([]);
	});

	it('with Continue On Fail, the bad item gets the error and the others run', async () => {
		const parameters = FIELDS.find((entry) => entry.field === 'Days')!.parameters(
			'={{ $json.days }}',
		);
		const result = await run(parameters, [{ days: 3 }, { days: 0.5 }], true);
		expect(result.items.map((item) => item.json.error ?? 'sent')).toEqual([
			'sent',
			'Invalid "Days" in item 1: must be a whole number from 1 to 30 (got 0.5)',
		]);
		expect(graph.calls).toHaveLength(1);
	});

	it('reads numbers given as text, and the range ends, as numbers', async () => {
		const { min, max } = RANGES.joinRequestBatchSize;
		for (const size of [` ${min} `, String(max), '2.0']) {
			graph.calls.length = 0;
			const parameters = FIELDS.find((entry) => entry.field === 'Batch Size')!.parameters(size);
			const result = await run(parameters, [{}]);
			expect(result.error).toBeUndefined();
			expect(graph.calls.map((call) => call.body)).toEqual(
				size.trim() === '1'
					? [
							{ messaging_product: 'whatsapp', join_requests: ['JR1'] },
							{ messaging_product: 'whatsapp', join_requests: ['JR2'] },
						]
					: [{ messaging_product: 'whatsapp', join_requests: ['JR1', 'JR2'] }],
			);
			expect(graph.calls.every((call) => call.path === `/v26.0/${GROUP_ID}/join_requests`)).toBe(
				true,
			);
		}
	});
});
