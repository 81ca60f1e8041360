import { sha256 } from '../auth/tokens.ts';

/**
 * Hash of the validated payload with keys sorted, so a replay that differs only in key order or in
 * what validation normalises (whitespace, e-mail case) counts as the same mutation.
 */
export function payloadHash(type: string, payload: unknown): string {
	return sha256(`${type}\n${canonicalJson(payload)}`);
}

export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
	}
	return JSON.stringify(value);
}
