import type { LinkSample } from './call-stats';

/**
 * How the call sounds on one link, each way, in words a person can act on (issue #18, "What the
 * person sees"). Pure: the room feeds it each link's getStats reading (core/call-stats, every 2 s)
 * and shows what it says.
 *
 * What this device hears is measured here: the share of the partner's voice that had to be made up
 * to hide a gap (concealed samples, without those made up in silence, which nobody hears and DTX
 * makes plenty of), and the packets lost. What the partner hears of us is what they report back
 * over RTCP: the share of our packets lost and their jitter. A round trip that makes people talk
 * over each other counts too, and the sender's bandwidth estimate names the likely cause.
 *
 * It must never alarm people on a good link, nor flicker: a level is entered only after it held in
 * RAISE_AFTER readings in a row, and left only once the figures are below a lower line (LEAVE)
 * for LOWER_AFTER readings in a row. The first readings, before the partner's audio flows, judge
 * nothing: a jitter buffer filling up at the start conceals a little on any link.
 */
export type QualityLevel = 'good' | 'fair' | 'poor' | 'lost';
/** Who may not hear well: this person hearing the partner, the partner hearing this person, or both. */
export type QualityWho = 'hearing' | 'heard' | 'both';
/**
 * The likely cause, for what to suggest: a link that drops or delays packets (Wi-Fi far from the
 * router), an uplink too slow for the call (other apps sending), a long delay, or nothing arriving.
 */
export type QualityCause = 'weak_link' | 'slow_uplink' | 'delay' | 'outage';
export type CallQuality =
	| { level: 'good' }
	| { level: 'fair' | 'poor'; who: QualityWho; cause: Exclude<QualityCause, 'outage'> }
	| { level: 'lost'; who: 'both'; cause: 'outage' };

/** The figures of one window of readings, each only when measured. */
export type QualityFigures = {
	/** Audible concealment of what arrived here, 0–1. */
	concealed?: number;
	/** Packets lost on the way here, and on the way to the partner, 0–1. */
	lostHere?: number;
	lostThere?: number;
	/** Jitter of what arrives here, and of what arrives there (as the partner reports it). */
	jitterHereMs?: number;
	jitterThereMs?: number;
	roundTripMs?: number;
	availableBps?: number;
	/** Whether any packet arrived in the last OUTAGE_MS. */
	flowing: boolean;
};

type Lines = { concealed: number; lost: number; jitterMs: number; roundTripMs: number };
/** Where each level begins (ENTER) and where a shown level ends (LEAVE, lower, so it never flickers). */
export const QUALITY = {
	ENTER: {
		fair: { concealed: 0.03, lost: 0.03, jitterMs: 50, roundTripMs: 700 },
		poor: { concealed: 0.08, lost: 0.1, jitterMs: 120, roundTripMs: 1_200 }
	},
	LEAVE: {
		fair: { concealed: 0.015, lost: 0.015, jitterMs: 30, roundTripMs: 500 },
		poor: { concealed: 0.05, lost: 0.06, jitterMs: 80, roundTripMs: 900 }
	},
	/** Below this estimate the uplink, not the link's loss, is the likely cause (the call needs ~50 kbit/s with headers). */
	slowUplinkBps: 100_000,
	/** The readings a window spans: 10 s at one reading every 2 s. */
	windowMs: 10_000,
	/** No packet for this long is an outage (with DTX, Opus still sends one every 400 ms in silence). */
	outageMs: 4_000,
	raiseAfter: 2,
	lowerAfter: 3
} as const satisfies {
	ENTER: Record<'fair' | 'poor', Lines>;
	LEAVE: Record<'fair' | 'poor', Lines>;
} & Record<string, unknown>;

export type QualityState = {
	shown: CallQuality;
	/** This link's readings within the window, oldest first, from the first with the partner's audio. */
	window: LinkSample[];
	/** The level the figures have pointed to, away from `shown`, and for how many readings in a row. */
	streak?: { quality: CallQuality; count: number };
};

export const INITIAL_QUALITY: QualityState = { shown: { level: 'good' }, window: [] };

const RANK: Record<QualityLevel, number> = { good: 0, fair: 1, poor: 2, lost: 3 };

/** One reading of one link in; what to show for that link out. */
export function stepQuality(state: QualityState, sample: LinkSample): QualityState {
	const { window, restarted } = windowWith(state.window, sample);
	// A link dialled again starts afresh: what the old connection showed says nothing of the new one.
	if (restarted) return { shown: INITIAL_QUALITY.shown, window };
	const figures = figuresOf(window);
	if (!figures) return { shown: state.shown, window };
	const shownRank = RANK[state.shown.level];
	// Worse than shown by the entry lines, or better than shown by the lower leaving lines.
	const worse = judge(figures, 'ENTER');
	const better = judge(figures, 'LEAVE');
	const candidate =
		RANK[worse.level] > shownRank ? worse : RANK[better.level] < shownRank ? better : undefined;
	if (!candidate) return { shown: state.shown, window };
	const raising = RANK[candidate.level] > shownRank;
	const streak = state.streak;
	const sameWay = streak !== undefined && RANK[streak.quality.level] > shownRank === raising;
	// Over a streak, the step taken is the smallest its readings agree on.
	const smaller = sameWay && RANK[streak.quality.level] < RANK[candidate.level] === raising;
	const quality = smaller ? streak.quality : candidate;
	const count = sameWay ? streak.count + 1 : 1;
	if (count >= (raising ? QUALITY.raiseAfter : QUALITY.lowerAfter)) return { shown: quality, window };
	return { shown: state.shown, window, streak: { quality, count } };
}

