import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import type { Figure } from './index';

/** The main routes a person meets without an account (issue #8); later issues add theirs here. */
export const LIGHTHOUSE_ROUTES = ['/', '/signin', '/signup', '/welcome'];

type Scores = { route: string; accessibility: number; bestPractices: number; failed: string[] };

/**
 * Lighthouse 12.2 (the last line that runs on Node 20) against each main route in Debian's Chromium,
 * with the accessibility and best-practices categories only. Returns the lowest score of each, so a
 * single weak page shows, and names the audits that failed.
 */
export async function lighthouseScores({
	url
}: {
	url: string;
}): Promise<{ figures: Figure[]; details: Scores[] }> {
	const chrome = await chromeLauncher.launch({
		chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
		chromeFlags: [
			'--headless=new',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run'
		]
	});
	const details: Scores[] = [];
	try {
		for (const route of LIGHTHOUSE_ROUTES) {
			const result = await lighthouse(`${url}${route}`, {
				port: chrome.port,
				output: 'json',
				logLevel: 'error',
				onlyCategories: ['accessibility', 'best-practices']
			});
			if (!result) throw new Error(`Lighthouse returned nothing for ${route}.`);
			const { categories, audits } = result.lhr;
			const failed = Object.values(audits)
				.filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative')
				.map((a) => a.id);
			details.push({
				route,
				accessibility: Math.round((categories.accessibility?.score ?? 0) * 100),
				bestPractices: Math.round((categories['best-practices']?.score ?? 0) * 100),
				failed
			});
		}
	} finally {
		await chrome.kill();
	}
	const min = (pick: (s: Scores) => number) => Math.min(...details.map(pick));
	return {
		details,
		figures: [
			{
				name: 'lighthouse_accessibility_min',
				value: min((s) => s.accessibility),
				unit: 'score',
				goal: '100'
			},
			{
				name: 'lighthouse_best_practices_min',
				value: min((s) => s.bestPractices),
				unit: 'score',
				goal: '≥ 95'
			}
		]
	};
}
