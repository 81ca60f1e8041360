/**
 * Tunes Opus in an SDP for weak links (issue #5): at most `maxAverageBitrate` bits per second,
 * in-band forward error correction (a lost packet is rebuilt from the next one) and DTX (almost
 * nothing is sent during silence), mono. These are the receiver's wishes (RFC 7587 §7), so both the
 * offer and the answer carry them and each side sends at most what the other asked for.
 */
export type OpusSettings = { maxAverageBitrate: number; fec: boolean; dtx: boolean };

export const WEAK_LINK_OPUS: OpusSettings = { maxAverageBitrate: 32_000, fec: true, dtx: true };

export function tuneOpus(sdp: string, settings: OpusSettings = WEAK_LINK_OPUS): string {
	const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
	const lines = sdp.split(eol);
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

function opusPayloadTypes(lines: string[]): Set<string> {
	const types = new Set<string>();
	for (const line of lines) {
		const match = /^a=rtpmap:(\d+) opus\//i.exec(line);
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