/**
 * The readings within the window, from the first that carries the partner's audio. Counters that
 * went back mean a new connection (the link was dialled again): its window starts afresh.
 */
function windowWith(
	window: readonly LinkSample[],
	sample: LinkSample
): { window: LinkSample[]; restarted: boolean } {
	const last = window.at(-1);
	if (last && sample.at <= last.at) return { window: [...window], restarted: false };
	const restarted =
		last !== undefined &&
		((sample.totalSamplesReceived ?? 0) < (last.totalSamplesReceived ?? 0) ||
			sample.bytesReceived < last.bytesReceived ||
			sample.bytesSent < last.bytesSent);
	const kept = restarted ? [] : window.filter((s) => sample.at - s.at <= QUALITY.windowMs);
	return { window: (sample.totalSamplesReceived ?? 0) > 0 ? [...kept, sample] : kept, restarted };
}

/** The window's figures: what changed from its first reading to its last. */
export function figuresOf(window: readonly LinkSample[]): QualityFigures | undefined {
	if (window.length < 2) return undefined;
	const first = window[0];
	const last = window.at(-1);
	if (!first || !last || last.at <= first.at) return undefined;
	const delta = (name: keyof LinkSample) => {
		const a = first[name];
		const b = last[name];
		return typeof a === 'number' && typeof b === 'number' ? Math.max(0, b - a) : undefined;
	};
	const ratio = (part: number | undefined, whole: number | undefined) =>
		part === undefined || !whole ? undefined : Math.min(1, part / whole);
	const samples = delta('totalSamplesReceived');
	const concealed = delta('concealedSamples');
	const silent = delta('silentConcealedSamples') ?? 0;
	const received = delta('packetsReceived');
	const lostHere = delta('packetsLost');
	const lostThere = delta('remotePacketsLost');
	const recent = window.findLast((s) => last.at - s.at >= QUALITY.outageMs);
	const flowing =
		!recent ||
		(last.packetsReceived ?? 0) > (recent.packetsReceived ?? 0) ||
		last.bytesReceived > recent.bytesReceived;
	return dropUndefined({
		concealed: ratio(concealed === undefined ? undefined : Math.max(0, concealed - silent), samples),
		lostHere: ratio(lostHere, (lostHere ?? 0) + (received ?? 0)),
		// The partner's count of our lost packets, over what we sent meanwhile; else their last report.
		lostThere: ratio(lostThere, delta('packetsSent')) ?? last.fractionLost,
		jitterHereMs: last.jitterMs,
		jitterThereMs: last.remoteJitterMs,
		roundTripMs: last.roundTripMs,
		availableBps: last.availableOutgoingBps,
		flowing
	});
}

/** The level the figures point to by one set of lines, with who is affected and the likely cause. */
export function judge(figures: QualityFigures, lines: 'ENTER' | 'LEAVE'): CallQuality {
	if (!figures.flowing) return { level: 'lost', who: 'both', cause: 'outage' };
	const table = QUALITY[lines];
	const levelOf = (value: number | undefined, line: keyof Lines): Heard =>
		value === undefined
			? 'good'
			: value >= table.poor[line]
				? 'poor'
				: value >= table.fair[line]
					? 'fair'
					: 'good';
	const hearing = worst(
		levelOf(figures.concealed, 'concealed'),
		levelOf(figures.lostHere, 'lost'),
		levelOf(figures.jitterHereMs, 'jitterMs')
	);
	const heard = worst(levelOf(figures.lostThere, 'lost'), levelOf(figures.jitterThereMs, 'jitterMs'));
	const delay = levelOf(figures.roundTripMs, 'roundTripMs');
	const breakUp = worst(hearing, heard);
	if (breakUp !== 'good') {
		const who: QualityWho = hearing === 'good' ? 'heard' : heard === 'good' ? 'hearing' : 'both';
		const slow = figures.availableBps !== undefined && figures.availableBps < QUALITY.slowUplinkBps;
		return { level: breakUp, who, cause: slow && who !== 'hearing' ? 'slow_uplink' : 'weak_link' };
	}
	// A long delay alone is a "fair" call at worst: everyone is heard, only later.
	if (delay !== 'good') return { level: 'fair', who: 'both', cause: 'delay' };
	return { level: 'good' };
}

type Heard = Exclude<QualityLevel, 'lost'>;

function worst(...levels: Heard[]): Heard {
	return levels.reduce<Heard>((a, b) => (RANK[b] > RANK[a] ? b : a), 'good');
}

function dropUndefined<T extends object>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Whether to say that the upload waits for the call (issue #18): on after `on` readings in a row
 * where it was held back, off after `off` readings in a row where it was not, so a budget that
 * flips at core/upload-pacing's loss line never makes the note blink.
 */
export type SteadyFlag = { value: boolean; count: number };
export const UPLOAD_HELD = { on: 2, off: 3 } as const;

export function stepSteady(state: SteadyFlag, reading: boolean, after = UPLOAD_HELD): SteadyFlag {
	if (reading === state.value) return { value: state.value, count: 0 };
	const count = state.count + 1;
	return count >= (reading ? after.on : after.off)
		? { value: reading, count: 0 }
		: { value: state.value, count };
}
