import { describe, expect, it } from 'vitest';
import { loopedMatch, rmsEnvelope } from './audio-match';

/** A "voice": bursts of tone whose loudness follows a fixed, irregular pattern. */
function voice(pattern: number[], seconds: number, sampleRate = 8000, shift = 0): Float32Array {
	const out = new Float32Array(seconds * sampleRate);
	const burst = sampleRate / 10;
	for (let i = 0; i < out.length; i++) {
		const level = pattern[Math.floor((i + shift) / burst) % pattern.length]!;
		out[i] = level * Math.sin((2 * Math.PI * 220 * i) / sampleRate);
	}
	return out;
}

describe('loopedMatch', () => {
	const mine = [0, 0.8, 0.7, 0, 0, 0.9, 0.2, 0.6, 0, 0, 0, 0.5, 0.9, 0.9, 0.1, 0];
	const theirs = [0.9, 0, 0.3, 0.3, 0.9, 0, 0, 0.7, 0.7, 0.7, 0, 0.2, 0, 0.8, 0, 0.4];
	const source = rmsEnvelope(voice(mine, 1.6), 8000);

	it('finds the source in a recording that starts mid-loop, and scores the other voice low', () => {
		const recorded = rmsEnvelope(voice(mine, 6, 8000, 7 * 800 + 123), 8000);
		const other = rmsEnvelope(voice(theirs, 6), 8000);
		expect(loopedMatch(recorded, source).correlation).toBeGreaterThan(0.95);
		expect(loopedMatch(other, source).correlation).toBeLessThan(0.5);
	});

	it('scores silence zero', () => {
		expect(loopedMatch(new Array(200).fill(0), source).correlation).toBeLessThanOrEqual(0);
	});
});
