import type { Env } from '../env.ts';
import type { MailAttachment, NewOutboxMessage } from '../store/types.ts';
import { textToHtml } from './templates.ts';

/**
 * Emails of matching and scheduling. They name the partner by first name only (DESIGN.md, "Privacy
 * rules") and always link back to the app, where the details live.
 */

const mail = (to: string, subject: string, lines: string[], extra: Partial<NewOutboxMessage> = {}) => {
	const text = [...lines, '', 'Common Ground'].join('\n');
	return { to, subject, text, html: textToHtml(text), ...extra };
};

export function matchProposedEmail({ to, firstName, env }: { to: string; firstName: string; env: Env }) {
	return mail(to, 'You have a conversation partner', [
		`Hi ${firstName},`,
		'',
		'We found someone for you to talk with: different views, something in common, and time free at the same hours.',
		'Read their short story, then accept or decline:',
		`${env.publicUrl}/conversation`
	]);
}

const UPDATE_LINES = {
	accepted: (partner: string) => `${partner} accepted your match. Once you have both accepted, pick a time.`,
	declined: (partner: string) =>
		`${partner} declined this match. You are back in the pool, first in line for the next one.`,
	time_proposed: (partner: string) =>
		`${partner} picked a time for your conversation. Confirm it, or pick another.`,
	rescheduled: (partner: string) => `${partner} needs another time. Pick a new one together.`,
	cancelled: (partner: string) =>
		`${partner} cancelled your conversation. You are back in the pool, first in line for the next match.`
} as const;

export function partnerUpdateEmail(input: {
	to: string;
	firstName: string;
	partnerFirstName: string;
	about: keyof typeof UPDATE_LINES;
	env: Env;
}) {
	return mail(to(input), 'News about your Common Ground conversation', [
		`Hi ${input.firstName},`,
		'',
		UPDATE_LINES[input.about](input.partnerFirstName),
		`${input.env.publicUrl}/conversation`
	]);
}
const to = (input: { to: string }) => input.to;

export function invitationEmail(input: {
	to: string;
	firstName: string;
	partnerFirstName: string;
	when: string;
	roomUrl: string;
	ics: MailAttachment;
}) {
	return mail(
		input.to,
		`Your conversation with ${input.partnerFirstName}: ${input.when}`,
		[
			`Hi ${input.firstName},`,
			'',
			`You and ${input.partnerFirstName} agreed on a time: ${input.when}.`,
			'The calendar invite is attached. At the time, open the conversation room:',
			input.roomUrl,
			'',
			'We will remind you a day before and an hour before.'
		],
		{ attachments: [input.ics] }
	);
}

export function reminderEmail(input: {
	to: string;
	firstName: string;
	partnerFirstName: string;
	when: string;
	roomUrl: string;
	lead: '24 hours' | '1 hour';
	sendAfter: string;
	cancelKey: string;
}) {
	return mail(
		input.to,
		`Reminder: your conversation with ${input.partnerFirstName} is in ${input.lead}`,
		[
			`Hi ${input.firstName},`,
			'',
			`Your conversation with ${input.partnerFirstName} starts ${input.when}.`,
			'Find a quiet place and open the conversation room a few minutes early:',
			input.roomUrl
		],
		{ sendAfter: input.sendAfter, cancelKey: input.cancelKey }
	);
}

export function staffInviteEmail(input: {
	to: string;
	firstName: string;
	organizationName: string;
	signInUrl: string;
}) {
	return mail(input.to, `Your Common Ground account for ${input.organizationName}`, [
		`Hi ${input.firstName},`,
		'',
		`A coordinator created a Common Ground account for you as staff of ${input.organizationName}.`,
		'Open this link to sign in and see how your people are doing:',
		input.signInUrl
	]);
}
