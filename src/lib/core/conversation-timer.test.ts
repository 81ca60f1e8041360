import { describe, expect, it } from 'vitest';
import { dueNotices, formatElapsed, type TimerNotice } from './conversation-timer';

const min = 60_000;

describe('dueNotices', () => {
	it.each([
		[0, [], []],
		[34 * min, [], []],
		[35 * min, [], ['five_minutes_left']],
		[35 * min, ['five_minutes_left'], []],
		[40 * min, ['five_minutes_left'], ['time_is_up']],
		[55 * min, ['five_minutes_left', 'time_is_up'], []],
		// Joined late (e.g. after a crash recovery) past the end: only the end notice, not both.
		[41 * min, [], ['time_is_up']]
	] as [number, TimerNotice[], TimerNotice[]][])('at %d ms, having given %j → %j', (elapsedMs, given, due) => {
		expect(dueNotices({ elapsedMs, targetMinutes: 40, given: new Set(given) })).toEqual(due);
	});

	it('has no five-minute notice for very short targets', () => {
		expect(dueNotices({ elapsedMs: 1 * min, targetMinutes: 5, given: new Set() })).toEqual([]);
		expect(dueNotices({ elapsedMs: 5 * min, targetMinutes: 5, given: new Set() })).toEqual(['time_is_up']);
	});
});

describe('formatElapsed', () => {
	it.each([
		[0, '0:00'],
		[59_999, '0:59'],
		[61_000, '1:01'],
		[40 * min, '40:00'],
		[3_725_000, '1:02:05'],
		[-5, '0:00']
	])('%d ms → %s', (ms, text) => expect(formatElapsed(ms)).toBe(text));
});
