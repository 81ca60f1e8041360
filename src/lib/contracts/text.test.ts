import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { noControlCharacters } from './text';

describe('noControlCharacters', () => {
	const line = v.pipe(v.string(), noControlCharacters());
	const lines = v.pipe(v.string(), noControlCharacters({ multiline: true }));

	it('takes ordinary text in any script, and line breaks where text has several lines', () => {
		for (const text of ['Ana María', 'Zoë O’Brien-Núñez', '李小龍', 'Emoji 🙂 ok'])
			expect(v.is(line, text), text).toBe(true);
		expect(v.is(lines, 'First line\nSecond line\r\n\tindented')).toBe(true);
	});

	it('refuses NUL and every other control character', () => {
		for (const text of ['Ana\u0000', 'a\u0007b', 'esc\u001b[31m', 'del\u007f', 'c1\u0085', 'two\nlines'])
			expect(v.is(line, text), JSON.stringify(text)).toBe(false);
		for (const text of ['Ana\u0000', 'bell\u0007', 'esc\u001b[2J', 'form\u000cfeed'])
			expect(v.is(lines, text), JSON.stringify(text)).toBe(false);
	});
});
