import { describe, expect, it } from 'vitest';
import type { LinkSample } from './call-stats';
import {
	INITIAL_QUALITY,
	stepQuality,
	stepSteady,
	type CallQuality,
	type QualityState,
	type SteadyFlag
} from './call-quality';

/**
 * A link as the room reads it every 2 s: counters that grow as each profile of issue #18 makes them
 * grow. `conditions(i)` says what the two seconds before reading i were like.
 */
type Stretch = {
	/** Packets lost each way, 0–1; concealment of what arrives here, 0–1 (of all samples played). */
	lostHere?: number;
	lostThere?: number;
	concealed?: number;
	/** Of the samples played, the share made up in silence (DTX), which nobody hears. */
	silent?: number;
	jitterMs?: number;
	remoteJitterMs?: number;
	roundTripMs?: number;
	availableBps?: number;
	/** Nothing arrives (an outage): the receiver plays made-up sound the whole time. */
	down?: boolean;
};

function readings(count: number, conditions: (i: number) => Stretch): LinkSample[] {
	const out: LinkSample[] = [];
	const c = { sent: 0, received: 0, lost: 0, remoteLost: 0, samples: 0, concealed: 0, silent: 0, bytes: 0 };
	for (let i = 0; i < count; i++) {
		// The first reading comes before the partner's audio flows: all zeros.
		if (i > 0) {
			const s = conditions(i);
			const packets = 100; // 50 per second, 20 ms each
			c.sent += packets;
			c.remoteLost += Math.round(packets * (s.lostThere ?? 0));
			if (!s.down) {
				const lost = Math.round(packets * (s.lostHere ?? 0));
				c.lost += lost;
				c.received += packets - lost;
				c.bytes += (packets - lost) * 80;
			}
			c.samples += 96_000;
			c.concealed += s.down ? 96_000 : Math.round(96_000 * ((s.concealed ?? 0) + (s.silent ?? 0)));
			c.silent += s.down ? 0 : Math.round(96_000 * (s.silent ?? 0));
		}
		const s = i > 0 ? conditions(i) : {};
		out.push({
			peerId: 'b',
			at: 10_000 + i * 2_000,
			bytesSent: c.sent * 80,
			bytesReceived: c.bytes,
			audioLevel: 0.1,
			packetsSent: c.sent,
			packetsReceived: c.received,
			packetsLost: c.lost,
			remotePacketsLost: c.remoteLost,
			totalSamplesReceived: c.samples,
			concealedSamples: c.concealed,
			silentConcealedSamples: c.silent,
			jitterMs: s.jitterMs ?? 2,
			remoteJitterMs: s.remoteJitterMs ?? s.jitterMs ?? 2,
			roundTripMs: s.roundTripMs ?? 1,
			availableOutgoingBps: s.availableBps ?? 1_200_000
		});
	}
	return out;
}

/** What the room shows after each reading. */
function shown(samples: LinkSample[]): CallQuality[] {
	let state: QualityState = INITIAL_QUALITY;
	return samples.map((sample) => (state = stepQuality(state, sample)).shown);
}

const changes = (qualities: CallQuality[]) =>
	qualities.filter((q, i) => i > 0 && q.level !== qualities[i - 1]!.level).length;

// The profiles of issue #18, as their stats look to the room.
const loopback = (i: number): Stretch => ({
	// Two browsers on one machine: nothing lost, but a busy machine makes the odd hiccup, and the
	// jitter buffer conceals a little while it fills at the start.
	concealed: i === 1 ? 0.06 : i % 7 === 0 ? 0.012 : 0,
	silent: 0.3,
	roundTripMs: 1,
	jitterMs: 3
});
const lossy = (i: number): Stretch => ({
	// 100 ms, 5% loss with bursts (some stretches lose twice as much, some half), 1 Mbit/s.
	lostHere: i % 3 === 0 ? 0.1 : 0.025,
	lostThere: i % 3 === 1 ? 0.1 : 0.025,
	concealed: i % 3 === 0 ? 0.07 : 0.02,
	silent: 0.2,
	roundTripMs: 210,
	jitterMs: 12,
	availableBps: 700_000
});
const bad = (i: number): Stretch => ({
	// 300 ms ± 80 ms, 10% loss, 384 kbit/s.
	lostHere: 0.1,
	lostThere: i % 2 ? 0.12 : 0.08,
	concealed: 0.11,
	roundTripMs: 650,
	jitterMs: 55,
	availableBps: 80_000
});

