// @ts-check
'use strict';

/**
 * The running-instance file of `npm run dev`: `<dev folder>/running.json`, written when the sandbox
 * is up and removed when `npm run dev` stops. It tells the sandbox CLI which sandbox belongs to this
 * repository (the ports change when 5678 or 8787 are taken), and a second `npm run dev` that one is
 * already running on the same n8n data.
 *
 * The dev folder is `.n8n-dev/` of the repository this file lives in (or $N8N_DEV_USER_FOLDER), so
 * every clone has its own file and finds only its own stack. A file whose process is gone (killed
 * without cleaning up) is ignored.
 */

const fs = require('node:fs');
const path = require('node:path');

const { isAlive } = require('./processes');

const REPO = path.resolve(__dirname, '..', '..');
const FILE_NAME = 'running.json';

/**
 * @typedef {object} RunningDev
 * @property {number} pid  the `node dev/dev.js` process
 * @property {string} repo  the repository it runs from
 * @property {string} startedAt  ISO time
 * @property {{url: string, port: number}} sandbox
 * @property {{url: string, port: number, pid?: number}} [n8n]  once n8n runs
 */

/** n8n's data folder for `npm run dev`, which also holds the running-instance file. */
function devFolder(env = process.env) {
	return env.N8N_DEV_USER_FOLDER
		? path.resolve(env.N8N_DEV_USER_FOLDER)
		: path.join(REPO, '.n8n-dev');
}

/** @param {string} [folder] */
function runningFile(folder = devFolder()) {
	return path.join(folder, FILE_NAME);
}

/**
 * Whether `pid` is a live `dev/dev.js` process. Where the command line can be read (Linux), a live
 * PID that now belongs to another program does not count.
 * @param {unknown} pid
 */
function isDevProcess(pid) {
	if (!Number.isInteger(pid) || /** @type {number} */ (pid) <= 0) return false;
	if (!isAlive(/** @type {number} */ (pid))) return false;
	try {
		const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
		return args.some((arg) => path.basename(arg) === 'dev.js');
	} catch {
		return true;
	}
}

/**
 * The running `npm run dev` of this dev folder, or undefined when there is none (no file, an
 * unreadable one, or one whose process is gone).
 * @param {string} [folder]
 * @returns {RunningDev | undefined}
 */
function readRunning(folder = devFolder()) {
	let info;
	try {
		info = JSON.parse(fs.readFileSync(runningFile(folder), 'utf8'));
	} catch {
		return undefined;
	}
	if (!info || typeof info !== 'object' || typeof info.sandbox?.url !== 'string') return undefined;
	return isDevProcess(info.pid) ? info : undefined;
}

/**
 * Writes the file (atomically: a reader never sees half of it).
 * @param {RunningDev} info
 * @param {string} [folder]
 */
function writeRunning(info, folder = devFolder()) {
	fs.mkdirSync(folder, { recursive: true });
	const file = runningFile(folder);
	const partial = `${file}.${process.pid}.tmp`;
	fs.writeFileSync(partial, `${JSON.stringify(info, null, 2)}\n`);
	fs.renameSync(partial, file);
}

/**
 * Removes the file if it is still this process's.
 * @param {string} [folder]
 */
function removeRunning(folder = devFolder()) {
	const file = runningFile(folder);
	try {
		if (JSON.parse(fs.readFileSync(file, 'utf8')).pid !== process.pid) return;
		fs.rmSync(file, { force: true });
	} catch {
		// Already gone or unreadable: nothing of ours to remove.
	}
}

module.exports = {
	REPO,
	devFolder,
	runningFile,
	readRunning,
	writeRunning,
	removeRunning,
	isDevProcess,
};
