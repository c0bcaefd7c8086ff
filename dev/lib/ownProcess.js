// @ts-check
'use strict';

/**
 * A server process of the queue-mode stack (PostgreSQL, Redis, n8n's main, worker and webhook
 * processor), with its output in a log file, lines to wait for, and a stop by PID and process group.
 */

const fs = require('node:fs');
const { spawn } = require('node:child_process');

const { lineSplitter, spawnOptions, track, signalGroup } = require('./processes');

/**
 * A process of ours: its output goes to a log file (and to `onLine`), it is stopped by PID. It runs
 * in its own process group (what it starts goes with it: n8n's task runner, PostgreSQL's
 * backends) and is tracked for processes.stopAll() (a second Ctrl-C in `npm run dev`).
 */
class OwnProcess {
	/**
	 * @param {string} name
	 * @param {string} command
	 * @param {string[]} args
	 * @param {{env?: NodeJS.ProcessEnv, cwd?: string, uid?: number, gid?: number, logFile: string,
	 *   onLine?: (line: string) => void, stopSignal?: NodeJS.Signals}} o
	 */
	constructor(name, command, args, o) {
		this.name = name;
		this.logFile = o.logFile;
		this.stopSignal = o.stopSignal ?? 'SIGTERM';
		this.output = '';
		/** @type {Array<{pattern: RegExp | string, resolve: () => void}>} */
		this.waiters = [];
		const logStream = fs.createWriteStream(o.logFile, { flags: 'a' });
		this.child = track(
			spawn(command, args, {
				env: o.env,
				cwd: o.cwd,
				uid: o.uid,
				gid: o.gid,
				stdio: ['ignore', 'pipe', 'pipe'],
				...spawnOptions(),
			}),
		);
		this.pid = this.child.pid;
		const splitLines = lineSplitter((line) => {
			o.onLine?.(line);
			this.waiters = this.waiters.filter((w) => {
				const hit = typeof w.pattern === 'string' ? line.includes(w.pattern) : w.pattern.test(line);
				if (hit) w.resolve();
				return !hit;
			});
		});
		/** @param {Buffer} d */
		const onData = (d) => {
			const text = d.toString();
			logStream.write(text);
			this.output += text;
			if (this.output.length > 4_000_000) this.output = this.output.slice(-2_000_000);
			splitLines(text);
		};
		this.child.stdout?.on('data', onData);
		this.child.stderr?.on('data', onData);
		/** @type {Promise<{code: number | null, signal: NodeJS.Signals | null}>} */
		this.exited = new Promise((resolve) =>
			this.child.on('exit', (code, signal) => {
				logStream.end();
				resolve({ code, signal });
			}),
		);
	}

	get running() {
		return this.child.exitCode === null && this.child.signalCode === null;
	}

	/**
	 * Resolves when a line of output matches, rejects if the process exits or time runs out.
	 * @param {RegExp | string} pattern
	 * @param {number} timeoutMs
	 */
	async waitForLine(pattern, timeoutMs) {
		const already =
			typeof pattern === 'string' ? this.output.includes(pattern) : pattern.test(this.output);
		if (already) return;
		/** @type {() => void} */
		let resolveLine = () => {};
		const line = new Promise((resolve) => (resolveLine = () => resolve(undefined)));
		this.waiters.push({ pattern, resolve: resolveLine });
		/** @type {NodeJS.Timeout | undefined} */
		let timer;
		const timeout = new Promise((_resolve, reject) => {
			timer = setTimeout(
				() =>
					reject(
						new Error(
							`${this.name} did not log ${pattern} within ${timeoutMs / 1000} s\n${this.output.slice(-4000)}`,
						),
					),
				timeoutMs,
			);
		});
		const exit = this.exited.then(({ code, signal }) => {
			throw new Error(
				`${this.name} exited (code ${code}, signal ${signal}) before logging ${pattern}\n${this.output.slice(-4000)}`,
			);
		});
		try {
			await Promise.race([line, timeout, exit]);
		} finally {
			clearTimeout(timer);
		}
	}

	/**
	 * Stops the process: its stop signal, then SIGKILL to its process group after the grace
	 * period; then SIGKILL to whatever is left of its group.
	 */
	async stop(graceMs = 30_000) {
		if (this.running) {
			const timer = setTimeout(() => signalGroup(this.child, 'SIGKILL'), graceMs);
			this.child.kill(this.stopSignal);
			await this.exited;
			clearTimeout(timer);
		}
		signalGroup(this.child, 'SIGKILL');
	}
}

module.exports = { OwnProcess };
