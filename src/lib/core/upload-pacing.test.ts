import { describe, expect, it } from 'vitest';
import { PACING, pacingDelayMs, uploadBudgetBps, type LinkReading } from './upload-pacing';

const at = 50_000;
const reading = (over: Partial<LinkReading>): LinkReading => ({
	availableBps: 300_000,
	callSendBps: 30_000,
	fractionLost: 0,
	at,
	...over
});

describe('pacing the upload during the call', () => {
	it.each([
		['30% of what the call leaves over', reading({}), 81_000],
		[
			'a 1 Mbit/s uplink with the call on it',
			reading({ availableBps: 1_000_000, callSendBps: 25_000 }),
			292_500
		],
		[
			'nothing while less than 40 kbps is left over',
			reading({ availableBps: 65_000, callSendBps: 30_000 }),
			0
		],
		['nothing while the partner loses packets', reading({ fractionLost: 0.05 }), 0],
		['some loss is tolerated', reading({ fractionLost: 0.01 }), 81_000],
		['a modest fixed rate with no estimate', reading({ availableBps: undefined }), PACING.unknownBps],
		['no estimate but loss: still wait', reading({ availableBps: undefined, fractionLost: 0.2 }), 0]
	])('%s', (_name, r, expected) => {
		expect(uploadBudgetBps(r, at + 1_000)).toBe(expected);
	});

	it('uses the modest fixed rate with no reading at all, or one too old to trust', () => {
		expect(uploadBudgetBps(undefined, at)).toBe(PACING.unknownBps);
		expect(uploadBudgetBps(reading({ fractionLost: 0.5 }), at + PACING.staleMs + 1)).toBe(PACING.unknownBps);
	});

	it('spreads a chunk over the time the budget allows', () => {
		expect(pacingDelayMs(32 * 1024, 32_000)).toBeCloseTo(8_192, 6);
		expect(pacingDelayMs(1000, 0)).toBe(Infinity);
	});
});
