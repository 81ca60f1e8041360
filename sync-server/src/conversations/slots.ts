import { sessionMinutes } from '../../../src/lib/core/session-length.ts';
import { addLocalDays, wallClock, weekdayOf, zonedInstant } from '../../../src/lib/core/time-zone.ts';
import {
	blockStarts,
	intersect,
	weekMask,
	type WeeklyWindow
} from '../../../src/lib/core/weekly-availability.ts';

/** Far enough ahead that both can prepare the question list together (issue #4). */
export const EARLIEST_HOURS_AHEAD = 12;
export const SLOT_DAYS_AHEAD = 14;
const MAX_SLOTS = 40;

/**
 * The times the app proposes (issue #3, "Slots"): every half hour where both weekly availabilities
 * hold a whole session (the conversation and what comes around it, core/session-length.ts), over
 * the next two weeks, as exact instants. Availability is in the community's local time; each
 * person's screen shows the instants in their own time zone.
 */
export function offeredSlots(input: {
	a: readonly WeeklyWindow[];
	b: readonly WeeklyWindow[];
	timeZone: string;
	minutes: number;
	now: Date;
}): string[] {
	const both = intersect(weekMask(input.a), weekMask(input.b));
	const starts = blockStarts(both, { lengthMinutes: sessionMinutes(input.minutes) });
	if (starts.length === 0) return [];
	const earliest = input.now.getTime() + EARLIEST_HOURS_AHEAD * 3_600_000;
	const today = wallClock(input.now, input.timeZone);
	const slots: string[] = [];
	for (let offset = 0; offset <= SLOT_DAYS_AHEAD && slots.length < MAX_SLOTS; offset++) {
		const date = addLocalDays(today, offset);
		const weekday = weekdayOf(date);
		for (const start of starts) {
			if (start.day !== weekday) continue;
			const instant = zonedInstant(date, start.minute, input.timeZone);
			if (instant.getTime() >= earliest) slots.push(instant.toISOString());
			if (slots.length >= MAX_SLOTS) break;
		}
	}
	return slots;
}
