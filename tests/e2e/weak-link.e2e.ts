import { readTrack, stopRecording, waitForElapsed } from './call-helpers';
import { expect, test } from './fixtures';
import { OUTAGE_MS } from './net/profiles';
import { between, readCall, startWeakCall } from './net/weak-call';
import { isRoot } from './net/weak-link';
import { BUILDS } from './paths';
import { endAfterTest } from './processes';

/**
 * Issue #18: a recorded call with Ada on the `lossy` link (100 ms, 5% loss with bursts, 1 Mbit/s)
 * and Ben on `good`, everything (the app, signaling, the call, the live upload) over the shaped
 * links of tests/e2e/net. Ada's link drops every packet for 10 seconds in the middle. The call
 * comes back by itself, and neither local recording loses audio to it.
 */
test('a recorded call on a lossy link outlives a 10-second outage, and the recordings lose nothing', async () => {
	test.skip(!isRoot(), 'The weak-link harness makes network namespaces, which needs root (CI runs as root).');
	test.setTimeout(240_000);
	const call = await startWeakCall({ profile: 'lossy', staticDir: BUILDS.current, probePackets: 1_000 });
	const forget = endAfterTest(call.close);
	const [ada, ben] = call.pages;

	await waitForElapsed(ada, 5_000);
	call.links.outage('ada', true);
	await ada.waitForTimeout(OUTAGE_MS);
	call.links.outage('ada', false);

	// Audio flows both ways again: each page's receiver takes in packets and plays more than it makes up.
	for (const [who, page] of [
		['Ada', ada],
		['Ben', ben]
	] as const) {
		await expect
			.poll(
				async () => {
					const before = await readCall(page);
					await page.waitForTimeout(2_000);
					const heard = between(before, await readCall(page));
					return heard.packetsReceived >= 25 && heard.concealedPercent < 50;
				},
				{ message: `${who} hears the partner again after the outage`, timeout: 120_000, intervals: [0] }
			)
			.toBe(true);
	}

	await stopRecording(ada);
	for (const [who, page] of [
		['Ada', ada],
		['Ben', ben]
	] as const) {
		await expect(page.getByTestId('recording-state')).toHaveAttribute('data-state', 'stopped');
		await expect.poll(async () => (await readTrack(page, call.conversationId))?.status).toBe('finished');
		const track = (await readTrack(page, call.conversationId))!;
		// Every sample in order: each segment starts where the one before it ended.
		for (const [i, segment] of track.segments.entries())
			if (i > 0) {
				const previous = track.segments[i - 1]!;
				expect(segment.startSample).toBe(previous.startSample + previous.sampleCount);
			}
		// The network never costs the recording audio: the outage would be a gap of about 10 s. On
		// this shared 2-core machine a starved audio thread loses a fraction of a second now and then
		// (on loopback too, see call-drop.e2e.ts); the recorder notes each, and they are printed here.
		const droppedMs = track.dropouts.reduce((sum, d) => sum + d.missingMs, 0);
		if (droppedMs > 0) console.log(`${who}: audio-thread stalls recorded`, track.dropouts);
		const longest = Math.max(0, ...track.dropouts.map((d) => d.missingMs));
		expect(longest, `${who}: no gap from the outage (${OUTAGE_MS} ms)`).toBeLessThan(OUTAGE_MS / 10);
		const first = track.segments[0]!;
		const last = track.segments.at(-1)!;
		const wallMs = last.serverTimeMs + (last.sampleCount / track.sampleRate) * 1000 - first.serverTimeMs;
		const audioMs = (track.sampleCount / track.sampleRate) * 1000;
		expect(Math.abs(audioMs + droppedMs - wallMs), `${who}: samples match the clock`).toBeLessThan(
			Math.max(200, wallMs * 0.01)
		);
		expect(audioMs, `${who} recorded through the outage`).toBeGreaterThan(5_000 + OUTAGE_MS);
	}
	forget();
	await call.close();
});
