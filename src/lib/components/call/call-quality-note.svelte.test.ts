import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, setLocale } from '$lib/paraglide/runtime.js';
import type { CallQuality } from '$lib/core/call-quality';
import CallQualityNote from './CallQualityNote.svelte';

/** The note as a person meets it: rendered by Svelte in Chromium, read back from the page. */
function render(quality: CallQuality) {
	const target = document.createElement('div');
	document.body.append(target);
	const note = mount(CallQualityNote, { target, props: { quality, name: 'Ben' } });
	flushSync();
	const region = target.querySelector('[data-testid="call-quality"]')!;
	return {
		region,
		text: region.textContent?.trim() ?? '',
		done: () => {
			void unmount(note);
			target.remove();
		}
	};
}

const before = getLocale();
afterEach(async () => {
	await setLocale(before, { reload: false });
});

describe('the call-quality note (issue #18)', () => {
	it('on a good link is an empty polite live region, there before anything is said', () => {
		const note = render({ level: 'good' });
		expect(note.region.getAttribute('role')).toBe('status');
		expect(note.region.getAttribute('aria-live')).toBeNull(); // role=status is polite already
		expect(note.text).toBe('');
		note.done();
	});

	it('says who may hear whom break up, and what to do', () => {
		const cases: [CallQuality, string][] = [
			[
				{ level: 'fair', who: 'heard', cause: 'weak_link' },
				'Ben may hear you break up now and then. If you are on Wi-Fi, move closer to the router.'
			],
			[
				{ level: 'poor', who: 'hearing', cause: 'weak_link' },
				'You may hear Ben break up. If you are on Wi-Fi, move closer to the router.'
			],
			[
				{ level: 'poor', who: 'both', cause: 'slow_uplink' },
				'You and Ben may hear each other break up. Your internet is busy. Close other apps and tabs that use it, like videos or downloads.'
			]
		];
		for (const [quality, said] of cases) {
			const note = render(quality);
			expect(note.text).toBe(said);
			expect(note.region.getAttribute('data-level')).toBe(quality.level);
			note.done();
		}
	});

	it('says a delay and an outage in words of their own', () => {
		const delay = render({ level: 'fair', who: 'both', cause: 'delay' });
		expect(delay.text).toMatch(/^Your voices reach each other late\./);
		delay.done();
		const lost = render({ level: 'lost', who: 'both', cause: 'outage' });
		expect(lost.text).toMatch(/^You can’t hear each other right now\..*your recording goes on\.$/);
		lost.done();
	});

	it('speaks Spanish as «usted»', async () => {
		await setLocale('es', { reload: false });
		const note = render({ level: 'fair', who: 'heard', cause: 'weak_link' });
		expect(note.text).toBe(
			'Puede que Ben le oiga a usted entrecortado de vez en cuando. Si usa wifi, acérquese al router.'
		);
		note.done();
	});
});
