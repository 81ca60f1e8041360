import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Presses Tab (only Tab) until `target` has the focus, as a keyboard user would, and checks that the
 * focus is visible there: an outline or a focus ring of at least 2 px. Fails if Tab never gets there.
 */
export async function tabTo(page: Page, target: Locator, { max = 80 } = {}) {
	// A control that isn't there fails here, not after 80 Tabs each waiting for it.
	await expect(target, 'the control to Tab to is on the page').toBeAttached();
	for (let i = 0; i < max; i++) {
		await page.keyboard.press('Tab');
		if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) {
			await expectVisibleFocus(target);
			return;
		}
	}
	throw new Error(`Tab never reached ${target.toString()} in ${max} presses.`);
}

export async function expectVisibleFocus(target: Locator) {
	const ring = await target.evaluate((el) => {
		const style = getComputedStyle(el);
		return {
			outline: style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0,
			shadow: style.boxShadow !== 'none'
		};
	});
	expect(ring.outline >= 2 || ring.shadow, 'the focused element shows a focus indicator').toBe(true);
}

/** Every control a finger or pointer uses is at least 44 × 44 CSS px (checkboxes and radios by their label). */
export async function expectTouchTargets(page: Page) {
	const small = await page.evaluate(() => {
		const targets = document.querySelectorAll<HTMLElement>(
			'main button, main a[href]:not(p a), main select, main textarea, main input:not([type=radio]):not([type=checkbox]):not([type=hidden]), main label:has(input[type=radio]), main label:has(input[type=checkbox]), header button, header a[href]'
		);
		return Array.from(targets)
			.filter((el) => el.offsetParent !== null)
			.map((el) => ({ el, box: el.getBoundingClientRect() }))
			.filter(({ box }) => box.height < 44 || box.width < 44)
			.map(
				({ el, box }) =>
					`${el.tagName.toLowerCase()} "${el.textContent?.trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`
			);
	});
	expect(small, 'touch targets smaller than 44 px').toEqual([]);
}

/** Nothing needs sideways scrolling: what WCAG 1.4.10 asks of a page zoomed to 200% (or 400%). */
export async function expectNoHorizontalScroll(page: Page) {
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	expect(overflow, 'pixels of content beyond the right edge').toBeLessThanOrEqual(0);
}
