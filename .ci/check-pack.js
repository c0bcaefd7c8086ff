#!/usr/bin/env node
// @ts-check
// `npm run pack:check`: the published tarball holds only what n8n loads (compiled code and its
// source maps, icons, codex files) plus npm's own package.json, README and LICENSE, and every
// node and credential that package.json lists is in it. Build cruft (tsbuildinfo, a second
// package.json, type declarations) fails the check.
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));

/** @type {{files: {path: string, size: number}[], unpackedSize: number}[]} */
const [pack] = JSON.parse(
	execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	}),
);
const files = pack.files.map((f) => f.path).sort();

const ROOT_FILES = new Set(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']);
/** @param {string} file */
function allowed(file) {
	if (ROOT_FILES.has(file)) return true;
	if (!file.startsWith('dist/')) return false;
	if (/(^|\/)package\.json$/.test(file)) return false;
	return /\.(js|js\.map|svg|node\.json)$/.test(file) && !file.endsWith('.d.ts');
}

const problems = [];
for (const file of files) if (!allowed(file)) problems.push(`not something n8n loads: ${file}`);
const listed = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
for (const file of listed)
	if (!files.includes(file)) problems.push(`listed in package.json but missing: ${file}`);
for (const node of pkg.n8n?.nodes ?? []) {
	const codex = node.replace(/\.js$/, '.json');
	if (!files.includes(codex)) problems.push(`codex file missing: ${codex}`);
	const dir = path.posix.dirname(node);
	if (!files.some((f) => f.startsWith(`${dir}/`) && f.endsWith('.svg')))
		problems.push(`icon missing in ${dir}`);
}

if (problems.length > 0) {
	console.error(`npm pack would publish the wrong files:\n- ${problems.join('\n- ')}`);
	process.exit(1);
}
console.log(
	`npm pack: ${files.length} files, ${Math.round(pack.unpackedSize / 1024)} kB unpacked, all of them loaded by n8n or npm's own (package.json, README, LICENSE).`,
);
