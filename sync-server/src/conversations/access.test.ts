import { describe, expect, it } from 'vitest';
import { conversationAccess } from './access.ts';

const conversation = { participantIds: ['ada', 'ben'] as [string, string], facilitatorId: 'fay' };

describe('conversationAccess', () => {
	it.each([
		['the first participant', { userId: 'ada', role: 'participant' as const }, 'participant'],
		['the second participant', { userId: 'ben', role: 'participant' as const }, 'participant'],
		['its facilitator', { userId: 'fay', role: 'facilitator' as const }, 'facilitator'],
		['a coordinator', { userId: 'cora', role: 'coordinator' as const }, 'observer'],
		['another participant', { userId: 'zed', role: 'participant' as const }, 'none'],
		['another facilitator', { userId: 'fox', role: 'facilitator' as const }, 'none'],
		['partner-organization staff', { userId: 'pat', role: 'partner_staff' as const }, 'none'],
		['nobody signed in', undefined, 'none']
	])('%s → %s', (_who, user, expected) => {
		expect(conversationAccess(conversation, user)).toBe(expected);
	});
});
