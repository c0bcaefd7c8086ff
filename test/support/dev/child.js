// @ts-check
'use strict';

/**
 * A child process for test/dev/processes.test.ts: `node child.js <mode> <dir>` writes its PID to
 * `<dir>/pid`, then
 *   watch       watchParents(): on "parent gone" writes the PID it saw go to `<dir>/gone`, exits
 *   watch-npm   the same as the command of an npm script (watches its grandparent too)
 *   wait        waits; on SIGTERM writes `<dir>/sigterm` and exits (the test preloads
 *               dev/lib/exit-with-parent.js)
 */

const fs = require('node:fs');
const path = require('node:path');

const { watchParents } = require('../../../dev/lib/processes');

const [mode, dir] = process.argv.slice(2);
if (mode === 'watch' || mode === 'watch-npm') {
	watchParents(
		(pid) => {
			fs.writeFileSync(path.join(dir, 'gone'), String(pid));
			process.exit(0);
		},
		{ intervalMs: 50, npmScript: mode === 'watch-npm' },
	);
} else {
	process.on('SIGTERM', () => {
		fs.writeFileSync(path.join(dir, 'sigterm'), '1');
		process.exit(0);
	});
}
fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
setInterval(() => undefined, 1 << 30);
