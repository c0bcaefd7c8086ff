// @ts-check
'use strict';

/**
 * Runs the BUILT action node inside n8n's real execution engine, from plain JavaScript: the same
 * path as the jest engine harness (test/helpers/engine.ts), reduced to what the benchmark needs.
 * n8n-core's PackageDirectoryLoader loads the package from dist/ as n8n loads a community
 * package; a two-node workflow (a source node emitting the items → the node under test) runs in
 * n8n-core's WorkflowExecute, so parameter resolution, expressions, credential authentication and
 * n8n's own HTTP client (and n8n-workflow's real `sleep` for Retry-After) are n8n's code.
 * Credentials are plain data (no store, no encryption).
 */
const path = require('node:path');

const { NodeHelpers, NodeConnectionTypes, Workflow, ICredentialsHelper } = require('n8n-workflow');
const {
	ErrorReporter,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	PackageDirectoryLoader,
	WorkflowExecute,
} = require('n8n-core');

const PACKAGE_ROOT = path.join(__dirname, '..');
const SOURCE_TYPE = 'n8n-nodes-bench.itemSource';
const SOURCE_NAME = 'Input Items';

/** n8n-core's own DI container (resolved from n8n-core's folder: the very instance it uses). */
function coreContainer() {
	const fromCore = require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] });
	return require(fromCore).Container;
}

/** @type {Promise<{ packageName: string, nodeTypes: Map<string, any>, credentialTypes: Map<string, any> }> | undefined} */
let loaded;

function loadPackage() {
	loaded ??= (async () => {
		const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
		await loader.loadAll();
		const nodeTypes = new Map();
		for (const [name, { type }] of Object.entries(loader.nodeTypes)) nodeTypes.set(name, type);
		const credentialTypes = new Map();
		for (const [name, { type }] of Object.entries(loader.credentialTypes))
			credentialTypes.set(name, type);
		return { packageName: loader.packageName, nodeTypes, credentialTypes };
	})();
	return loaded;
}

class NodeTypes {
	constructor() {
		/** @type {Map<string, any>} */
		this.types = new Map();
	}
	/** @param {string} name @param {any} type */
	add(name, type) {
		this.types.set(name, type);
	}
	/** @param {string} name */
	getByName(name) {
		const type = this.types.get(name);
		if (!type) throw new Error(`Unknown node type ${name}`);
		return type;
	}
	/** @param {string} name @param {number} [version] */
	getByNameAndVersion(name, version) {
		return NodeHelpers.getVersionedNodeType(this.getByName(name), version);
	}
	getKnownTypes() {
		return {};
	}
}

/** The part of n8n's CredentialsHelper a run needs: plain data, the credential's generic auth. */
class CredentialsHelper extends ICredentialsHelper {
	/** @param {Map<string, any>} credentialTypes @param {Record<string, Record<string, unknown>>} credentials */
	constructor(credentialTypes, credentials) {
		super();
		this.credentialTypes = credentialTypes;
		this.credentials = credentials;
	}
	/** @param {string} name */
	getParentTypes(name) {
		return this.credentialTypes.get(name)?.extends ?? [];
	}
	/** @param {string} credentialType */
	isCredentialUsableByNode(credentialType) {
		return !this.credentialTypes.get(credentialType)?.restrictToSupportedNodes;
	}
	/**
	 * @param {any} credentials
	 * @param {string} typeName
	 * @param {any} requestOptions
	 * @param {any} workflow
	 * @param {any} node
	 */
	async authenticate(credentials, typeName, requestOptions, workflow, node) {
		const { authenticate } = this.credentialTypes.get(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate?.type === 'generic') {
			for (const [where, entries] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(
					/** @type {Record<string, unknown>} */ (entries),
				)) {
					const resolved =
						typeof value === 'string' && value.startsWith('=')
							? workflow.expression.getSimpleParameterValue(
									node,
									value,
									'internal',
									{ $credentials: credentials },
									undefined,
									'',
								)
							: value;
					requestOptions[where] = {
						...(requestOptions[where] ?? {}),
						[key]: String(resolved ?? ''),
					};
				}
			}
		}
		return requestOptions;
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	async getCredentials() {
		throw new Error('The bench has no credential store');
	}
	/** @param {unknown} _additionalData @param {unknown} _details @param {string} type */
	async getDecrypted(_additionalData, _details, type) {
		const data = this.credentials[type];
		if (!data) throw new Error(`No credentials of type ${type}`);
		const withDefaults = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			/** @type {any} */ (data),
			true,
			false,
			null,
			null,
		);
		return { ...(withDefaults ?? {}), ...data };
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	/** @param {string} type */
	getCredentialsProperties(type) {
		return this.credentialTypes.get(type).properties;
	}
}

