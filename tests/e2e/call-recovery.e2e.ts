import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import {
	expectSavedKeepsUp,
	joinRoom,
	launchKillable,
	launchWithMic,
	readTrack,
	serverUploads,
	signIn,
	waitForElapsed,
	stopRecording
} from './call-helpers';
import { seedDemo } from './demo';
import { expect, test } from './fixtures';
import { TMP } from './paths';
import { speechWav } from './speech';

// A trace's screencast encodes frames the whole time, on the cores the real-time audio threads need;
// on a busy machine that alone makes the fake sound card skip. These journeys assert on data instead.
test.use({ trace: 'off' });

test('a browser killed 30 s into a recording loses at most 2 s, and the recording can be continued', async ({
	app
}) => {
	test.setTimeout(300_000);
	const demo = seedDemo(app);
	const conversation = demo.conversations[0]!;
	const [adaId, benId] = conversation.participantIds;
	const link = (d: typeof demo, id: string) => d.participants.find((p) => p.id === id)!.signInUrl;
	const roomUrl = `${app.url}/conversations/${conversation.id}/room`;
	const profile = mkdtempSync(join(TMP, 'ada-profile-'));
	const adaWav = speechWav('ada');

	const benBrowser = await launchWithMic(speechWav('ben'));
	const ben = await (await benBrowser.newContext()).newPage();
	let ada = await openKillable();
	await signIn(ben, link(demo, benId!));
	await signIn(ada.page, link(demo, adaId!));
	await joinRoom(ben, roomUrl);
	await joinRoom(ada.page, roomUrl);
	await expect(ada.page.getByTestId('member')).toHaveAttribute('data-link', 'connected', {
		timeout: 30_000
	});
	await ada.page.getByRole('button', { name: 'I’m ready to record' }).click();
	await ben.getByRole('button', { name: 'I’m ready to record' }).click();
	await expect(ada.page.getByTestId('recording-state')).toHaveAttribute('data-state', 'recording');
	await Promise.all([expectSavedKeepsUp(ada.page, 'Ada'), expectSavedKeepsUp(ben, 'Ben')]);

	// Part of Ada's share track is on the server, sent during the call.
	const partialOfAda = () =>
		serverUploads(app.dataDir).find((u) => u.userId === adaId && u.size === undefined && u.bytes > 0);
	await expect.poll(partialOfAda, { timeout: 60_000 }).toBeTruthy();
	const partialId = partialOfAda()!.id;

	// At 30 s of recording, Ada's whole browser dies at once, as in a crash.
	await waitForElapsed(ada.page, 30_000);
	const elapsedAtKill = Number(await ada.page.getByTestId('elapsed').getAttribute('data-elapsed-ms'));
	await ada.kill();
	// Ben, alone now, goes on recording; then he pauses while Ada's side of the data channel is
	// dead, so the pause reaches only his own device (the root cause of issue #15: on her return
	// the two devices swapped states, and his page said "Recording" over a paused recorder).
	await expectSavedKeepsUp(ben, 'Ben while Ada is gone');
	await ben.getByRole('button', { name: 'Pause' }).click();
	await expect(ben.getByTestId('recording-state')).toHaveAttribute('data-state', 'paused');

	// Reopened on the same profile, the app finds the unfinished recording and offers to continue it.
	ada = await openKillable();
	await signIn(ada.page, link(seedDemo(app), adaId!));
	await ada.page.goto(roomUrl);
	const offer = ada.page.getByTestId('recovery-offer');
	await expect(offer).toContainText('An unfinished recording was found');
	const recovered = (await readTrack(ada.page, conversation.id))!;
	const recoveredMs = (recovered.sampleCount / recovered.sampleRate) * 1000;
	expect(recoveredMs, 'at most 2 s lost').toBeGreaterThanOrEqual(elapsedAtKill - 2_000);
	expect(recoveredMs).toBeGreaterThanOrEqual(28_000);
	expect(recovered.status).not.toBe('finished');
	expect(Number(await offer.locator('[data-recovered-ms]').getAttribute('data-recovered-ms'))).toBe(
		recoveredMs
	);

	// Continue: the same track grows again, and the gap is written down as a dropout.
	await offer.getByRole('button', { name: 'Continue recording' }).click();
	await expect(offer).toContainText('continues as soon as you join the call');
	await joinRoom(ada.page, undefined);
	await expect(offer).toHaveCount(0);
	// Once they hear from each other, Ben's pause holds on both devices, recorders included.
	await expect(ada.page.getByTestId('recording-state')).toHaveAttribute('data-state', 'paused', {
		timeout: 30_000
	});
	await expect.poll(async () => (await readTrack(ada.page, conversation.id))?.status).toBe('paused');
	await expect(ben.getByTestId('recording-state')).toHaveAttribute('data-state', 'paused');
	// The timer follows the conversation's start, not the moment this device came back.
	expect(Number(await ada.page.getByTestId('elapsed').getAttribute('data-elapsed-ms'))).toBeGreaterThan(
		elapsedAtKill
	);
	await ben.getByRole('button', { name: 'Resume' }).click();
	await Promise.all([
		expectSavedKeepsUp(ada.page, 'Ada after continuing'),
		expectSavedKeepsUp(ben, 'Ben after Ada continued')
	]);
	await waitForElapsed(ada.page, recoveredMs + 4_000, 'recorded-here', 'data-recorded-ms');
	// Pause and resume on one device pause and resume both.
	await ben.getByRole('button', { name: 'Pause' }).click();
	await expect(ada.page.getByTestId('recording-state')).toHaveAttribute('data-state', 'paused');
	await ben.getByRole('button', { name: 'Resume' }).click();
	await expect(ada.page.getByTestId('recording-state')).toHaveAttribute('data-state', 'recording');
	await Promise.all([expectSavedKeepsUp(ada.page, 'Ada'), expectSavedKeepsUp(ben, 'Ben')]);
	await stopRecording(ben);
	await expect(ada.page.getByTestId('recording-state')).toHaveAttribute('data-state', 'stopped');
	await expect.poll(async () => (await readTrack(ada.page, conversation.id))?.status).toBe('finished');
	const finished = (await readTrack(ada.page, conversation.id))!;
	expect(finished.recordingId).toBe(recovered.recordingId);
	expect(finished.recoveries).toBe(1);
	// The pause from while she was gone, then the one given while both were connected.
	expect(finished.pauses).toHaveLength(2);
	for (const pause of finished.pauses) expect(pause.resumedAtServerMs).toBeGreaterThan(0);
	const bens = (await readTrack(ben, conversation.id))!;
	expect(bens.pauses).toHaveLength(2);
	expect(bens.recoveries).toBe(0);
	expect(finished.sampleCount).toBeGreaterThan(recovered.sampleCount + 3 * 48_000);
	const gap = finished.dropouts.find((d) => d.atSample === recovered.sampleCount);
	expect(gap?.missingMs, 'the crash gap is in the track metadata').toBeGreaterThan(0);

	// The part sent before the crash can't be continued (the encoder died with the tab): it is
	// dropped, and the whole track, both halves, is encoded and confirmed as a new upload.
	const shareRow = () =>
		app.query<{ upload_id: string; duration_ms: number }>(
			"select upload_id, duration_ms from conversation_tracks where user_id = ? and kind = 'share'",
			adaId
		)[0];
	await expect.poll(shareRow, { timeout: 120_000 }).toBeTruthy();
	expect(shareRow()!.upload_id).not.toBe(partialId);
	expect(Math.abs(shareRow()!.duration_ms - (finished.sampleCount / 48_000) * 1000)).toBeLessThan(100);
	expect(serverUploads(app.dataDir).map((u) => u.id)).not.toContain(partialId);

	// Both browsers are ended by the fixtures, whether the test passes, fails or times out.
	async function openKillable(): Promise<{ page: Page; kill: () => Promise<void> }> {
		const { browser, kill } = await launchKillable(adaWav, profile);
		const context = browser.contexts()[0] ?? (await browser.newContext());
		return { page: await context.newPage(), kill };
	}
});
