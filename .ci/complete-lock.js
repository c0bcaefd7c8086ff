#!/usr/bin/env node
// The npm registry reachable from these machines serves only the Linux builds of
// unrs-resolver's native bindings (a lint dependency). `npm install` then leaves the other
// platforms' optional bindings out of package-lock.json, and `npm ci` refuses the lock as
// incomplete. This adds those optional entries with their os/cpu, exactly as npm records them
// from a full registry; npm skips them on a non-matching platform, so nothing is downloaded.
// Run it after any `npm install` that rewrites package-lock.json; CI runs it with --check.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));

const PLATFORM = {
	'android-arm-eabi': { os: ['android'], cpu: ['arm'] },
	'android-arm64': { os: ['android'], cpu: ['arm64'] },
	'darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
	'darwin-x64': { os: ['darwin'], cpu: ['x64'] },
	'freebsd-x64': { os: ['freebsd'], cpu: ['x64'] },
	'linux-arm-gnueabihf': { os: ['linux'], cpu: ['arm'] },
	'linux-arm-musleabihf': { os: ['linux'], cpu: ['arm'] },
	'linux-arm64-gnu': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
	'linux-arm64-musl': { os: ['linux'], cpu: ['arm64'], libc: ['musl'] },
	'linux-loong64-gnu': { os: ['linux'], cpu: ['loong64'], libc: ['glibc'] },
	'linux-loong64-musl': { os: ['linux'], cpu: ['loong64'], libc: ['musl'] },
	'linux-ppc64-gnu': { os: ['linux'], cpu: ['ppc64'], libc: ['glibc'] },
	'linux-riscv64-gnu': { os: ['linux'], cpu: ['riscv64'], libc: ['glibc'] },
	'linux-riscv64-musl': { os: ['linux'], cpu: ['riscv64'], libc: ['musl'] },
	'linux-s390x-gnu': { os: ['linux'], cpu: ['s390x'], libc: ['glibc'] },
	'linux-x64-gnu': { os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
	'linux-x64-musl': { os: ['linux'], cpu: ['x64'], libc: ['musl'] },
	'openharmony-arm64': { os: ['openharmony'], cpu: ['arm64'] },
	'wasm32-wasi': { cpu: ['wasm32'] },
	'win32-arm64-msvc': { os: ['win32'], cpu: ['arm64'] },
	'win32-ia32-msvc': { os: ['win32'], cpu: ['ia32'] },
	'win32-x64-msvc': { os: ['win32'], cpu: ['x64'] },
};

let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
	if (!location.endsWith('node_modules/unrs-resolver') || !entry.optionalDependencies) continue;
	const base = location.slice(0, -'unrs-resolver'.length);
	for (const [name, version] of Object.entries(entry.optionalDependencies)) {
		const target = `${base}${name}`;
		if (lock.packages[target]) continue;
		const suffix = name.replace('@unrs/resolver-binding-', '');
		const platform = PLATFORM[suffix];
		if (!platform) throw new Error(`Unknown platform for ${name}: add it to .ci/complete-lock.js`);
		lock.packages[target] = { version, ...platform, dev: true, license: 'MIT', optional: true };
		added++;
	}
}
if (process.argv.includes('--check')) {
	if (added > 0) {
		console.error(
			`package-lock.json lacks ${added} optional platform entries: run \`node .ci/complete-lock.js\` and commit it`,
		);
		process.exit(1);
	}
	console.log('complete-lock: package-lock.json is complete');
	process.exit(0);
}
// Keep npm's ordering: alphabetical by location, root first.
const sorted = Object.fromEntries(
	Object.entries(lock.packages).sort(([a], [b]) =>
		a === '' ? -1 : b === '' ? 1 : a.localeCompare(b),
	),
);
lock.packages = sorted;
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lock: ${added} optional platform entr${added === 1 ? 'y' : 'ies'} added`);
