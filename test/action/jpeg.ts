/** A minimal JPEG (SOI, APP0, SOF0 with the given size, EOI), padded to `totalBytes` if asked. */
export function makeJpeg(
	width: number,
	height: number,
	totalBytes = 0,
	frameMarker = 0xc0,
): Buffer {
	const app0 = Buffer.from([
		0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
		0x00, 0x00,
	]);
	const sof = Buffer.from([
		0xff,
		frameMarker,
		0x00,
		0x11,
		0x08,
		(height >> 8) & 0xff,
		height & 0xff,
		(width >> 8) & 0xff,
		width & 0xff,
		0x03,
		0x01,
		0x22,
		0x00,
		0x02,
		0x11,
		0x01,
		0x03,
		0x11,
		0x01,
	]);
	const head = Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof]);
	const tail = Buffer.from([0xff, 0xd9]);
	const padding = Math.max(0, totalBytes - head.length - tail.length);
	return Buffer.concat([head, Buffer.alloc(padding), tail]);
}
