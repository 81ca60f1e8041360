/**
 * Tunes Opus in an SDP for weak links (issue #5): at most `maxAverageBitrate` bits per second,
 * in-band forward error correction (a lost packet is rebuilt from the next one) and DTX (almost
 * nothing is sent during silence), mono. These are the receiver's wishes (RFC 7587 §7), so both the
 * offer and the answer carry them and each side sends at most what the other asked for.
 * `ptimeMs` asks for longer packets (RFC 4566's `a=ptime`, which Chromium's Opus encoder takes as
 * its frame length): at 20 ms the packet headers alone are about 20 kbit/s (issue #18).
 */
export type OpusSettings = { maxAverageBitrate: number; fec: boolean; dtx: boolean; ptimeMs?: number };

export const WEAK_LINK_OPUS: OpusSettings = { maxAverageBitrate: 32_000, fec: true, dtx: true };

export function tuneOpus(sdp: string, settings: OpusSettings = WEAK_LINK_OPUS): string {
	const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
	const lines = settings.ptimeMs === undefined ? sdp.split(eol) : withPtime(sdp.split(eol), settings.ptimeMs);
	const payloads = opusPayloadTypes(lines);
	if (payloads.size === 0) return sdp;
	const wanted: Record<string, string> = {
		maxaveragebitrate: String(settings.maxAverageBitrate),
		useinbandfec: settings.fec ? '1' : '0',
		usedtx: settings.dtx ? '1' : '0',
		stereo: '0',
		'sprop-stereo': '0'
	};
	const seen = new Set<string>();
	const tuned = lines.map((line) => {
		const match = /^a=fmtp:(\d+) (.*)$/.exec(line);
		if (!match?.[1] || !payloads.has(match[1])) return line;
		seen.add(match[1]);
		return `a=fmtp:${match[1]} ${mergeParams(match[2] ?? '', wanted)}`;
	});
	// An Opus payload without an fmtp line gets one right after its rtpmap.
	const out: string[] = [];
	for (const line of tuned) {
		out.push(line);
		const rtpmap = /^a=rtpmap:(\d+) opus\//i.exec(line);
		if (rtpmap?.[1] && !seen.has(rtpmap[1])) out.push(`a=fmtp:${rtpmap[1]} ${mergeParams('', wanted)}`);
	}
	return out.join(eol);
}

/**
 * Puts RED (RFC 2198, `audio/red`: each packet also carries the one before) first among the audio
 * section's payload types, so each side sends it. This is what `RTCRtpTransceiver.setCodecPreferences`
 * does to the SDP; PeerJS creates its offer inside `peer.call()`, before a transceiver could be told,
 * so the order is set here, in the same transform as the Opus parameters, on the offer and the answer.
 */
export function preferRed(sdp: string): string {
	const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
	const lines = sdp.split(eol);
	const red = payloadTypes(lines, 'red');
	if (red.size === 0) return sdp;
	return lines
		.map((line) => {
			const match = /^(m=audio \S+ \S+) (.*)$/.exec(line);
			if (!match) return line;
			const types = (match[2] ?? '').split(' ');
			return `${match[1]} ${[...types.filter((t) => red.has(t)), ...types.filter((t) => !red.has(t))].join(' ')}`;
		})
		.join(eol);
}

/** The payload types the audio section's first line lists, in order (the sender's preference). */
export function audioPayloadOrder(sdp: string): string[] {
	const lines = sdp.split(/\r?\n/);
	const names = new Map<string, string>();
	for (const line of lines) {
		const match = /^a=rtpmap:(\d+) ([^/]+)\//.exec(line);
		if (match?.[1] && match[2]) names.set(match[1], match[2].toLowerCase());
	}
	const media = lines.find((l) => l.startsWith('m=audio '));
	return (media?.split(' ').slice(3) ?? []).map((t) => names.get(t) ?? t);
}

/** The `a=ptime` of the audio section, for tests and diagnostics. */
export function audioPtime(sdp: string): number | undefined {
	const line = audioSection(sdp.split(/\r?\n/)).find((l) => l.startsWith('a=ptime:'));
	return line === undefined ? undefined : Number(line.slice('a=ptime:'.length));
}

/** One `a=ptime` at the end of the audio section, replacing any it had. */
function withPtime(lines: string[], ptimeMs: number): string[] {
	const start = lines.findIndex((l) => l.startsWith('m=audio '));
	if (start < 0) return lines;
	const next = lines.findIndex((l, i) => i > start && (l.startsWith('m=') || l === ''));
	const end = next < 0 ? lines.length : next;
	const section = lines.slice(start, end).filter((l) => !l.startsWith('a=ptime:'));
	return [...lines.slice(0, start), ...section, `a=ptime:${ptimeMs}`, ...lines.slice(end)];
}

function audioSection(lines: string[]): string[] {
	const start = lines.findIndex((l) => l.startsWith('m=audio '));
	if (start < 0) return [];
	const end = lines.findIndex((l, i) => i > start && l.startsWith('m='));
	return lines.slice(start, end < 0 ? undefined : end);
}

function opusPayloadTypes(lines: string[]): Set<string> {
	return payloadTypes(lines, 'opus');
}

function payloadTypes(lines: string[], codec: string): Set<string> {
	const types = new Set<string>();
	const pattern = new RegExp(`^a=rtpmap:(\\d+) ${codec}/`, 'i');
	for (const line of lines) {
		const match = pattern.exec(line);
		if (match?.[1]) types.add(match[1]);
	}
	return types;
}

function mergeParams(existing: string, wanted: Record<string, string>): string {
	const params = new Map<string, string>();
	for (const part of existing.split(';')) {
		const [key, ...value] = part.trim().split('=');
		if (key) params.set(key.toLowerCase(), value.join('='));
	}
	for (const [key, value] of Object.entries(wanted)) params.set(key, value);
	return [...params].map(([key, value]) => `${key}=${value}`).join(';');
}

/** The bitrate cap as read back from an SDP, for tests and diagnostics. */
export function opusParams(sdp: string): Record<string, string> | undefined {
	const lines = sdp.split(/\r?\n/);
	const [payload] = opusPayloadTypes(lines);
	const fmtp = lines.find((l) => l.startsWith(`a=fmtp:${payload} `));
	if (!payload || !fmtp) return undefined;
	return Object.fromEntries(
		fmtp
			.slice(`a=fmtp:${payload} `.length)
			.split(';')
			.map((p) => p.split('=') as [string, string])
	);
}
