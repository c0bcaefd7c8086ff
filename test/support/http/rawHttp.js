// @ts-check
'use strict';

/**
 * Sends an HTTP/1.1 request byte for byte over a socket: header names keep their case, and a
 * header can appear several times (clients such as fetch would normalise or merge them).
 */
const net = require('node:net');

/**
 * @param {string} url  http://host:port/path?query
 * @param {{ method?: string, headers?: Array<[string, string]>, body?: Buffer | string }} [options]
 * @returns {Promise<{ status: number, headers: string, body: string }>}
 */
function sendRaw(url, options = {}) {
	const target = new URL(url);
	const body = options.body === undefined ? Buffer.alloc(0) : Buffer.from(options.body);
	const lines = [
		`${options.method ?? 'POST'} ${target.pathname}${target.search} HTTP/1.1`,
		`Host: ${target.host}`,
		'Connection: close',
		...(options.headers ?? []).map(([name, value]) => `${name}: ${value}`),
		`Content-Length: ${body.length}`,
		'',
		'',
	];
	return new Promise((resolve, reject) => {
		const socket = net.connect(Number(target.port), target.hostname);
		/** @type {Buffer[]} */
		const chunks = [];
		socket.on('data', (chunk) => chunks.push(chunk));
		socket.on('error', reject);
		socket.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			const split = text.indexOf('\r\n\r\n');
			const head = split >= 0 ? text.slice(0, split) : text;
			const match = /^HTTP\/1\.1 (\d{3})/.exec(head);
			let body = split >= 0 ? text.slice(split + 4) : '';
			if (/^transfer-encoding:\s*chunked/im.test(head)) body = unchunk(body);
			resolve({ status: match ? Number(match[1]) : 0, headers: head, body });
		});
		socket.write(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]));
	});
}

/** @param {string} text  a chunked body */
function unchunk(text) {
	let out = '';
	let rest = text;
	for (;;) {
		const end = rest.indexOf('\r\n');
		const size = parseInt(rest.slice(0, end), 16);
		if (!(size > 0)) return out;
		out += rest.slice(end + 2, end + 2 + size);
		rest = rest.slice(end + 2 + size + 2);
	}
}

module.exports = { sendRaw };
