import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expectNoAxeViolations } from './a11y';
import { seedDemo } from './demo';
import { expect, test } from './fixtures';
import { addOwn, openList, partners, signedInPage, texts } from './question-list';
import type { AppServer } from './server';

/**
 * Issue #4 journeys, two browser contexts each: a live edit shows on the other side; offline and
 * online edits converge; a server restart loses nothing; a stranger cannot open the list.
 */

test('a live edit shows up on the other side, and both approvals make a question agreed', async ({
	app,
	browser
}) => {
	test.setTimeout(120_000);
	const { ana, anaPage, benPage } = await partners(app, browser);
	await expect(benPage.getByTestId('presence')).toContainText(ana.firstName);

	await anaPage.getByLabel('Search the bank').fill('influential');
	await anaPage.getByRole('button', { name: /Add to the list: Who has been the most influential/ }).click();
	await expect(texts(benPage)).toHaveText([/most influential person/]);
	await addOwn(benPage, 'What does a good neighbor do?');
	await expect(texts(anaPage)).toHaveText([/most influential person/, 'What does a good neighbor do?']);

	// Reorder by keyboard on one side; the other side follows.
	await benPage.getByRole('button', { name: 'Move question 2 up' }).click();
	await expect(texts(anaPage)).toHaveText(['What does a good neighbor do?', /most influential person/]);

	// Both approve: agreed. Editing the wording clears both approvals.
	for (const page of [anaPage, benPage]) {
		await page.getByTestId('question').first().getByLabel('I approve this wording').check();
	}
	await expect(anaPage.getByTestId('question-state').first()).toHaveText('Agreed');
	await expect(benPage.getByTestId('agreed-count')).toHaveText('1 of 2 questions agreed');
	await anaPage.getByTestId('question').first().getByRole('button', { name: 'Edit wording' }).click();
	await expect(benPage.getByTestId('question').first()).toContainText(`${ana.firstName} is editing`);
	await anaPage.getByLabel('Wording of question 1').fill('What does a good neighbor do for you?');
	await anaPage.getByRole('button', { name: 'Save wording' }).click();
	await expect(texts(benPage).first()).toHaveText('What does a good neighbor do for you?');
	await expect(benPage.getByTestId('question-state').first()).toHaveText('Waiting for approval');

	// Agree again, and say ready on both sides.
	for (const page of [anaPage, benPage]) {
		await page.getByTestId('question').first().getByLabel('I approve this wording').check();
	}
	await expect(benPage.getByTestId('question-state').first()).toHaveText('Agreed');
	for (const page of [anaPage, benPage]) {
		await page.getByLabel('I am ready to record with these questions').check();
	}
	await expect(anaPage.getByTestId('ready-state')).toHaveText('You are both ready to record.');
	await expectNoAxeViolations(anaPage, 'question list with questions');
});

test('one side edits offline while the other edits online; both converge after reconnecting', async ({
	app,
	browser
}) => {
	test.setTimeout(120_000);
	const { anaPage, benPage } = await partners(app, browser);
	// The service worker installed while signing in controls this page, so it can reload offline.
	await anaPage.waitForFunction(() => navigator.serviceWorker.controller !== null);
	await addOwn(anaPage, 'Where did you grow up?');
	await expect(texts(benPage)).toHaveText(['Where did you grow up?']);

	await anaPage.context().setOffline(true);
	await addOwn(anaPage, 'What do you do on Sundays?');
	await expect(anaPage.getByTestId('questions-sync-status')).toHaveText(
		'Saved on this device. It will sync when you are back online.'
	);
	// Offline, a reload still has the edit: it lives on the device.
	await anaPage.reload();
	await expect(texts(anaPage)).toHaveText(['Where did you grow up?', 'What do you do on Sundays?']);
	await anaPage.getByLabel('I approve this wording').first().check();

	await addOwn(benPage, 'What is your favorite meal?');
	await expect(texts(benPage)).toHaveText(['Where did you grow up?', 'What is your favorite meal?']);

	await anaPage.context().setOffline(false);
	const all = ['Where did you grow up?', 'What do you do on Sundays?', 'What is your favorite meal?'];
	for (const page of [anaPage, benPage]) await expect(texts(page)).toHaveCount(3);
	await expect(anaPage.getByTestId('questions-sync-status')).toHaveText(/Synced/);
	const anaList = await texts(anaPage).allTextContents();
	await expect(texts(benPage)).toHaveText(anaList);
	expect([...anaList].sort()).toEqual([...all].sort());
	await expect(benPage.getByTestId('question').first()).toContainText('Approved by: ');
});

test('after a server restart, nothing is lost and both sides carry on', async ({ app, browser }) => {
	test.setTimeout(120_000);
	const { conversation, anaPage, benPage } = await partners(app, browser);
	await addOwn(anaPage, 'Who taught you to cook?');
	await expect(anaPage.getByTestId('questions-sync-status')).toHaveText(/Synced/);
	await expect(texts(benPage)).toHaveText(['Who taught you to cook?']);

	await app.stop();
	await expect(benPage.getByTestId('questions-sync-status')).not.toHaveText(/Synced/);
	await addOwn(benPage, 'What did your town look like when you were young?');
	await app.start();

	const both = ['Who taught you to cook?', 'What did your town look like when you were young?'];
	await expect(texts(anaPage)).toHaveText(both, { timeout: 30_000 });
	await expect(benPage.getByTestId('questions-sync-status')).toHaveText(/Synced/, { timeout: 30_000 });
	// A new device, with nothing stored on it, gets the whole list from the restarted server.
	const again = seedDemo(app);
	const anaAgain = again.participants.find((p) => p.id === conversation.participantIds[0])!;
	const newDevice = await signedInPage(browser, anaAgain.signInUrl);
	await openList(newDevice, app, conversation.id);
	await expect(texts(newDevice)).toHaveText(both);
});

test('a signed-in participant of another conversation cannot open the list', async ({ app, browser }) => {
	const demo = seedDemo(app);
	const conversation = demo.conversations[0]!;
	const [stranger, strangersPartner] = demo.participants.filter(
		(p) => !conversation.participantIds.includes(p.id)
	);
	otherConversation(app, [stranger!.id, strangersPartner!.id]);

	const page = await signedInPage(browser, stranger!.signInUrl);
	await page.goto(`${app.url}/conversations/${conversation.id}/questions`);
	await expect(page.getByTestId('questions-error')).toContainText('does not exist, or it is not yours');
	await expectNoAxeViolations(page, 'question list refused');

	// The socket refuses too, with a permanent close code.
	const code = await page.evaluate(
		(doc) =>
			new Promise<number>((resolve) => {
				const socket = new WebSocket(`ws://${location.host}/yjs/${doc}`);
				socket.onclose = (event) => resolve(event.code);
			}),
		`questions-${conversation.id}`
	);
	expect(code).toBe(4403);
});

/** A second conversation, written straight to the test server's database. */
function otherConversation(app: AppServer, participantIds: [string, string]) {
	const db = new Database(join(app.dataDir, 'common-ground.sqlite'));
	try {
		db.pragma('busy_timeout = 5000');
		const community = db.prepare('select id from communities limit 1').get() as { id: string };
		const now = new Date().toISOString();
		db.prepare(
			`insert into conversations (id, community_id, participant_a_id, participant_b_id, created_at, updated_at)
			 values (?, ?, ?, ?, ?, ?)`
		).run(randomUUID(), community.id, participantIds[0], participantIds[1], now, now);
	} finally {
		db.close();
	}
}
