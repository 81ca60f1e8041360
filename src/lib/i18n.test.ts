import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Issue #8: "A test fails on any missing key". Every message exists, non-empty, in every language,
// with the same placeholders; using a key that doesn't exist at all fails svelte-check.
const load = (locale: string) =>
	JSON.parse(readFileSync(new URL(`../../messages/${locale}.json`, import.meta.url), 'utf8')) as Record<
		string,
		string
	>;
const keys = (catalog: Record<string, string>) => Object.keys(catalog).filter((k) => k !== '$schema');
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
	const en = load('en');
	const es = load('es');

	it('have the same keys in English and Spanish', () => {
		expect(keys(es).sort()).toEqual(keys(en).sort());
	});

	it('have no empty message and the same placeholders in both languages', () => {
		for (const key of keys(en)) {
			expect(en[key]?.trim(), key).toBeTruthy();
			expect(es[key]?.trim(), key).toBeTruthy();
			expect(placeholders(es[key] ?? ''), key).toEqual(placeholders(en[key] ?? ''));
		}
	});
});
