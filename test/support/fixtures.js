// @ts-check
'use strict';

/** The JSON sample files of a folder of test/fixtures (for the suites that must cover each one). */
const fs = require('node:fs');
const path = require('node:path');

/**
 * The names of the `.json` files in `test/fixtures/<folder>`, sorted.
 * @param {string} folder
 * @returns {string[]}
 */
function fixtureFiles(folder) {
	return fs
		.readdirSync(path.join(__dirname, '..', 'fixtures', folder))
		.filter((file) => file.endsWith('.json'))
		.sort();
}

module.exports = { fixtureFiles };
