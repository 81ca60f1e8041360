import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	hasSharedStretch,
	longestSharedStretch,
	sharedMinutes,
	weekMask,
	WEEK_DAYS
} from './weekly-availability';
import { zonedInstant } from './time-zone';

describe('weekly availability', () => {
	it('counts shared minutes once, rounding windows inwards to quarter hours', () => {
		const a = weekMask([
			{ day: 'tue', start: '18:00', end: '21:00' },
			{ day: 'tue', start: '19:00', end: '20:00' }
		]);
		const b = weekMask([{ day: 'tue', start: '17:10', end: '19:50' }]);
		// b becomes 17:15–19:45; with a (18:00–21:00) that is 18:00–19:45.
		expect(sharedMinutes(a, b)).toBe(105);
		expect(longestSharedStretch(a, b)).toBe(105);
	});

	it('hasSharedStretch agrees with the slot-by-slot longest stretch', () => {
		const window = fc.record({
			day: fc.constantFrom(...WEEK_DAYS),
			start: fc.integer({ min: 0, max: 95 }),
			length: fc.integer({ min: 1, max: 40 })
		});
		const hhmm = (slot: number) =>
			`${String(Math.floor(slot / 4)).padStart(2, '0')}:${String((slot % 4) * 15).padStart(2, '0')}`;
		const windows = fc
			.array(window, { maxLength: 4 })
			.map((ws) =>
				ws.map((w) => ({ day: w.day, start: hhmm(w.start), end: hhmm(Math.min(96, w.start + w.length)) }))
			);
		fc.assert(
			fc.property(windows, windows, fc.integer({ min: 15, max: 240 }), (x, y, minutes) => {
				const [a, b] = [weekMask(x), weekMask(y)];
				expect(hasSharedStretch(a, b, minutes)).toBe(longestSharedStretch(a, b) >= minutes);
			}),
			{ numRuns: 500 }
		);
	});
});

describe('zonedInstant', () => {
	it('turns local wall-clock times into instants, across daylight-saving changes', () => {
		expect(zonedInstant({ year: 2026, month: 11, day: 3 }, 18 * 60, 'America/Chicago').toISOString()).toBe(
			'2026-11-04T00:00:00.000Z'
		);
		expect(zonedInstant({ year: 2026, month: 7, day: 7 }, 18 * 60, 'America/Chicago').toISOString()).toBe(
			'2026-07-07T23:00:00.000Z'
		);
		// 02:30 does not exist on 8 March 2026 in Chicago; the later reading (03:30 CDT) is used.
		expect(zonedInstant({ year: 2026, month: 3, day: 8 }, 150, 'America/Chicago').toISOString()).toBe(
			'2026-03-08T08:30:00.000Z'
		);
	});
});
