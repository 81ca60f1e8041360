import type { Page } from '@playwright/test';
import {
	expectSavedKeepsUp,
	joinRoom,
	launchWithMic,
	readTrack,
	signIn,
	stopRecording
} from './call-helpers';
import { seedDemo } from './demo';
import { expect, test } from './fixtures';
import { speechWav } from './speech';

test.use({ trace: 'off' });

/**
 * Lets the test stall this page's recorder the way an operating system can: its audio context is
 * suspended, and resuming it does nothing, so only building the audio graph anew brings the sound back.
 */
const STALLABLE = `(() => {
	const Base = window.AudioContext;
	const recorders = [];
	window.AudioContext = class extends Base {
		constructor(options) {
			super(options);
			if (options && options.latencyHint === 'playback') recorders.push(this);
		}
	};
	window.__stallRecorder = async () => {
		const context = recorders.at(-1);
		context.resume = async () => {};
		await Base.prototype.suspend.call(context);
		return recorders.length;
	};
	window.__recorderContexts = () => recorders.length;
})();`;

test('a recording whose capture stops is seen by both, repaired by itself, and its gap written down', async ({
	app
}) => {
	test.setTimeout(240_000);
	const demo = seedDemo(app);
	const conversation = demo.conversations[0]!;
	const [ada, ben] = conversation.participantIds.map((id) => demo.participants.find((p) => p.id === id)!);
	const roomUrl = `${app.url}/conversations/${conversation.id}/room`;
	const open = async (voice: 'ada' | 'ben', signInUrl: string): Promise<Page> => {
		const context = await (await launchWithMic(speechWav(voice))).newContext();
		await context.addInitScript(STALLABLE);
		const page = await context.newPage();
		await signIn(page, signInUrl);
		await joinRoom(page, roomUrl);
		return page;
	};
	const adaPage = await open('ada', ada!.signInUrl);
	const benPage = await open('ben', ben!.signInUrl);
	for (const page of [adaPage, benPage]) {
		await expect(page.getByTestId('member')).toHaveAttribute('data-link', 'connected', { timeout: 30_000 });
	}
	await adaPage.getByRole('button', { name: 'I’m ready to record' }).click();
	await benPage.getByRole('button', { name: 'I’m ready to record' }).click();
	await expectSavedKeepsUp(adaPage, 'Ada before the stall');

	// Ada's capture stops. Her page says so plainly, and Ben sees that her recording is in trouble.
	expect(
		await adaPage.evaluate(() =>
			(window as unknown as { __stallRecorder(): Promise<number> }).__stallRecorder()
		)
	).toBe(1);
	const behind = adaPage.getByTestId('recorder-behind');
	await expect(behind).toBeVisible({ timeout: 15_000 });
	await expect(behind).toHaveAttribute('data-cause', 'capture');
	await expect(behind).toContainText('the microphone stopped sending sound');
	await expect(benPage.getByTestId('partner-behind')).toContainText(
		`${ada!.firstName}’s device is having trouble`
	);
	// Ben's own recording never stopped.
	await expect(benPage.getByTestId('recorder-behind')).toHaveCount(0);

	// The recorder repairs itself (a new audio graph), the warnings go, and saving keeps up again.
	await expect(behind).toHaveCount(0, { timeout: 30_000 });
	await expect(benPage.getByTestId('partner-behind')).toHaveCount(0, { timeout: 15_000 });
	expect(
		await adaPage.evaluate(() => (window as unknown as { __recorderContexts(): number }).__recorderContexts())
	).toBe(2);
	await expectSavedKeepsUp(adaPage, 'Ada after the repair');
	await expect(adaPage.getByTestId('recording-state')).toHaveAttribute('data-state', 'recording');

	await stopRecording(benPage);
	await expect.poll(async () => (await readTrack(adaPage, conversation.id))?.status).toBe('finished');
	const track = (await readTrack(adaPage, conversation.id))!;
	// The stretch without sound is written down as a dropout, and the track still adds up to the clock.
	const longest = Math.max(0, ...track.dropouts.map((d) => d.missingMs));
	expect(longest, 'the stall is in the track metadata').toBeGreaterThan(3_000);
	const first = track.segments[0]!;
	const last = track.segments.at(-1)!;
	const wallMs = last.serverTimeMs + (last.sampleCount / track.sampleRate) * 1000 - first.serverTimeMs;
	const audioMs = (track.sampleCount / track.sampleRate) * 1000;
	const droppedMs = track.dropouts.reduce((sum, d) => sum + d.missingMs, 0);
	expect(Math.abs(audioMs + droppedMs - wallMs), 'samples and dropouts match the clock').toBeLessThan(
		Math.max(300, wallMs * 0.01)
	);
	for (let i = 1; i < track.segments.length; i++) {
		const prev = track.segments[i - 1]!;
		expect(track.segments[i]!.startSample, 'segments follow each other without a hole').toBe(
			prev.startSample + prev.sampleCount
		);
	}
});
