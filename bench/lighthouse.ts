import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { seedDemo } from '../tests/e2e/demo';
import type { AppServer } from '../tests/e2e/server';
import type { Figure } from './figure';
import { lighthouseFigures, routeAudit, type RouteAudit } from './lighthouse-result';

/** The main routes a person meets without an account (issue #8). */
export const LIGHTHOUSE_ROUTES = ['/', '/signin', '/signup', '/welcome'];

type Who = 'participant' | 'coordinator';
/**
 * The main routes behind a sign-in (issue #8): the participant's home with the partner's profile,
 * their conversations, the question list and the page after the conversation (consent); the
 * coordinator's console and the kiosks page. `:id` is the demo conversation.
 */
export const SIGNED_IN_ROUTES: { route: string; as: Who }[] = [
	{ route: '/conversation', as: 'participant' },
	{ route: '/conversations', as: 'participant' },
	{ route: '/conversations/:id/questions', as: 'participant' },
	{ route: '/conversations/:id', as: 'participant' },
	{ route: '/coordinator', as: 'coordinator' },
	{ route: '/kiosks', as: 'coordinator' }
];

/** Signs in through the real API with an emailed link's token and returns the session cookie. */
async function sessionCookie(url: string, signInUrl: string): Promise<string> {
	const token = new URL(signInUrl).searchParams.get('token');
	if (!token) throw new Error(`No token in the sign-in link ${signInUrl}.`);
	const res = await fetch(`${url}/api/auth/link`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: url },
		body: JSON.stringify({ token })
	});
	const cookie = res.headers.get('set-cookie')?.split(';')[0];
	if (!res.ok || !cookie)
		throw new Error(`Signing in for Lighthouse failed: ${res.status} ${await res.text()}`);
	return cookie;
}

/** Seeds the demo community and signs a participant and the coordinator in. */
async function signedInRoutes(app: AppServer) {
	const demo = seedDemo(app);
	const conversation = demo.conversations[0];
	const participant = demo.participants.find((p) => p.id === conversation?.participantIds[0]);
	if (!conversation || !participant) throw new Error('The demo data has no conversation.');
	const cookies: Record<Who, string> = {
		participant: await sessionCookie(app.url, participant.signInUrl),
		coordinator: await sessionCookie(app.url, demo.coordinator.signInUrl)
	};
	return SIGNED_IN_ROUTES.map(({ route, as }) => ({
		route: route.replace(':id', conversation.id),
		label: `${route} (${as})`,
		headers: { Cookie: cookies[as] }
	}));
}

/**
 * Lighthouse 12.2 (the last line that runs on Node 20) against each main route in Debian's Chromium
 * (signed-in routes with a real session cookie),
 * with the accessibility and best-practices categories only. Returns the lowest score of each, so a
 * single weak page shows, and names the audits that failed.
 */
export async function lighthouseScores({
	app
}: {
	app: AppServer;
}): Promise<{ figures: Figure[]; details: RouteAudit[] }> {
	const url = app.url;
	const routes = [
		...LIGHTHOUSE_ROUTES.map((route) => ({ route, label: route, headers: {} })),
		...(await signedInRoutes(app))
	];
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
	const details: RouteAudit[] = [];
	try {
		for (const { route, label, headers } of routes) {
			try {
				const result = await lighthouse(`${url}${route}`, {
					port: chrome.port,
					extraHeaders: headers,
					output: 'json',
					logLevel: 'error',
					onlyCategories: ['accessibility', 'best-practices']
				});
				details.push(routeAudit(label, result?.lhr));
			} catch (error) {
				// One page Lighthouse chokes on is that page's error; the other pages are still audited.
				details.push({ route: label, error: (error as Error).message });
			}
		}
	} finally {
		await chrome.kill();
	}
	return { details, figures: lighthouseFigures(details) };
}
