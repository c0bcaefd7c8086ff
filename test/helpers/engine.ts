/**
 * Runs a node of this package inside n8n's real execution engine.
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
 * decryption (the test passes plain credential data) and everything unrelated to running a node
 * (sub-workflows, task runners, UI push).
 *
 * Limits worth knowing:
 * - Expressions run on n8n-workflow's default "legacy" evaluator (tournament, in process). n8n
 *   instances configured for the isolated-vm expression engine evaluate the same syntax in an
 *   isolate; that native module is not built here, so that engine is not exercised.
 * - n8n's ErrorReporter is switched to collecting during a run (`reportedErrors`), so a failing
 *   node does not print to the console.
 * - Waits are real: a response the node retries after a backoff makes the test wait; answer
 *   engine tests with non-retryable statuses and test retries with a fake context instead.
 * - Binary data stays in memory (n8n's default mode): give input items `binary` with base64
 *   `data`, as in `{ json, binary: { data: { data, mimeType, fileName } } }`.
 */
import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	IRunData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	Workflow as WorkflowType,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeConnectionTypes, NodeHelpers, Workflow } from 'n8n-workflow';
import {
	ErrorReporter,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	PackageDirectoryLoader,
	WorkflowExecute,
} from 'n8n-core';

/** Where the package under test lives: the repository root (the folder holding package.json). */
export const PACKAGE_ROOT = require
	.resolve('../../package.json')
	.replace(/[\\/]package\.json$/, '');

/**
 * n8n-core's own dependency-injection container. `@n8n/di` is not a dependency of this package;
 * it is resolved from n8n-core's folder so this is the very instance n8n-core uses (a second copy
 * of the module would be a second, empty container).
 */
interface DiContainer {
	get<T>(type: abstract new (...args: never[]) => T): T;
}
function coreContainer(): DiContainer {
	const moduleId = ['@n8n', 'di'].join('/');
	const fromCore = require.resolve(moduleId, { paths: [require.resolve('n8n-core')] });
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return (require(fromCore) as { Container: DiContainer }).Container;
}

const HARNESS_PACKAGE = 'n8n-nodes-engine-harness';
const SOURCE_NODE_TYPE = `${HARNESS_PACKAGE}.itemSource`;
const SOURCE_NODE_NAME = 'Input Items';

export type CredentialsData = Record<string, ICredentialDataDecryptedObject>;

export interface RunNodeOptions {
	/** The node's type name without the package prefix, e.g. `whatsAppGroups`. */
	nodeType: string;
	/** As saved in a workflow: only what differs from the defaults; `=` marks an expression. */
	parameters: INodeParameters;
	/** Items the node receives on its first input: plain objects become `{ json }`. */
	inputItems?: Array<INodeExecutionData | IDataObject>;
	/** Plain (decrypted) credential data by credential type name. */
	credentials?: CredentialsData;
	/** Sets the node's "On Error" to "Continue" (`onError: 'continueRegularOutput'`). */
	continueOnFail?: boolean;
	/** Node version; defaults to the newest. */
	typeVersion?: number;
	/** Name of the node in the workflow (what `$node` and errors show). */
	nodeName?: string;
	/** The package to load; defaults to this repository. */
	packageDir?: string;
	/**
	 * Node types defined by the test, by name; `nodeType` may name one of them instead of a node
	 * of the package (they still use the package's credentials).
	 */
	extraNodeTypes?: Record<string, INodeType | IVersionedNodeType>;
}

export interface RunNodeResult {
	/** The node's first output, as the next node would receive it. */
	items: INodeExecutionData[];
	/** Every output of the node. */
	outputs: INodeExecutionData[][];
	/**
	 * The execution error when the node (and so the workflow) failed, as n8n stores it: a plain
	 * copy of the thrown error (name, message, description, httpCode, context, ...).
	 */
	error?: Error & IDataObject;
	/** The errors n8n reported to its ErrorReporter during the run: the thrown instances. */
	reportedErrors: Error[];
	/** Every request n8n authenticated with the credential, as sent (after `authenticate`). */
	authenticatedRequests: IHttpRequestOptions[];
	/** n8n's run data of the whole execution, by node name. */
	runData: IRunData;
	/** The full result of `WorkflowExecute.run`. */
	run: IRun;
	/** The workflow that ran, e.g. to inspect the node's resolved parameters. */
	workflow: WorkflowType;
}

export interface LoadedPackage {
	packageName: string;
	loader: PackageDirectoryLoader;
	nodeTypes: HarnessNodeTypes;
	credentialTypes: Map<string, ICredentialType>;
}

