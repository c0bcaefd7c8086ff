// @ts-check
'use strict';

/**
 * Process and port helpers for the tests of the dev tooling (`test/dev/*.test.ts`).
 */

const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { execFile, spawn } = require('node:child_process');

const { isAlive } = require('../../../dev/lib/processes');

const REPO = path.resolve(__dirname, '..', '..', '..');
/** ./child.js, the child process of test/dev/processes.test.ts. */
const CHILD = path.join(__dirname, 'child.js');

/** A fresh temporary folder. */
function tempDir() {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-wag-devtest-'));
}

/** A server listening on a free port of 127.0.0.1, so that the port is in use. */
async function occupyPort() {
	const server = net.createServer();
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const port = /** @type {net.AddressInfo} */ (server.address()).port;
	return {
		port,
		close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
	};
}

/**
 * Polls until `check()` is true; false after `timeoutMs`.
 * @param {() => boolean} check
 * @param {number} timeoutMs
 */
async function eventually(check, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (check()) return true;
		await new Promise((r) => setTimeout(r, 50));
	}
	return check();
}

/** This test process's PID (TypeScript tests cannot read `process`). */
const ownPid = () => process.pid;

/**
 * A process whose command line names `dev.js`, as `npm run dev`'s does (the running-instance file
 * only counts a live dev.js process). Stop it with stop().
 */
function startFakeDev() {
	const dir = tempDir();
	const script = path.join(dir, 'dev.js');
	fs.writeFileSync(script, 'setInterval(() => {}, 1 << 30);\n');
	const child = spawn(process.execPath, [script], { stdio: 'ignore' });
	return {
		pid: /** @type {number} */ (child.pid),
		stop: async () => {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGKILL');
			await exited;
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** A PID that no process has (a child that has exited). */
async function deadPid() {
	const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
	await new Promise((resolve) => child.once('exit', resolve));
	return /** @type {number} */ (child.pid);
}

/**
 * Runs sandbox/cli.js with exactly this environment (plus PATH and HOME), no --url added.
 * @param {string[]} args
 * @param {Record<string, string>} env
 * @returns {Promise<{code: number, stdout: string, stderr: string}>}
 */
function runCli(args, env) {
	return new Promise((resolve) => {
		execFile(
			process.execPath,
			[path.join(REPO, 'sandbox', 'cli.js'), ...args],
			{ env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } },
			(error, stdout, stderr) =>
				resolve({
					code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
					stdout,
					stderr,
				}),
		);
	});
}

/**
 * Starts `sh -c "<node> <args>; true"`: node runs as the child of a shell that stays (like the
 * shell npm runs a script in). `nested: true` puts that shell under one more (playing npm).
 * `parentPidEnv` names a variable set to the PID of node's parent shell. Resolves once the node
 * process wrote its PID to `<dir>/pid`.
 * @param {string[]} nodeArgs
 * @param {{dir: string, nested?: boolean, parentPidEnv?: string}} o
 */
async function underShell(nodeArgs, o) {
	const quote = (/** @type {string} */ s) => `'${s.replace(/'/g, `'\\''`)}'`;
	let command = `${o.parentPidEnv ? `${o.parentPidEnv}=$$ ` : ''}${[process.execPath, ...nodeArgs].map(quote).join(' ')}; true`;
	if (o.nested) command = `sh -c ${quote(command)}; true`;
	const shell = spawn('sh', ['-c', command], { stdio: 'ignore' });
	const pidFile = path.join(o.dir, 'pid');
	if (!(await eventually(() => readText(pidFile) !== '', 10_000)))
		throw new Error('the node process under the shell did not start');
	return {
		/** The outermost shell. */
		shellPid: /** @type {number} */ (shell.pid),
		nodePid: Number(readText(pidFile)),
		killShell: () => shell.kill('SIGKILL'),
	};
}

/**
 * Starts node with `env` added and resolves once it wrote its PID to `<dir>/pid`.
 * @param {string[]} nodeArgs
 * @param {{dir: string, env: Record<string, string>}} o
 */
async function startNode(nodeArgs, o) {
	const child = spawn(process.execPath, nodeArgs, {
		env: { ...process.env, ...o.env },
		stdio: 'ignore',
	});
	const exited = new Promise((resolve) =>
		child.once('exit', (code, signal) => resolve({ code, signal })),
	);
	const pidFile = path.join(o.dir, 'pid');
	if (!(await eventually(() => readText(pidFile) !== '', 10_000)))
		throw new Error('the node process did not start');
	return { pid: /** @type {number} */ (child.pid), exited };
}

/** @param {string} file */
function readText(file) {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

/** @param {string} file @param {string} text */
function writeText(file, text) {
	fs.writeFileSync(file, text);
}

/** @param {string} dir */
function removeDir(dir) {
	fs.rmSync(dir, { recursive: true, force: true });
}

/** @param {number} pid */
function kill(pid) {
	try {
		process.kill(pid, 'SIGKILL');
	} catch {
		// gone already
	}
}

module.exports = {
	REPO,
	CHILD,
	tempDir,
	occupyPort,
	isAlive,
	eventually,
	ownPid,
	startFakeDev,
	deadPid,
	runCli,
	underShell,
	startNode,
	readText,
	writeText,
	removeDir,
	kill,
};
