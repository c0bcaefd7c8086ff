import nock from 'nock';

import { detectImageFormat, readJpegSize } from '../../nodes/WhatsAppGroups/helpers/jpeg';
import { graph, GROUP_ID, groupLocator, PHONE_ID, rows, run } from '../support/action';
import { makeJpeg } from '../support/jpeg';
import { useNock } from '../support/nock';

function binaryItem(data: Buffer, mimeType = 'image/jpeg', fileName = 'logo.jpg') {
	return { json: {}, binary: { data: { data: data.toString('base64'), mimeType, fileName } } };
}

const updatePicture = {
	resource: 'group',
	operation: 'update',
	phoneNumberId: PHONE_ID,
	groupId: groupLocator(),
	updateFields: { pictureBinaryProperty: 'data' },
};

describe('JPEG header reader', () => {
	it('reads width and height from baseline and progressive frames', () => {
		expect(readJpegSize(makeJpeg(640, 480))).toEqual({ width: 640, height: 480 });
		expect(readJpegSize(makeJpeg(300, 300, 0, 0xc2))).toEqual({ width: 300, height: 300 });
	});
	it('refuses non-JPEG data and truncated headers', () => {
		expect(readJpegSize(Buffer.from('\x89PNG\r\n\x1a\n0000', 'binary'))).toBeUndefined();
		expect(readJpegSize(makeJpeg(200, 200).subarray(0, 24))).toBeUndefined();
		expect(readJpegSize(Buffer.alloc(0))).toBeUndefined();
	});
});

const bytes = (text: string, length = 64) =>
	Buffer.concat([Buffer.from(text, 'binary'), Buffer.alloc(Math.max(0, length - text.length))]);
const PNG = bytes('\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR');
const GIF = bytes('GIF89a\x01\x00\x01\x00');
const WEBP = bytes('RIFF\x24\x00\x00\x00WEBPVP8 ');

describe('picture format from the bytes', () => {
	it.each([
		['JPEG', makeJpeg(200, 200)],
		['PNG', PNG],
		['GIF', bytes('GIF87a')],
		['GIF', GIF],
		['WebP', WEBP],
		['BMP', bytes('BM')],
		['TIFF', bytes('II*\x00')],
		['TIFF', bytes('MM\x00*')],
		['HEIC', bytes('\x00\x00\x00\x18ftypheic')],
		['AVIF', bytes('\x00\x00\x00\x1cftypavif')],
		['PDF', bytes('%PDF-1.7')],
		['SVG', Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>')],
	])('recognizes %s', (format, data) => {
		expect(detectImageFormat(data)).toBe(format);
	});
	it('names nothing for other bytes', () => {
		expect(detectImageFormat(Buffer.from('hello, not a picture'))).toBeUndefined();
		expect(detectImageFormat(Buffer.alloc(0))).toBeUndefined();
		expect(detectImageFormat(bytes('RIFF\x24\x00\x00\x00WAVEfmt '))).toBeUndefined();
	});
});

describe('Group > Update profile picture', () => {
	useNock();

	it('uploads the JPEG as multipart/form-data with messaging_product and a file part', async () => {
		const jpeg = makeJpeg(640, 640, 2048);
		let contentType = '';
		let received = Buffer.alloc(0);
		const scope = graph()
			.post(`/v26.0/${GROUP_ID}`, (body) => {
				// nock hands over binary bodies hex-encoded.
				received =
					typeof body === 'string' && /^[0-9a-f]+$/.test(body)
						? Buffer.from(body, 'hex')
						: Buffer.from(JSON.stringify(body));
				return true;
			})
			.reply(function reply() {
				contentType = String(this.req.headers['content-type']);
				return [200, { success: true }];
			});
		const result = await run(updatePicture, [binaryItem(jpeg)]);
		expect(result.error).toBeUndefined();
		expect(rows(result)).toEqual([
			{
				json: {
					groupId: GROUP_ID,
					status: 'requested',
					settings: { profilePicture: 'requested' },
				},
				item: 0,
			},
		]);
		const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(contentType)?.[1];
		expect(boundary).toBeDefined();
		const text = received.toString('binary');
		expect(text).toContain(
			`--${boundary}\r\nContent-Disposition: form-data; name="messaging_product"\r\n\r\nwhatsapp\r\n`,
		);
		expect(text).toContain(
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="logo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
		);
		expect(text.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true);
		// The file bytes travel unchanged.
		expect(text).toContain(jpeg.toString('binary'));
		scope.done();
	});

	it.each([
		[
			'a PNG',
			PNG,
			'image/png',
			'"data" is a PNG file; only JPEG is accepted, so convert it to JPEG first',
		],
		[
			'a PNG served as image/jpeg',
			PNG,
			'image/jpeg',
			'"data" is a PNG file, although its mime type says image/jpeg; only JPEG is accepted, so convert it to JPEG first',
		],
		[
			'a GIF served as image/jpeg',
			GIF,
			'image/jpeg; charset=binary',
			'"data" is a GIF file, although its mime type says image/jpeg; only JPEG is accepted, so convert it to JPEG first',
		],
		[
			'a WebP',
			WEBP,
			'image/webp',
			'"data" is a WebP file; only JPEG is accepted, so convert it to JPEG first',
		],
		[
			'a JPEG cut short',
			makeJpeg(200, 200).subarray(0, 24),
			'image/jpeg',
			'"data" starts like a JPEG but has no readable frame header (damaged or cut short); use an intact JPEG',
		],
		[
			'no picture at all',
			Buffer.from('hello, not a picture'),
			'image/jpeg',
			'"data" is not a JPEG image: its bytes are not a picture format the node knows (its mime type says image/jpeg); only JPEG is accepted',
		],
		['not square', makeJpeg(640, 480), 'image/jpeg', 'the picture must be square (it is 640×480)'],
		[
			'too small',
			makeJpeg(191, 191),
			'image/jpeg',
			'the picture must be at least 192×192 pixels (it is 191×191)',
		],
		[
			'over 5 MB',
			makeJpeg(800, 800, 5 * 1024 * 1024 + 1),
			'image/jpeg',
			'the picture is 5.0 MB; at most 5 MB is allowed',
		],
	])(
		'refuses a picture that is %s, naming the field and the item, and sends nothing',
		async (_label, data, mimeType, problem) => {
			const result = await run(updatePicture, [binaryItem(data, mimeType)]);
			expect(result.error?.message).toBe(
				`Invalid "Profile Picture (Binary Property)" in item 0: ${problem}`,
			);
			expect(nock.pendingMocks()).toEqual([]);
		},
	);

	it('accepts exactly 192×192 and exactly 5 MB', async () => {
		const scope = graph().post(`/v26.0/${GROUP_ID}`).twice().reply(200, { success: true });
		const small = await run(updatePicture, [binaryItem(makeJpeg(192, 192))]);
		const large = await run(updatePicture, [binaryItem(makeJpeg(1024, 1024, 5 * 1024 * 1024))]);
		expect(small.error).toBeUndefined();
		expect(large.error).toBeUndefined();
		scope.done();
	});

	it('refuses a missing binary property', async () => {
		const result = await run(updatePicture, [{ json: {} }]);
		expect(result.error?.message).toBe(
			'Invalid "Profile Picture (Binary Property)" in item 0: the item has no binary property "data"',
		);
	});
});
