import { describe, expect, it } from 'vitest';
import { isOwnTrackId, trackIdFor } from './track-id';

describe('track ids', () => {
	const ana = '0b7c5a52-3f7e-4f5e-9a51-1d2b3c4d5e6f';
	const ben = '9f8e7d6c-5b4a-4392-8170-a1b2c3d4e5f6';

	it('carry their owner, and only the owner’s id passes', () => {
		const id = trackIdFor('rec-1', ana);
		expect(isOwnTrackId(id, ana)).toBe(true);
		expect(isOwnTrackId(id, ben)).toBe(false);
	});

	it('refuse an id that is only the owner’s id, or an empty owner', () => {
		expect(isOwnTrackId(`_${ana}`, ana)).toBe(false);
		expect(isOwnTrackId('rec-1_', '')).toBe(false);
		expect(isOwnTrackId(`rec-1_${ana}x`, ana)).toBe(false);
	});
});
