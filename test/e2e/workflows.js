// @ts-check
'use strict';

/** Small builders for the workflows the end-to-end suite creates in n8n. */

const {
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	D360_CREDENTIAL_ID,
	D360_CREDENTIAL_NAME,
} = require('../../dev/lib/stack');

const credentials = { whatsAppGroupsApi: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } };
/** The 360dialog sandbox credential, for nodes whose Authentication is 360dialog. */
const d360Credentials = {
	whatsAppGroups360DialogApi: { id: D360_CREDENTIAL_ID, name: D360_CREDENTIAL_NAME },
};

/**
 * An action-node step.
 * @param {string} name
 * @param {Record<string, unknown>} parameters
 */
function action(name, parameters) {
	return {
		name,
		type: 'CUSTOM.whatsAppGroups',
		typeVersion: 1,
		parameters: { options: {}, ...parameters },
		credentials: parameters.authentication === '360dialog' ? d360Credentials : credentials,
	};
}

/** @param {string} value */
function groupRef(value) {
	return { __rl: true, mode: 'id', value };
}

/**
 * A workflow that starts with a Manual Trigger and runs `steps` one after the other.
 * @param {string} name
 * @param {Array<{name: string, type: string, typeVersion: number, parameters: object, credentials?: object}>} steps
 */
function manualChain(name, steps) {
	const all = [
		{ name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		...steps,
	];
	/** @type {Record<string, any>} */
	const connections = {};
	for (let i = 0; i < all.length - 1; i++) {
		connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	}
	return {
		name,
		nodes: all.map((n, i) => ({ id: `node-${i}`, position: [i * 220, 0], ...n })),
		connections,
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

/**
 * A workflow holding only a WhatsApp Groups Trigger, so that its executions show exactly what the
 * trigger emitted.
 * @param {string} name
 * @param {string} webhookId
 * @param {Record<string, unknown>} parameters
 */
function triggerOnly(name, webhookId, parameters) {
	return {
		name,
		nodes: [
			{
				id: 'trigger',
				name: 'Trigger',
				type: 'CUSTOM.whatsAppGroupsTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				parameters: { options: {}, ...parameters },
				credentials: parameters.authentication === '360dialog' ? d360Credentials : credentials,
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

module.exports = { action, groupRef, manualChain, triggerOnly };
