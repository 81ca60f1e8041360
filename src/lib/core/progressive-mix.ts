import type { ClockFit } from './clock-fit';
import { combineQuarters, gatedLoudness, KWeightedMeter } from './loudness';
import { COPY_SAMPLE_RATE, PEAK_CEILING, planGains, sourcePosition, TARGET_LUFS } from './mixdown';

/**
 * The copy mixed while the call goes on (issue #16, "the copy within seconds of hang-up"). Each
 * voice's decoded samples arrive in pieces, in order; the mix is rendered in order as far as both
 * voices reach, so at Stop only the tail is left. Pure arithmetic, like core/mixdown, which it
 * follows: the same placement (sample for sample, given the same clock fits), and gains planned by
 * the same rule (planGains) from what has arrived so far instead of the whole file.
 *
 * Gains move as the estimate does, ramped across each piece so that no step is heard. A peak later
 * than the plan could know of is held under the ceiling by a look-ahead limiter per side instead of
 * a second pass over the whole mix.
 */
export const PIECE_SAMPLES = 5 * COPY_SAMPLE_RATE;
const QUARTER = Math.round(0.1 * COPY_SAMPLE_RATE);
/** 5 ms of look-ahead: the limiter's gain falls over this long before a peak it must hold. */
const LOOKAHEAD = 240;
/** A limited side comes back to full gain over half a second. */
const RELEASE_PER_SAMPLE = 1 / (0.5 * COPY_SAMPLE_RATE);
/**
 * The mix stays this far behind the samples that arrived (until a voice ends), so the clock fit it
 * places them by has been measured past them: a recorder's true rate can be 1 % off nominal, and the
 * fit says so only as the call goes on. At Stop, this much is left to mix.
 */
export const RENDER_LAG_SAMPLES = 30 * COPY_SAMPLE_RATE;
/**
 * How much faster or slower than its fit a voice may be played to follow a newer fit without a jump:
 * 0.2 %, 3.5 cents, not heard in speech; 10 ms per 5 s piece.
 */
const MAX_STRETCH = 0.002;

/** One voice's decoded samples, kept only from where the mix still needs them. */
class Voice {
	#buffer = new Float32Array(COPY_SAMPLE_RATE * 30);
	/** Source index of #buffer[0]. */
	#base = 0;
	#count = 0;
	ended = false;
	/** The loudest placed sample so far: measured on what was rendered, so the mix never depends on how the samples arrived. */
	peak = 0;

	/** Where the voice's source samples lie on the server clock, as known now. */
	fit: ClockFit;
	/** The source position of the next output sample, once the first piece is placed. */
	anchor: number | undefined;
	/** [output sample, source position] at each piece's edges: where the mix really put the voice. */
	readonly placed: [number, number][] = [];

	constructor(fit: ClockFit) {
		this.fit = fit;
	}

	/** Source samples decoded so far. */
	get end(): number {
		return this.#base + this.#count;
	}

