/* Which published workflows' triggers did not register with the sandbox (npm run dev names them). */
import { triggerUrls, unregisteredWorkflows } from '../../dev/lib/stack';

const BASE = 'http://127.0.0.1:5678';
const trigger = (
	webhookId: string,
	parameters: Record<string, unknown> = {},
	disabled = false,
) => ({
	type: 'CUSTOM.whatsAppGroupsTrigger',
	webhookId,
	parameters,
	disabled,
});
const welcome = { id: 'w1', name: 'Welcome', nodes: [trigger('aaa')] };
const approval = {
	id: 'w2',
	name: 'Approval',
	nodes: [trigger('bbb', { destination: 'businessAccount' }), { type: 'n8n-nodes-base.set' }],
};
const manual = { id: 'w3', name: 'Manual', nodes: [trigger('ccc', { destination: 'manual' })] };

function state(urls: { phone?: string; waba?: string; app?: string }) {
	return {
		phones: new Map([
			['100000000000002', { override: urls.phone ? { uri: urls.phone } : null }],
			['100000000000003', { override: null }],
		]),
		waba: { override: urls.waba ? { uri: urls.waba } : null },
		appSubscription: urls.app ? { callback_url: urls.app } : null,
	};
}

describe('triggerUrls and unregisteredWorkflows', () => {
	it('gives the production URL of every enabled trigger that registers a destination', () => {
		expect(triggerUrls(welcome, `${BASE}/`)).toEqual([`${BASE}/webhook/aaa/webhook`]);
		expect(triggerUrls(approval, BASE)).toEqual([`${BASE}/webhook/bbb/webhook`]);
		expect(triggerUrls(manual, BASE)).toEqual([]);
		expect(triggerUrls({ nodes: [trigger('ddd', {}, true)] }, BASE)).toEqual([]);
	});

	it('names the workflows whose trigger URL no destination of the sandbox points to', () => {
		const all = [welcome, approval, manual];
		expect(unregisteredWorkflows(all, state({}), BASE)).toEqual([welcome, approval]);
		expect(
			unregisteredWorkflows(all, state({ phone: `${BASE}/webhook/aaa/webhook` }), BASE),
		).toEqual([approval]);
		expect(
			unregisteredWorkflows(
				all,
				state({ phone: `${BASE}/webhook/aaa/webhook`, waba: `${BASE}/webhook/bbb/webhook` }),
				BASE,
			),
		).toEqual([]);
		// Another n8n's URL on the same path does not count.
		expect(
			unregisteredWorkflows(
				[welcome],
				state({ app: 'http://127.0.0.1:9999/webhook/aaa/webhook' }),
				BASE,
			),
		).toEqual([welcome]);
	});
});
