// @ts-check
'use strict';

/**
 * The one JPEG maker of the tests (jest, the sandbox's test helpers): a tiny, structurally valid
 * JPEG with the size in its frame header, for the readers that check a picture without decoding
 * it (the node's `helpers/jpeg.ts`, the sandbox's `jpeg.js`). Nothing here reads JPEGs: each
 * reader stays independent of this maker and of the other reader.
 */

const SEGMENT_MAX = 0xffff + 2; // marker (2) + length field counting itself and the data (≤ 65535)

/**
 * SOI, APP0 (JFIF), comment segments padding the file to exactly `totalBytes` (when larger than
 * the bare image), a frame header (SOF0 by default) with `width` × `height`, EOI.
 * @param {number} width
 * @param {number} height
 * @param {number} [totalBytes] 0: no padding (41 bytes)
 * @param {number} [frameMarker] 0xC0 baseline (default), 0xC2 progressive, …
 * @returns {Buffer}
 */
function makeJpeg(width, height, totalBytes = 0, frameMarker = 0xc0) {
	const soi = Buffer.from([0xff, 0xd8]);
	const app0 = Buffer.from([
		0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
		0x00, 0x00,
	]);
	const sof = Buffer.alloc(19);
	sof[0] = 0xff;
	sof[1] = frameMarker;
	sof.writeUInt16BE(17, 2);
	sof[4] = 8;
	sof.writeUInt16BE(height, 5);
	sof.writeUInt16BE(width, 7);
	sof[9] = 3;
	sof.set([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1], 10);
	const eoi = Buffer.from([0xff, 0xd9]);
	const bare = soi.length + app0.length + sof.length + eoi.length;
	const padding = [];
	let missing = Math.max(0, totalBytes - bare);
	if (missing > 0 && missing < 4) {
		throw new RangeError(`makeJpeg: a comment segment takes at least 4 bytes; ${missing} asked`);
	}
	// Equal comment segments (COM), each at most SEGMENT_MAX bytes and at least 4.
	let segments = Math.ceil(missing / SEGMENT_MAX);
	while (segments > 0) {
		const size = Math.ceil(missing / segments);
		const com = Buffer.alloc(size, 0x20);
		com.writeUInt16BE(0xfffe, 0);
		com.writeUInt16BE(size - 2, 2);
		padding.push(com);
		missing -= size;
		segments -= 1;
	}
	return Buffer.concat([soi, app0, ...padding, sof, eoi]);
}

module.exports = { makeJpeg };
