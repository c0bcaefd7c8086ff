// @ts-check
'use strict';

/**
 * Child processes of the dev tooling go when their parent goes.
 *
 * - Every child runs in its own process group (`spawnOptions()`), so that stopping it also stops
 *   what it started (n8n's task runner, npm's scripts), and a Ctrl-C in the terminal reaches only
 *   `npm run dev`, which stops its children in order.
 * - `track()` records a child until it exits; `stopAll()` stops every recorded one (SIGTERM, then
 *   SIGKILL to its whole group after a grace period).
 * - `watchParents()` notices when the process that started this one is gone: npm killed outright, or
 *   npm and the shell npm runs a script in when that shell does not pass a signal on (package.json
 *   runs `exec node dev/dev.js`, so that npm's shell is replaced and npm forwards SIGINT and SIGTERM
 *   to `dev.js` itself; npm does not forward SIGHUP, and nothing forwards SIGKILL).
 * - `EXIT_WITH_PARENT` is preloaded into every n8n process (`node --require`): n8n shuts down by
 *   itself when the process that started it is gone, even if that one was killed with SIGKILL.
 */

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawn } = require('node:child_process');

/** Preloaded into n8n: it stops when its parent is gone. Its parent's PID comes in PARENT_PID_ENV. */
const EXIT_WITH_PARENT = path.join(__dirname, 'exit-with-parent.js');
const PARENT_PID_ENV = 'N8N_DEV_PARENT_PID';

const GROUPS = process.platform !== 'win32';

/** @type {Set<import('node:child_process').ChildProcess>} */
const tracked = new Set();

/** Options for `spawn` that give the child its own process group (not on Windows). */
function spawnOptions() {
	return GROUPS ? { detached: true } : {};
}

/**
 * Records a child until it exits, for `stopAll()`.
 * @template {import('node:child_process').ChildProcess} T
 * @param {T} child
 * @returns {T}
 */
function track(child) {
	tracked.add(child);
	child.once('exit', () => tracked.delete(child));
	child.once('error', () => tracked.delete(child));
	return child;
}

/**
 * Sends a signal to the child's whole process group (to the child alone on Windows).
 * @param {import('node:child_process').ChildProcess} child
 * @param {NodeJS.Signals} signal
 */
function signalGroup(child, signal) {
	if (!child.pid) return;
	try {
		if (GROUPS) process.kill(-child.pid, signal);
		else child.kill(signal);
	} catch {
		// The group is gone already.
	}
}

/**
 * Runs a command to its end in its own process group, tracked (stopping `npm run dev` stops it
 * and what it started). Its output goes to the terminal, or with `quiet` is collected. Resolves
 * with the exit code and the collected output; rejects only if it cannot start.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{cwd: string, env?: NodeJS.ProcessEnv, quiet?: boolean}} opts
 * @returns {Promise<{code: number | null, output: string}>}
 */
function runToEnd(cmd, args, opts) {
	return new Promise((resolve, reject) => {
		const child = track(
			spawn(cmd, args, {
				cwd: opts.cwd,
				env: opts.env ?? process.env,
				stdio: opts.quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
				...spawnOptions(),
			}),
		);
		let output = '';
		child.stdout?.on('data', (d) => (output += d));
		child.stderr?.on('data', (d) => (output += d));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, output }));
	});
}

/** @param {import('node:child_process').ChildProcess} child */
const hasExited = (child) => child.exitCode !== null || child.signalCode !== null;

/**
 * Stops a child: SIGTERM to the child (it stops its own children), SIGKILL to its whole group if it
 * has not exited after `graceMs`, then SIGKILL to whatever is left of its group.
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} [graceMs]
 */
async function stopChild(child, graceMs = 20_000) {
	if (child.pid && !hasExited(child)) {
		await new Promise((resolve) => {
			const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
			child.once('exit', () => {
				clearTimeout(timer);
				resolve(undefined);
			});
			child.kill('SIGTERM');
		});
	}
	signalGroup(child, 'SIGKILL');
}

/**
 * Stops every tracked child (all at once), or kills them at once with `{now: true}`.
 * @param {{now?: boolean, graceMs?: number}} [o]
 */
async function stopAll(o = {}) {
	const children = [...tracked];
	if (o.now) {
		for (const child of children) signalGroup(child, 'SIGKILL');
		return;
	}
	await Promise.all(children.map((child) => stopChild(child, o.graceMs)));
}

/** @param {number} pid */
function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
	}
}

/**
 * The parent PID of another process (Linux: /proc; elsewhere: ps), or undefined.
 * @param {number} pid
 */
function parentOf(pid) {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		// "pid (command) state ppid …"; the command may hold spaces and parentheses.
		return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) || undefined;
	} catch {
		try {
			const out = execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' });
			return Number(out.trim()) || undefined;
		} catch {
			return undefined;
		}
	}
}

/**
 * The command name of a process (Linux: /proc; elsewhere: ps), or undefined.
 * @param {number} pid
 */
function commandOf(pid) {
	try {
		return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
	} catch {
		try {
			const out = execFileSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' });
			return path.basename(out.trim()) || undefined;
		} catch {
			return undefined;
		}
	}
}

/**
 * Calls `onGone(pid)` once when this process's parent is gone, and, when it is the command of an
 * npm script run through a shell that stayed (`sh -c "node …"`), also when npm is gone (npm killed
 * with SIGKILL leaves its shell waiting on us).
 * @param {(pid: number) => void} onGone
 * @param {{intervalMs?: number, npmScript?: boolean}} [o] npmScript: this process is the command of
 *   an npm script (its parent is npm, or npm's shell)
 * @returns {() => void} stops watching
 */
function watchParents(onGone, o = {}) {
	const parent = process.ppid;
	const watched = [parent];
	if (o.npmScript && /^-?(sh|bash|dash|zsh|ash|ksh|mksh)$/.test(commandOf(parent) ?? '')) {
		const npm = parentOf(parent);
		if (npm && npm > 1) watched.push(npm);
	}
	const timer = setInterval(() => {
		const gone = process.ppid !== parent ? parent : watched.find((pid) => !isAlive(pid));
		if (gone === undefined) return;
		clearInterval(timer);
		onGone(gone);
	}, o.intervalMs ?? 500);
	timer.unref();
	return () => clearInterval(timer);
}

/**
 * A reader of a process's output in chunks that hands each complete line to `onLine` (without its
 * newline); an unfinished last line waits for the next chunk.
 * @param {(line: string) => void} onLine
 * @returns {(text: string) => void}
 */
function lineSplitter(onLine) {
	let pending = '';
	return (text) => {
		pending += text;
		const lines = pending.split('\n');
		pending = lines.pop() ?? '';
		for (const line of lines) onLine(line);
	};
}

module.exports = {
	EXIT_WITH_PARENT,
	PARENT_PID_ENV,
	spawnOptions,
	track,
	runToEnd,
	stopChild,
	stopAll,
	signalGroup,
	isAlive,
	parentOf,
	commandOf,
	watchParents,
	lineSplitter,
};
