export interface JpegSize {
	width: number;
	height: number;
}

/**
 * Reads width and height from a JPEG's start-of-frame marker. Returns undefined when the buffer is
 * not a JPEG or no frame header is found: the caller then refuses the file.
 */
export function readJpegSize(data: Buffer): JpegSize | undefined {
	if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return undefined;
	let offset = 2;
	while (offset + 4 <= data.length) {
		if (data[offset] !== 0xff) return undefined;
		const marker = data[offset + 1];
		// Fill bytes and standalone markers carry no length.
		if (marker === 0xff) {
			offset += 1;
			continue;
		}
		if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			offset += 2;
			continue;
		}
		if (marker === 0xd9 || marker === 0xda) return undefined;
		const length = data.readUInt16BE(offset + 2);
		if (length < 2) return undefined;
		// SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC) hold the frame size.
		const isStartOfFrame =
			marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
		if (isStartOfFrame) {
			if (offset + 9 > data.length) return undefined;
			return { height: data.readUInt16BE(offset + 5), width: data.readUInt16BE(offset + 7) };
		}
		offset += 2 + length;
	}
	return undefined;
}

const ascii = (data: Buffer, start: number, end: number): string =>
	data.length >= end ? data.toString('latin1', start, end) : '';

/**
 * What an image file is, from its first bytes (not from its declared mime type, which can be
 * wrong): "JPEG", "PNG", "GIF", "WebP", "BMP", "TIFF", "HEIC", "AVIF", "PDF", "SVG", or undefined
 * when the bytes are none of these.
 */
export function detectImageFormat(data: Buffer): string | undefined {
	if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'JPEG';
	if (ascii(data, 0, 8) === '\x89PNG\r\n\x1a\n') return 'PNG';
	if (['GIF87a', 'GIF89a'].includes(ascii(data, 0, 6))) return 'GIF';
	if (ascii(data, 0, 4) === 'RIFF' && ascii(data, 8, 12) === 'WEBP') return 'WebP';
	if (ascii(data, 0, 2) === 'BM' && data.length >= 26) return 'BMP';
	if (['II*\x00', 'MM\x00*'].includes(ascii(data, 0, 4))) return 'TIFF';
	if (ascii(data, 4, 8) === 'ftyp') {
		const brand = ascii(data, 8, 12);
		if (['avif', 'avis'].includes(brand)) return 'AVIF';
		if (['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'HEIC';
	}
	if (ascii(data, 0, 5) === '%PDF-') return 'PDF';
	const head = data.toString('utf8', 0, Math.min(data.length, 256)).trimStart();
	if (/^(<\?xml[^>]*>\s*)?<svg[\s>]/i.test(head)) return 'SVG';
	return undefined;
}