/** Fails with a clear message when the package has not been built. */
export function assertBuilt(packageDir: string, files: string[]): void {
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

/** The in-test node that starts the workflow and emits the items the test gives it. */
class ItemSource implements INodeType {
	constructor(private readonly items: INodeExecutionData[]) {}

	description: INodeTypeDescription = {
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
	execute = async (): Promise<INodeExecutionData[][]> => [
		this.items.map((item) => ({ ...item, json: { ...item.json } })),
	];
}

/** INodeTypes over the loaded package, with node names prefixed by the package name as in n8n. */
export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	add(fullName: string, type: INodeType | IVersionedNodeType): void {
		this.types.set(fullName, type);
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (!type) throw new Error(`Unknown node type "${nodeType}"`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

const packageCache = new Map<string, Promise<LoadedPackage>>();

/** Loads the package with n8n-core's PackageDirectoryLoader, as n8n loads a community package. */
export async function loadPackage(packageDir: string = PACKAGE_ROOT): Promise<LoadedPackage> {
	let loading = packageCache.get(packageDir);
	if (!loading) {
		loading = (async () => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const packageJson = require(`${packageDir}/package.json`) as {
				n8n?: { nodes?: string[]; credentials?: string[] };
			};
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
			const credentialTypes = new Map<string, ICredentialType>();
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
export class HarnessCredentialsHelper extends ICredentialsHelper {
	/** Every request options object that went through `authenticate`, after authentication. */
	readonly authenticatedRequests: IHttpRequestOptions[] = [];

	constructor(
		private readonly credentialTypes: Map<string, ICredentialType>,
		private readonly credentials: CredentialsData,
	) {
		super();
	}

	private getType(name: string): ICredentialType {
		const type = this.credentialTypes.get(name);
		if (!type) throw new Error(`Unknown credential type "${name}"`);
		return type;
	}

	getParentTypes(name: string): string[] {
		const parents = this.credentialTypes.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const type = this.credentialTypes.get(credentialType);
		if (!type?.restrictToSupportedNodes) return true;
		return (type.supportedNodes ?? []).some((supported) => nodeType.endsWith(`.${supported}`));
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: WorkflowType,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const { authenticate } = this.getType(typeName);
		let result = requestOptions;
		if (typeof authenticate === 'function') {
			result = await authenticate(credentials, requestOptions);
		} else if (authenticate && authenticate.type === 'generic') {
			const target = requestOptions as unknown as Record<string, IDataObject | undefined>;
			const properties = (authenticate as IAuthenticateGeneric).properties as Record<
				string,
				Record<string, unknown>
			>;
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

	private resolve(
		value: unknown,
		credentials: ICredentialDataDecryptedObject,
		workflow?: WorkflowType,
		node?: INode,
	): string {
		if (typeof value !== 'string' || !value.startsWith('=')) return value as string;
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

	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('The engine harness has no credential store');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.credentials[type];
		if (!data) throw new Error(`The test gave no credentials of type "${type}"`);
		const withDefaults = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			data as INodeParameters,
			true,
			false,
			null,
			null,
		);
		return { ...(withDefaults ?? {}), ...data } as ICredentialDataDecryptedObject;
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.getType(type).properties;
	}
}

function toItems(inputItems: Array<INodeExecutionData | IDataObject>): INodeExecutionData[] {
	return inputItems.map((item) =>
		item && typeof item === 'object' && 'json' in item && typeof item.json === 'object'
			? (item as INodeExecutionData)
			: { json: item as IDataObject },
	);
}

function notAvailable(what: string) {
	return async () => {
		throw new Error(`${what} is not available in the engine harness`);
	};
}

/** Runs one node of the package, fed by a source node with `inputItems`, in WorkflowExecute. */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const pkg = await loadPackage(options.packageDir);
	const extraType = options.extraNodeTypes?.[options.nodeType];
	const fullType = `${extraType ? HARNESS_PACKAGE : pkg.packageName}.${options.nodeType}`;
	const nodeType = extraType ?? pkg.nodeTypes.getByName(fullType);
	const typeVersion =
		options.typeVersion ??
		('nodeVersions' in nodeType
			? nodeType.currentVersion
			: Math.max(...([] as number[]).concat(nodeType.description.version)));
	const description = NodeHelpers.getVersionedNodeType(nodeType, typeVersion).description;

	const nodeTypes = new HarnessNodeTypes();
	nodeTypes.add(fullType, nodeType);
	const inputItems = toItems(options.inputItems ?? [{}]);
	nodeTypes.add(SOURCE_NODE_TYPE, new ItemSource(inputItems));

	const credentials = options.credentials ?? {};
	const nodeName = options.nodeName ?? description.defaults.name ?? options.nodeType;
	const sourceNode: INode = {
		id: 'harness-source',
		name: SOURCE_NODE_NAME,
		type: SOURCE_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const node: INode = {
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
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
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
	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
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
	} as never);

	const credentialsHelper = new HarnessCredentialsHelper(pkg.credentialTypes, credentials);
	const additionalData = {
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
	} as unknown as IWorkflowExecuteAdditionalData;

	// n8n hands a node's failure to its ErrorReporter (Sentry in production, the console by
	// default): collect the thrown instances instead, and keep the test output quiet.
	const reporter = coreContainer().get(ErrorReporter) as unknown as {
		report: (error: unknown) => void;
	};
	const reportedErrors: Error[] = [];
	const originalReport = reporter.report;
	reporter.report = (reported: unknown) => {
		if (reported instanceof Error) reportedErrors.push(reported);
	};
	let run: IRun;
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
	const error = run.data.resultData.error as (Error & IDataObject) | undefined;
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
