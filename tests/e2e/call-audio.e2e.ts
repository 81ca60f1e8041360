import type { Browser, Page } from '@playwright/test';
import { joinRoom, launchWithMic, signIn } from './call-helpers';
import { seedDemo } from './demo';
import { expect, test } from './fixtures';
import { BUILDS } from './paths';
import { startAppServer } from './server';
import { speechWav } from './speech';
import { CALL_AUDIO_PRESETS, type CallAudioPreset } from '../../src/lib/core/call-audio';

// A trace's screencast takes the cores the fake sound card needs (see call.e2e.ts).
test.use({ trace: 'off' });

/** What one side's call really negotiated and sends, read from its RTCPeerConnection. */
type Negotiated = {
	sendCodec: string | undefined;
	packetsSent: number;
	payloadBytesSent: number;
	local: string;
	remote: string;
	maxBitrate: number | undefined;
};

/**
 * Issue #18: each audio preset, set on the server with CALL_AUDIO_PRESET, really negotiates on two
 * Chromiums: the Opus parameters, ptime and codec order both SDPs carry, the encoder's cap, and
 * what each side sends (getStats: its codec, and its bytes per packet against plain Opus's). One
 * short call per preset, on this machine's loopback.
 */
test('each call-audio preset negotiates what it says', async () => {
	test.setTimeout(CALL_AUDIO_PRESETS.length * 60_000);
	const browser = await launchWithMic(speechWav('ada'));
	try {
		// Plain Opus first: its bytes per packet are what the others are measured against.
		let plainBytesPerPacket = 0;
		for (const preset of ['plain', ...CALL_AUDIO_PRESETS.filter((p) => p !== 'plain')] as const) {
			const sides = await callWith(browser, preset);
			const perPacket = sides.map((s) => s.payloadBytesSent / s.packetsSent);
			if (preset === 'plain') plainBytesPerPacket = (perPacket[0]! + perPacket[1]!) / 2;
			for (const [i, side] of sides.entries()) {
				const why = `${preset}, ${i === 0 ? 'Ada' : 'Ben'}'s side`;
				expectSdp(preset, side, why);
				// What is on the wire: 60 ms packets carry three frames; RED carries the one before too.
				// On this loopback plain Opus sends about 75 bytes a packet, RED about 140, ptime-60 about 160.
				const ratio = perPacket[i]! / plainBytesPerPacket;
				if (preset === 'red' || preset === 'ptime-60')
					expect(ratio, `${why}: bytes per packet`).toBeGreaterThan(1.4);
				else expect(ratio, `${why}: bytes per packet`).toBeLessThan(1.3);
			}
		}
	} finally {
		await browser.close();
	}
});

function expectSdp(preset: CallAudioPreset, side: Negotiated, why: string) {
	const fmtp = (sdp: string) => /a=fmtp:\d+ (.*useinbandfec.*)/.exec(sdp)?.[1] ?? '';
	const param = (sdp: string, name: string) => new RegExp(`(^|;)${name}=(\\d+)`).exec(fmtp(sdp))?.[2];
	const fec = ['fec', 'fec-dtx'].includes(preset) ? '1' : '0';
	const dtx = ['dtx', 'fec-dtx'].includes(preset) ? '1' : '0';
	for (const sdp of [side.local, side.remote]) {
		expect(param(sdp, 'useinbandfec'), `${why}: FEC`).toBe(fec);
		expect(param(sdp, 'usedtx'), `${why}: DTX`).toBe(dtx);
		expect(param(sdp, 'maxaveragebitrate'), `${why}: the cap`).toBe('32000');
		expect(/a=ptime:(\d+)/.exec(sdp)?.[1], `${why}: ptime`).toBe(preset === 'ptime-60' ? '60' : undefined);
	}
	// Chromium's stats name the codec RED wraps (Opus), so RED shows in the order both sides agreed on.
	for (const sdp of [side.local, side.remote]) {
		const first = /^m=audio \S+ \S+ (\d+)/m.exec(sdp)?.[1];
		const red = /^a=rtpmap:(\d+) red\//m.exec(sdp)?.[1];
		expect(first === red, `${why}: RED first`).toBe(preset === 'red');
	}
	expect(side.sendCodec, `${why}: the codec sent`).toBe('audio/opus');
	expect(side.maxBitrate, `${why}: the encoder's cap (on a good link, adaptive keeps the top)`).toBe(32_000);
}

/** Both partners of a fresh demo conversation, in the call on a server running `preset`. */
async function callWith(browser: Browser, preset: CallAudioPreset): Promise<[Negotiated, Negotiated]> {
	const app = await startAppServer({ staticDir: BUILDS.current, env: { CALL_AUDIO_PRESET: preset } });
	try {
		const demo = seedDemo(app);
		const conversation = demo.conversations[0]!;
		const roomUrl = `${app.url}/conversations/${conversation.id}/room`;
		const pages: Page[] = [];
		for (const id of conversation.participantIds) {
			const context = await browser.newContext();
			const page = await context.newPage();
			await page.addInitScript(keepPeerConnections);
			await signIn(page, demo.participants.find((p) => p.id === id)!.signInUrl);
			pages.push(page);
		}
		for (const page of pages) await joinRoom(page, roomUrl);
		for (const page of pages) {
			await expect(page.getByTestId('member')).toHaveAttribute('data-hearing', 'true', { timeout: 30_000 });
		}
		// Enough packets that bytes per packet mean something (a hundred is two seconds at 20 ms).
		for (const page of pages) {
			await expect
				.poll(async () => (await negotiated(page))?.packetsSent ?? 0, { timeout: 30_000 })
				.toBeGreaterThan(100);
		}
		const sides = await Promise.all(pages.map(async (page) => (await negotiated(page))!));
		for (const page of pages) await page.context().close();
		return [sides[0]!, sides[1]!];
	} finally {
		await app.stop();
	}
}

/** Keeps every RTCPeerConnection the page makes, for the test to read (run before the app's scripts). */
function keepPeerConnections() {
	const Native = window.RTCPeerConnection;
	const kept: RTCPeerConnection[] = [];
	(window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections = kept;
	window.RTCPeerConnection = class extends Native {
		constructor(config?: RTCConfiguration) {
			super(config);
			kept.push(this);
		}
	};
}

function negotiated(page: Page): Promise<Negotiated | undefined> {
	return page.evaluate(async () => {
		const all = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
		const pc = all.find(
			(p) => p.connectionState === 'connected' && p.getSenders().some((s) => s.track?.kind === 'audio')
		);
		if (!pc?.localDescription || !pc.remoteDescription) return undefined;
		const report: Record<string, unknown>[] = [];
		(await pc.getStats()).forEach((s: Record<string, unknown>) => report.push(s));
		const out = report.find((s) => s.type === 'outbound-rtp' && s.kind === 'audio');
		const codec = report.find((s) => s.type === 'codec' && s.id === out?.codecId);
		const sender = pc.getSenders().find((s) => s.track?.kind === 'audio');
		return {
			sendCodec: codec?.mimeType as string | undefined,
			packetsSent: (out?.packetsSent as number | undefined) ?? 0,
			payloadBytesSent: (out?.bytesSent as number | undefined) ?? 0,
			local: pc.localDescription.sdp,
			remote: pc.remoteDescription.sdp,
			maxBitrate: sender?.getParameters().encodings[0]?.maxBitrate
		};
	});
}
