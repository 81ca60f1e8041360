import { WEEK_DAYS, type WeekDay } from './weekly-availability';

/**
 * Wall-clock time in an IANA zone ↔ instants, with nothing but Intl. Availability is entered in the
 * community's local time; slots, invites and reminders need exact instants across DST changes.
 */

export interface LocalDate {
	year: number;
	month: number;
	day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
	let f = formatters.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric'
		});
		formatters.set(timeZone, f);
	}
	return f;
}

/** The wall-clock reading in `timeZone` at `instant`. */
export function wallClock(instant: Date, timeZone: string) {
	const parts: Record<string, number> = {};
	for (const p of formatter(timeZone).formatToParts(instant)) {
		if (p.type !== 'literal') parts[p.type] = Number(p.value);
	}
	return {
		year: parts.year!,
		month: parts.month!,
		day: parts.day!,
		hour: parts.hour!,
		minute: parts.minute!,
		second: parts.second!
	};
}

function offsetMs(instant: Date, timeZone: string): number {
	const w = wallClock(instant, timeZone);
	const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
	return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant when the clocks in `timeZone` show `date` at `minute` past midnight. In the hour skipped
 * by a spring-forward change, the later reading wins (the time a person would actually turn up).
 */
export function zonedInstant(date: LocalDate, minute: number, timeZone: string): Date {
	const naive = Date.UTC(date.year, date.month - 1, date.day, 0, minute);
	let guess = naive - offsetMs(new Date(naive), timeZone);
	const second = naive - offsetMs(new Date(guess), timeZone);
	if (second !== guess) guess = Math.max(guess, second);
	return new Date(guess);
}

/** The weekday of a local date (proleptic Gregorian; independent of any zone). */
export function weekdayOf(date: LocalDate): WeekDay {
	const sundayFirst = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
	return WEEK_DAYS[(sundayFirst + 6) % 7]!;
}

/** The local date `days` after `date`. */
export function addLocalDays(date: LocalDate, days: number): LocalDate {
	const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
	return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}
