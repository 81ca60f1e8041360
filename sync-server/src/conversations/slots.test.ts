import { describe, expect, it } from 'vitest';
import { sessionMinutes } from '../../../src/lib/core/session-length.ts';
import { offeredSlots } from './slots.ts';

const now = new Date('2026-12-01T12:00:00Z');
const timeZone = 'America/Chicago';

describe('the times offered hold the whole session, not only the recording', () => {
	it('offers no time in a 60-minute overlap for a 40-minute conversation (the session is 90)', () => {
		expect(sessionMinutes(40)).toBe(90);
		const a = [{ day: 'tue' as const, start: '18:00', end: '19:00' }];
		expect(offeredSlots({ a, b: a, timeZone, minutes: 40, now })).toEqual([]);
	});

	it('offers every half hour where 90 minutes fit', () => {
		const a = [{ day: 'tue' as const, start: '18:00', end: '20:00' }];
		const b = [{ day: 'tue' as const, start: '17:00', end: '19:30' }];
		const slots = offeredSlots({ a, b, timeZone, minutes: 40, now });
		// 18:00–19:30 is the overlap: one start, 18:00 local, on each Tuesday of the next two weeks.
		expect(slots).toEqual([
			'2026-12-02T00:00:00.000Z',
			'2026-12-09T00:00:00.000Z',
			'2026-12-16T00:00:00.000Z'
		]);
	});
});
