/**
 * Reads what an uploaded audio file claims to be from its container headers (issue #6, "The
 * server's checks"), so the server needs no ffprobe: Ogg Opus (the share track) and FLAC (the master).
 * `head` is the start of the file (4 KiB is plenty), `tail` its last bytes (64 KiB holds the final Ogg page).
 */
export type AudioInfo = { codec: 'opus' | 'flac'; channels: number; sampleRate: number; durationMs: number };
export type AudioProbe = { ok: true; info: AudioInfo } | { ok: false; reason: string };

const ascii = (bytes: Uint8Array, at: number, length: number) =>
	String.fromCharCode(...bytes.subarray(at, at + length));

export function probeAudio(head: Uint8Array, tail: Uint8Array): AudioProbe {
	if (ascii(head, 0, 4) === 'OggS') return probeOggOpus(head, tail);
	if (ascii(head, 0, 4) === 'fLaC') return probeFlac(head);
	return { ok: false, reason: 'not an Ogg Opus or FLAC file' };
}

function probeOggOpus(head: Uint8Array, tail: Uint8Array): AudioProbe {
	const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
	const segments = head[26] ?? 0;
	const payload = 27 + segments;
	if (ascii(head, payload, 8) !== 'OpusHead')
		return { ok: false, reason: 'an Ogg file without an Opus stream' };
	const channels = head[payload + 9] ?? 0;
	const preSkip = view.getUint16(payload + 10, true);
	const inputRate = view.getUint32(payload + 12, true);
	const granule = lastGranule(tail);
	if (granule === undefined) return { ok: false, reason: 'the Ogg file has no final page (it is cut short)' };
	// Opus always runs at 48 kHz inside; granule positions count 48 kHz samples (RFC 7845 §4).
	const samples = Math.max(0, granule - preSkip);
	return {
		ok: true,
		info: { codec: 'opus', channels, sampleRate: inputRate || 48000, durationMs: (samples / 48000) * 1000 }
	};
}

/** The granule position of the last complete page that has one (RFC 3533: -1 means none). */
function lastGranule(tail: Uint8Array): number | undefined {
	const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
	for (let at = tail.length - 27; at >= 0; at--) {
		if (tail[at] !== 0x4f || ascii(tail, at, 4) !== 'OggS') continue;
		const low = view.getUint32(at + 6, true);
		const high = view.getInt32(at + 10, true);
		if (high === -1 && low === 0xffffffff) continue;
		return high * 2 ** 32 + low;
	}
	return undefined;
}

function probeFlac(head: Uint8Array): AudioProbe {
	// The first metadata block is always STREAMINFO (type 0), 34 bytes (RFC 9639 §8.2).
	if ((head[4] ?? 0x7f) & 0x7f) return { ok: false, reason: 'a FLAC file without STREAMINFO first' };
	const at = 8 + 10;
	const b = (i: number) => head[at + i] ?? 0;
	const sampleRate = (b(0) << 12) | (b(1) << 4) | (b(2) >> 4);
	const channels = ((b(2) >> 1) & 0x07) + 1;
	const totalSamples = (b(3) & 0x0f) * 2 ** 32 + ((b(4) << 24) >>> 0) + (b(5) << 16) + (b(6) << 8) + b(7);
	if (!sampleRate) return { ok: false, reason: 'the FLAC file has no sample rate' };
	return {
		ok: true,
		info: { codec: 'flac', channels, sampleRate, durationMs: (totalSamples / sampleRate) * 1000 }
	};
}
