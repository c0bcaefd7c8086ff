/* How the sandbox CLI finds the sandbox of the `npm run dev` running in this repository. */
import {
	devFolder,
	readRunning,
	removeRunning,
	runningFile,
	writeRunning,
} from '../../dev/lib/running';
import { startSandbox } from '../../sandbox/index';
import {
	REPO,
	deadPid,
	occupyPort,
	ownPid,
	readText,
	removeDir,
	runCli,
	startFakeDev,
	tempDir,
	writeText,
} from '../support/dev/processes';

type RunningSandbox = Awaited<ReturnType<typeof startSandbox>>;

const info = (pid: number, url = 'http://127.0.0.1:40001') => ({
	pid,
	repo: REPO,
	startedAt: '2026-12-03T19:00:00.000Z',
	sandbox: { url, port: Number(new URL(url).port) },
});

describe('npm run dev and the sandbox CLI', () => {
	let folder: string;
	let fakeDev: Awaited<ReturnType<typeof startFakeDev>>;
	beforeEach(() => {
		folder = tempDir();
		fakeDev = startFakeDev();
	});
	afterEach(async () => {
		await fakeDev.stop();
		removeDir(folder);
	});

	describe('the running-instance file of npm run dev', () => {
		it('lives in .n8n-dev/ of this repository, or in N8N_DEV_USER_FOLDER', () => {
			expect(devFolder({})).toBe(`${REPO}/.n8n-dev`);
			expect(devFolder({ N8N_DEV_USER_FOLDER: folder })).toBe(folder);
			expect(runningFile(folder)).toBe(`${folder}/running.json`);
		});

		it('is read back while its dev.js process lives', () => {
			writeRunning(info(fakeDev.pid), folder);
			expect(readRunning(folder)).toEqual(info(fakeDev.pid));
		});

		it('is ignored when missing, unreadable, or when its process is gone or is not dev.js', async () => {
			expect(readRunning(folder)).toBeUndefined();
			writeText(runningFile(folder), '{"pid": ');
			expect(readRunning(folder)).toBeUndefined();
			writeRunning(info(await deadPid()), folder);
			expect(readRunning(folder)).toBeUndefined();
			// A live PID that another program has taken over (here: this test's own process).
			writeRunning(info(ownPid()), folder);
			expect(readRunning(folder)).toBeUndefined();
		});

		it('is removed on stop only while it is still the stopping process’s', () => {
			writeRunning(info(fakeDev.pid), folder);
			removeRunning(folder);
			expect(readText(runningFile(folder))).toContain(`"pid": ${fakeDev.pid}`);
			writeRunning(info(ownPid()), folder);
			removeRunning(folder);
			expect(readText(runningFile(folder))).toBe('');
		});
	});

	describe('node sandbox/cli.js finds the sandbox by itself', () => {
		let sandbox: RunningSandbox;
		beforeAll(async () => {
			sandbox = await startSandbox({ port: 0 });
			sandbox.state.seed({ count: 3, phone_number_id: '100000000000002', seed: 'cli-discovery' });
		});
		afterAll(async () => {
			await sandbox.stop();
		});
		const groupIds = () => [...sandbox.state.groups.keys()] as string[];

		it('from the running-instance file of npm run dev, without --url, on any port', async () => {
			writeRunning(info(fakeDev.pid, sandbox.url), folder);
			const out = await runCli(['groups'], { N8N_DEV_USER_FOLDER: folder });
			expect(out.stderr).toBe('');
			expect(out.code).toBe(0);
			expect(groupIds()).toHaveLength(3);
			for (const id of groupIds()) expect(out.stdout).toContain(id);
		});

		it('says so, and does not use a stale file, when npm run dev is gone', async () => {
			writeRunning(info(fakeDev.pid, sandbox.url), folder);
			await fakeDev.stop();
			fakeDev = startFakeDev();
			const out = await runCli(['groups'], { N8N_DEV_USER_FOLDER: folder });
			expect(out.stderr.split('\n')[0]).toBe(
				`No npm run dev is running in this repository (no live ${folder}/running.json): using http://127.0.0.1:8787.`,
			);
			for (const id of groupIds()) expect(out.stdout).not.toContain(id);
		});

		it('--url and SANDBOX_URL come first, and an unreachable sandbox is named with where its URL came from', async () => {
			writeRunning(info(fakeDev.pid, sandbox.url), folder);
			const closed = await occupyPort();
			await closed.close();
			const dead = `http://127.0.0.1:${closed.port}`;
			const viaEnv = await runCli(['groups'], { N8N_DEV_USER_FOLDER: folder, SANDBOX_URL: dead });
			expect(viaEnv.code).toBe(1);
			expect(viaEnv.stderr).toMatch(
				new RegExp(
					`^No answer from the sandbox at ${dead} \\(SANDBOX_URL\\): .*ECONNREFUSED.*\\. Start \`npm run dev\` \\(or \`npm run sandbox\`\\) in this repository, or pass --url\\.\\n$`,
				),
			);
			const viaOption = await runCli(['groups', '--url', `${dead}/`], {
				N8N_DEV_USER_FOLDER: folder,
			});
			expect(viaOption.stderr).toMatch(
				new RegExp(`^No answer from the sandbox at ${dead} \\(--url\\)`),
			);
		});
	});
});
