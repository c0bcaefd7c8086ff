// @ts-check
'use strict';

/**
 * Request body parsing for the sandbox: JSON, form-urlencoded, and multipart/form-data (the
 * profile-picture upload), written against Node's Buffer only.
 */

/**
 * @typedef {object} UploadedFile
 * @property {string} field
 * @property {string} [filename]
 * @property {string} [contentType]
 * @property {Buffer} data
 */

/**
 * @typedef {object} ParsedBody
 * @property {Record<string, unknown>} fields
 * @property {UploadedFile[]} files
 * @property {Buffer} raw
 * @property {string} kind  'json' | 'form' | 'multipart' | 'empty' | 'other'
 * @property {string} [error]
 */

/** Bodies larger than this are refused before parsing (the picture limit is 5 MB). */
const MAX_BODY_BYTES = 20 * 1024 * 1024;

/**
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<Buffer>}
 */
function readRaw(req) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const chunks = [];
		let size = 0;
		req.on('data', (/** @type {Buffer} */ chunk) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				reject(Object.assign(new Error('Request body too large'), { statusCode: 413 }));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/**
 * @param {string} header
 * @param {string} name
 */
function headerParam(header, name) {
	const match = new RegExp(`${name}="([^"]*)"|${name}=([^;\\s]+)`, 'i').exec(header);
	return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * @param {Buffer} raw
 * @param {string} boundary
 * @returns {{ fields: Record<string, unknown>, files: UploadedFile[] }}
 */
function parseMultipart(raw, boundary) {
	/** @type {Record<string, unknown>} */
	const fields = {};
	/** @type {UploadedFile[]} */
	const files = [];
	const delimiter = Buffer.from(`--${boundary}`);
	let position = raw.indexOf(delimiter);
	while (position !== -1) {
		let start = position + delimiter.length;
		// "--" right after the delimiter closes the body.
		if (raw[start] === 0x2d && raw[start + 1] === 0x2d) break;
		if (raw[start] === 0x0d && raw[start + 1] === 0x0a) start += 2;
		const next = raw.indexOf(delimiter, start);
		if (next === -1) break;
		let end = next;
		if (raw[end - 2] === 0x0d && raw[end - 1] === 0x0a) end -= 2;
		const part = raw.subarray(start, end);
		const headerEnd = part.indexOf('\r\n\r\n');
		if (headerEnd !== -1) {
			const headerText = part.subarray(0, headerEnd).toString('utf8');
			const data = part.subarray(headerEnd + 4);
			/** @type {Record<string, string>} */
			const headers = {};
			for (const line of headerText.split('\r\n')) {
				const colon = line.indexOf(':');
				if (colon > 0)
					headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
			}
			const disposition = headers['content-disposition'] ?? '';
			const name = headerParam(disposition, 'name') ?? '';
			const filename = headerParam(disposition, 'filename');
			if (
				filename !== undefined ||
				(headers['content-type'] && !headers['content-type'].startsWith('text/plain'))
			) {
				files.push({
					field: name,
					filename,
					contentType: headers['content-type'],
					data: Buffer.from(data),
				});
			} else {
				fields[name] = data.toString('utf8');
			}
		}
		position = next;
	}
	return { fields, files };
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<ParsedBody>}
 */
async function parseBody(req) {
	const raw = await readRaw(req);
	const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
	if (raw.length === 0) return { fields: {}, files: [], raw, kind: 'empty' };
	if (contentType.includes('multipart/form-data')) {
		const boundary = headerParam(String(req.headers['content-type']), 'boundary');
		if (!boundary)
			return {
				fields: {},
				files: [],
				raw,
				kind: 'multipart',
				error: 'multipart body without a boundary',
			};
		return { ...parseMultipart(raw, boundary), raw, kind: 'multipart' };
	}
	if (contentType.includes('application/x-www-form-urlencoded')) {
		/** @type {Record<string, unknown>} */
		const fields = {};
		for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) fields[key] = value;
		return { fields, files: [], raw, kind: 'form' };
	}
	const text = raw.toString('utf8').trim();
	if (contentType.includes('json') || text.startsWith('{')) {
		try {
			const parsed = JSON.parse(text);
			if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
				return {
					fields: /** @type {Record<string, unknown>} */ (parsed),
					files: [],
					raw,
					kind: 'json',
				};
			}
			return { fields: {}, files: [], raw, kind: 'json', error: 'the JSON body must be an object' };
		} catch {
			return { fields: {}, files: [], raw, kind: 'json', error: 'the body is not valid JSON' };
		}
	}
	return { fields: {}, files: [], raw, kind: 'other' };
}

module.exports = { parseBody, parseMultipart, MAX_BODY_BYTES };
