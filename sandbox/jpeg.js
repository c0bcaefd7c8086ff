// @ts-check
'use strict';

/**
 * Reads the size of a JPEG from its start-of-frame (SOF) segment, without decoding the image.
 * Returns null when the buffer is not a JPEG or has no SOF before the scan starts.
 * @param {Buffer} data
 * @returns {{ width: number, height: number } | null}
 */
function readJpegSize(data) {
	if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return null;
	let offset = 2;
	while (offset + 4 <= data.length) {
		if (data[offset] !== 0xff) return null;
		const marker = data[offset + 1];
		// Fill bytes: a marker may be preceded by any number of 0xFF.
		if (marker === 0xff) {
			offset += 1;
			continue;
		}
		// Markers without a length: TEM and RST0-7.
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			offset += 2;
			continue;
		}
		// End of image or start of scan before any frame header: no size to read.
		if (marker === 0xd9 || marker === 0xda) return null;
		const length = data.readUInt16BE(offset + 2);
		if (length < 2) return null;
		// SOF0-SOF15, except DHT (C4), JPG (C8) and DAC (CC).
		if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
			if (offset + 9 > data.length) return null;
			const height = data.readUInt16BE(offset + 5);
			const width = data.readUInt16BE(offset + 7);
			return { width, height };
		}
		offset += 2 + length;
	}
	return null;
}

/**
 * A tiny structurally valid JPEG header of the given size (for tests and the CLI): SOI, APP0
 * (JFIF), SOF0, EOI, optionally padded with a comment segment to reach `totalBytes`.
 * @param {number} width
 * @param {number} height
 * @param {number} [totalBytes]
 */
function makeJpeg(width, height, totalBytes = 0) {
	const soi = Buffer.from([0xff, 0xd8]);
	const app0 = Buffer.from([
		0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
		0x00, 0x00,
	]);
	const sof0 = Buffer.alloc(19);
	sof0.writeUInt16BE(0xffc0, 0);
	sof0.writeUInt16BE(17, 2);
	sof0[4] = 8;
	sof0.writeUInt16BE(height, 5);
	sof0.writeUInt16BE(width, 7);
	sof0[9] = 3;
	sof0.set([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1], 10);
	const eoi = Buffer.from([0xff, 0xd9]);
	let size = soi.length + app0.length + sof0.length + eoi.length;
	// Comment segments (COM, max 65535 bytes each) before the frame header pad the file.
	const padding = [];
	while (totalBytes > size + 4) {
		const chunk = Math.min(65533, totalBytes - size - 4);
		const com = Buffer.alloc(4 + chunk, 0x20);
		com.writeUInt16BE(0xfffe, 0);
		com.writeUInt16BE(chunk + 2, 2);
		padding.push(com);
		size += com.length;
	}
	return Buffer.concat([soi, app0, ...padding, sof0, eoi]);
}

module.exports = { readJpegSize, makeJpeg };
