import { describe, expect, it } from 'vitest';
import { describeAudit, lighthouseFigures, routeAudit, type LighthouseResult } from './lighthouse-result';

const scored: LighthouseResult = {
	categories: { accessibility: { score: 0.97 }, 'best-practices': { score: 1 } },
	audits: {
		'color-contrast': { id: 'color-contrast', score: 0, scoreDisplayMode: 'binary' },
		'bf-cache': { id: 'bf-cache', score: 0, scoreDisplayMode: 'informative' }
	}
};
// What Lighthouse answers for a page that never painted: no scores, and a runtime error.
const unloaded: LighthouseResult = {
	runtimeError: { code: 'NO_FCP', message: 'The page did not paint any content.' },
	categories: { accessibility: { score: null }, 'best-practices': { score: null } },
	audits: {}
};

describe('Lighthouse rows (issue #14: a page that failed to audit showed as a score of 0)', () => {
	it('scores an audited page and names its failed audits', () => {
		expect(routeAudit('/', scored)).toEqual({
			route: '/',
			accessibility: 97,
			bestPractices: 100,
			failed: ['color-contrast']
		});
	});

	it('reports a page that could not be audited as an error, never as 0', () => {
		const audit = routeAudit('/signup', unloaded);
		expect(audit).toEqual({ route: '/signup', error: 'NO_FCP: The page did not paint any content.' });
		expect(describeAudit(audit)).toBe(
			'/signup: could not be audited (NO_FCP: The page did not paint any content.)'
		);
		expect(routeAudit('/x', { categories: {}, audits: {} })).toMatchObject({ error: expect.any(String) });
		expect(routeAudit('/x', undefined)).toMatchObject({ error: 'Lighthouse returned no result' });
	});

	it('keeps the minimum over the audited pages, and carries the error into both figures', () => {
		const figures = lighthouseFigures([routeAudit('/', scored), routeAudit('/signup', unloaded)]);
		expect(figures.map((f) => [f.name, f.value])).toEqual([
			['lighthouse_accessibility_min', 97],
			['lighthouse_best_practices_min', 100]
		]);
		for (const f of figures)
			expect(f.error).toBe('could not audit /signup (NO_FCP: The page did not paint any content.)');
		expect(lighthouseFigures([routeAudit('/', scored)]).every((f) => f.error === undefined)).toBe(true);
	});
});
