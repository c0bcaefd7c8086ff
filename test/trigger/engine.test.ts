/**
 * The built trigger inside n8n-core's own contexts: the package is loaded as n8n loads it, the
 * webhook methods run in n8n's HookContext and the webhook in its WebhookContext, so parameter
 * defaults, webhook URLs (production and test), credentials, n8n's HTTP helpers with the
 * credential's authentication and the workflow's static data are n8n's code, not fakes.
 */
import nock from 'nock';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	IRun,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	WebhookType,
} from 'n8n-workflow';
import { createRunExecutionData, Workflow } from 'n8n-workflow';
import {
	DataDeduplicationService,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	HookContext,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';

import { HarnessCredentialsHelper, loadPackage } from '../support/n8n/engine';
import { fakeResponse, MemoryDeduplicationStore } from '../support/n8n/fakeContext';
import { metaSignature } from '../support/meta';
import { deriveVerifyToken } from '../../nodes/WhatsAppGroupsTrigger/webhook/verifyToken';
import groupCreated from '../fixtures/meta-doc-samples/group_lifecycle_update__create_succeed.json';
import { useNock } from '../support/nock';

const BASE = 'https://graph.test';
const APP_SECRET = 'engine-app-secret';
const CREDENTIALS = {
	accessToken: 'engine-user-token',
	businessAccountId: 'WABA_1',
	appId: 'APP_1',
	appSecret: APP_SECRET,
	graphApiVersion: 'v26.0',
	baseUrl: BASE,
};
const PRODUCTION_URL = 'https://n8n.example.com/webhook/hook-1/webhook';
const TEST_URL = 'https://n8n.example.com/webhook-test/hook-1/webhook';

interface Harness {
	workflow: Workflow;
	node: INode;
	additionalData: IWorkflowExecuteAdditionalData;
	webhookData(name: WebhookType, isTest?: boolean): IWebhookData;
}

async function harness(parameters: IDataObject, staticData: IDataObject = {}): Promise<Harness> {
	const pkg = await loadPackage();
	const type = `${pkg.packageName}.whatsAppGroupsTrigger`;
	const node: INode = {
		id: 'trigger-node',
		name: 'WhatsApp Groups Trigger',
		type,
		typeVersion: 1,
		position: [0, 0],
		webhookId: 'hook-1',
		parameters: parameters as INode['parameters'],
		credentials: { whatsAppGroupsApi: { id: 'cred-1', name: 'WhatsApp' } },
	};
	const workflow = new Workflow({
		id: 'wf-1',
		name: 'Trigger workflow',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: pkg.nodeTypes,
		staticData,
		settings: { executionOrder: 'v1' },
	});
	const additionalData = {
		credentialsHelper: new HarnessCredentialsHelper(pkg.credentialTypes, {
			whatsAppGroupsApi: CREDENTIALS,
		}),
		externalSecretsProxy: new ExternalSecretsProxy(),
		webhookBaseUrl: 'https://n8n.example.com/webhook',
		webhookTestBaseUrl: 'https://n8n.example.com/webhook-test',
		webhookWaitingBaseUrl: 'https://n8n.example.com/webhook-waiting',
		formBaseUrl: 'https://n8n.example.com/form',
		formTestBaseUrl: 'https://n8n.example.com/form-test',
		restApiUrl: 'https://n8n.example.com/rest',
		instanceBaseUrl: 'https://n8n.example.com',
		variables: {},
		currentNodeExecutionIndex: 0,
	} as unknown as IWorkflowExecuteAdditionalData;
	const description = pkg.nodeTypes.getByNameAndVersion(type, 1).description;
	return {
		workflow,
		node,
		additionalData,
		webhookData: (name, isTest = false) => {
			const webhookDescription = description.webhooks!.find((webhook) => webhook.name === name)!;
			return {
				httpMethod: webhookDescription.httpMethod as IWebhookData['httpMethod'],
				node: node.name,
				path: 'hook-1/webhook',
				webhookDescription,
				workflowId: 'wf-1',
				workflowExecuteAdditionalData: additionalData,
				webhookId: 'hook-1',
				isTest,
			};
		},
	};
}

function methodsOf(h: Harness) {
	const nodeType = h.workflow.nodeTypes.getByNameAndVersion(h.node.type, 1);
	return nodeType.webhookMethods!.default as Record<
		'checkExists' | 'create' | 'delete',
		(this: HookContext) => Promise<boolean>
	>;
}

function hookContext(h: Harness, isTest = false) {
	return new HookContext(
		h.workflow,
		h.node,
		h.additionalData,
		isTest ? 'manual' : 'trigger',
		'activate',
		h.webhookData('default', isTest),
	);
}

async function callWebhook(
	h: Harness,
	name: WebhookType,
	request: { headers?: Record<string, string>; query?: IDataObject; rawBody?: string },
): Promise<{ result: IWebhookResponseData; response: ReturnType<typeof fakeResponse> }> {
	const response = fakeResponse();
	const rawBody = request.rawBody === undefined ? undefined : Buffer.from(request.rawBody);
	const additionalData = {
		...h.additionalData,
		httpRequest: {
			method: name === 'setup' ? 'GET' : 'POST',
			headers: request.headers ?? {},
			query: request.query ?? {},
			params: {},
			body: rawBody ? JSON.parse(rawBody.toString()) : {},
			rawBody,
		},
		httpResponse: response,
	} as unknown as IWorkflowExecuteAdditionalData;
	const context = new WebhookContext(
		h.workflow,
		h.node,
		additionalData,
		'webhook',
		h.webhookData(name),
		[],
		null,
	);
	const nodeType = h.workflow.nodeTypes.getByNameAndVersion(h.node.type, 1);
	const result = await nodeType.webhook!.call(context);
	return { result, response };
}

const userApi = () => nock(BASE, { reqheaders: { authorization: 'Bearer engine-user-token' } });

useNock({ allUsed: true });

describe("the built trigger in n8n-core's contexts", () => {
	it('activates the phone number destination with the production URL and n8n-authenticated calls', async () => {
		const h = await harness({ phoneNumberId: 'PHONE_1' });
		const methods = methodsOf(h);
		expect(hookContext(h).getNodeWebhookUrl('default')).toBe(PRODUCTION_URL);
		userApi()
			.get('/v26.0/PHONE_1')
			.query({ fields: 'webhook_configuration' })
			.times(2)
			.reply(200, { webhook_configuration: {} });
		userApi()
			.get('/v26.0/WABA_1/subscribed_apps')
			.reply(200, { data: [{ whatsapp_business_api_data: { id: 'APP_1' } }] });
		nock(BASE, { badheaders: ['authorization'] })
			.get('/v26.0/APP_1/subscriptions')
			.query({ access_token: `APP_1|${APP_SECRET}` })
			.reply(200, {
				data: [
					{
						object: 'whatsapp_business_account',
						callback_url: 'https://app.example.com',
						active: true,
						fields: [
							'group_lifecycle_update',
							'group_participants_update',
							'group_settings_update',
							'group_status_update',
							'messages',
						].map((name) => ({ name })),
					},
				],
			});
		const post = userApi()
			.post('/v26.0/PHONE_1', {
				webhook_configuration: {
					override_callback_uri: PRODUCTION_URL,
					verify_token: deriveVerifyToken(APP_SECRET, PRODUCTION_URL),
				},
			})
			.reply(200, { success: true });
		expect(await methods.checkExists.call(hookContext(h))).toBe(false);
		expect(await methods.create.call(hookContext(h))).toBe(true);
		expect(post.isDone()).toBe(true);
	});

	it('registers the test URL while listening for a test event', async () => {
		const h = await harness({ destination: 'businessAccount' });
		expect(hookContext(h, true).getNodeWebhookUrl('default')).toBe(TEST_URL);
		userApi()
			.get('/v26.0/WABA_1/subscribed_apps')
			.reply(200, {
				data: [{ whatsapp_business_api_data: { id: 'APP_1' }, override_callback_uri: TEST_URL }],
			});
		expect(await methodsOf(h).checkExists.call(hookContext(h, true))).toBe(true);
	});

	it("answers Meta's challenge and emits the typed item of a signed delivery", async () => {
		const h = await harness({ phoneNumberId: 'PHONE_1' });
		const challenge = await callWebhook(h, 'setup', {
			query: {
				'hub.mode': 'subscribe',
				'hub.verify_token': deriveVerifyToken(APP_SECRET, PRODUCTION_URL),
				'hub.challenge': '987',
			},
		});
		expect(challenge.result).toEqual({ noWebhookResponse: true });
		expect(challenge.response.sent).toEqual({
			statusCode: 200,
			headers: { 'content-type': 'text/plain; charset=utf-8' },
			body: '987',
		});

		const rawBody = JSON.stringify(groupCreated);
		const staticBefore = h.workflow.staticData.__dataChanged;
		const delivery = await callWebhook(h, 'default', {
			rawBody,
			headers: { 'x-hub-signature-256': metaSignature(rawBody, APP_SECRET) },
		});
		expect(staticBefore).toBeFalsy();
		expect(delivery.result.workflowData?.[0].map((item) => item.json)).toEqual([
			{
				event: 'group_created',
				field: 'group_lifecycle_update',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_ACCOUNT_ID',
				phoneNumberId: 'PHONE_NUMBER_ID',
				displayPhoneNumber: 'DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				requestId: 'REQUEST_ID',
				subject: 'test invite link',
				inviteLink: 'https://chat.whatsapp.com/LINK_ID',
				joinApprovalMode: 'JOIN_APPROVAL_MODE',
			},
		]);
		// The webhook call remembers nothing (redeliveries are left out by the run).
		expect(h.workflow.staticData.__dataChanged).toBe(false);
		expect(delivery.result.noWebhookResponse).toBeUndefined();
		expect(delivery.response.status).not.toHaveBeenCalled();
		expect(delivery.response.send).not.toHaveBeenCalled();

		const forged = await callWebhook(h, 'default', {
			rawBody,
			headers: { 'x-hub-signature-256': metaSignature(rawBody, 'not-the-secret') },
		});
		expect(forged.result).toEqual({ noWebhookResponse: true });
		expect(forged.response.sent.statusCode).toBe(401);
	});

	/**
	 * n8n 2.40.7's production webhook call and the run it starts, step by step (live-webhooks.js,
	 * webhook-helpers.js, workflow-runner.js, scaling/job-processor.js): the workflow row is read
	 * from the database and a Workflow built around its static data; the node's webhook runs; unless
	 * the node answered itself, n8n creates the execution and answers Meta (200) once it has started
	 * or enqueued it, then saves the webhook call's static data if it is marked changed. The run
	 * starts from the trigger node with the webhook's items, in n8n-core's WorkflowExecute (here for
	 * real), with static data of its own (a queue-mode worker's is empty: n8n stores none with an
	 * execution), saved when the run ends if a node changed it. n8n's deduplication store is the
	 * in-memory model of its DeduplicationHelper, reached through n8n-core's own helpers.
	 */
	async function productionCall(
		database: { staticData: string; saves: string[] },
		rawBody: string,
		o: { execution?: 'runs' | 'fails to start'; parameters?: IDataObject } = {},
	) {
		const row = JSON.parse(database.staticData) as IDataObject;
		const h = await harness(o.parameters ?? { phoneNumberId: 'PHONE_1' }, row);
		const saveIfChanged = (by: string, workflow: Workflow) => {
			if (workflow.staticData.__dataChanged === true) {
				database.staticData = JSON.stringify(workflow.staticData);
				database.saves.push(by);
				workflow.staticData.__dataChanged = false;
			}
		};
		const { result, response } = await callWebhook(h, 'default', {
			rawBody,
			headers: { 'x-hub-signature-256': metaSignature(rawBody, APP_SECRET) },
		});
		if (result.noWebhookResponse === true || result.workflowData === undefined) {
			saveIfChanged('webhook answer', h.workflow);
			return { answeredByTrigger: response.sent, emitted: [] as unknown[], taken: [] as unknown[] };
		}
		expect(response.status).not.toHaveBeenCalled();
		const emitted = result.workflowData[0].map((item) => item.json.requestId);
		if (o.execution === 'fails to start') {
			// n8n could not create the execution: it answers 500, saves nothing, Meta delivers again.
			return { answeredByTrigger: undefined, emitted, taken: [] as unknown[] };
		}
		saveIfChanged('webhook answer', h.workflow);
		const run = await runExecution(database, h, result.workflowData[0]);
		expect(run.data.resultData.error).toBeUndefined();
		expect(run.status).toBe('success');
		const taken = (
			run.data.resultData.runData['WhatsApp Groups Trigger'][0].data?.main[0] ?? []
		).map((item) => item.json.requestId);
		return { answeredByTrigger: undefined, emitted, taken };
	}

	/** The run of a production webhook call, in n8n-core's WorkflowExecute, as a worker runs it. */
	async function runExecution(
		database: { staticData: string; saves: string[] },
		h: Harness,
		items: INodeExecutionData[],
	): Promise<IRun> {
		const workflow = new Workflow({
			id: 'wf-1',
			name: 'Trigger workflow',
			nodes: [h.node],
			connections: {},
			active: true,
			nodeTypes: h.workflow.nodeTypes,
			staticData: {},
			settings: { executionOrder: 'v1' },
		});
		const hooks = new ExecutionLifecycleHooks('webhook', 'execution-1', {
			id: 'wf-1',
			name: 'Trigger workflow',
			nodes: [h.node],
			connections: {},
			active: true,
			activeVersionId: 'v1',
			isArchived: false,
			createdAt: new Date(),
			updatedAt: new Date(),
			settings: workflow.settings,
		} as never);
		hooks.addHandler('workflowExecuteAfter', (_run, newStaticData) => {
			if (newStaticData) {
				database.staticData = JSON.stringify(newStaticData);
				database.saves.push('run end');
			}
		});
		const additionalData = {
			...h.additionalData,
			hooks,
			executionId: 'execution-1',
			formWaitingBaseUrl: 'https://n8n.example.com/form-waiting',
		} as unknown as IWorkflowExecuteAdditionalData;
		const runExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node: h.node, data: { main: [items] }, source: null }],
			},
		});
		return await new WorkflowExecute(
			additionalData,
			'webhook',
			runExecutionData,
		).processRunExecutionData(workflow);
	}

	/** n8n's deduplication store for this file's runs, swapped per test. */
	let store = new MemoryDeduplicationStore();
	beforeAll(async () => {
		await DataDeduplicationService.init({
			checkProcessedAndRecord: async (items, scope, contextData, options) =>
				store.checkProcessedAndRecord(
					items,
					`${contextData.workflow.id}|${scope === 'node' ? `n:${contextData.node?.id}` : ''}`,
					options,
				),
			removeProcessed: async () => {},
			clearAllProcessedItems: async () => {},
			getProcessedDataCount: async () => 0,
		});
	});
	beforeEach(() => {
		store = new MemoryDeduplicationStore();
	});

	it("leaves out redeliveries in the run's first step, with n8n's deduplication store, never answering before n8n and never writing static data", async () => {
		const database = { staticData: '{}', saves: [] as string[] };
		const first = JSON.stringify(groupCreated);
		const second = first.replace('REQUEST_ID', 'REQUEST_ID_2');

		const call = await productionCall(database, first);
		expect(call).toEqual({
			answeredByTrigger: undefined,
			emitted: ['REQUEST_ID'],
			taken: ['REQUEST_ID'],
		});
		expect([...store.lists.keys()]).toEqual(['wf-1|n:trigger-node']);

		// Meta delivers it again: a run starts and takes nothing in.
		expect(await productionCall(database, first)).toEqual({
			answeredByTrigger: undefined,
			emitted: ['REQUEST_ID'],
			taken: [],
		});
		expect((await productionCall(database, second)).taken).toEqual(['REQUEST_ID_2']);
		expect((await productionCall(database, second)).taken).toEqual([]);
		expect((await productionCall(database, first)).taken).toEqual([]);
		// Nothing went through static data: a worker would otherwise overwrite it with its own.
		expect(database.saves).toEqual([]);
		expect(database.staticData).toBe('{}');
	});

	it('remembers nothing for a delivery whose execution n8n failed to start: it answers 500 and the redelivery runs', async () => {
		const database = { staticData: '{}', saves: [] as string[] };
		const body = JSON.stringify(groupCreated);
		const failed = await productionCall(database, body, { execution: 'fails to start' });
		expect(failed.emitted).toEqual(['REQUEST_ID']);
		expect(store.calls).toBe(0);
		expect((await productionCall(database, body)).taken).toEqual(['REQUEST_ID']);
		expect((await productionCall(database, body)).taken).toEqual([]);
	});

	it('takes every event in with Ignore Redeliveries off', async () => {
		const database = { staticData: '{}', saves: [] as string[] };
		const body = JSON.stringify(groupCreated);
		const parameters = { phoneNumberId: 'PHONE_1', options: { ignoreRedeliveries: false } };
		expect((await productionCall(database, body, { parameters })).taken).toEqual(['REQUEST_ID']);
		expect((await productionCall(database, body, { parameters })).taken).toEqual(['REQUEST_ID']);
		expect(store.calls).toBe(0);
	});

	it('could not keep a memory in static data without answering first: building the execution clears the change mark', async () => {
		// Why the webhook call remembers nothing: if n8n-workflow stops clearing the mark, this
		// fails, and saving from the webhook call without answering Meta first becomes possible.
		const pkg = await loadPackage();
		const row: IDataObject = {};
		const build = () =>
			new Workflow({
				nodes: [],
				connections: {},
				active: true,
				nodeTypes: pkg.nodeTypes,
				staticData: row,
			});
		const workflow = build();
		workflow.getStaticData('node', { name: 'Trigger' } as INode).seenEventKeys = ['k'];
		expect(workflow.staticData.__dataChanged).toBe(true);
		build();
		expect(workflow.staticData.__dataChanged).toBe(false);
	});
});
