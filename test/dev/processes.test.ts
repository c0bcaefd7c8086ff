/*
 * Children of `npm run dev` go when their parent goes: npm run dev notices that npm (or npm's
 * shell) is gone, and n8n notices that npm run dev is gone, even after a SIGKILL.
 */
import { EXIT_WITH_PARENT, lineSplitter, PARENT_PID_ENV } from '../../dev/lib/processes';
import {
	CHILD,
	deadPid,
	eventually,
	isAlive,
	kill,
	readText,
	removeDir,
	startNode,
	tempDir,
	underShell,
} from '../support/dev/processes';

describe('children go when their parent goes', () => {
	let dir: string;
	let pids: number[] = [];
	beforeEach(() => {
		dir = tempDir();
		pids = [];
	});
	afterEach(() => {
		pids.forEach(kill);
		removeDir(dir);
	});

	describe('watchParents (npm run dev stops when whoever started it is gone)', () => {
		it('notices that its parent is gone (npm stopped by PID: its shell dies, we are orphaned)', async () => {
			const run = await underShell([CHILD, 'watch', dir], { dir });
			pids.push(run.nodePid);
			expect(isAlive(run.nodePid)).toBe(true);
			run.killShell();
			expect(await eventually(() => !isAlive(run.nodePid), 5_000)).toBe(true);
			expect(readText(`${dir}/gone`)).toBe(String(run.shellPid));
		});

		it('as an npm script, notices that npm is gone while npm’s shell still waits', async () => {
			const run = await underShell([CHILD, 'watch-npm', dir], { dir, nested: true });
			pids.push(run.nodePid);
			run.killShell(); // the outer shell plays npm; the inner one stays, waiting for node
			expect(await eventually(() => !isAlive(run.nodePid), 5_000)).toBe(true);
			expect(readText(`${dir}/gone`)).toBe(String(run.shellPid));
		});

		it('does not watch the grandparent of a process that is not an npm script', async () => {
			const run = await underShell([CHILD, 'watch', dir], { dir, nested: true });
			pids.push(run.nodePid);
			run.killShell();
			expect(await eventually(() => !isAlive(run.nodePid), 1_000)).toBe(false);
			expect(readText(`${dir}/gone`)).toBe('');
		});
	});

	describe('exit-with-parent.js (preloaded into n8n)', () => {
		it('shuts the process down with SIGTERM when its parent is killed with SIGKILL', async () => {
			const run = await underShell(['--require', EXIT_WITH_PARENT, CHILD, 'wait', dir], {
				dir,
				parentPidEnv: PARENT_PID_ENV,
			});
			pids.push(run.nodePid);
			expect(isAlive(run.nodePid)).toBe(true);
			run.killShell();
			expect(await eventually(() => !isAlive(run.nodePid), 5_000)).toBe(true);
			expect(readText(`${dir}/sigterm`)).toBe('1');
		});

		it('shuts down at once when the parent it was given is already gone', async () => {
			const started = await startNode(['--require', EXIT_WITH_PARENT, CHILD, 'wait', dir], {
				dir,
				env: { [PARENT_PID_ENV]: String(await deadPid()) },
			});
			pids.push(started.pid);
			await expect(started.exited).resolves.toEqual({ code: 0, signal: null });
			expect(readText(`${dir}/sigterm`)).toBe('1');
		});
	});
});

describe("lineSplitter (how the dev stack reads n8n's and the services' output)", () => {
	it('hands on complete lines only, joining a line split over chunks, keeping empty lines', () => {
		const lines: string[] = [];
		const split = lineSplitter((line: string) => lines.push(line));
		split('Editor is now acc');
		expect(lines).toEqual([]);
		split('essible via:\n\nhttp://127.0.0.1:5678\nready');
		expect(lines).toEqual(['Editor is now accessible via:', '', 'http://127.0.0.1:5678']);
		split(' to serve\n');
		expect(lines).toEqual([
			'Editor is now accessible via:',
			'',
			'http://127.0.0.1:5678',
			'ready to serve',
		]);
	});
});
