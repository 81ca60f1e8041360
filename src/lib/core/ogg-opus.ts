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
 * Ogg Opus written as the packets come (issue #6, upload during the call): each full page is
 * handed out as soon as the next packet shows it is not the last, so every byte given out is final
 * and the bytes so far are always a prefix of the finished file. The last page, which carries the
 * end-of-stream flag and the trimmed length, is written by `finish`.
 */
export class OggOpusStream {
	readonly #serial: number;
	readonly #channels: number;
	readonly #inputSampleRate: number;
	readonly #samplesPerPacket: number;
	readonly #vendor: string;
	#preSkip: number;
	#held: Uint8Array[] = [];
	#packets = 0;
	#sequence = 0;

	constructor(input: {
		samplesPerPacket: number;
		channels: number;
		inputSampleRate: number;
		preSkip?: number;
		serial?: number;
		vendor?: string;
	}) {
		this.#serial = input.serial ?? 0x43475244;
		this.#channels = input.channels;
		this.#inputSampleRate = input.inputSampleRate;
		this.#samplesPerPacket = input.samplesPerPacket;
		this.#vendor = input.vendor ?? 'Common Ground (WebCodecs)';
		this.#preSkip = input.preSkip ?? OPUS_PRE_SKIP;
	}

	/** The encoder's delay, if it says so before the first packet. */
	set preSkip(value: number) {
		if (this.#sequence === 0) this.#preSkip = value;
	}

	/** Adds one packet; returns the bytes that became final (headers, a full page), maybe none. */
	push(packet: Uint8Array): Uint8Array {
		const out = this.#sequence === 0 ? this.#headers() : [];
		if (this.#held.length === PACKETS_PER_PAGE)
			out.push(this.#page(this.#held, this.#packets * this.#samplesPerPacket, 0));
		if (this.#held.length === PACKETS_PER_PAGE) this.#held = [];
		this.#held.push(packet);
		this.#packets += 1;
		return concat(out);
	}

	/**
	 * The last page: its granule position says the first `totalSamples` are the recording and cuts
	 * the padding of the final packet (RFC 7845 §4.4), so the file says exactly how long it is.
	 */
	finish(totalSamples: number): Uint8Array {
		const out = this.#sequence === 0 ? this.#headers() : [];
		// Never claim more samples than the packets hold (end trimming only cuts).
		const end = Math.min(this.#preSkip + totalSamples, this.#packets * this.#samplesPerPacket);
		if (this.#held.length > 0) out.push(this.#page(this.#held, end, FLAG_EOS));
		this.#held = [];
		return concat(out);
	}

	#headers(): Uint8Array[] {
		return [
			this.#page([opusHead(this.#channels, this.#inputSampleRate, this.#preSkip)], 0, FLAG_BOS),
			this.#page([opusTags(this.#vendor)], 0, 0)
		];
	}

	#page(packets: Uint8Array[], granule: number, flags: number): Uint8Array {
		const sequence = this.#sequence++;
		return page({ packets, granule, serial: this.#serial, sequence, flags });
	}
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((sum, p) => sum + p.byteLength, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.byteLength;
	}
	return out;
}

/**
 * An Ogg Opus file from `packets` of `samplesPerPacket` samples each (at 48 kHz, as Opus counts),
 * of which the first `totalSamples` are the recording.
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
	const stream = new OggOpusStream(input);
	return concat([...input.packets.map((p) => stream.push(p)), stream.finish(input.totalSamples)]);
}
