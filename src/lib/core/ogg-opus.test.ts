import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeAudio } from './audio-container';
import { oggCrc, oggOpusFile, OggOpusStream, OPUS_PRE_SKIP } from './ogg-opus';

/** Pages of an Ogg file: [header+lacing+body bytes, packets] — enough of a demuxer to get packets out. */
function readPages(file: Uint8Array) {
	const pages: { bytes: Uint8Array; packets: Uint8Array[] }[] = [];
	let at = 0;
	let pending: number[] = [];
	while (at < file.length) {
		const count = file[at + 26] ?? 0;
		const lacing = [...file.subarray(at + 27, at + 27 + count)];
		let body = at + 27 + count;
		const start = at;
		const packets: Uint8Array[] = [];
		for (const size of lacing) {
			for (let i = 0; i < size; i++) pending.push(file[body + i] ?? 0);
			body += size;
			if (size < 255) {
				packets.push(Uint8Array.from(pending));
				pending = [];
			}
		}
		at = body;
		pages.push({ bytes: file.subarray(start, at), packets });
	}
	return pages;
}

/** 3.37 s of a tone, encoded by the system ffmpeg (a test-only tool) to Ogg Opus, 20 ms frames. */
function ffmpegOpus(dir: string): Uint8Array {
	const out = join(dir, 'ref.opus');
	execFileSync('ffmpeg', [
		...['-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=3.37'],
		...['-c:a', 'libopus', '-b:a', '24k', '-ac', '1', '-frame_duration', '20', out]
	]);
	return new Uint8Array(readFileSync(out));
}

describe('Ogg Opus muxing', () => {
	const dir = mkdtempSync(join(tmpdir(), 'cg-ogg-'));
	const reference = ffmpegOpus(dir);

	it('computes the Ogg CRC the way another muxer does', () => {
		for (const { bytes } of readPages(reference).slice(0, 4)) {
			const copy = Uint8Array.from(bytes);
			const stored = new DataView(copy.buffer).getUint32(22, true);
			copy.fill(0, 22, 26);
			expect(oggCrc(copy)).toBe(stored);
		}
	});

	it('wraps raw packets into a file that decodes to exactly the recorded length and passes the server probe', () => {
		// The audio packets of the reference file, as WebCodecs would hand them over.
		const packets = readPages(reference)
			.slice(2)
			.flatMap((p) => p.packets);
		const totalSamples = Math.round(3.37 * 48_000);
		const file = oggOpusFile({
			packets,
			samplesPerPacket: 960,
			totalSamples,
			channels: 1,
			inputSampleRate: 48_000
		});

		const probe = probeAudio(file.subarray(0, 4096), file.subarray(Math.max(0, file.length - 65_536)));
		expect(probe).toEqual({
			ok: true,
			info: { codec: 'opus', channels: 1, sampleRate: 48_000, durationMs: 3370 }
		});
		const path = join(dir, 'ours.opus');
		writeFileSync(path, file);
		const pcm = execFileSync('ffmpeg', [
			...['-loglevel', 'error', '-i', path, '-f', 's16le', '-ac', '1', '-ar', '48000', '-']
		]);
		expect(pcm.byteLength / 2).toBe(totalSamples);
		// A 440 Hz sine has RMS ≈ amplitude/√2; silence or garbage would not.
		const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2);
		let sum = 0;
		for (const s of samples.subarray(4800)) sum += (s / 32768) ** 2;
		expect(Math.sqrt(sum / (samples.length - 4800))).toBeGreaterThan(0.05);
		// Pages: head (BOS), tags, then one page per second of audio, the last flagged EOS.
		const pages = readPages(file);
		expect(pages).toHaveLength(2 + Math.ceil(packets.length / 50));
		expect(pages[0]?.bytes[5]).toBe(0x02);
		expect(pages.at(-1)?.bytes[5]).toBe(0x04);
		expect(
			new DataView(pages[0]!.bytes.buffer, pages[0]!.bytes.byteOffset).getUint16(27 + 1 + 10, true)
		).toBe(OPUS_PRE_SKIP);
	});

	it('written as the packets come, gives out only final bytes: every prefix so far is the start of the finished file', () => {
		const packets = readPages(reference)
			.slice(2)
			.flatMap((p) => p.packets);
		// 100 packets: a multiple of the page size, where the last full page must still wait for the end.
		for (const count of [packets.length, 100, 1]) {
			const some = packets.slice(0, count);
			const totalSamples = count * 960 - 500;
			const whole = oggOpusFile({
				packets: some,
				samplesPerPacket: 960,
				totalSamples,
				channels: 1,
				inputSampleRate: 48_000
			});
			const stream = new OggOpusStream({ samplesPerPacket: 960, channels: 1, inputSampleRate: 48_000 });
			let sent = new Uint8Array(0);
			for (const p of some) {
				const bytes = stream.push(p);
				const next = new Uint8Array(sent.length + bytes.length);
				next.set(sent);
				next.set(bytes, sent.length);
				sent = next;
				expect(whole.subarray(0, sent.length)).toEqual(sent);
				// Nothing given out before the end is flagged as the end of the stream.
				for (const page of readPages(sent)) expect(page.bytes[5]! & 0x04).toBe(0);
			}
			// The page holding the last packet is kept back until the end is known.
			expect(sent.length).toBeLessThan(whole.length);
			const tail = stream.finish(totalSamples);
			expect(sent.length + tail.length).toBe(whole.length);
			expect(whole.subarray(sent.length)).toEqual(tail);
			const last = readPages(whole).at(-1)!.bytes;
			const granule = new DataView(last.buffer, last.byteOffset).getUint32(6, true);
			expect(granule).toBe(OPUS_PRE_SKIP + totalSamples);
		}
	});
});
