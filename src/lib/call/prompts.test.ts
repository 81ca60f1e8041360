import { describe, expect, it } from 'vitest';
import { arrayPromptSource } from './prompts';

describe('arrayPromptSource', () => {
	it('lists the prompts in order and tells listeners about check-offs', () => {
		const source = arrayPromptSource([
			{ id: 'q1', text: 'Who raised you?' },
			{ id: 'q2', text: 'What do you hope for?' }
		]);
		let calls = 0;
		const stop = source.subscribe(() => (calls += 1));
		source.setAsked('q2', { asked: true, atServerMs: 10 });
		source.setAsked('unknown', { asked: true, atServerMs: 11 });
		expect(source.list().map((p) => p.id)).toEqual(['q1', 'q2']);
		expect(source.checks()).toEqual({ q2: { asked: true, atServerMs: 10 } });
		expect(calls).toBe(1);
		stop();
		source.setAsked('q1', { asked: true, atServerMs: 12 });
		expect(calls).toBe(1);
	});
});
