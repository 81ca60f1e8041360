import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import {
	expectSavedKeepsUp,
	joinRoom,
	type KillableBrowser,
	killNetworkService,
	launchKillable,
	launchWithMic,
	readTrack,
	serverUploads,
	remoteVoices,
	signIn,
	waitForElapsed,
	stopRecording
} from './call-helpers';
import { seedDemo } from './demo';
import { expect, test } from './fixtures';
import { TMP } from './paths';
import { speechWav } from './speech';

// No trace: its screencast competes with the real-time audio threads (see call.e2e.ts).
test.use({ trace: 'off' });

test('the call comes back after a network drop and a server restart, and the recording never stops', async ({
	app
}) => {
	test.setTimeout(300_000);
	const browsers: Browser[] = [];
	let ada: KillableBrowser | undefined;
	const demo = seedDemo(app);
	const conversation = demo.conversations[0]!;
	const [adaInfo, benInfo] = conversation.participantIds.map((id) =>
		demo.participants.find((p) => p.id === id)!
	);
	const roomUrl = `${app.url}/conversations/${conversation.id}/room`;

	try {
		// Ada in a Chromium we started, so we can find its network process; Ben in an ordinary one.
		ada = await launchKillable(speechWav('ada'), mkdtempSync(join(TMP, 'ada-drop-')));
		const adaContext = ada.browser.contexts()[0] ?? (await ada.browser.newContext());
		const adaPage = await adaContext.newPage();
		const benBrowser = await launchWithMic(speechWav('ben'));
		browsers.push(benBrowser);
		const benPage = await (await benBrowser.newContext()).newPage();
		const pages = { ada: adaPage, ben: benPage };
		await signIn(adaPage, adaInfo!.signInUrl);
		await signIn(benPage, benInfo!.signInUrl);
		await joinRoom(benPage, roomUrl);
		await joinRoom(adaPage, roomUrl);
		await expectCall(pages);
		await adaPage.getByRole('button', { name: 'I’m ready to record' }).click();
		await benPage.getByRole('button', { name: 'I’m ready to record' }).click();
		await expect(adaPage.getByTestId('recording-state')).toHaveAttribute('data-state', 'recording');
		await waitForElapsed(adaPage, 5_000);
		// Part of Ada's share track is already on the server, sent during the call.
		const partialOfAda = () =>
			serverUploads(app.dataDir).find((u) => u.userId === adaInfo!.id && u.size === undefined && u.bytes > 0);
		await expect.poll(partialOfAda, { timeout: 60_000 }).toBeTruthy();
		const partialId = partialOfAda()!.id;

		// Ada's network drops (every socket of her browser dies) and the server they both signal
		// through restarts while she is away.
		const cookies = await adaContext.cookies();
		const droppedAt = Date.now();
		killNetworkService(ada.process.pid!);
		await app.stop();
		await expect(benPage.getByTestId('member')).toHaveAttribute('data-link', 'reconnecting', {
			timeout: 30_000
		});
		// With the server unreachable and the call down, both devices go on saving (issue #15).
		await Promise.all([
			expectSavedKeepsUp(adaPage, 'Ada with the server down'),
			expectSavedKeepsUp(benPage, 'Ben with the server down')
		]);
		// The network process keeps cookies in memory and writes them to disk every 30 s, so killing
		// it forgets a sign-in younger than that; a real drop forgets nothing, so put them back. Before
		// the server is back (a reconnect in between would find Ada signed out, and rightly stop), and
		// not at once after the kill: Chromium's new network process must be up to take them.
		await adaContext.addCookies(cookies);
		await app.start();

		// The call comes back by itself: connected again, and each hears the other.
		await expectCall(pages);
		const outageMs = Date.now() - droppedAt;
		for (const page of Object.values(pages)) {
			const [voice] = await remoteVoices(page);
			expect(voice?.readyState).toBe('live');
			expect(voice?.peakRms, 'the partner’s voice arrives again').toBeGreaterThan(0.01);
		}
		const recordedAtReturn = Number(
			await adaPage.getByTestId('recorded-here').getAttribute('data-recorded-ms')
		);
		await waitForElapsed(adaPage, recordedAtReturn + 3_000, 'recorded-here', 'data-recorded-ms');
		await Promise.all([
			expectSavedKeepsUp(adaPage, 'Ada after the drop'),
			expectSavedKeepsUp(benPage, 'Ben after the drop')
		]);
		await stopRecording(benPage);
		await expect(adaPage.getByTestId('recording-state')).toHaveAttribute('data-state', 'stopped');

		// The recording went on through the drop: never stopped, paused or recovered, its audio plus
		// any recorded stall as long as the clock says. The recorder writes down every stall of the
		// audio thread as a dropout; on a loaded machine (load 12 on 2 cores while this was written)
		// there are short ones, but none from the outage itself.
		for (const who of ['ada', 'ben'] as const) {
			await expect.poll(async () => (await readTrack(pages[who], conversation.id))?.status).toBe('finished');
			const track = (await readTrack(pages[who], conversation.id))!;
			expect(track.recoveries).toBe(0);
			expect(track.pauses).toEqual([]);
			const first = track.segments[0]!;
			const last = track.segments.at(-1)!;
			const wallMs = last.serverTimeMs + (last.sampleCount / track.sampleRate) * 1000 - first.serverTimeMs;
			const audioMs = (track.sampleCount / track.sampleRate) * 1000;
			const droppedMs = track.dropouts.reduce((sum, d) => sum + d.missingMs, 0);
			if (droppedMs > 0) console.log(`${who}: audio-thread stalls recorded`, track.dropouts);
			// A gap caused by the drop would be about as long as the outage; stalls are each far shorter.
			const longest = Math.max(0, ...track.dropouts.map((d) => d.missingMs));
			expect(longest, `${who}: no gap from the outage (${outageMs} ms)`).toBeLessThan(outageMs / 4);
			expect(Math.abs(audioMs + droppedMs - wallMs), `${who}: samples match the clock`).toBeLessThan(
				Math.max(200, wallMs * 0.01)
			);
			expect(audioMs).toBeGreaterThan(recordedAtReturn);
		}

		// The upload begun before the drop picks up where the server left it, across the restart,
		// and is completed at stop: one upload, its checksum confirmed.
		const shareRow = () =>
			app.query<{ upload_id: string; sha256: string }>(
				"select upload_id, sha256 from conversation_tracks where user_id = ? and kind = 'share'",
				adaInfo!.id
			)[0];
		await expect.poll(shareRow, { timeout: 120_000 }).toBeTruthy();
		expect(shareRow()!.upload_id).toBe(partialId);
	} finally {
		for (const b of browsers) await b.close();
		await ada?.kill();
	}
});

async function expectCall(pages: Record<string, Page>) {
	for (const [who, page] of Object.entries(pages)) {
		const partner = page.getByTestId('member');
		try {
			await expect(partner).toHaveAttribute('data-link', 'connected', { timeout: 60_000 });
			await expect(partner).toHaveAttribute('data-hearing', 'true', { timeout: 30_000 });
		} catch (error) {
			// What the person saw, for whoever reads the failure.
			const text = await page.locator('main').innerText();
			throw new Error(`${who}'s call did not come back. The page said:\n${text}\n\n${String(error)}`);
		}
	}
}
