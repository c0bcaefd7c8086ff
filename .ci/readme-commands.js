#!/usr/bin/env node
// @ts-check
// Prints, one per line, the commands of the README's development block (between the
// `ci-commands` markers), without comments or blank lines. `.ci/run` runs exactly these, in this
// order, so CI and a newcomer following the README run the same thing.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const match = /<!-- ci-commands:start[^>]*-->([\s\S]*?)<!-- ci-commands:end -->/.exec(readme);
if (!match) {
	console.error('README.md has no <!-- ci-commands:start --> … <!-- ci-commands:end --> block');
	process.exit(1);
}
const commands = match[1]
	.split('\n')
	.filter((line) => !line.trim().startsWith('```'))
	.map((line) => line.replace(/\s+#.*$/, '').trim())
	.filter((line) => line.length > 0 && !line.startsWith('#'));
if (commands.length === 0 || commands[0] !== 'npm ci') {
	console.error('The README development block must start with `npm ci`');
	process.exit(1);
}
process.stdout.write(`${commands.join('\n')}\n`);
