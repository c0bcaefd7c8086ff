// @ts-check
'use strict';

/**
 * What every real-n8n suite (`test/e2e/*.test.js`) sets up and tears down alike: the built
 * package (built first if `dist/` is missing), a temporary folder with a snapshot of it for n8n to
 * load, the cached n8n install, an n8n instance on a free port, the log, and the environment
 * switches E2E_VERBOSE (stream the logs) and E2E_KEEP (keep the temporary folder).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { ensureN8n } = require('../../../dev/lib/install');
const { N8n, freePort } = require('../../../dev/lib/n8n');
const { buildPackage, isBuilt, snapshotPackage } = require('../../../dev/lib/stack');

/** E2E_VERBOSE=1 streams the logs of n8n, the sandbox and the queue-mode processes. */
const VERBOSE = process.env.E2E_VERBOSE === '1';

/** @param {string} s */
const log = (s) => process.stdout.write(`${s}\n`);

/**
 * A line logger for `onLine` / `log` options, prefixing each line with `[tag]`; undefined unless
 * E2E_VERBOSE=1.
 * @param {string} tag
 * @returns {((line: string) => void) | undefined}
 */
const verboseLog = (tag) => (VERBOSE ? (line) => log(`[${tag}] ${line}`) : undefined);

/**
 * @typedef {object} PreparedPackage
 * @property {string} tmp the suite's temporary folder (remove it with `removeTemp`)
 * @property {string} extensions the snapshot's `dist/`, for N8N_CUSTOM_EXTENSIONS
 * @property {Awaited<ReturnType<typeof ensureN8n>>} install the cached n8n (Node 24 and n8n's paths)
 */

/**
 * Builds the package if `dist/` is missing, copies it into a new temporary folder (n8n reads the
 * copy, so a rebuild in the working tree cannot disturb it) and installs n8n once (cached).
 * `timing(name, since)` is told how long the build and the install took.
 * @param {string} prefix the temporary folder's name prefix, e.g. 'n8n-wag-e2e-'
 * @param {{timing?: (name: string, since: number) => void}} [o]
 * @returns {Promise<PreparedPackage>}
 */
async function preparePackage(prefix, o = {}) {
	let t = Date.now();
	if (!isBuilt()) {
		log('dist/ is missing: npm run build');
		await buildPackage({ quiet: true });
		o.timing?.('build', t);
	}
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	const extensions = path.join(snapshotPackage(path.join(tmp, 'package')), 'dist');
	t = Date.now();
	const install = await ensureN8n({ log: (s) => log(`[install] ${s}`) });
	o.timing?.('n8n install (0 when cached)', t);
	return { tmp, extensions, install };
}

/**
 * An n8n (single process, SQLite) with its user folder in the suite's temporary folder, on a free
 * port, loading the snapshot of the package. Not started.
 * @param {PreparedPackage} prepared
 */
async function newN8n(prepared) {
	return new N8n(prepared.install, {
		userFolder: path.join(prepared.tmp, 'user'),
		port: await freePort(),
		extensions: prepared.extensions,
	});
}

/**
 * Removes the suite's temporary folder, or with E2E_KEEP=1 says where it is kept.
 * @param {string | undefined} tmp
 */
function removeTemp(tmp) {
	if (!tmp) return;
	if (process.env.E2E_KEEP === '1') log(`kept ${tmp}`);
	else fs.rmSync(tmp, { recursive: true, force: true });
}

module.exports = { VERBOSE, log, verboseLog, preparePackage, newN8n, removeTemp };
