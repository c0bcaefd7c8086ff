// @ts-check
'use strict';

/**
 * CPU profile of the trigger's webhook handler on one of the bench's deliveries (issue 16).
 *
 *   npm run build
 *   node --cpu-prof --cpu-prof-dir=/tmp/wag-prof bench/profile.js 100 [seconds]   (1 | 100 | 1mb)
 *   node bench/profile.js --top /tmp/wag-prof/<file>.cpuprofile [entries]
 *
 * The first form runs our handler on that delivery for a while (10 s by default), exactly as the
 * bench's "ours" contender does: n8n's own parse of the body, then webhook() with the signature
 * check and the items (the redelivery memory is in the run, not in webhook()). The second prints
 * the functions with the most self time among the samples taken in that work (and garbage
 * collection), so module loading and building the deliveries do not count: the shares recorded in
 * bench/README.md ("Where the webhook handler's time goes").
 */
const fs = require('node:fs');

const KINDS = { 1: 0, 100: 1, '1mb': 2 };

/** @param {string} file @param {number} entries */
function top(file, entries) {
	const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
	/** @type {Map<number, any>} */
	const nodes = new Map(profile.nodes.map((/** @type {any} */ node) => [node.id, node]));
	/** @type {Map<number, number>} */
	const parent = new Map();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parent.set(child, node.id);
	/**
	 * Whether a sample's stack runs in the contender: in our built trigger (its code after an
	 * await runs from the microtask queue, so its frames, not the bench's, mark it), or in the
	 * bench's "ours" with n8n's parse of the body.
	 */
	const inside = new Map();
	/** @param {number} id @returns {boolean} */
	const isInside = (id) => {
		if (inside.has(id)) return inside.get(id);
		const { callFrame } = nodes.get(id);
		const up = parent.get(id);
		const result =
			callFrame.url.includes('/dist/nodes/WhatsAppGroupsTrigger/') ||
			(callFrame.url.endsWith('bench/webhook.js') &&
				(callFrame.functionName === 'ours' || callFrame.functionName === 'n8nParse')) ||
			(up !== undefined && isInside(up));
		inside.set(id, result);
		return result;
	};
	/** @type {Map<string, number>} */
	const self = new Map();
	let total = 0;
	profile.samples.forEach((/** @type {number} */ id, /** @type {number} */ index) => {
		const node = nodes.get(id);
		const name = node.callFrame.functionName;
		// Garbage collection has no stack: it counts with the samples of the contender's time.
		if (name !== '(garbage collector)' && !isInside(id)) return;
		const where = node.callFrame.url
			? ` ${node.callFrame.url.replace(/^.*\/(node_modules|dist|bench)\//, '$1/')}:${node.callFrame.lineNumber + 1}`
			: '';
		const key = `${name || '(anonymous)'}${where}`;
		const delta = profile.timeDeltas[index] ?? 0;
		self.set(key, (self.get(key) ?? 0) + delta);
		total += delta;
	});
	const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, entries);
	process.stdout.write(
		`${(total / 1000).toFixed(0)} ms in the handler (self time, top ${entries})\n`,
	);
	for (const [key, time] of rows) {
		process.stdout.write(`${((100 * time) / total).toFixed(1).padStart(5)}%  ${key}\n`);
	}
}

async function run(/** @type {string} */ which, /** @type {number} */ seconds) {
	const { contenders, loadHandlers, allTriggerEvents } = require('./webhook');
	const { standardDeliveries } = require('./deliveries');
	const index = KINDS[/** @type {keyof typeof KINDS} */ (which)];
	if (index === undefined) throw new Error(`Which delivery? 1, 100 or 1mb, not ${which}`);
	const kind = standardDeliveries(false)[index];
	const contender = contenders(loadHandlers(), kind.variants, allTriggerEvents());
	const end = Date.now() + seconds * 1000;
	let deliveries = 0;
	while (Date.now() < end) {
		await contender.ours();
		deliveries++;
	}
	process.stderr.write(`${kind.name}: ${deliveries} deliveries in ${seconds} s\n`);
}

const args = process.argv.slice(2);
const done =
	args[0] === '--top'
		? Promise.resolve(top(args[1], Number(args[2] ?? 15)))
		: run(args[0] ?? '100', Number(args[1] ?? 10));
done.catch((error) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exitCode = 1;
});
