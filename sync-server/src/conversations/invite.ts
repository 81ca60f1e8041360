import ical, { ICalCalendarMethod } from 'ical-generator';
import { mailText } from '../mail/catalog.ts';
import type { MailAttachment } from '../store/types.ts';
import { sessionMinutes } from '../../../src/lib/core/session-length.ts';

/** The room link in every invite (issue #3); the call itself is issue #5's. */
export function roomUrl(publicUrl: string, conversationId: string): string {
	return `${publicUrl}/conversations/${conversationId}/room`;
}

/**
 * The calendar invite for one participant. The UID is the conversation's, so a rescheduled invite
 * (higher SEQUENCE) replaces the old event in the person's calendar instead of adding a second one.
 */
export function conversationInvite(input: {
	conversationId: string;
	start: Date;
	/** The recorded conversation's length; the event lasts the whole session. */
	minutes: number;
	partnerFirstName: string;
	room: string;
	publicUrl: string;
	sequence: number;
	language: string;
}): MailAttachment {
	const t = mailText(input.language);
	const calendar = ical({ name: 'Common Ground', method: ICalCalendarMethod.PUBLISH });
	calendar.createEvent({
		id: `${input.conversationId}@${new URL(input.publicUrl).hostname}`,
		sequence: input.sequence,
		start: input.start,
		end: new Date(input.start.getTime() + sessionMinutes(input.minutes) * 60_000),
		summary: t.ics_summary(input.partnerFirstName),
		description: t.ics_description(input.room),
		location: input.room,
		url: input.room
	});
	return {
		filename: 'conversation.ics',
		contentType: 'text/calendar; charset=utf-8',
		content: calendar.toString()
	};
}
