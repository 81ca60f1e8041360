import { describe, expect, it } from 'vitest';
import { shouldSendStart } from './recording-start';

const participants = ['cg_c_b', 'cg_c_a'];

describe('shouldSendStart', () => {
	it.each([
		['the lower id, both ready', 'cg_c_a', ['cg_c_a', 'cg_c_b'], false, true],
		['the higher id, both ready', 'cg_c_b', ['cg_c_a', 'cg_c_b'], false, false],
		['the lower id, partner not ready', 'cg_c_a', ['cg_c_a'], false, false],
		['the lower id, already recording', 'cg_c_a', ['cg_c_a', 'cg_c_b'], true, false],
		['the facilitator', 'cg_c_0', ['cg_c_a', 'cg_c_b', 'cg_c_0'], false, false]
	])('%s → %s', (_case, myPeerId, ready, recording, expected) => {
		expect(shouldSendStart({ myPeerId, participantPeerIds: participants, ready: new Set(ready), recording })).toBe(expected);
	});
});
