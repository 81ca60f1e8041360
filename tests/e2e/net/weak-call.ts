import type { Browser, Page } from '@playwright/test';
import { joinRoom, launchWithMic, signIn } from '../call-helpers';
import { seedDemo } from '../demo';
import { startAppServer, type AppServer } from '../server';
import { speechWav } from '../speech';
import { checkLinks, type ProbedLink } from './probe';
import type { LinkProfile, ProfileName } from './profiles';
import { createWeakLinks, type WeakLinks } from './weak-link';

/**
 * A recorded call between Ada and Ben over the weak links (issue #18): Ada on `profile`, Ben on
 * `partner` (`good` unless told). Everything the pages do (the app's files, sign-in, signaling,
 * the call, the live upload, the Yjs sync) crosses the shaped links, since the server listens only
 * on the harness's address. The links are probed against their profiles first.
 */
export type WeakCall = {
	links: WeakLinks;
	probed: Record<string, ProbedLink>;
	app: AppServer;
	conversationId: string;
	/** Ada's page, then Ben's. */
	pages: [Page, Page];
	close: () => Promise<void>;
};

// The scripts that run in the pages are plain strings: tsx would wrap named functions in a helper
// (__name) that the page does not have.

/**
 * Before the app's scripts: every RTCPeerConnection the page makes is kept, so its stats can be read.
 * And, for the shared helpers' page functions when the bench runs them under tsx, its __name.
 */
const KEEP_PEER_CONNECTIONS = `{
	globalThis.__name ??= (target) => target;
	const Native = window.RTCPeerConnection;
	const kept = (window.__peerConnections = []);
	window.RTCPeerConnection = class extends Native {
		constructor(...args) {
			super(...args);
			kept.push(this);
		}
	};
}`;
/** Without WebCodecs' encoder the app sends the share track only after the call (the live upload off). */
const NO_LIVE_UPLOAD = `Object.defineProperty(window, 'AudioEncoder', { value: undefined });`;

/** Sums the page's call counters over its peer connections; a closed one keeps its last reading. */
const READ_CALL = `(async () => {
	const last = (window.__lastReadings ??= []);
	const pcs = window.__peerConnections ?? [];
	const inbound = ['packetsReceived', 'totalSamplesReceived', 'concealedSamples', 'silentConcealedSamples',
		'jitterBufferDelay', 'jitterBufferEmittedCount'];
	for (let i = 0; i < pcs.length; i++) {
		if (pcs[i].connectionState === 'closed') continue;
		const reading = {};
		const entries = [...(await pcs[i].getStats()).values()];
		const byId = new Map(entries.map((e) => [e.id, e]));
		for (const e of entries) {
			if (e.type === 'inbound-rtp' && e.kind === 'audio')
				for (const key of inbound) reading[key] = (reading[key] ?? 0) + (e[key] ?? 0);
			if (e.type === 'outbound-rtp' && e.kind === 'audio')
				reading.rtpBytesSent = (reading.rtpBytesSent ?? 0) + (e.bytesSent ?? 0) + (e.headerBytesSent ?? 0);
			if (e.type === 'transport') {
				const pair = byId.get(e.selectedCandidatePairId);
				reading.transportBytesSent = (reading.transportBytesSent ?? 0) + (pair?.bytesSent ?? 0);
				reading.packetsSent = (reading.packetsSent ?? 0) + (pair?.packetsSent ?? 0);
				if (typeof pair?.currentRoundTripTime === 'number') reading.roundTripTime = pair.currentRoundTripTime;
			}
		}
		last[i] = reading;
	}
	const result = { at: performance.now() };
	for (const key of [...inbound, 'transportBytesSent', 'packetsSent', 'rtpBytesSent'])
		result[key] = last.reduce((total, r) => total + (r?.[key] ?? 0), 0);
	result.roundTripTime = [...last].reverse().find((r) => typeof r?.roundTripTime === 'number')?.roundTripTime;
	return result;
})()`;

