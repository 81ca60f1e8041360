import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../../src/lib/contracts/live.ts';
import { createLiveHub } from './hub.ts';

describe('the live hub', () => {
	it('delivers an event to each stream of the people named, once, and to nobody else', () => {
		const hub = createLiveHub();
		const got: string[] = [];
		const stopA1 = hub.subscribe('ana', (e) => got.push(`ana1:${e.topic}`));
		hub.subscribe('ana', (e) => got.push(`ana2:${e.topic}`));
		hub.subscribe('eve', (e) => got.push(`eve:${e.topic}`));
		const event: LiveEvent = { topic: 'consent', conversationId: 'c1' };
		hub.publish(['ana', 'ben', 'ana'], event);
		expect(got).toEqual(['ana1:consent', 'ana2:consent']);
		stopA1();
		expect(hub.listeners('ana')).toBe(1);
		hub.publish(['ana'], { topic: 'copy', conversationId: 'c1' });
		expect(got.at(-1)).toBe('ana2:copy');
		expect(got).toHaveLength(3);
	});

	it('a stream stopped twice does not cut off a stream opened in between', () => {
		const hub = createLiveHub();
		const got: string[] = [];
		const stopOld = hub.subscribe('ana', () => got.push('old'));
		stopOld();
		hub.subscribe('ana', (e) => got.push(`new:${e.topic}`));
		stopOld();
		hub.publish(['ana'], { topic: 'consent', conversationId: 'c1' });
		expect(got).toEqual(['new:consent']);
		expect(hub.listeners('ana')).toBe(1);
	});
});
