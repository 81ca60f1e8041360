import { describe, expect, it, vi } from 'vitest';
import type { TrackKind } from '../contracts/consent';
import { encodeTimeoutMs, filesToSeal, type SealEncoder } from './seal-recording';

// Issue #16: what a kiosk seals at Finish, and the rule that keeps it lossless.
const pcm = new Uint8Array(48_000 * 2 * 3).fill(7);
const encoded: Record<TrackKind, Uint8Array> = {
	share: new Uint8Array([1, 2, 3]),
	master: new Uint8Array([4, 5])
};
const working: SealEncoder = async ({ kind }) => encoded[kind];
const both: TrackKind[] = ['share', 'master'];
const kindsOf = (files: { kind: string }[]) => files.map((f) => f.kind);

describe('filesToSeal', () => {
	it('encodes the share track always, and the master only after a yes to the archive', async () => {
		const seal = (archive: 'yes' | 'no' | 'withdrawn' | null | undefined) =>
			filesToSeal({ pcm, sampleRate: 48_000, wanted: both, archive, encode: working });
		expect(await seal('yes')).toEqual([
			{ kind: 'share', bytes: encoded.share },
			{ kind: 'master', bytes: encoded.master }
		]);
		// undefined: offline, and no answer given on this kiosk: not agreed, as far as anyone here knows.
		for (const answer of ['no', 'withdrawn', null, undefined] as const)
			expect(kindsOf(await seal(answer))).toEqual(['share']);
	});

	it('seals nothing when only the master is missing and the archive was not agreed to', async () => {
		const encode = vi.fn(working);
		expect(await filesToSeal({ pcm, sampleRate: 48_000, wanted: ['master'], archive: 'no', encode })).toEqual(
			[]
		);
		expect(encode).not.toHaveBeenCalled();
	});

	it('seals the raw PCM instead, alone, when any encoding fails, gives nothing, or never ends', async () => {
		const failing: SealEncoder = async ({ kind }) => {
			if (kind === 'master') throw new Error('ffmpeg.wasm could not load offline');
			return encoded[kind];
		};
		const empty: SealEncoder = async () => new Uint8Array();
		const stuck: SealEncoder = () => new Promise(() => undefined);
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
		for (const encode of [failing, empty, stuck])
			expect(
				await filesToSeal({ pcm, sampleRate: 48_000, wanted: both, archive: 'yes', encode, timeoutMs: 50 })
			).toEqual([{ kind: 'pcm', bytes: pcm }]);
		expect(warn).toHaveBeenCalledTimes(3);
		warn.mockRestore();
	});

	it('waits at least 15 s and a quarter of the audio for the encoder', () => {
		expect(encodeTimeoutMs(0)).toBe(15_000);
		expect(encodeTimeoutMs(40 * 60_000)).toBe(15_000 + 10 * 60_000);
	});
});
