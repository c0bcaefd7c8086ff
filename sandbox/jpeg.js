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

module.exports = { readJpegSize };
