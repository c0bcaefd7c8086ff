// @ts-check
'use strict';

/**
 * Runs a node of this package inside n8n's real execution engine. The one harness for the jest
 * suites (TypeScript imports it through allowJs and keeps its JSDoc types) and the bench.
 *
 * The package is loaded the way an n8n instance loads a community package: n8n-core's
 * `PackageDirectoryLoader` reads the `n8n` section of package.json and requires the built
 * classes from `dist/`. A two-node workflow (an in-test source node that emits the given items,
 * connected to the node under test) is then run by n8n-core's `WorkflowExecute`, so parameter
 * resolution and defaults, expressions, `getCredentials`, `httpRequestWithAuthentication` with the
 * credential's generic `authenticate`, `pairedItem` and `continueOnFail` / `onError` are all
 * n8n's own code. HTTP goes out through n8n's outbound client, so nock answers it.
 *
 * What is stubbed (n8n's CLI owns these and does not publish them): credential storage and
 * decryption (the caller passes plain credential data) and everything unrelated to running a node
 * (sub-workflows, task runners, UI push).
 *
 * Limits worth knowing:
 * - Expressions run on n8n-workflow's default "legacy" evaluator (tournament, in process). n8n
 *   instances configured for the isolated-vm expression engine evaluate the same syntax in an
 *   isolate; that native module is not built here, so that engine is not exercised.
 * - n8n's ErrorReporter is switched to collecting during a run (`reportedErrors`), so a failing
 *   node does not print to the console.
 * - Waits are real: a response the node retries after a backoff makes the run wait (n8n-workflow's
 *   real `sleep`); answer engine tests with non-retryable statuses and test retries with a fake
 *   context instead.
 * - Binary data stays in memory (n8n's default mode): give input items `binary` with base64
 *   `data`, as in `{ json, binary: { data: { data, mimeType, fileName } } }`.
 */
const path = require('node:path');

const { ICredentialsHelper, NodeConnectionTypes, NodeHelpers, Workflow } = require('n8n-workflow');
const {
	ErrorReporter,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	PackageDirectoryLoader,
	WorkflowExecute,
} = require('n8n-core');

/**
 * @typedef {import('n8n-workflow').ICredentialDataDecryptedObject} ICredentialDataDecryptedObject
 * @typedef {import('n8n-workflow').ICredentialType} ICredentialType
 * @typedef {import('n8n-workflow').IDataObject} IDataObject
 * @typedef {import('n8n-workflow').IHttpRequestOptions} IHttpRequestOptions
 * @typedef {import('n8n-workflow').INode} INode
 * @typedef {import('n8n-workflow').INodeExecutionData} INodeExecutionData
 * @typedef {import('n8n-workflow').INodeParameters} INodeParameters
 * @typedef {import('n8n-workflow').INodeProperties} INodeProperties
 * @typedef {import('n8n-workflow').INodeType} INodeType
 * @typedef {import('n8n-workflow').INodeTypeDescription} INodeTypeDescription
 * @typedef {import('n8n-workflow').INodeTypes} INodeTypes
 * @typedef {import('n8n-workflow').IRun} IRun
 * @typedef {import('n8n-workflow').IRunData} IRunData
 * @typedef {import('n8n-workflow').IVersionedNodeType} IVersionedNodeType
 * @typedef {import('n8n-workflow').IWorkflowExecuteAdditionalData} IWorkflowExecuteAdditionalData
 * @typedef {import('n8n-workflow').Workflow} WorkflowType
 */

/** Where the package under test lives: the repository root (the folder holding package.json). */
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * n8n-core's own dependency-injection container. `@n8n/di` is not a dependency of this package;
 * it is resolved from n8n-core's folder so this is the very instance n8n-core uses (a second copy
 * of the module would be a second, empty container).
 * @returns {{ get<T>(type: abstract new (...args: never[]) => T): T }}
 */
function coreContainer() {
	const fromCore = require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] });
	return require(fromCore).Container;
}

const HARNESS_PACKAGE = 'n8n-nodes-engine-harness';
const SOURCE_NODE_TYPE = `${HARNESS_PACKAGE}.itemSource`;
const SOURCE_NODE_NAME = 'Input Items';

