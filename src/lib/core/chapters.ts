/**
 * The archive's time-coded index (issue #5, "Time-coded index"; issue #6, the archive package):
 * one WebVTT chapter per question asked and per moment marked, timed on the mixed conversation,
 * whose time 0 is the earliest track's first sample (core/mixdown.ts).
 */
export type IndexPointIn =
	| { kind: 'question'; id: string; text: string; atServerMs: number }
	| { kind: 'mark'; id: string; atServerMs: number };

export type Chapter = { kind: 'question' | 'mark'; startMs: number; endMs: number; title: string };

/**
 * Points outside the recording (before its start, after its end: another session's) are left out.
 * Each chapter runs until the next one starts, the last until the end of the recording.
 */
export function chaptersFrom({
	points,
	startServerMs,
	durationMs,
	markTitle
}: {
	points: readonly IndexPointIn[];
	startServerMs: number;
	durationMs: number;
	markTitle: (n: number) => string;
}): Chapter[] {
	const inside = points
		.map((p) => ({ p, at: Math.round(p.atServerMs - startServerMs) }))
		.filter(({ at }) => at >= 0 && at < durationMs)
		.sort((x, y) => x.at - y.at);
	let marks = 0;
	return inside.map(({ p, at }, i) => ({
		kind: p.kind,
		startMs: at,
		endMs: inside[i + 1]?.at ?? durationMs,
		title: p.kind === 'question' ? p.text : markTitle((marks += 1))
	}));
}

export function vttTime(ms: number): string {
	const total = Math.max(0, Math.round(ms));
	const s = Math.floor(total / 1000);
	const pad = (n: number, w = 2) => String(n).padStart(w, '0');
	return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}.${pad(total % 1000, 3)}`;
}

/** WebVTT (W3C): a cue's text may not contain "-->" or a blank line, so line breaks become spaces. */
export function chaptersVtt(chapters: readonly Chapter[], wholeTitle: string, durationMs: number): string {
	const cues = chapters.length
		? chapters
		: [{ kind: 'question' as const, startMs: 0, endMs: durationMs, title: wholeTitle }];
	const body = cues.map(
		(c, i) =>
			`${i + 1}\n${vttTime(c.startMs)} --> ${vttTime(c.endMs)}\n${c.title.replace(/\s*\n\s*/g, ' ').replace(/-->/g, '->')}\n`
	);
	return `WEBVTT\n\n${body.join('\n')}`;
}
