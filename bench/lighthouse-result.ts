import type { Figure } from './figure';

/** One route's audit: its scores, or why it could not be audited. */
export type RouteAudit =
	| { route: string; accessibility: number; bestPractices: number; failed: string[] }
	| { route: string; error: string };

/** The part of Lighthouse's result (LH.Result) read here. */
export interface LighthouseResult {
	runtimeError?: { code: string; message: string };
	categories: Record<string, { score: number | null } | undefined>;
	audits: Record<string, { id: string; score: number | null; scoreDisplayMode: string }>;
}

/**
 * A page Lighthouse could not load or score (a runtime error, a category without a score) is an
 * error, not a 0: a 0 read as "the page is inaccessible" and hid the real failure (issue #14).
 */
export function routeAudit(route: string, lhr: LighthouseResult | undefined): RouteAudit {
	if (!lhr) return { route, error: 'Lighthouse returned no result' };
	if (lhr.runtimeError) return { route, error: `${lhr.runtimeError.code}: ${lhr.runtimeError.message}` };
	const accessibility = lhr.categories.accessibility?.score;
	const bestPractices = lhr.categories['best-practices']?.score;
	if (accessibility == null || bestPractices == null)
		return { route, error: 'Lighthouse gave this page no accessibility or best-practices score' };
	const failed = Object.values(lhr.audits)
		.filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative')
		.map((a) => a.id);
	return {
		route,
		accessibility: Math.round(accessibility * 100),
		bestPractices: Math.round(bestPractices * 100),
		failed
	};
}

export function describeAudit(audit: RouteAudit): string {
	if ('error' in audit) return `${audit.route}: could not be audited (${audit.error})`;
	const failed = audit.failed.length ? ` (failed: ${audit.failed.join(', ')})` : '';
	return `${audit.route}: accessibility ${audit.accessibility}, best practices ${audit.bestPractices}${failed}`;
}

/** The lowest score of each category over the audited routes, with an error naming any route that was not. */
export function lighthouseFigures(audits: RouteAudit[]): Figure[] {
	const scored = audits.filter((a): a is Extract<RouteAudit, { failed: string[] }> => !('error' in a));
	const unscored = audits.filter((a) => 'error' in a);
	const error = unscored.length
		? `could not audit ${unscored.map((a) => `${a.route} (${a.error})`).join('; ')}`
		: undefined;
	const min = (pick: (a: (typeof scored)[number]) => number) =>
		scored.length ? Math.min(...scored.map(pick)) : Number.NaN;
	const figure = (name: string, value: number, goal: string): Figure => ({
		name,
		value,
		unit: 'score',
		goal,
		...(error ? { error } : {})
	});
	return [
		figure(
			'lighthouse_accessibility_min',
			min((a) => a.accessibility),
			'100'
		),
		figure(
			'lighthouse_best_practices_min',
			min((a) => a.bestPractices),
			'≥ 95'
		)
	];
}