/** @typedef {Record<string, ICredentialDataDecryptedObject>} CredentialsData */

/**
 * @typedef {object} RunNodeOptions
 * @property {string} nodeType The node's type name without the package prefix, e.g. `whatsAppGroups`.
 * @property {INodeParameters} parameters As saved in a workflow: only what differs from the defaults; `=` marks an expression.
 * @property {Array<INodeExecutionData | IDataObject>} [inputItems] Items the node receives on its first input: plain objects become `{ json }`.
 * @property {CredentialsData} [credentials] Plain (decrypted) credential data by credential type name.
 * @property {boolean} [continueOnFail] Sets the node's "On Error" to "Continue" (`onError: 'continueRegularOutput'`).
 * @property {number} [typeVersion] Node version; defaults to the newest.
 * @property {string} [nodeName] Name of the node in the workflow (what `$node` and errors show).
 * @property {string} [packageDir] The package to load; defaults to this repository.
 * @property {Record<string, INodeType | IVersionedNodeType>} [extraNodeTypes] Node types defined by
 *   the caller, by name; `nodeType` may name one of them instead of a node of the package (they
 *   still use the package's credentials).
 */

/**
 * @typedef {object} RunNodeResult
 * @property {INodeExecutionData[]} items The node's first output, as the next node would receive it.
 * @property {INodeExecutionData[][]} outputs Every output of the node.
 * @property {(Error & IDataObject) | undefined} [error] The execution error when the node (and so
 *   the workflow) failed, as n8n stores it: a plain copy of the thrown error (name, message,
 *   description, httpCode, context, ...).
 * @property {Error[]} reportedErrors The errors n8n reported to its ErrorReporter during the run: the thrown instances.
 * @property {IHttpRequestOptions[]} authenticatedRequests Every request n8n authenticated with the credential, as sent (after `authenticate`).
 * @property {IRunData} runData n8n's run data of the whole execution, by node name.
 * @property {IRun} run The full result of `WorkflowExecute.run`.
 * @property {WorkflowType} workflow The workflow that ran, e.g. to inspect the node's resolved parameters.
 */

/**
 * @typedef {object} LoadedPackage
 * @property {string} packageName
 * @property {InstanceType<typeof PackageDirectoryLoader>} loader
 * @property {HarnessNodeTypes} nodeTypes
 * @property {Map<string, ICredentialType>} credentialTypes
 */

/**
 * Fails with a clear message when the package has not been built.
 * @param {string} packageDir
 * @param {string[]} files
 * @returns {void}
 */
function assertBuilt(packageDir, files) {
	const missing = files.filter((file) => {
		try {
			require.resolve(`${packageDir}/${file}`);
			return false;
		} catch {
			return true;
		}
	});
	if (missing.length > 0) {
		throw new Error(
			`The engine tests run the built package, but ${missing.join(', ')} ` +
				`${missing.length > 1 ? 'are' : 'is'} missing under ${packageDir}. Run \`npm run build\` first (or \`npm run build && npx jest\`).`,
		);
	}
}

/**
 * The in-test node that starts the workflow and emits the items the caller gives it.
 * @implements {INodeType}
 */
class ItemSource {
	/** @param {INodeExecutionData[]} items */
	constructor(items) {
		/** @type {INodeTypeDescription} */
		this.description = {
			displayName: 'Input Items',
			name: 'itemSource',
			group: ['input'],
			version: 1,
			description: 'Emits the items of the test',
			defaults: { name: SOURCE_NODE_NAME },
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			usableAsTool: true,
			properties: [],
		};
		// n8n calls `execute` with its execution context as `this`: the items come from the closure.
		/** @returns {Promise<INodeExecutionData[][]>} */
		this.execute = async () => [items.map((item) => ({ ...item, json: { ...item.json } }))];
	}
}

/**
 * INodeTypes over the loaded package, with node names prefixed by the package name as in n8n.
 * @implements {INodeTypes}
 */
