import type { Browser, Page } from '@playwright/test';
import * as Y from 'yjs';
import { timeCodedIndex } from '../../src/lib/sync/question-doc';
import {
	joinRoom,
	launchWithMic,
	readTrack,
	recordedHere,
	remoteVoices,
	signIn,
	waitForElapsed,
	stopRecording
} from './call-helpers';
import { seedDemo } from './demo';
import { expect, test } from './fixtures';
import type { AppServer } from './server';
import { speechWav } from './speech';

// No trace: its screencast competes with the real-time audio threads (see call.e2e.ts).
test.use({ trace: 'off' });

const QUESTIONS = ['What does a good neighbor do?', 'Who taught you the most about people?'];

test.describe('the room with agreed questions and a facilitator', () => {
	const browsers: Browser[] = [];
	test.afterEach(async () => {
		for (const b of browsers.splice(0)) await b.close();
	});

	test('the agreed questions are the prompts, a check-off reaches the partner through the shared list and is indexed, and the facilitator hears both without recording', async ({
		app,
		page: coordinator
	}) => {
		test.setTimeout(300_000);
		const demo = seedDemo(app);
		const conversation = demo.conversations[0]!;
		const [ada, ben] = conversation.participantIds.map((id) => demo.participants.find((p) => p.id === id)!);
		const roomUrl = `${app.url}/conversations/${conversation.id}/room`;

		// The coordinator makes the demo facilitator this conversation's facilitator (real API).
		await signIn(coordinator, demo.coordinator.signInUrl);
		await assignFacilitator(coordinator, conversation.id);

		const pages = {
			ada: await personIn(ada!.signInUrl, 'ada'),
			ben: await personIn(ben!.signInUrl, 'ben'),
			fay: await personIn(demo.facilitator.signInUrl, 'ada')
		};

		// The partners agree on two questions on the questions page (issue #4), through /yjs.
		for (const who of ['ada', 'ben'] as const) {
			await pages[who].goto(`${app.url}/conversations/${conversation.id}/questions`);
			await expect(pages[who].getByTestId('questions-sync-status')).toHaveText(/Synced/);
		}
		for (const text of QUESTIONS) {
			await pages.ada.getByLabel('Your question').fill(text);
			await pages.ada.getByRole('button', { name: 'Add question' }).click();
		}
		for (const who of ['ada', 'ben'] as const) {
			for (const item of await pages[who].getByTestId('question').all()) {
				await item.getByLabel('I approve this wording').check();
			}
		}
		for (const who of ['ada', 'ben'] as const) {
			await expect(pages[who].getByTestId('agreed-count')).toHaveText('2 of 2 questions agreed');
			await expect(pages[who].getByTestId('questions-sync-status')).toHaveText(/Synced/);
		}

		// All three join the room; the prompts are the agreed list, not the defaults.
		for (const who of ['ada', 'ben', 'fay'] as const) await joinRoom(pages[who], roomUrl);
		for (const who of ['ada', 'ben', 'fay'] as const) {
			const members = pages[who].getByTestId('member');
			await expect(members).toHaveCount(2);
			for (const member of await members.all()) {
				await expect(member).toHaveAttribute('data-link', 'connected', { timeout: 30_000 });
				await expect(member).toHaveAttribute('data-hearing', 'true', { timeout: 30_000 });
			}
			await expect(pages[who].getByTestId('prompts-source')).toHaveAttribute('data-from-list', 'true');
		}
		await pages.ada.getByRole('button', { name: 'Show all' }).click();
		await expect(pages.ada.getByRole('checkbox')).toHaveCount(2);
		await expect(pages.ada.getByLabel(/Tell me a little about yourself/)).toHaveCount(0);

		await pages.ada.getByRole('button', { name: 'I’m ready to record' }).click();
		await pages.ben.getByRole('button', { name: 'I’m ready to record' }).click();
		for (const who of ['ada', 'ben', 'fay'] as const) {
			await expect(pages[who].getByTestId('recording-state')).toHaveAttribute('data-state', 'recording');
		}

		// The facilitator hears both partners: live remote tracks carrying sound.
		const heard = await remoteVoices(pages.fay);
		expect(heard.map((v) => v.label).sort()).toEqual(
			[`Voice of ${ada!.firstName}`, `Voice of ${ben!.firstName}`].sort()
		);
		for (const voice of heard) {
			expect(voice.readyState, voice.label).toBe('live');
			expect(voice.peakRms, `${voice.label} carries sound`).toBeGreaterThan(0.01);
		}

		// Ada checks the second question off; Ben's page shows it checked, from the shared list.
		await waitForElapsed(pages.ada, 2_000);
		await pages.ada.getByLabel(new RegExp(QUESTIONS[1]!.replace('?', '\\?'))).check();
		await pages.ben.getByRole('button', { name: 'Show all' }).click();
		await expect(pages.ben.getByLabel(new RegExp(QUESTIONS[1]!.replace('?', '\\?')))).toBeChecked();
		await expect(pages.ben.getByLabel(new RegExp(QUESTIONS[0]!.replace('?', '\\?')))).not.toBeChecked();
		await pages.ben.getByRole('button', { name: 'Mark this moment' }).click();
		await expect(pages.ada.getByTestId('marks')).toContainText('Marked at');
		await waitForElapsed(pages.ada, 5_000);
		await stopRecording(pages.ben);
		for (const who of ['ada', 'ben', 'fay'] as const) {
			await expect(pages[who].getByTestId('recording-state')).toHaveAttribute('data-state', 'stopped');
		}
		// Stop made the conversation recorded on the server at once (issue #14), and the room says what is next.
		await expect
			.poll(
				() =>
					app.query<{ status: string }>('select status from conversations where id = ?', conversation.id)[0]
						?.status
			)
			.toBe('recorded');
		await expect(pages.ada.getByTestId('after-stop')).toBeVisible();
		await expect(pages.ada.getByRole('button', { name: 'I’m ready to record' })).toHaveCount(0);

		// Both tracks hold the check-off and the mark in their time-coded index, at one server time.
		const askedAt = new Set<number>();
		for (const who of ['ada', 'ben'] as const) {
			await expect.poll(async () => (await readTrack(pages[who], conversation.id))?.status).toBe('finished');
			const track = (await readTrack(pages[who], conversation.id))!;
			const questions = track.index.filter((e) => e.kind === 'question');
			expect(questions.map((q) => [q.text, q.asked])).toEqual([[QUESTIONS[1], true]]);
			askedAt.add(questions[0]!.atServerMs);
			expect(track.index.filter((e) => e.kind === 'mark')).toHaveLength(1);
		}
		expect(askedAt.size, 'both devices index the check-off at the time it was made').toBe(1);

		// The server's copy of the shared list holds the same index (what the archive's chapters use).
		await expect
			.poll(() => storedIndex(app, conversation.id).map((p) => (p.kind === 'question' ? p.text : p.kind)))
			.toEqual([QUESTIONS[1], 'mark']);
		expect(storedIndex(app, conversation.id)[0]?.atServerMs).toBe([...askedAt][0]);

		// The facilitator's device recorded nothing.
		expect(await recordedHere(pages.fay)).toEqual({ tracks: 0, segments: 0 });
	});

	async function personIn(signInUrl: string, voice: 'ada' | 'ben'): Promise<Page> {
		const browser = await launchWithMic(speechWav(voice));
		browsers.push(browser);
		const page = await (await browser.newContext()).newPage();
		await signIn(page, signInUrl);
		return page;
	}
});

async function assignFacilitator(page: Page, conversationId: string) {
	const status = await page.evaluate(async (conversationId) => {
		const facilitators = (await (await fetch('/api/coordinator/facilitators')).json()) as { id: string }[];
		const res = await fetch(`/api/coordinator/conversations/${conversationId}/facilitator`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ facilitatorId: facilitators[0]?.id })
		});
		return res.status;
	}, conversationId);
	expect(status).toBe(204);
}

function storedIndex(app: AppServer, conversationId: string) {
	const name = `questions-${conversationId}`;
	const doc = new Y.Doc();
	for (const row of app.query<{ state: Uint8Array }>(
		'SELECT state FROM yjs_snapshots WHERE doc_name = ?',
		name
	))
		Y.applyUpdate(doc, row.state);
	for (const row of app.query<{ update_data: Uint8Array }>(
		'SELECT update_data FROM yjs_updates WHERE doc_name = ? ORDER BY id',
		name
	))
		Y.applyUpdate(doc, row.update_data);
	return timeCodedIndex(doc);
}
