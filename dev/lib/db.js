// @ts-check
'use strict';

/**
 * Reads a running n8n's database directly, for tests that must count what n8n stored: under load
 * n8n's REST API returns some stored items as `{}` (it redacts a run when its credential check
 * times out), so counts taken through REST are wrong exactly when they matter.
 *
 * Both kinds are read with the Node.js 24 that ./install.js caches (the test itself may run on
 * Node 20): SQLite through Node's built-in `node:sqlite` (the database is in WAL mode, so reading
 * beside a running n8n is safe), PostgreSQL through the `pg` client that n8n itself installs.
 */

const { spawn } = require('node:child_process');
const path = require('node:path');

/**
 * @typedef {{kind: 'sqlite', file: string}
 *   | {kind: 'postgres', host: string, port: number, user: string, password: string, database: string}} DatabaseTarget
 */

const QUERY_SCRIPT = `
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
	const { target, sql, params, pgModule } = JSON.parse(Buffer.concat(chunks).toString());
	try {
		let rows;
		if (target.kind === 'sqlite') {
			const { DatabaseSync } = require('node:sqlite');
			const db = new DatabaseSync(target.file, { readOnly: true });
			try {
				rows = db.prepare(sql).all(...params).map((row) => ({ ...row }));
			} finally {
				db.close();
			}
		} else {
			const { Client } = require(pgModule);
			const client = new Client({ host: target.host, port: target.port, user: target.user,
				password: target.password, database: target.database });
			await client.connect();
			try {
				rows = (await client.query(sql, params)).rows;
			} finally {
				await client.end();
			}
		}
		process.stdout.write(JSON.stringify(rows, (k, v) => (typeof v === 'bigint' ? Number(v) : v)));
	} catch (error) {
		process.stderr.write(String(error && error.stack || error));
		process.exitCode = 1;
	}
});
`;

/**
 * Runs one read query. PostgreSQL placeholders are $1, $2…; SQLite's are ?.
 * @param {{nodeBin: string, n8nPrefix: string}} install from ./install.js paths()
 * @param {DatabaseTarget} target
 * @param {string} sql
 * @param {unknown[]} [params]
 * @returns {Promise<any[]>}
 */
function query(install, target, sql, params = []) {
	return new Promise((resolve, reject) => {
		const child = spawn(install.nodeBin, ['--no-warnings', '-e', QUERY_SCRIPT], {
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		/** @type {Buffer[]} */
		const out = [];
		let err = '';
		child.stdout.on('data', (d) => out.push(d));
		child.stderr.on('data', (d) => (err += d));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code !== 0) return reject(new Error(`database query failed (${code}): ${err}\n${sql}`));
			try {
				resolve(JSON.parse(Buffer.concat(out).toString() || '[]'));
			} catch (error) {
				reject(error);
			}
		});
		child.stdin.end(
			JSON.stringify({
				target,
				sql,
				params,
				pgModule: path.join(install.n8nPrefix, 'node_modules', 'pg'),
			}),
		);
	});
}

module.exports = { query };
