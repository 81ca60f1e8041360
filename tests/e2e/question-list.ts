import { chromium, type Browser, type Page } from '@playwright/test';
import * as Y from 'yjs';
import { readList } from '../../src/lib/sync/question-doc';
import { seedDemo, type DemoOutput } from './demo';
import { expect, test } from './fixtures';
import { endAfterTest } from './processes';
import type { AppServer } from './server';

/** Helpers of the question-list journeys (issues #4 and #14). */

export async function signedInPage(browser: Browser, signInUrl: string): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	await page.goto(signInUrl);
	await expect(page.getByTestId('signed-in')).toBeVisible();
	return page;
}

export async function openList(page: Page, app: AppServer, conversationId: string) {
	await page.goto(`${app.url}/conversations/${conversationId}/questions`);
	await expect(page.getByTestId('questions-sync-status')).toHaveText(/Synced/);
}

export const texts = (page: Page) => page.getByTestId('question-text');

/**
 * The first demo conversation's two partners, each signed in with the list open: in two contexts
 * of `browser`, or Ben in `benBrowser` when given (a second Chromium of his own).
 */
export async function partners(app: AppServer, browser: Browser, benBrowser: Browser = browser) {
	const demo: DemoOutput = seedDemo(app);
	const conversation = demo.conversations[0]!;
	const [ana, ben] = conversation.participantIds.map((id) => demo.participants.find((p) => p.id === id)!);
	const anaPage = await signedInPage(browser, ana!.signInUrl);
	const benPage = await signedInPage(benBrowser, ben!.signInUrl);
	await openList(anaPage, app, conversation.id);
	await openList(benPage, app, conversation.id);
	return { demo, conversation, ana: ana!, ben: ben!, anaPage, benPage };
}

export async function addOwn(page: Page, text: string) {
	await page.getByLabel('Your question').fill(text);
	await page.getByRole('button', { name: 'Add question' }).click();
}

/** Another Chromium, launched like the test's own, and closed when the test ends. */
export async function anotherBrowser(): Promise<Browser> {
	const browser = await chromium.launch(test.info().project.use.launchOptions);
	const forget = endAfterTest(() => browser.close());
	browser.on('disconnected', forget);
	return browser;
}

/** The wordings of a conversation's question list as the server stored them (log and snapshot). */
export function storedWordings(app: AppServer, conversationId: string): string[] {
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
	return readList(doc).questions.map((q) => q.text);
}
