import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ConsentPayload } from './consent';

const payload = {
	conversationId: 'c1',
	kind: 'archive',
	answer: 'yes',
	textVersion: 'archive-2026-11-v1',
	language: 'en',
	decidedAt: '2026-12-01T10:00:00.000Z'
} as const;

describe('ConsentPayload', () => {
	// Issue #14: the description is for the archive package; it never holds up recording the yes.
	it('records a yes to the archive without its description', () => {
		expect(v.safeParse(ConsentPayload, payload).success).toBe(true);
		expect(v.safeParse(ConsentPayload, { ...payload, archiveFields: null }).success).toBe(true);
	});

	it('still checks a description when one is given', () => {
		const fields = { title: '', summary: 'Two neighbours.', keywords: ['work'], place: 'Birmingham, AL' };
		expect(v.safeParse(ConsentPayload, { ...payload, archiveFields: fields }).success).toBe(false);
		expect(
			v.safeParse(ConsentPayload, { ...payload, archiveFields: { ...fields, title: 'Teacher and trucker' } })
				.success
		).toBe(true);
	});
});
