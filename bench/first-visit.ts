import { chromium } from 'playwright-core';
import type { Figure } from './figure';

const BUDGET_KB = 100;

/**
 * Bytes on the wire (compressed bodies) of the HTML, JS and CSS a first visit to /signup downloads
 * before the questionnaire can be used, in a fresh Chromium profile. The service worker's background
 * precache after that point is not counted: the person is already filling in the form.
 */
export async function firstVisit({ url }: { url: string }): Promise<Figure[]> {
	const browser = await chromium.launch({
		executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update']
	});
	try {
		const context = await browser.newContext({ serviceWorkers: 'block' });
		const page = await context.newPage();
		const finished: Promise<number>[] = [];
		let counting = true;
		page.on('requestfinished', (request) => {
			if (!counting || !['document', 'script', 'stylesheet'].includes(request.resourceType())) return;
			finished.push(request.sizes().then((s) => s.responseBodySize));
		});
		await page.goto(`${url}/signup`);
		await page.getByLabel('First name').waitFor();
		counting = false;
		const bytes = (await Promise.all(finished)).reduce((a, b) => a + b, 0);
		const kb = Math.round((bytes / 1024) * 10) / 10;
		return [
			{ name: 'first_visit_kb', value: kb, unit: 'KB', goal: `≤ ${BUDGET_KB} KB` },
			{
				name: 'first_visit_vs_budget_ratio',
				value: Math.round((kb / BUDGET_KB) * 100) / 100,
				unit: 'ratio',
				goal: '≤ 1'
			},
			{ name: 'first_visit_requests', value: finished.length, unit: 'requests' }
		];
	} finally {
		await browser.close();
	}
}
