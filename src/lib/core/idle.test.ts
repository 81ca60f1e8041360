import { describe, expect, it } from 'vitest';
import { idlePhase } from './idle';

const config = { warningSeconds: 90, endSeconds: 120 };

describe('idlePhase', () => {
	it('is active until the warning, counts down through it, then ends', () => {
		expect(idlePhase({ idleMs: 0, ...config })).toEqual({ phase: 'active' });
		expect(idlePhase({ idleMs: 89_999, ...config })).toEqual({ phase: 'active' });
		expect(idlePhase({ idleMs: 90_000, ...config })).toEqual({ phase: 'warning', secondsLeft: 30 });
		expect(idlePhase({ idleMs: 119_001, ...config })).toEqual({ phase: 'warning', secondsLeft: 1 });
		expect(idlePhase({ idleMs: 120_000, ...config })).toEqual({ phase: 'ended' });
	});

	it('treats a clock that went backwards as fresh activity', () => {
		expect(idlePhase({ idleMs: -5_000, ...config })).toEqual({ phase: 'active' });
	});
});
