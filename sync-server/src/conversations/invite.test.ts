import { describe, expect, it } from 'vitest';
import { conversationInvite } from './invite.ts';

const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '');

describe('conversationInvite', () => {
	it('holds the whole session in the calendar: 90 minutes for a 40-minute conversation (issue #14)', () => {
		const ics = unfold(
			conversationInvite({
				conversationId: 'c1',
				start: new Date('2026-11-04T00:00:00.000Z'),
				minutes: 40,
				partnerFirstName: 'Tom',
				room: 'https://talk.example.org/conversations/c1/room',
				publicUrl: 'https://talk.example.org',
				sequence: 0,
				language: 'en'
			}).content
		);
		expect(ics).toContain('DTSTART:20261104T000000Z');
		expect(ics).toContain('DTEND:20261104T013000Z');
		expect(ics).toContain('UID:c1@talk.example.org');
	});
});
