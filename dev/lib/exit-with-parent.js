// @ts-check
'use strict';

/**
 * Preloaded into every n8n process that dev/lib/n8n.js starts (`node --require <this file>`): when
 * the process that started n8n is gone (`npm run dev` or a test run killed without cleaning up),
 * n8n shuts down as on Ctrl-C instead of running on, orphaned, with its ports and database.
 *
 * The starter's PID comes in N8N_DEV_PARENT_PID (so a parent that died before this ran is noticed
 * too); without it, the parent at start is watched.
 */

const expected = Number(process.env.N8N_DEV_PARENT_PID) || process.ppid;

const timer = setInterval(() => {
	if (process.ppid === expected) return;
	clearInterval(timer);
	// n8n's own shutdown (SIGTERM) ends within its graceful timeout (30 s by default); should it
	// hang, end it. Nobody is left to clean up after n8n: when it exits, whatever remains of its
	// process group (dev/lib/n8n.js starts n8n as a group leader), such as its task runner, goes too.
	process.once('exit', () => {
		try {
			process.kill(-process.pid, 'SIGKILL');
		} catch {
			// Not a group leader, or the group is empty.
		}
	});
	setTimeout(() => process.kill(process.pid, 'SIGKILL'), 60_000).unref();
	process.kill(process.pid, 'SIGTERM');
}, 500);
timer.unref();