export async function startWeakCall({
	profile,
	partner = 'good',
	staticDir,
	env = {},
	liveUpload = true,
	probePackets
}: {
	profile: ProfileName | LinkProfile;
	partner?: ProfileName | LinkProfile;
	staticDir: string;
	/** The server's extra environment (e.g. CALL_AUDIO_PRESET). */
	env?: Record<string, string>;
	liveUpload?: boolean;
	probePackets?: number;
}): Promise<WeakCall> {
	const links = await createWeakLinks({ people: { ada: profile, ben: partner } });
	const browsers: Browser[] = [];
	let app: AppServer | undefined;
	const close = async () => {
		for (const browser of browsers) await browser.close().catch(() => undefined);
		await app?.stop();
		await links.close();
	};
	try {
		const probed = await checkLinks({ people: links.people, from: links.serverHost, packets: probePackets });
		app = await startAppServer({ staticDir, host: links.serverHost, env });
		const demo = seedDemo(app);
		const conversation = demo.conversations[0]!;
		const roomUrl = `${app.url}/conversations/${conversation.id}/room`;
		// Both people get ready at once: on a slow link each page load takes a while.
		const pages = await Promise.all(
			(['ada', 'ben'] as const).map(async (name, i) => {
				const browser = await launchWithMic(speechWav(name), {
					executablePath: links.people[name]!.chromium,
					// The harness's address is plain http: the microphone and the service worker need this.
					args: [`--unsafely-treat-insecure-origin-as-secure=${app!.url}`]
				});
				browsers.push(browser);
				const context = await browser.newContext();
				await context.addInitScript({ content: KEEP_PEER_CONNECTIONS });
				if (!liveUpload) await context.addInitScript({ content: NO_LIVE_UPLOAD });
				const page = await context.newPage();
				const person = demo.participants.find((p) => p.id === conversation.participantIds[i])!;
				await signIn(page, person.signInUrl);
				// As for someone who opened the app before: its files are on the device, not on the link.
				await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
					timeout: 120_000
				});
				await joinRoom(page, roomUrl);
				return page;
			})
		);
		for (const page of pages) {
			await page
				.getByTestId('member')
				.and(page.locator('[data-hearing="true"]'))
				.waitFor({ timeout: 90_000 });
			await page.getByRole('button', { name: 'I’m ready to record' }).click();
		}
		for (const page of pages) await page.locator('[data-state="recording"]').waitFor({ timeout: 30_000 });
		return { links, probed, app, conversationId: conversation.id, pages: pages as [Page, Page], close };
	} catch (error) {
		await close();
		throw error;
	}
}

/** One page's call counters, summed over its peer connections (a redial makes a new one). */
export type CallReading = {
	at: number;
	packetsReceived: number;
	totalSamplesReceived: number;
	concealedSamples: number;
	silentConcealedSamples: number;
	/** Seconds, summed over the samples the jitter buffer let out (jitterBufferEmittedCount). */
	jitterBufferDelay: number;
	jitterBufferEmittedCount: number;
	/** What the call sent over UDP: audio, RTCP and the data channel, above the IP and UDP headers. */
	transportBytesSent: number;
	packetsSent: number;
	/** The audio's RTP packets alone, payload and RTP headers (outbound-rtp). */
	rtpBytesSent: number;
	/** The latest round trip (s) of the pair that carries the call, if known. */
	roundTripTime?: number;
};

/** Reads the page's call counters from getStats (READ_CALL). */
export function readCall(page: Page): Promise<CallReading> {
	return page.evaluate(READ_CALL) as Promise<CallReading>;
}

/** IPv4 (20 bytes) and UDP (8) headers of each packet, which getStats' byte counts leave out. */
const IP_UDP_BYTES = 28;

/** What one listener heard between two readings of their page, and what their page sent. */
export function between(a: CallReading, b: CallReading) {
	const samples = b.totalSamplesReceived - a.totalSamplesReceived;
	const concealed = b.concealedSamples - a.concealedSamples;
	const silent = b.silentConcealedSamples - a.silentConcealedSamples;
	const emitted = b.jitterBufferEmittedCount - a.jitterBufferEmittedCount;
	const seconds = (b.at - a.at) / 1000;
	const bytes = b.transportBytesSent - a.transportBytesSent + (b.packetsSent - a.packetsSent) * IP_UDP_BYTES;
	return {
		seconds,
		/** Heard as made up: concealed samples that were not silence, of all samples played. */
		concealedPercent: samples > 0 ? ((concealed - silent) / samples) * 100 : NaN,
		silentConcealedPercent: samples > 0 ? (silent / samples) * 100 : NaN,
		jitterBufferMs: emitted > 0 ? ((b.jitterBufferDelay - a.jitterBufferDelay) / emitted) * 1000 : NaN,
		/** Half the round trip plus the jitter buffer: capture, encoding and playout are not in it. */
		mouthToEarMs:
			emitted > 0 && b.roundTripTime !== undefined
				? (b.roundTripTime / 2) * 1000 + ((b.jitterBufferDelay - a.jitterBufferDelay) / emitted) * 1000
				: NaN,
		sentKbps: seconds > 0 ? (bytes * 8) / seconds / 1000 : NaN,
		rtpKbps: seconds > 0 ? ((b.rtpBytesSent - a.rtpBytesSent) * 8) / seconds / 1000 : NaN,
		packetsReceived: b.packetsReceived - a.packetsReceived
	};
}