class HarnessNodeTypes {
	constructor() {
		/** @private @type {Map<string, INodeType | IVersionedNodeType>} */
		this.types = new Map();
	}

	/** @param {string} fullName @param {INodeType | IVersionedNodeType} type */
	add(fullName, type) {
		this.types.set(fullName, type);
	}

	/** @param {string} nodeType @returns {INodeType | IVersionedNodeType} */
	getByName(nodeType) {
		const type = this.types.get(nodeType);
		if (!type) throw new Error(`Unknown node type "${nodeType}"`);
		return type;
	}

	/** @param {string} nodeType @param {number} [version] @returns {INodeType} */
	getByNameAndVersion(nodeType, version) {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	/** @returns {IDataObject} */
	getKnownTypes() {
		return {};
	}
}

/** @type {Map<string, Promise<LoadedPackage>>} */
const packageCache = new Map();

/**
 * Loads the package with n8n-core's PackageDirectoryLoader, as n8n loads a community package.
 * @param {string} [packageDir]
 * @returns {Promise<LoadedPackage>}
 */
async function loadPackage(packageDir = PACKAGE_ROOT) {
	let loading = packageCache.get(packageDir);
	if (!loading) {
		loading = (async () => {
			/** @type {{ n8n?: { nodes?: string[], credentials?: string[] } }} */
			const packageJson = require(`${packageDir}/package.json`);
			assertBuilt(packageDir, [
				...(packageJson.n8n?.nodes ?? []),
				...(packageJson.n8n?.credentials ?? []),
			]);
			const loader = new PackageDirectoryLoader(packageDir);
			await loader.loadAll();
			const nodeTypes = new HarnessNodeTypes();
			for (const [name, { type }] of Object.entries(loader.nodeTypes)) {
				nodeTypes.add(`${loader.packageName}.${name}`, type);
			}
			/** @type {Map<string, ICredentialType>} */
			const credentialTypes = new Map();
			for (const [name, { type }] of Object.entries(loader.credentialTypes)) {
				credentialTypes.set(name, type);
			}
			return { packageName: loader.packageName, loader, nodeTypes, credentialTypes };
		})();
		packageCache.set(packageDir, loading);
	}
	return await loading;
}

/**
 * The part of n8n's CredentialsHelper that running a node needs. Credentials come as plain data
 * (no database, no encryption); defaults of the credential type are applied as n8n does, and the
 * credential's `authenticate` is applied the way n8n applies it: a function is called, a generic
 * definition has each key and value resolved as an expression with `$credentials` and set on the
 * request's headers / qs / body / auth.
 */
class HarnessCredentialsHelper extends ICredentialsHelper {
	/**
	 * @param {Map<string, ICredentialType>} credentialTypes
	 * @param {CredentialsData} credentials
	 */
	constructor(credentialTypes, credentials) {
		super();
		/** @private @readonly */
		this.credentialTypes = credentialTypes;
		/** @private @readonly */
		this.credentials = credentials;
		/**
		 * Every request options object that went through `authenticate`, after authentication.
		 * @readonly @type {IHttpRequestOptions[]}
		 */
		this.authenticatedRequests = [];
	}

	/** @private @param {string} name @returns {ICredentialType} */
	getType(name) {
		const type = this.credentialTypes.get(name);
		if (!type) throw new Error(`Unknown credential type "${name}"`);
		return type;
	}

