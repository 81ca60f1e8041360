import { describe, expect, it } from 'vitest';
import { canonicalJson, payloadHash } from './payload-hash.ts';
import { openResult, sealResult } from './sealed-result.ts';

describe('sealed mutation results', () => {
	const id = '3f1c6a34-7e55-4c1b-9b8e-0d3f2a6b9c10';

	it('round-trips under the same mutation id and hides the content', () => {
		const json = JSON.stringify({ personalCode: 'K7QM-4XTR' });
		const sealed = sealResult(json, id);
		expect(sealed).not.toContain('K7QM');
		expect(openResult(sealed, id)).toBe(json);
	});

	it('cannot be opened with another id', () => {
		const sealed = sealResult('{"a":1}', id);
		expect(() => openResult(sealed, '00000000-0000-4000-8000-000000000000')).toThrow();
	});
});

describe('payloadHash', () => {
	it('ignores key order and undefined values, but not content or type', () => {
		expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }], e: undefined })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
		expect(payloadHash('signup', { a: 1, b: 2 })).toBe(payloadHash('signup', { b: 2, a: 1 }));
		expect(payloadHash('signup', { a: 1 })).not.toBe(payloadHash('signup', { a: 2 }));
		expect(payloadHash('signup', { a: 1 })).not.toBe(payloadHash('other', { a: 1 }));
	});
});
