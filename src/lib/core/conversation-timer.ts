/**
 * The conversation timer (issue #5, "Timer"): gentle notices at five minutes left and at the target
 * length, and nothing more. It never cuts the conversation off; people stop when they are done.
 */
export const DEFAULT_TARGET_MINUTES = 40;
const FIVE_MINUTES_MS = 5 * 60_000;

export type TimerNotice = 'five_minutes_left' | 'time_is_up';

/** The notices due by `elapsedMs` that were not given yet, in order. */
export function dueNotices({
	elapsedMs,
	targetMinutes,
	given
}: {
	elapsedMs: number;
	targetMinutes: number;
	given: ReadonlySet<TimerNotice>;
}): TimerNotice[] {
	const targetMs = targetMinutes * 60_000;
	const due: TimerNotice[] = [];
	// A target of five minutes or less has no "five minutes left" moment.
	if (targetMs > FIVE_MINUTES_MS && elapsedMs >= targetMs - FIVE_MINUTES_MS && elapsedMs < targetMs) {
		if (!given.has('five_minutes_left')) due.push('five_minutes_left');
	}
	if (elapsedMs >= targetMs && !given.has('time_is_up')) due.push('time_is_up');
	return due;
}

/** "12:05", or "1:02:09" past an hour. */
export function formatElapsed(ms: number): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
	return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