	/** @param {string} name @returns {string[]} */
	getParentTypes(name) {
		const parents = this.credentialTypes.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	/** @param {string} credentialType @param {string} nodeType @returns {boolean} */
	isCredentialUsableByNode(credentialType, nodeType) {
		const type = this.credentialTypes.get(credentialType);
		if (!type?.restrictToSupportedNodes) return true;
		return (type.supportedNodes ?? []).some((supported) => nodeType.endsWith(`.${supported}`));
	}

	/**
	 * @param {ICredentialDataDecryptedObject} credentials
	 * @param {string} typeName
	 * @param {IHttpRequestOptions | import('n8n-workflow').IRequestOptionsSimplified} incomingRequestOptions
	 * @param {WorkflowType} [workflow]
	 * @param {INode} [node]
	 * @returns {Promise<IHttpRequestOptions>}
	 */
	async authenticate(credentials, typeName, incomingRequestOptions, workflow, node) {
		const requestOptions = /** @type {IHttpRequestOptions} */ (incomingRequestOptions);
		const { authenticate } = this.getType(typeName);
		let result = requestOptions;
		if (typeof authenticate === 'function') {
			result = await authenticate(credentials, requestOptions);
		} else if (authenticate && authenticate.type === 'generic') {
			const target = /** @type {Record<string, IDataObject | undefined>} */ (
				/** @type {unknown} */ (requestOptions)
			);
			const properties = /** @type {Record<string, Record<string, unknown>>} */ (
				authenticate.properties
			);
			for (const [where, entries] of Object.entries(properties)) {
				for (const [key, value] of Object.entries(entries)) {
					const resolvedKey = this.resolve(key, credentials, workflow, node);
					const resolvedValue = this.resolve(value, credentials, workflow, node);
					target[where] = { ...(target[where] ?? {}), [resolvedKey]: resolvedValue };
				}
			}
		}
		this.authenticatedRequests.push(result);
		return result;
	}

	/**
	 * @private
	 * @param {unknown} value
	 * @param {ICredentialDataDecryptedObject} credentials
	 * @param {WorkflowType} [workflow]
	 * @param {INode} [node]
	 * @returns {string}
	 */
	resolve(value, credentials, workflow, node) {
		if (typeof value !== 'string' || !value.startsWith('=')) return /** @type {string} */ (value);
		if (!workflow || !node)
			throw new Error('Cannot resolve a credential expression without a workflow');
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return resolved === undefined || resolved === null ? '' : String(resolved);
	}

	/** @returns {Promise<ICredentialDataDecryptedObject | undefined>} */
	async preAuthentication() {
		return undefined;
	}

	/** @returns {Promise<ICredentialDataDecryptedObject | undefined>} */
	async runPreAuthentication() {
		return undefined;
	}

	/** @returns {Promise<import('n8n-workflow').ICredentials>} */
	async getCredentials() {
		throw new Error('The engine harness has no credential store');
	}

	/**
	 * @param {IWorkflowExecuteAdditionalData} _additionalData
	 * @param {import('n8n-workflow').INodeCredentialsDetails} _nodeCredentials
	 * @param {string} type
	 * @returns {Promise<ICredentialDataDecryptedObject>}
	 */
	async getDecrypted(_additionalData, _nodeCredentials, type) {
		const data = this.credentials[type];
		if (!data) throw new Error(`The test gave no credentials of type "${type}"`);
		const withDefaults = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			/** @type {INodeParameters} */ (data),
			true,
			false,
			null,
			null,
		);
		return /** @type {ICredentialDataDecryptedObject} */ ({ ...(withDefaults ?? {}), ...data });
	}

	/** @returns {Promise<void>} */
	async updateCredentials() {}

	/** @returns {Promise<void>} */
	async updateCredentialsOauthTokenData() {}