/**
 * Runs one node of the package on `inputItems` in WorkflowExecute.
 * @param {{ nodeType: string, parameters: Record<string, unknown>, inputItems: Array<Record<string, unknown>>, credentials: Record<string, Record<string, unknown>>, continueOnFail?: boolean }} options
 * @returns {Promise<{ items: Array<{ json: any, pairedItem?: any }>, error?: any }>}
 */
async function runNode(options) {
	const pkg = await loadPackage();
	const fullType = `${pkg.packageName}.${options.nodeType}`;
	const nodeType = pkg.nodeTypes.get(options.nodeType);
	if (!nodeType) throw new Error(`The package has no node ${options.nodeType}`);
	const description = NodeHelpers.getVersionedNodeType(nodeType).description;
	const typeVersion = Math.max(...[].concat(description.version));
	const items = options.inputItems.map((json) => ({ json }));
	const nodeTypes = new NodeTypes();
	nodeTypes.add(fullType, nodeType);
	nodeTypes.add(SOURCE_TYPE, {
		description: {
			displayName: SOURCE_NAME,
			name: 'itemSource',
			group: ['input'],
			version: 1,
			description: 'Emits the benchmark items',
			defaults: { name: SOURCE_NAME },
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		execute: async () => [items.map((item) => ({ json: { ...item.json } }))],
	});
	const nodeName = description.defaults.name;
	const sourceNode = {
		id: 'bench-source',
		name: SOURCE_NAME,
		type: SOURCE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const node = {
		id: 'bench-node',
		name: nodeName,
		type: fullType,
		typeVersion,
		position: [200, 0],
		parameters: options.parameters,
		credentials: Object.fromEntries(
			Object.keys(options.credentials).map((name) => [name, { id: `cred-${name}`, name }]),
		),
		...(options.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
	};
	const workflow = new Workflow({
		id: 'bench',
		name: 'Bench',
		nodes: /** @type {any} */ ([sourceNode, node]),
		connections: { [SOURCE_NAME]: { main: [[{ node: nodeName, type: 'main', index: 0 }]] } },
		active: false,
		nodeTypes: /** @type {any} */ (nodeTypes),
		settings: { executionOrder: 'v1' },
	});
	const executionId = 'bench-execution';
	const hooks = new ExecutionLifecycleHooks(
		'manual',
		executionId,
		/** @type {any} */ ({
			id: workflow.id,
			name: workflow.name,
			nodes: [sourceNode, node],
			connections: workflow.connectionsBySourceNode,
			active: false,
			activeVersionId: null,
			isArchived: false,
			createdAt: new Date(),
			updatedAt: new Date(),
			settings: workflow.settings,
		}),
	);
	const notAvailable = async () => {
		throw new Error('Not available in the bench');
	};
	const additionalData = /** @type {any} */ ({
		credentialsHelper: new CredentialsHelper(pkg.credentialTypes, options.credentials),
		hooks,
		executionId,
		externalSecretsProxy: new ExternalSecretsProxy(),
		executeWorkflow: notAvailable,
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: notAvailable,
		logAiEvent: () => {},
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		variables: {},
		userId: 'bench-user',
	});
	// Keep n8n's ErrorReporter quiet: a failing node is reported by the run result.
	const reporter = coreContainer().get(ErrorReporter);
	const originalReport = reporter.report;
	reporter.report = () => {};
	try {
		const run = await new WorkflowExecute(additionalData, 'manual').run({
			workflow,
			startNode: /** @type {any} */ (sourceNode),
		});
		const runData = run.data.resultData.runData;
		return {
			items: runData[nodeName]?.[0]?.data?.main?.[0] ?? [],
			error: run.data.resultData.error,
		};
	} finally {
		reporter.report = originalReport;
	}
}

module.exports = { runNode, loadPackage, PACKAGE_ROOT };
