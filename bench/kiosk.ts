import { chromium } from 'playwright-core';
import * as v from 'valibot';
import { CreatedKiosk } from '../src/lib/contracts/kiosk';
import { seedDemo } from '../tests/e2e/demo';
import { speechPcm, storeFinishedTrack } from '../tests/e2e/recorded-track';
import { startAppServer } from '../tests/e2e/server';
import type { Figure } from './figure';

/** A minute of the visitor's speech: the figure is per minute. */
const SECONDS = Number(process.env.BENCH_KIOSK_SECONDS ?? 60);
const NAME = 'kiosk_sealed_kb_per_min';

/**
 * Issue #16: what a kiosk holds for a visitor's unsent recording after Finish, per minute of audio,
 * measured through the real kiosk code in headless Chromium: an enrolled kiosk, a visitor signed in
 * with their grant, a finished track in the recorder's own format (tests/e2e/recorded-track.ts),
 * the server gone (so nothing is confirmed), then "Finish and erase": the app's encoder (WebCodecs
 * Opus here), sealing, and the wipe. The figure is the sealed chunks' bytes in the kiosk's IndexedDB
 * (ciphertext, IVs and tags; the manifest's few hundred bytes not counted). No archive answer: the
 * share track only, as for most visitors. Raw PCM was 5,760 KB a minute.
 */
export async function kioskFigures({ staticDir = 'build' }: { staticDir?: string } = {}): Promise<Figure[]> {
	const fail = (error: unknown): Figure[] => [
		{ name: NAME, value: NaN, unit: 'KB per minute', goal: '≤ 240', error: String(error) }
	];
	const browser = await chromium.launch({
		executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update']
	});
	const app = await startAppServer({ staticDir });
	let running = true;
	try {
		const demo = seedDemo(app);
		const conversation = demo.conversations[0];
		const visitor = demo.participants.find((p) => p.id === conversation?.participantIds[0]);
		if (!conversation || !visitor) throw new Error('the demo has no conversation');

		const staff = await browser.newContext();
		const console_ = await staff.newPage();
		await console_.goto(demo.coordinator.signInUrl);
		await console_.getByTestId('signed-in').waitFor({ timeout: 30_000 });
		const created = v.parse(
			CreatedKiosk,
			await console_.evaluate(
				async () =>
					(
						await fetch('/api/kiosks', {
							method: 'POST',
							headers: { 'content-type': 'application/json' },
							body: JSON.stringify({ label: 'Bench library' })
						})
					).json() as Promise<unknown>
			)
		);
		await staff.close();

		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(`${app.url}/kiosk`);
		await page.getByLabel('Enrollment code').fill(created.enrollmentCode);
		await page.getByRole('button', { name: 'Set up this kiosk' }).click();
		await page
			.getByRole('heading', { level: 1, name: 'Welcome to Common Ground' })
			.waitFor({ timeout: 60_000 });
		await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
		await page.goto(visitor.signInUrl);
		await page.getByTestId('signed-in').waitFor({ timeout: 30_000 });
		await page.waitForFunction(() => sessionStorage.getItem('cg-kiosk-visitor-grant') !== null);

		await app.stop();
		running = false;
		await storeFinishedTrack(page, {
			conversationId: conversation.id,
			userId: visitor.id,
			recordingId: crypto.randomUUID(),
			startedAtServerMs: Date.now() - 120_000,
			pcm: speechPcm({
				text: 'I volunteer at the library on Saturdays, and I read to the children there.',
				voice: 'en-us',
				seconds: 30,
				toneAtSecond: 10
			}),
			seconds: SECONDS
		});
		await page.getByRole('button', { name: 'Finish and erase' }).click();
		await page.getByTestId('kiosk-ended').waitFor({ timeout: 120_000 });
		const sealed = await page.evaluate(
			() =>
				new Promise<{ items: number; bytes: number }>((resolve, reject) => {
					const open = indexedDB.open('common-ground-kiosk');
					open.onerror = () => reject(open.error);
					open.onsuccess = () => {
						const tx = open.result.transaction(['queue', 'chunks']);
						const items = tx.objectStore('queue').count();
						const chunks = tx.objectStore('chunks').getAll();
						tx.oncomplete = () => {
							const all = chunks.result as { sealed: ArrayBuffer }[];
							resolve({ items: items.result, bytes: all.reduce((sum, c) => sum + c.sealed.byteLength, 0) });
							open.result.close();
						};
					};
				})
		);
		await context.close();
		if (sealed.items !== 1 || sealed.bytes === 0)
			return fail(`expected one sealed recording, found ${sealed.items} items of ${sealed.bytes} bytes`);
		return [
			{
				name: NAME,
				value: Math.round((sealed.bytes / 1000 / (SECONDS / 60)) * 10) / 10,
				unit: 'KB per minute (sealed, headless Chromium)',
				goal: '≤ 240'
			}
		];
	} catch (error) {
		return fail(error);
	} finally {
		if (running) await app.stop();
		await browser.close();
	}
}
