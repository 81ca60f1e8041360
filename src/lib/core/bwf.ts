/**
 * Broadcast WAV (EBU Tech 3285): a 16-bit PCM WAV with a `bext` chunk that says what the recording
 * is, who keeps it, and when its first sample was (issue #6, "The package"), filled the way FADGI's
 * "Embedding Metadata in Broadcast WAVE Files" asks (issue #14): Description holds identifiers,
 * Originator starts with a two-letter ISO 3166 country code and a space ("US, NARA"),
 * OriginatorReference is the file's unique principal identifier (at most 32 characters),
 * OriginationDate is yyyy-mm-dd and OriginationTime hh:mm:ss, and TimeReference counts samples since
 * midnight, so two tracks of one conversation line up.
 */
export type Bext = {
	description: string;
	originator: string;
	originatorReference: string;
	/** The first sample's time, written in UTC: the bext fields cannot say which zone they are in. */
	origination: Date;
	sampleRate: number;
};

const BEXT_FIXED = 602;

/** bext text fields are ASCII: accents are dropped ("José" → "Jose"), anything else becomes "?". */
export function bextAscii(text: string): string {
	return text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^\x20-\x7e]/g, '?');
}

function ascii(view: DataView, at: number, text: string, length: number) {
	const s = bextAscii(text);
	for (let i = 0; i < length; i++) view.setUint8(at + i, i < s.length ? s.charCodeAt(i) : 0);
}

export function bextChunk(b: Bext): Uint8Array {
	const chunk = new Uint8Array(8 + BEXT_FIXED);
	const view = new DataView(chunk.buffer);
	ascii(view, 0, 'bext', 4);
	view.setUint32(4, BEXT_FIXED, true);
	const iso = b.origination.toISOString();
	ascii(view, 8, b.description, 256);
	ascii(view, 264, b.originator, 32);
	ascii(view, 296, b.originatorReference, 32);
	ascii(view, 328, iso.slice(0, 10), 10);
	ascii(view, 338, iso.slice(11, 19), 8);
	// TimeReference: samples since midnight (UTC) of the first sample, as a 64-bit count.
	const midnight = Date.UTC(
		b.origination.getUTCFullYear(),
		b.origination.getUTCMonth(),
		b.origination.getUTCDate()
	);
	const samples = Math.round(((b.origination.getTime() - midnight) / 1000) * b.sampleRate);
	view.setUint32(346, samples % 2 ** 32, true);
	view.setUint32(350, Math.floor(samples / 2 ** 32), true);
	view.setUint16(354, 1, true);
	return chunk;
}

/** Mono 16-bit PCM → a BWF file: RIFF header, bext, fmt, data. */
export function broadcastWav(pcm: Uint8Array, bext: Bext): Uint8Array {
	const b = bextChunk(bext);
	const out = new Uint8Array(12 + b.length + 24 + 8 + pcm.length);
	const view = new DataView(out.buffer);
	ascii(view, 0, 'RIFF', 4);
	view.setUint32(4, out.length - 8, true);
	ascii(view, 8, 'WAVE', 4);
	out.set(b, 12);
	let at = 12 + b.length;
	ascii(view, at, 'fmt ', 4);
	view.setUint32(at + 4, 16, true);
	view.setUint16(at + 8, 1, true);
	view.setUint16(at + 10, 1, true);
	view.setUint32(at + 12, bext.sampleRate, true);
	view.setUint32(at + 16, bext.sampleRate * 2, true);
	view.setUint16(at + 20, 2, true);
	view.setUint16(at + 22, 16, true);
	at += 24;
	ascii(view, at, 'data', 4);
	view.setUint32(at + 4, pcm.length, true);
	out.set(pcm, at + 8);
	return out;
}

export type BextFields = {
	description: string;
	originator: string;
	originatorReference: string;
	date: string;
	time: string;
	timeReference: number;
	version: number;
};

/** Reads the bext fields back (for validating a package). */
export function readBext(wav: Uint8Array): BextFields | undefined {
	const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
	const text = (at: number, length: number) =>
		String.fromCharCode(...wav.subarray(at, at + length)).replace(/\0+$/, '');
	for (let at = 12; at + 8 <= wav.length;) {
		const id = text(at, 4);
		const size = view.getUint32(at + 4, true);
		if (id === 'bext') {
			const body = at + 8;
			return {
				description: text(body, 256),
				originator: text(body + 256, 32),
				originatorReference: text(body + 288, 32),
				date: text(body + 320, 10),
				time: text(body + 330, 8),
				timeReference: view.getUint32(body + 338, true) + view.getUint32(body + 342, true) * 2 ** 32,
				version: view.getUint16(body + 346, true)
			};
		}
		at += 8 + size + (size % 2);
	}
	return undefined;
}
