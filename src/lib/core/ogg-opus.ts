/**
 * Wraps raw Opus packets (what WebCodecs' AudioEncoder gives) in an Ogg Opus file (RFC 7845), so
 * the share track made natively is the same kind of file ffmpeg.wasm makes and the server's checks
 * (core/audio-container) read. Pure: no browser APIs.
 */

/** libopus' encoder delay at 48 kHz (RFC 7845 §4.2): what a player skips at the start. */
export const OPUS_PRE_SKIP = 312;
/** Packets per page: 50 × 20 ms = one second of audio per page, so a cut-off file loses little. */
const PACKETS_PER_PAGE = 50;

const FLAG_BOS = 0x02;
const FLAG_EOS = 0x04;

let crcTable: Uint32Array | undefined;

/** The Ogg CRC-32 (RFC 3533 §6): polynomial 0x04c11db7, not reflected, initial value 0. */
export function oggCrc(bytes: Uint8Array): number {
	crcTable ??= Uint32Array.from({ length: 256 }, (_, i) => {
		let r = i << 24;
		for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
		return r >>> 0;
	});
	let crc = 0;
	for (const byte of bytes) crc = ((crc << 8) ^ crcTable[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
	return crc;
}

function page(input: {
	packets: Uint8Array[];
	granule: number;
	serial: number;
	sequence: number;
	flags: number;
}): Uint8Array {
	const lacing: number[] = [];
	for (const p of input.packets) {
		for (let left = p.byteLength; ; left -= 255) {
			lacing.push(Math.min(left, 255));
			if (left < 255) break;
		}
	}
	if (lacing.length > 255) throw new Error('too many packets for one Ogg page');
	const bodyLength = input.packets.reduce((sum, p) => sum + p.byteLength, 0);
	const out = new Uint8Array(27 + lacing.length + bodyLength);
	const view = new DataView(out.buffer);
	out.set([0x4f, 0x67, 0x67, 0x53]); // "OggS"
	out[5] = input.flags;
	view.setUint32(6, input.granule % 2 ** 32, true);
	view.setUint32(10, Math.floor(input.granule / 2 ** 32), true);
	view.setUint32(14, input.serial, true);
	view.setUint32(18, input.sequence, true);
	out[26] = lacing.length;
	out.set(lacing, 27);
	let at = 27 + lacing.length;
	for (const p of input.packets) {
		out.set(p, at);
		at += p.byteLength;
	}
	view.setUint32(22, oggCrc(out), true);
	return out;
}

function opusHead(channels: number, inputSampleRate: number, preSkip: number): Uint8Array {
	const head = new Uint8Array(19);
	const view = new DataView(head.buffer);
	head.set(new TextEncoder().encode('OpusHead'));
	head[8] = 1; // version
	head[9] = channels;
	view.setUint16(10, preSkip, true);
	view.setUint32(12, inputSampleRate, true);
	// Output gain 0, channel mapping family 0 (mono or stereo): already zero.
	return head;
}

function opusTags(vendor: string): Uint8Array {
	const text = new TextEncoder().encode(vendor);
	const tags = new Uint8Array(8 + 4 + text.byteLength + 4);
	const view = new DataView(tags.buffer);
	tags.set(new TextEncoder().encode('OpusTags'));
	view.setUint32(8, text.byteLength, true);
	tags.set(text, 12);
	return tags;
}

/**
 * An Ogg Opus file from `packets` of `samplesPerPacket` samples each (at 48 kHz, as Opus counts),
 * of which the first `totalSamples` are the recording: the last page's granule position trims the
 * padding of the final packet (RFC 7845 §4.4), so the file says exactly how long the audio is.
 */
export function oggOpusFile(input: {
	packets: Uint8Array[];
	samplesPerPacket: number;
	totalSamples: number;
	channels: number;
	inputSampleRate: number;
	/** The encoder's delay; libopus' usual 312 unless the encoder said otherwise. */
	preSkip?: number;
	serial?: number;
	vendor?: string;
}): Uint8Array {
	const serial = input.serial ?? 0x43475244;
	const preSkip = input.preSkip ?? OPUS_PRE_SKIP;
	const pages: Uint8Array[] = [
		page({
			packets: [opusHead(input.channels, input.inputSampleRate, preSkip)],
			granule: 0,
			serial,
			sequence: 0,
			flags: FLAG_BOS
		}),
		page({
			packets: [opusTags(input.vendor ?? 'Common Ground (WebCodecs)')],
			granule: 0,
			serial,
			sequence: 1,
			flags: 0
		})
	];
	// Never claim more samples than the packets hold (RFC 7845 §4.4 end trimming only cuts).
	const end = Math.min(preSkip + input.totalSamples, input.packets.length * input.samplesPerPacket);
	for (let first = 0; first < input.packets.length; first += PACKETS_PER_PAGE) {
		const packets = input.packets.slice(first, first + PACKETS_PER_PAGE);
		const last = first + packets.length >= input.packets.length;
		const granule = last ? end : Math.min(end, (first + packets.length) * input.samplesPerPacket);
		pages.push(page({ packets, granule, serial, sequence: pages.length, flags: last ? FLAG_EOS : 0 }));
	}
	const out = new Uint8Array(pages.reduce((sum, p) => sum + p.byteLength, 0));
	let at = 0;
	for (const p of pages) {
		out.set(p, at);
		at += p.byteLength;
	}
	return out;
}
