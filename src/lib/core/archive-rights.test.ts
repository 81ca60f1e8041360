import { describe, expect, it } from 'vitest';
import { archiveRights } from './archive-rights';
import type { ConsentRecord } from './consent';

const people = [
	{ userId: 'u1', firstName: 'Ana' },
	{ userId: 'u2', firstName: 'Ben' }
];
const consent = (userId: string, over: Partial<ConsentRecord> = {}) => ({
	userId,
	kind: 'archive' as const,
	answer: 'yes' as const,
	textVersion: 'archive-v1',
	decidedAt: '2025-11-02T15:40:00.000Z',
	language: 'es',
	...over
});

describe('archiveRights', () => {
	it('says what each person agreed to, when, and which text they read', () => {
		const lines = archiveRights({
			people,
			consents: [
				consent('u1', { textVersion: 'archive-v0', decidedAt: '2025-11-01T10:00:00.000Z' }),
				consent('u1'),
				consent('u2', { decidedAt: '2025-11-03T09:00:00.000Z' }),
				consent('u2', { kind: 'copy', textVersion: 'copy-v1', decidedAt: '2025-11-04T09:00:00.000Z' })
			]
		});
		expect(lines[0]).toBe(
			'Ana agreed on 2025-11-02 to the preservation of this conversation in a public archive (consent text version archive-v1, in "es").'
		);
		expect(lines[1]).toMatch(/^Ben agreed on 2025-11-03 .*archive-v1/);
		expect(lines[2]).toContain('withdraw');
		expect(lines).toHaveLength(3);
	});

	it('names a missing or withdrawn answer as such', () => {
		const lines = archiveRights({ people, consents: [consent('u1', { answer: 'withdrawn' })] });
		expect(lines[0]).toMatch(/^Ana withdrew their agreement on 2025-11-02/);
		expect(lines[1]).toBe('Ben has not answered the archive consent.');
	});
});
