/* Which published workflows' triggers did not register with the sandbox (npm run dev names them). */
import {
	DEV_PHONE_NUMBERS,
	sandbox360dialogCredential,
	triggerUrls,
	unregisteredWorkflows,
} from '../../dev/lib/stack';

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

function state(urls: { phone?: string; waba?: string; app?: string; d360?: string }) {
	return {
		phones: new Map([
			['100000000000002', { override: urls.phone ? { uri: urls.phone } : null }],
			[
				'100000000000003',
				{ override: null, d360_webhook: urls.d360 ? { url: urls.d360, headers: {} } : null },
			],
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

	it("counts a trigger registered as a number's 360dialog webhook", () => {
		const d360 = {
			id: 'w4',
			name: '360dialog',
			nodes: [trigger('eee', { authentication: '360dialog' })],
		};
		expect(unregisteredWorkflows([d360], state({}), BASE)).toEqual([d360]);
		expect(
			unregisteredWorkflows([d360], state({ d360: `${BASE}/webhook/eee/webhook` }), BASE),
		).toEqual([]);
	});
});

describe('the 360dialog sandbox credential', () => {
	/** The sandbox's fake keys, as it makes them: one per number, in order. */
	const keyOf = (index: number) => `sandbox-360dialog-key-${index + 1}`;
	const sandbox = {
		url: 'http://127.0.0.1:8787',
		config: {
			d360_base_url: 'http://127.0.0.1:8787',
			phone_numbers: DEV_PHONE_NUMBERS.map((p, index) => ({
				id: p.id,
				d360_api_key: keyOf(index),
			})),
		},
	};

	it("holds the API key of the sandbox's last number (not the Meta examples') and its Base URL", () => {
		expect(DEV_PHONE_NUMBERS.map((p) => p.id)).toEqual([
			'100000000000002',
			'100000000000003',
			'100000000000004',
		]);
		expect(sandbox360dialogCredential(sandbox)).toEqual({
			id: 'Sandbox360dialog1',
			name: '360dialog sandbox',
			type: 'whatsAppGroups360DialogApi',
			data: { apiKey: keyOf(2), baseUrl: 'http://127.0.0.1:8787' },
		});
		expect(
			sandbox360dialogCredential(sandbox, { phoneNumberId: '100000000000002', id: 'x' }).data
				.apiKey,
		).toBe(keyOf(0));
		expect(() => sandbox360dialogCredential(sandbox, { phoneNumberId: 'nope' })).toThrow(
			'no phone number nope',
		);
	});
});
