import { describe, expect, it } from 'vitest';
import { inRoom, parseRoomPeerId, roomPeerId } from './room-peer-id';

const conversationId = '0b6f3c1e-9c7a-4a55-8f0e-2d1f7c9e4a10';
const userId = 'a3d2e1f0-1111-4222-8333-944455556666';

describe('room peer ids', () => {
	it('round-trips a conversation and a person', () => {
		const id = roomPeerId({ conversationId, userId });
		expect(id).toMatch(/^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/); // PeerJS's own id rule
		expect(parseRoomPeerId(id)).toEqual({ conversationId, userId });
		expect(inRoom(id, conversationId)).toBe(true);
		expect(inRoom(id, 'another-room')).toBe(false);
	});

	it.each(['', 'cg', `cg_${conversationId}`, `xx_${conversationId}_${userId}`, `cg_a_b_c`, 'cg__x', 'cg_a--b_c'])(
		'rejects %j',
		(id) => expect(parseRoomPeerId(id)).toBeUndefined()
	);

	it('refuses ids that would make an ambiguous peer id', () => {
		expect(() => roomPeerId({ conversationId: 'a_b', userId })).toThrow();
	});
});
