/**
 * Proves the engine harness itself: the package loads through n8n-core's PackageDirectoryLoader,
 * and a node run by WorkflowExecute gets n8n's expression evaluation, the package's credential
 * (defaults applied, generic `authenticate` resolved), httpRequestWithAuthentication through n8n's
 * outbound client answered by nock, pairedItem, continueOnFail and the execution error.
 *
 * The probe node below is defined by this test so these checks do not depend on the action node's
 * behaviour; it uses the package's built credential.
 */
import nock from 'nock';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { assertBuilt, loadPackage, PACKAGE_ROOT, runNode } from '../support/n8n/engine';

const CREDENTIALS = {
	whatsAppGroupsApi: {
		accessToken: 'engine-test-token',
		businessAccountId: '1029384756',
		graphApiVersion: 'v26.0',
		baseUrl: 'https://graph.facebook.com',
	},
};

/** GETs `path` below the credential's base URL and version, one request per item. */
class EngineProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Engine Probe',
		name: 'engineProbe',
		icon: 'fa:vial',
		group: ['transform'],
		version: 1,
		description: 'Calls the Graph API with the package credential, once per item',
		defaults: { name: 'Engine Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'whatsAppGroupsApi', required: true }],
		properties: [
			{ displayName: 'Path', name: 'path', type: 'string', default: '/me' },
			{ displayName: 'Label', name: 'label', type: 'string', default: 'no label' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const outcome = await probeItem(this, itemIndex);
			if (outcome instanceof Error) {
				if (!this.continueOnFail()) throw outcome;
				returnData.push({ json: { error: outcome.message }, pairedItem: { item: itemIndex } });
				continue;
			}
			returnData.push({ json: outcome, pairedItem: { item: itemIndex } });
		}
		return [returnData];
	}
}

