import { describe, expect, it } from 'vitest';
import { MAIL_CATALOGS, MAIL_LANGUAGES, mailLanguage, type MailCatalog } from './catalog.ts';

/** Every leaf of a catalog as "path → text", calling each template with sample arguments. */
function leaves(catalog: MailCatalog): Map<string, string> {
	const out = new Map<string, string>();
	const walk = (value: unknown, path: string) => {
		if (typeof value === 'function')
			out.set(path, String((value as (...a: string[]) => unknown)('Ana', 'X')));
		else if (typeof value === 'string') out.set(path, value);
		else if (value && typeof value === 'object')
			for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
	};
	walk(catalog, '');
	return out;
}

describe('mail catalogs (issue #8: emails in English and Spanish)', () => {
	const english = leaves(MAIL_CATALOGS.en);

	for (const language of MAIL_LANGUAGES) {
		it(`${language} has every key English has, and no other`, () => {
			const other = leaves(MAIL_CATALOGS[language]);
			expect([...other.keys()].sort()).toEqual([...english.keys()].sort());
			for (const [key, text] of other) expect(text.trim(), key).not.toBe('');
		});
	}

	it('Spanish is translated, not copied (except the product name)', () => {
		const spanish = leaves(MAIL_CATALOGS.es);
		const same = [...english].filter(([key, text]) => spanish.get(key) === text).map(([key]) => key);
		expect(same).toEqual(['signature']);
	});

	it('an unknown or missing stored language falls back to English', () => {
		expect(mailLanguage('es')).toBe('es');
		expect(mailLanguage('fr')).toBe('en');
		expect(mailLanguage(undefined)).toBe('en');
	});
});
