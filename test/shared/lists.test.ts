/**
 * One list splitter for both nodes: the action's ID lists (join requests, participants) and the
 * trigger's Group IDs and Phone Number IDs filters.
 */
import { splitList } from '../../nodes/shared/helpers/lists';
import { parseIdList } from '../../nodes/WhatsAppGroupsTrigger/webhook/filters';

describe('splitList (action ID lists)', () => {
	it('splits text on commas, semicolons and new lines, trimming and dropping empty entries', () => {
		expect(splitList(' a, b;c\r\n d ,, ;\n')).toEqual(['a', 'b', 'c', 'd']);
	});

	it('keeps spaces inside an entry (phone numbers are typed with them)', () => {
		expect(splitList('+49 151 1234567, +49 152 7654321')).toEqual([
			'+49 151 1234567',
			'+49 152 7654321',
		]);
	});

	it('keeps order and duplicates (the operations decide about them)', () => {
		expect(splitList('b,a,b')).toEqual(['b', 'a', 'b']);
	});

	it('reads arrays from expressions, splitting their elements too', () => {
		expect(splitList(['a', ' b ', '', null, 'c, d', 42])).toEqual(['a', 'b', 'c', 'd', '42']);
	});

	it('reads a number as text', () => {
		expect(splitList(12345)).toEqual(['12345']);
	});

	it('gives no entries for anything that is not text, a number or an array', () => {
		for (const value of [undefined, null, true, false, {}, { id: 'a' }]) {
			expect(splitList(value)).toEqual([]);
		}
	});
});

describe('parseIdList (trigger filters)', () => {
	it('also splits on any whitespace: IDs hold none', () => {
		expect([...parseIdList('G1 G2,G3;\tG4\nG2')]).toEqual(['G1', 'G2', 'G3', 'G4']);
	});

	it('reads arrays, and elements holding several IDs', () => {
		expect([...parseIdList(['G1', 'G2 G3', ['G4', 'G5']])]).toEqual(['G1', 'G2', 'G3', 'G4', 'G5']);
	});

	it('honours a phone number ID given as a number', () => {
		expect([...parseIdList(1234567890)]).toEqual(['1234567890']);
	});

	it('is empty for an empty or unreadable value (no filter)', () => {
		for (const value of ['', ' , ', undefined, null, true, {}]) {
			expect(parseIdList(value).size).toBe(0);
		}
	});
});
