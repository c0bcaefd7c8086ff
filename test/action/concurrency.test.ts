import nock from 'nock';
import { sleep } from 'n8n-workflow';

import { graph, GROUP_ID, groupLocator, PHONE_ID, rows, run } from '../support/action';

describe('Many items: bounded concurrency, order and pairing', () => {
	afterEach(() => nock.cleanAll());

	async function sendMany(count: number, options: Record<string, number>) {
		let inFlight = 0;
		let maxInFlight = 0;
		const scope = graph()
			.post(`/v26.0/${PHONE_ID}/messages`)
			.times(count)
			.reply(async (_uri, body) => {
				inFlight++;
				maxInFlight = Math.max(maxInFlight, inFlight);
				await sleep(30);
				inFlight--;
				const text = (body as { text: { body: string } }).text.body;
				return [200, { messaging_product: 'whatsapp', messages: [{ id: `wamid.${text}` }] }];
			});
		const result = await run(
			{
				resource: 'message',
				operation: 'send',
				phoneNumberId: PHONE_ID,
				groupId: groupLocator(),
				messageType: 'text',
				text: '={{ $json.n }}',
				options,
			},
			Array.from({ length: count }, (_, n) => ({ n: String(n) })),
		);
		scope.done();
		return { result, maxInFlight };
	}

	it('keeps at most the configured number of requests in flight, and output in input order', async () => {
		const { result, maxInFlight } = await sendMany(9, { concurrency: 3 });
		expect(maxInFlight).toBe(3);
		expect(rows(result)).toEqual(
			Array.from({ length: 9 }, (_, n) => ({
				json: { groupId: GROUP_ID, messageId: `wamid.${n}`, type: 'text' },
				item: n,
			})),
		);
	});

	it('defaults to 5 in flight', async () => {
		const { maxInFlight } = await sendMany(12, {});
		expect(maxInFlight).toBe(5);
	});

	it('runs one at a time with concurrency 1', async () => {
		const { maxInFlight } = await sendMany(4, { concurrency: 1 });
		expect(maxInFlight).toBe(1);
	});
});
