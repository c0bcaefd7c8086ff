// @ts-check
'use strict';

/**
 * Running a workflow from its Manual trigger through n8n's REST API, shared by the e2e suites.
 */
const assert = require('node:assert/strict');

const { waitFor } = require('../../dev/lib/n8n');

/**
 * Creates `workflow`, runs it from its node named "Manual", waits until the execution has ended
 * and the sandbox is idle, and fails the test unless it succeeded.
 * @param {{ rest: any, sandbox: { idle: () => Promise<void> } }} ctx the suite's n8n REST client and sandbox
 * @param {any} workflow
 */
async function runManually(ctx, workflow) {
	const created = await ctx.rest.request('POST', '/workflows', workflow);
	const { executionId } = await ctx.rest.request('POST', `/workflows/${created.id}/run`, {
		triggerToStartFrom: { name: 'Manual' },
	});
	const execution = await waitFor(
		async () => {
			const e = await ctx.rest.execution(executionId);
			return ['success', 'error', 'crashed', 'canceled'].includes(e.status) ? e : undefined;
		},
		60_000,
		`execution ${executionId} of "${workflow.name}"`,
	);
	const runData = execution.data?.resultData?.runData ?? {};
	if (execution.status !== 'success') {
		const error = execution.data?.resultData?.error;
		assert.fail(
			`"${workflow.name}" ended ${execution.status}: ${error?.message ?? ''} ${error?.description ?? ''}`,
		);
	}
	await ctx.sandbox.idle();
	/** The JSON of the items a node output. @param {string} node */
	const out = (node) => {
		assert.ok(runData[node], `node "${node}" did not run`);
		return /** @type {any[]} */ (runData[node][0].data.main[0] ?? []).map((i) => i.json);
	};
	return { out, execution, workflowId: created.id };
}

module.exports = { runManually };