	/** @param {string} type @returns {INodeProperties[]} */
	getCredentialsProperties(type) {
		return this.getType(type).properties;
	}
}

/**
 * @param {Array<INodeExecutionData | IDataObject>} inputItems
 * @returns {INodeExecutionData[]}
 */
function toItems(inputItems) {
	return inputItems.map((item) =>
		item && typeof item === 'object' && 'json' in item && typeof item.json === 'object'
			? /** @type {INodeExecutionData} */ (item)
			: { json: /** @type {IDataObject} */ (item) },
	);
}

/** @param {string} what */
function notAvailable(what) {
	return async () => {
		throw new Error(`${what} is not available in the engine harness`);
	};
}

/**
 * Runs one node of the package, fed by a source node with `inputItems`, in WorkflowExecute.
 * @param {RunNodeOptions} options
 * @returns {Promise<RunNodeResult>}
 */
async function runNode(options) {
	const pkg = await loadPackage(options.packageDir);
	const extraType = options.extraNodeTypes?.[options.nodeType];
	const fullType = `${extraType ? HARNESS_PACKAGE : pkg.packageName}.${options.nodeType}`;
	const nodeType = extraType ?? pkg.nodeTypes.getByName(fullType);
	const typeVersion =
		options.typeVersion ??
		('nodeVersions' in nodeType
			? nodeType.currentVersion
			: Math.max(.../** @type {number[]} */ ([]).concat(nodeType.description.version)));
	const description = NodeHelpers.getVersionedNodeType(nodeType, typeVersion).description;

	const nodeTypes = new HarnessNodeTypes();
	nodeTypes.add(fullType, nodeType);
	const inputItems = toItems(options.inputItems ?? [{}]);
	nodeTypes.add(SOURCE_NODE_TYPE, new ItemSource(inputItems));

	const credentials = options.credentials ?? {};
	const nodeName = options.nodeName ?? description.defaults.name ?? options.nodeType;
	/** @type {INode} */
	const sourceNode = {
		id: 'harness-source',
		name: SOURCE_NODE_NAME,
		type: SOURCE_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	/** @type {INode} */
	const node = {
		id: 'harness-node-under-test',
		name: nodeName,
		type: fullType,
		typeVersion,
		position: [200, 0],
		parameters: options.parameters,
		credentials: Object.fromEntries(
			(description.credentials ?? [])
				.filter(({ name }) => credentials[name] !== undefined)
				.map(({ name }) => [name, { id: `cred-${name}`, name: `Test ${name}` }]),
		),
		...(options.continueOnFail ? { onError: /** @type {const} */ ('continueRegularOutput') } : {}),
	};

	const workflow = new Workflow({
		id: 'engine-harness',
		name: 'Engine harness',
		nodes: [sourceNode, node],
		connections: {
			[SOURCE_NODE_NAME]: { main: [[{ node: nodeName, type: 'main', index: 0 }]] },
		},
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});

	const executionId = 'engine-harness-execution';
	const hooks = new ExecutionLifecycleHooks(
		'manual',
		executionId,
		/** @type {never} */ ({
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

	const credentialsHelper = new HarnessCredentialsHelper(pkg.credentialTypes, credentials);
	const additionalData = /** @type {IWorkflowExecuteAdditionalData} */ (
		/** @type {unknown} */ ({
			credentialsHelper,
			hooks,
			executionId,
			externalSecretsProxy: new ExternalSecretsProxy(),
			executeWorkflow: notAvailable('Executing a sub-workflow'),
			getRunExecutionData: async () => undefined,
			getRuntimeCredential: async () => undefined,
			startRunnerTask: notAvailable('The task runner'),
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
			mcpBaseUrl: 'http://localhost:5678/mcp',
			mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
			variables: {},
			userId: 'engine-harness-user',
		})
	);

	// n8n hands a node's failure to its ErrorReporter (Sentry in production, the console by
	// default): collect the thrown instances instead, and keep the output quiet.
	const reporter = /** @type {{ report: (error: unknown) => void }} */ (
		/** @type {unknown} */ (coreContainer().get(ErrorReporter))
	);
	/** @type {Error[]} */
	const reportedErrors = [];
	const originalReport = reporter.report;
	reporter.report = (reported) => {
		if (reported instanceof Error) reportedErrors.push(reported);
	};
	/** @type {IRun} */
	let run;
	try {
		run = await new WorkflowExecute(additionalData, 'manual').run({
			workflow,
			startNode: sourceNode,
		});
	} finally {
		reporter.report = originalReport;
	}

	const runData = run.data.resultData.runData;
	const outputs = (runData[nodeName]?.[0]?.data?.main ?? []).map((output) => output ?? []);
	const error = /** @type {(Error & IDataObject) | undefined} */ (run.data.resultData.error);
	return {
		items: outputs[0] ?? [],
		outputs,
		error,
		reportedErrors,
		authenticatedRequests: credentialsHelper.authenticatedRequests,
		runData,
		run,
		workflow,
	};
}

module.exports = {
	PACKAGE_ROOT,
	assertBuilt,
	loadPackage,
	runNode,
	HarnessNodeTypes,
	HarnessCredentialsHelper,
};