/** One item's request; a failure is returned rather than thrown. */
async function probeItem(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<IDataObject | NodeApiError | NodeOperationError> {
	const credentials = await context.getCredentials('whatsAppGroupsApi');
	const path = context.getNodeParameter('path', itemIndex) as string;
	if (!path.startsWith('/')) {
		return new NodeOperationError(context.getNode(), `Path must start with "/": ${path}`, {
			itemIndex,
		});
	}
	const label = context.getNodeParameter('label', itemIndex) as string;
	return await (
		context.helpers.httpRequestWithAuthentication.call(context, 'whatsAppGroupsApi', {
			method: 'GET',
			url: `${credentials.baseUrl as string}/${credentials.graphApiVersion as string}${path}`,
			json: true,
		}) as Promise<IDataObject>
	).then(
		(response) => ({ ...response, label }),
		(error: NodeApiError) => error,
	);
}

const probe = (options: Partial<Parameters<typeof runNode>[0]>) =>
	runNode({
		nodeType: 'engineProbe',
		extraNodeTypes: { engineProbe: new EngineProbe() },
		parameters: {},
		credentials: CREDENTIALS,
		...options,
	});

describe('engine harness', () => {
	afterEach(() => nock.cleanAll());

	it('loads the built package through n8n-core PackageDirectoryLoader', async () => {
		const pkg = await loadPackage();
		expect(pkg.packageName).toBe('n8n-nodes-whatsapp-groups');
		const node = pkg.nodeTypes.getByNameAndVersion('n8n-nodes-whatsapp-groups.whatsAppGroups');
		expect(node.description.name).toBe('whatsAppGroups');
		expect(node.description.credentials?.map(({ name }) => name)).toContain('whatsAppGroupsApi');
		const credential = pkg.credentialTypes.get('whatsAppGroupsApi');
		expect(credential?.authenticate).toMatchObject({ type: 'generic' });
		// n8n infers which nodes may use a credential from the nodes that declare it.
		expect(credential?.supportedNodes).toContain('whatsAppGroups');
	});

	it('fails with a clear message when the package is not built', () => {
		expect(() => assertBuilt(PACKAGE_ROOT, ['dist/nodes/Missing/Missing.node.js'])).toThrow(
			/npm run build/,
		);
	});

	it('runs several items with per-item expressions, the credential header and pairedItem', async () => {
		const scope = nock('https://graph.facebook.com', {
			reqheaders: { authorization: 'Bearer engine-test-token' },
		})
			.get('/v26.0/group-a')
			.reply(200, { id: 'group-a' })
			.get('/v26.0/group-b')
			.reply(200, { id: 'group-b' })
			.get('/v26.0/group-c')
			.reply(200, { id: 'group-c' });

		const result = await probe({
			parameters: { path: '=/{{ $json.groupId }}', label: '={{ $json.name.toUpperCase() }}' },
			inputItems: [
				{ groupId: 'group-a', name: 'first' },
				{ groupId: 'group-b', name: 'second' },
				{ groupId: 'group-c', name: 'third' },
			],
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{ json: { id: 'group-a', label: 'FIRST' }, pairedItem: { item: 0 } },
			{ json: { id: 'group-b', label: 'SECOND' }, pairedItem: { item: 1 } },
			{ json: { id: 'group-c', label: 'THIRD' }, pairedItem: { item: 2 } },
		]);
		expect(result.runData['Engine Probe'][0].executionStatus).toBe('success');
		// The credential's generic authenticate, resolved by n8n's expression engine.
		expect(result.authenticatedRequests.map(({ headers }) => headers?.Authorization)).toEqual([
			'Bearer engine-test-token',
			'Bearer engine-test-token',
			'Bearer engine-test-token',
		]);
		scope.done();
	});

	it('applies the credential defaults (base URL and Graph version) like n8n', async () => {
		const scope = nock('https://graph.facebook.com', {
			reqheaders: { authorization: 'Bearer only-a-token' },
		})
			.get('/v27.0/me')
			.reply(200, { id: 'me' });

		const result = await probe({
			credentials: { whatsAppGroupsApi: { accessToken: 'only-a-token' } },
		});

		expect(result.items).toEqual([
			{ json: { id: 'me', label: 'no label' }, pairedItem: { item: 0 } },
		]);
		scope.done();
	});

	it('with continueOnFail, a failing item becomes an error item and the others succeed', async () => {
		const scope = nock('https://graph.facebook.com')
			.get('/v26.0/ok-1')
			.reply(200, { id: 'ok-1' })
			.get('/v26.0/ok-2')
			.reply(200, { id: 'ok-2' });

		const result = await probe({
			parameters: { path: '={{ $json.path }}' },
			inputItems: [{ path: '/ok-1' }, { path: 'no-slash' }, { path: '/ok-2' }],
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{ json: { id: 'ok-1', label: 'no label' }, pairedItem: { item: 0 } },
			{ json: { error: 'Path must start with "/": no-slash' }, pairedItem: { item: 1 } },
			{ json: { id: 'ok-2', label: 'no label' }, pairedItem: { item: 2 } },
		]);
		scope.done();
	});

	it('without continueOnFail, the execution fails with the error the node threw', async () => {
		nock('https://graph.facebook.com')
			.get('/v26.0/ok-1')
			.reply(200, { id: 'ok-1' })
			.get('/v26.0/forbidden')
			.reply(403, { error: { message: 'Nope', code: 10 } });

		const result = await probe({
			parameters: { path: '={{ $json.path }}' },
			inputItems: [{ path: '/ok-1' }, { path: '/forbidden' }],
		});

		expect(result.items).toEqual([]);
		expect(result.run.status).toBe('error');
		// What n8n stores for the execution: a plain copy of the error.
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '403' });
		expect(result.runData['Engine Probe'][0].executionStatus).toBe('error');
		// The thrown instance, as handed to n8n's ErrorReporter.
		expect(result.reportedErrors).toHaveLength(1);
		expect(result.reportedErrors[0]).toBeInstanceOf(NodeApiError);
	});
});
