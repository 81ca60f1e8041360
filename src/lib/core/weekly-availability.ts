/**
 * Weekly availability as a bit set of quarter hours (7 days × 96 slots), in the community's local time.
 * Matching compares thousands of pairs, so "how much time do two people share" must be a handful of
 * word operations, not interval arithmetic.
 */
export const WEEK_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];
export const SLOT_MINUTES = 15;
export const SLOTS_PER_DAY = (24 * 60) / SLOT_MINUTES;
const WORDS = (7 * SLOTS_PER_DAY) / 32;

export interface WeeklyWindow {
	day: WeekDay;
	/** "HH:MM", local time. */
	start: string;
	end: string;
}

export type WeekMask = Uint32Array;

const minutesOf = (hhmm: string) => {
	const [h = '0', m = '0'] = hhmm.split(':');
	return Number(h) * 60 + Number(m);
};

/** Windows rounded inwards to whole quarter hours; overlapping windows count once. */
export function weekMask(windows: readonly WeeklyWindow[]): WeekMask {
	const mask = new Uint32Array(WORDS);
	for (const w of windows) {
		const day = WEEK_DAYS.indexOf(w.day);
		if (day < 0) continue;
		const first = Math.ceil(minutesOf(w.start) / SLOT_MINUTES);
		const last = Math.floor(minutesOf(w.end) / SLOT_MINUTES);
		for (let slot = first; slot < last; slot++) {
			const bit = day * SLOTS_PER_DAY + slot;
			mask[bit >>> 5]! |= 1 << (bit & 31);
		}
	}
	return mask;
}

function popcount(x: number): number {
	x -= (x >>> 1) & 0x55555555;
	x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
	return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Minutes a week both are free. */
export function sharedMinutes(a: WeekMask, b: WeekMask): number {
	let slots = 0;
	for (let i = 0; i < WORDS; i++) slots += popcount(a[i]! & b[i]!);
	return slots * SLOT_MINUTES;
}

export function intersect(a: WeekMask, b: WeekMask): WeekMask {
	const out = new Uint32Array(WORDS);
	for (let i = 0; i < WORDS; i++) out[i] = a[i]! & b[i]!;
	return out;
}

export function hasSlot(mask: WeekMask, bit: number): boolean {
	return (mask[bit >>> 5]! & (1 << (bit & 31))) !== 0;
}

/** The longest stretch both are free on one day, in minutes (a conversation cannot span midnight). */
export function longestSharedStretch(a: WeekMask, b: WeekMask): number {
	let best = 0;
	for (let day = 0; day < 7; day++) {
		let run = 0;
		for (let slot = 0; slot < SLOTS_PER_DAY; slot++) {
			const bit = day * SLOTS_PER_DAY + slot;
			const both = (a[bit >>> 5]! & b[bit >>> 5]! & (1 << (bit & 31))) !== 0;
			run = both ? run + 1 : 0;
			if (run > best) best = run;
		}
	}
	return best * SLOT_MINUTES;
}

/**
 * Start times (day, minutes after local midnight) of every `lengthMinutes` block inside `mask`, stepping
 * by `stepMinutes`: the candidates for "we agreed on a time".
 */
export function blockStarts(
	mask: WeekMask,
	{ lengthMinutes, stepMinutes = 30 }: { lengthMinutes: number; stepMinutes?: number }
): { day: WeekDay; minute: number }[] {
	const need = Math.ceil(lengthMinutes / SLOT_MINUTES);
	const step = Math.max(1, Math.round(stepMinutes / SLOT_MINUTES));
	const starts: { day: WeekDay; minute: number }[] = [];
	for (let day = 0; day < 7; day++) {
		for (let slot = 0; slot + need <= SLOTS_PER_DAY; slot += step) {
			let free = true;
			for (let i = 0; i < need && free; i++) free = hasSlot(mask, day * SLOTS_PER_DAY + slot + i);
			if (free) starts.push({ day: WEEK_DAYS[day]!, minute: slot * SLOT_MINUTES });
		}
	}
	return starts;
}

/**
 * Whether both are free for `minutes` in a row on some day. A day is exactly three 32-bit words, so
 * "k free slots in a row" is k-1 rounds of `day & (day >> 1)` on a 96-bit value: no loop over slots.
 */
export function hasSharedStretch(a: WeekMask, b: WeekMask, minutes: number): boolean {
	const need = Math.ceil(minutes / SLOT_MINUTES);
	if (need <= 0) return true;
	for (let day = 0; day < 7; day++) {
		const i = day * 3;
		let w0 = a[i]! & b[i]!;
		let w1 = a[i + 1]! & b[i + 1]!;
		let w2 = a[i + 2]! & b[i + 2]!;
		for (let round = 1; round < need && (w0 | w1 | w2) !== 0; round++) {
			w0 &= (w0 >>> 1) | (w1 << 31);
			w1 &= (w1 >>> 1) | (w2 << 31);
			w2 &= w2 >>> 1;
		}
		if ((w0 | w1 | w2) !== 0) return true;
	}
	return false;
}
