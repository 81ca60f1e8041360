import { afterAll, describe, expect, it } from 'vitest';
import { probeAudio } from '../../../src/lib/core/audio-container.ts';
import { encode, tonePcm } from '../test/audio.ts';
import { decodeToPcm } from './copy-job.ts';
import { createTranscoder } from './ffmpeg.ts';

// The mixdown must work on a machine with no system package (issue #6): the ffmpeg.wasm core in a worker thread.
describe('ffmpeg.wasm transcoder in a worker thread', () => {
	const wasm = createTranscoder({ prefer: 'wasm' });
	afterAll(() => wasm.close());

	it('encodes Opus and FLAC that the container probe reads back, and decodes them to the same length', async () => {
		expect(wasm.kind).toBe('wasm');
		const pcm = tonePcm({ seconds: 3, hz: 440 });
		const opus = await encode(wasm, pcm, 'opus');
		const flac = await encode(wasm, pcm, 'flac');
		const tail = (b: Uint8Array) => b.subarray(Math.max(0, b.length - 65536));
		const o = probeAudio(opus.subarray(0, 4096), tail(opus));
		const f = probeAudio(flac.subarray(0, 4096), tail(flac));
		expect(o).toMatchObject({ ok: true, info: { codec: 'opus', channels: 1 } });
		expect(f).toMatchObject({
			ok: true,
			info: { codec: 'flac', channels: 1, sampleRate: 48000, durationMs: 3000 }
		});
		if (o.ok) expect(Math.abs(o.info.durationMs - 3000)).toBeLessThan(30);
		const decoded = await decodeToPcm(wasm, opus);
		expect(Math.abs(decoded.length - 3 * 48000)).toBeLessThan(48 * 30);
	}, 120_000);
});

describe('chunked input', () => {
	const transcoders = (['system', 'wasm'] as const)
		.map((prefer) => createTranscoder({ prefer }))
		.filter((t, i) => t.kind === (['system', 'wasm'] as const)[i]);
	afterAll(() => Promise.all(transcoders.map((t) => t.close())));
	const flac = ['-f', 's16le', '-ar', '48000', '-ac', '1', '-i', 'in.raw', '-c:a', 'flac', 'out.flac'];
	async function* chunks(bytes: Uint8Array, size: number) {
		for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
	}

	it.each(transcoders.map((t) => [t.kind, t] as const))(
		'gives the %s ffmpeg the same file as the whole bytes',
		async (_, transcoder) => {
			const pcm = tonePcm({ seconds: 4, hz: 440, beepsAt: [1] });
			const whole = await transcoder.run(flac, { 'in.raw': pcm }, ['out.flac']);
			const chunked = await transcoder.run(flac, { 'in.raw': chunks(pcm, 65_537) }, ['out.flac']);
			expect(whole['out.flac']?.byteLength).toBeGreaterThan(1000);
			expect(chunked['out.flac']).toEqual(whole['out.flac']);
		},
		120_000
	);

	it.each(transcoders.map((t) => [t.kind, t] as const))(
		'rejects with what the %s ffmpeg said when it fails on a chunked input',
		async (_, transcoder) => {
			const failing = flac.map((a) => (a === 'flac' ? 'no-such-codec' : a));
			const pcm = tonePcm({ seconds: 60, hz: 440 });
			await expect(transcoder.run(failing, { 'in.raw': chunks(pcm, 65_536) }, ['out.flac'])).rejects.toThrow(
				/ffmpeg exited with/
			);
		},
		120_000
	);
});
