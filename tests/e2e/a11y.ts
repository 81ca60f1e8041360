import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** WCAG 2.2 A/AA rule tags (issue #8). */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** Fails with a readable list when axe-core finds any WCAG 2.2 A/AA violation on the page as it is now. */
export async function expectNoAxeViolations(page: Page, state: string) {
	const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
	const summary = results.violations.map(
		(v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
	);
	expect(summary, `axe-core violations on ${state}`).toEqual([]);
}

/** Opens the app in a language before any script runs (Paraglide keeps the choice in localStorage). */
export async function useLanguage(page: Page, locale: 'en' | 'es') {
	await page.addInitScript((value) => localStorage.setItem('PARAGLIDE_LOCALE', value), locale);
}

/**
 * With `prefers-reduced-motion: reduce` (WCAG 2.3.3), nothing on the page animates or transitions,
 * pseudo-elements included, and nothing scrolls smoothly. Fails with the elements that still move.
 */
export async function expectNoMotion(page: Page, state: string) {
	const moving = await page.evaluate(() => {
		const seconds = (list: string) => Math.max(...list.split(',').map((d) => parseFloat(d) || 0));
		const found: string[] = [];
		for (const el of Array.from(document.querySelectorAll('*'))) {
			for (const pseudo of [null, '::before', '::after']) {
				const style = getComputedStyle(el, pseudo);
				const animated = style.animationName !== 'none' && seconds(style.animationDuration) > 0;
				const transition = seconds(style.transitionDuration) > 0;
				const smooth = style.scrollBehavior === 'smooth';
				if (animated || transition || smooth)
					found.push(`${el.tagName.toLowerCase()}${pseudo ?? ''}.${el.className}`);
			}
		}
		return found;
	});
	expect(moving, `elements that move under prefers-reduced-motion on ${state}`).toEqual([]);
}