describe('the call-quality indicator', () => {
	it('never warns on a loopback call, hiccups and the first concealment included', () => {
		const qualities = shown(readings(300, loopback));
		expect(qualities.every((q) => q.level === 'good')).toBe(true);
	});

	it('says DTX silence is no break-up: concealment in silence is not heard', () => {
		const qualities = shown(readings(60, () => ({ silent: 0.9 })));
		expect(qualities.every((q) => q.level === 'good')).toBe(true);
	});

	it('on a 5% lossy link, says now and then both ways, once, after two readings that agree', () => {
		const qualities = shown(readings(60, lossy));
		expect(qualities.slice(0, 3).map((q) => q.level)).toEqual(['good', 'good', 'good']);
		expect(qualities.at(-1)).toEqual({ level: 'fair', who: 'both', cause: 'weak_link' });
		expect(changes(qualities)).toBe(1);
	});

	it('on a 384 kbit/s bad link, says the partner hears you break up, and that the uplink is too slow', () => {
		const qualities = shown(readings(60, bad));
		expect(qualities.at(-1)).toEqual({ level: 'poor', who: 'both', cause: 'slow_uplink' });
		expect(changes(qualities)).toBeLessThanOrEqual(2);
	});

	it('names a weak link, not the uplink, when only the loss is bad', () => {
		const qualities = shown(readings(30, (i) => ({ ...bad(i), availableBps: 900_000 })));
		expect(qualities.at(-1)).toMatchObject({ level: 'poor', cause: 'weak_link' });
	});

	it('tells what this person hears apart from what the partner hears', () => {
		const hearing = shown(readings(20, () => ({ lostHere: 0.12, concealed: 0.12 })));
		expect(hearing.at(-1)).toEqual({ level: 'poor', who: 'hearing', cause: 'weak_link' });
		const heard = shown(readings(20, () => ({ lostThere: 0.05 })));
		expect(heard.at(-1)).toEqual({ level: 'fair', who: 'heard', cause: 'weak_link' });
	});

	it('a long delay alone is a fair call, with talking over each other as the cause', () => {
		expect(shown(readings(20, () => ({ roundTripMs: 900 }))).at(-1)).toEqual({
			level: 'fair',
			who: 'both',
			cause: 'delay'
		});
		// 3G's 150 ms ± 30 ms each way is no delay worth a word.
		expect(shown(readings(20, () => ({ roundTripMs: 360, jitterMs: 20 }))).at(-1)).toEqual({ level: 'good' });
	});

	it('shows a 10-second outage as lost, then comes back to good once the link has been well a while', () => {
		const outage = (i: number): Stretch => (i >= 10 && i < 15 ? { down: true } : loopback(i));
		const qualities = shown(readings(40, outage));
		const levels = qualities.map((q) => q.level);
		expect(levels.slice(0, 10).every((l) => l === 'good')).toBe(true);
		expect(levels.slice(10, 16)).toContain('lost');
		expect(qualities.find((q) => q.level === 'lost')).toEqual({
			level: 'lost',
			who: 'both',
			cause: 'outage'
		});
		expect(levels.at(-1)).toBe('good');
		// Down, then back up, without bouncing in between.
		const firstLost = levels.indexOf('lost');
		expect(levels.slice(firstLost).lastIndexOf('lost') - firstLost).toBeLessThanOrEqual(6);
	});

	it('never flickers on loss that hovers at the line', () => {
		// Loss around 3%, one reading above and one below, for two minutes: at most one change.
		const hover = shown(readings(60, (i) => ({ lostThere: i % 2 ? 0.035 : 0.025 })));
		expect(changes(hover)).toBeLessThanOrEqual(1);
		// Once shown, a link whose loss falls below the entry line but stays above the leaving line stays shown.
		const dips = shown(readings(60, (i) => ({ lostThere: i < 10 ? 0.05 : 0.02 })));
		expect(changes(dips)).toBe(1);
	});

	it('goes back to good only after three good readings in a row', () => {
		const recovery = shown(readings(40, (i) => (i < 20 ? { lostThere: 0.05 } : {})));
		const last = recovery.map((q) => q.level).lastIndexOf('fair');
		// The window still holds the lossy readings for 10 s, then three good readings are needed.
		expect(last).toBeGreaterThanOrEqual(22);
		expect(recovery.at(-1)).toEqual({ level: 'good' });
	});

	it('starts afresh when a lost link is dialled again and its counters restart', () => {
		const before = readings(20, (i) => (i < 15 ? { lostThere: 0.12 } : { down: true }));
		const after = readings(20, () => ({})).map((s) => ({ ...s, at: s.at + 40_000 }));
		const qualities = shown([...before, ...after]);
		expect(qualities[19]?.level).toBe('lost');
		// At once: the old connection's trouble is not the new one's.
		expect(qualities.slice(20)).toEqual(Array(20).fill({ level: 'good' }));
	});
});

describe('the note that the upload waits for the call', () => {
	const run = (readings: boolean[]) => {
		let state: SteadyFlag = { value: false, count: 0 };
		return readings.map((r) => (state = stepSteady(state, r)).value);
	};

	it('shows after two readings held back, and goes after three that were not', () => {
		expect(run([true, true, true, false, false, false, false])).toEqual([
			false,
			true,
			true,
			true,
			true,
			false,
			false
		]);
	});

	it('never blinks on a budget that flips each reading', () => {
		expect(run([true, false, true, false, true, false])).toEqual(Array(6).fill(false));
		expect(run([true, true, false, true, false, true])).toEqual([false, true, true, true, true, true]);
	});
});