	append(pcm: Float32Array) {
		if (this.#count + pcm.length > this.#buffer.length) {
			const grown = new Float32Array(Math.max(this.#buffer.length * 2, this.#count + pcm.length));
			grown.set(this.#buffer.subarray(0, this.#count));
			this.#buffer = grown;
		}
		this.#buffer.set(pcm, this.#count);
		this.#count += pcm.length;
	}

	at(j: number): number {
		return this.#buffer[j - this.#base] as number;
	}

	/** Forgets the samples before source index `j`. */
	dropBefore(j: number) {
		const drop = Math.min(Math.max(0, Math.floor(j) - this.#base), this.#count);
		if (drop < COPY_SAMPLE_RATE) return;
		this.#buffer.copyWithin(0, drop, this.#count);
		this.#base += drop;
		this.#count -= drop;
	}
}

/** The look-ahead limiter of one side: its state carries from piece to piece. */
class Limiter {
	/** The last LOOKAHEAD smoothed minimum gains, whose mean is the gain applied. */
	#history = new Float64Array(LOOKAHEAD).fill(1);
	#at = 0;
	#sum = LOOKAHEAD;
	#last = 1;

	/** `x` holds the piece and LOOKAHEAD samples after it; returns the piece, limited. */
	process(x: Float32Array, count: number): Float32Array {
		const minimum = new Float64Array(count).fill(1);
		for (let k = 0; k < x.length; k++) {
			const level = Math.abs(x[k] as number);
			if (level <= PEAK_CEILING) continue;
			const r = PEAK_CEILING / level;
			for (let j = Math.max(0, k - LOOKAHEAD + 1); j <= Math.min(k, count - 1); j++)
				if (r < (minimum[j] as number)) minimum[j] = r;
		}
		const out = new Float32Array(count);
		for (let n = 0; n < count; n++) {
			const m = Math.min(minimum[n] as number, this.#last + RELEASE_PER_SAMPLE);
			this.#last = m;
			this.#sum += m - (this.#history[this.#at] as number);
			this.#history[this.#at] = m;
			this.#at = (this.#at + 1) % LOOKAHEAD;
			const y = (x[n] as number) * (this.#sum / LOOKAHEAD);
			// A safety net only: the look-ahead already holds every peak it saw under the ceiling.
			out[n] = Math.max(-PEAK_CEILING, Math.min(PEAK_CEILING, y));
		}
		return out;
	}
}

export class ProgressiveMixer {
	readonly startMs: number;
	readonly #voices: [Voice, Voice];
	readonly #rate: number;
	readonly #targetLufs: number;
	readonly #lag: number;
	readonly #measured = [new KWeightedMeter(QUARTER), new KWeightedMeter(QUARTER)];
	readonly #output = [new KWeightedMeter(QUARTER), new KWeightedMeter(QUARTER)];
	readonly #limiters = [new Limiter(), new Limiter()];
	/** Output samples per channel rendered so far. */
	#rendered = 0;
	/** The gains at the end of the last piece; the next piece ramps from them. */
	#gains: [number, number] | undefined;

	/** `fits` are the voices' clock fits as known now; `updateFit` gives newer ones. */
	constructor(
		fits: readonly [ClockFit, ClockFit],
		{
			rate = COPY_SAMPLE_RATE,
			targetLufs = TARGET_LUFS,
			lagSamples = RENDER_LAG_SAMPLES
		}: { rate?: number; targetLufs?: number; lagSamples?: number | undefined } = {}
	) {
		this.#lag = lagSamples;
		this.#voices = [new Voice(fits[0]), new Voice(fits[1])];
		this.#rate = rate;
		this.#targetLufs = targetLufs;
		this.startMs = Math.min(fits[0].startedAtServerMs, fits[1].startedAtServerMs);
	}

	get rendered(): number {
		return this.#rendered;
	}

	get gains(): [number, number] | undefined {
		return this.#gains;
	}

	/** Decoded samples of voice 0 (left) or 1 (right), in order. */
	push(voice: 0 | 1, pcm: Float32Array) {
		const v = this.#voices[voice];
		if (v.ended) throw new Error('samples after the end of a voice');
		v.append(pcm);
	}

	/**
	 * A newer clock fit of a voice (from more of its segments). What is placed stays placed; the
	 * pieces after it are played up to MAX_STRETCH faster or slower until the voice is where this
	 * fit puts it.
	 */
	updateFit(voice: 0 | 1, fit: ClockFit) {
		this.#voices[voice].fit = fit;
	}

	/**
	 * Whether the mix placed both voices where `final` fits (the declarations at the end) put them:
	 * their timing to each other within `toleranceMs` at every piece's edge (the whole-file mix's own
	 * accuracy is 20 ms), and neither moved by more than `shiftMs`. Between edges the error is linear.
	 * True while nothing is placed yet.
	 */
	placedAsBy(final: readonly [ClockFit, ClockFit], { toleranceMs = 20, shiftMs = 100 } = {}): boolean {
		const [a, b] = this.#voices;
		if (a.placed.length !== b.placed.length) return false;
		const error = (fit: ClockFit, [out, src]: [number, number]) =>
			this.startMs +
			(out / this.#rate) * 1000 -
			(fit.startedAtServerMs + (src / fit.samplesPerSecond) * 1000);
		return a.placed.every((edge, k) => {
			const ea = error(final[0], edge);
			const eb = error(final[1], b.placed[k] as [number, number]);
			return Math.abs(ea - eb) <= toleranceMs && Math.abs(ea) <= shiftMs && Math.abs(eb) <= shiftMs;
		});
	}

	/** The voice has no more samples. */
	end(voice: 0 | 1) {
		this.#voices[voice].ended = true;
	}

	get ended(): boolean {
		return this.#voices.every((v) => v.ended);
	}

	/** Output samples per channel of the whole mix, once both voices have ended (as core/mixdown). */
	get length(): number | undefined {
		if (!this.ended) return undefined;
		const ends = this.#voices.map((v) => v.fit.startedAtServerMs + (v.end / v.fit.samplesPerSecond) * 1000);
		return Math.round(((Math.max(...ends) - this.startMs) / 1000) * this.#rate);
	}

	/** Integrated loudness of what was rendered, in LUFS. */
	get loudness(): number {
		return gatedLoudness(
			combineQuarters(
				this.#output.map((m) => m.quarters()),
				[1, 1]
			),
			QUARTER
		);
	}

	/**
	 * The next pieces of interleaved stereo both voices reach (whole pieces only, so gains move at
	 * most once per 5 s), or, once both have ended, everything up to the end. Empty when there is
	 * nothing new.
	 */
	take(): Float32Array[] {
		const pieces: Float32Array[] = [];
		for (;;) {
			const length = this.length;
			const reach = length ?? Math.min(...this.#voices.map((v) => this.#reach(v))) - LOOKAHEAD;
			const count = Math.min(PIECE_SAMPLES, reach - this.#rendered);
			if (count <= 0 || (length === undefined && count < PIECE_SAMPLES)) return pieces;
			pieces.push(this.#piece(count, length));
		}
	}

	/**
	 * How many output samples (from the first) this voice can give now: its next piece may be played
	 * up to MAX_STRETCH fast, and the last RENDER_LAG_SAMPLES wait for the fit to be measured past them.
	 */
	#reach(voice: Voice): number {
		if (voice.ended) return Infinity;
		const usable = voice.end - this.#lag - 2;
		const from = voice.anchor ?? this.#fitted(voice, this.#rendered);
		const fastest = (voice.fit.samplesPerSecond / this.#rate) * (1 + MAX_STRETCH);
		return this.#rendered + Math.max(0, Math.floor((usable - from) / fastest));
	}

	/** The source position the voice's current fit gives output sample `i`. */
	#fitted(voice: Voice, i: number): number {
		const { offset, ratio } = sourcePosition(voiceTrack(voice), this.startMs, this.#rate);
		return offset + i * ratio;
	}

	/**
	 * Where this piece plays the voice from, and how fast: on from where the last piece ended, towards
	 * where the fit puts the piece's end, within MAX_STRETCH of the fit's own rate.
	 */
	#mapping(voice: Voice, from: number, count: number): { start: number; step: number } {
		const start = voice.anchor ?? this.#fitted(voice, from);
		const ratio = voice.fit.samplesPerSecond / this.#rate;
		const wanted = (this.#fitted(voice, from + count) - start) / count;
		const step = Math.min(ratio * (1 + MAX_STRETCH), Math.max(ratio * (1 - MAX_STRETCH), wanted));
		return { start, step };
	}

	#place(
		voice: Voice,
		{ start, step }: { start: number; step: number },
		from: number,
		count: number,
		length: number | undefined
	): Float32Array {
		const out = new Float32Array(count);
		const last = length ?? Infinity;
		for (let i = 0; i < count; i++) {
			if (from + i >= last) break;
			const at = start + i * step;
			const j = Math.floor(at);
			if (j < 0 || j + 1 >= voice.end) continue;
			const frac = at - j;
			out[i] = voice.at(j) * (1 - frac) + voice.at(j + 1) * frac;
		}
		return out;
	}

	#piece(count: number, length: number | undefined): Float32Array {
		const from = this.#rendered;
		// The piece and the limiter's look-ahead after it (past the end: silence).
		const mappings = this.#voices.map((v) => this.#mapping(v, from, count));
		const raw = this.#voices.map((v, ch) => this.#place(v, mappings[ch]!, from, count + LOOKAHEAD, length));
		raw.forEach((r, ch) => {
			const voice = this.#voices[ch as 0 | 1];
			for (let i = 0; i < count; i++) voice.peak = Math.max(voice.peak, Math.abs(r[i] as number));
			this.#measured[ch]?.push(r.subarray(0, count));
		});
		const target = planGains(
			this.#measured.map((m) => m.quarters()),
			this.#voices.map((v) => v.peak),
			{ step: QUARTER, targetLufs: this.#targetLufs }
		);
		const before = this.#gains ?? target;
		const out = new Float32Array(count * 2);
		raw.forEach((r, ch) => {
			const g0 = before[ch] as number;
			const g1 = target[ch] as number;
			const scaled = new Float32Array(r.length);
			for (let i = 0; i < r.length; i++)
				scaled[i] = (r[i] as number) * (i < count ? g0 + ((g1 - g0) * (i + 1)) / count : g1);
			const limited = this.#limiters[ch]!.process(scaled, count);
			this.#output[ch]?.push(limited);
			for (let i = 0; i < count; i++) out[2 * i + ch] = limited[i] as number;
		});
		this.#gains = target;
		this.#rendered += count;
		this.#voices.forEach((v, ch) => {
			const { start, step } = mappings[ch]!;
			if (v.placed.length === 0) v.placed.push([from, start]);
			v.anchor = start + count * step;
			v.placed.push([this.#rendered, v.anchor]);
			v.dropBefore(v.anchor - 2);
		});
		return out;
	}
}

const voiceTrack = (voice: Voice) => ({ ...voice.fit, pcm: new Float32Array(0) });
