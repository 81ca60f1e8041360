import type { Env } from '../env.ts';
import type { MailAttachment, NewOutboxMessage } from '../store/types.ts';
import { mailText, type MailCatalog } from './catalog.ts';
import { textToHtml } from './templates.ts';

/**
 * Emails of matching and scheduling, in the recipient's stored language. They name the partner by
 * first name only (DESIGN.md, "Privacy rules") and always link back to the app, where the details live.
 */

const mail = (
	t: MailCatalog,
	to: string,
	subject: string,
	lines: string[],
	extra: Partial<NewOutboxMessage> = {}
) => {
	const text = [...lines, '', t.signature].join('\n');
	return { to, subject, text, html: textToHtml(text), ...extra };
};

export function matchProposedEmail(input: { to: string; firstName: string; language: string; env: Env }) {
	const t = mailText(input.language);
	return mail(t, input.to, t.match_subject, [
		t.hi(input.firstName),
		'',
		t.match_found,
		t.match_read,
		`${input.env.publicUrl}/conversation`
	]);
}

const UPDATE_LINES = {
	accepted: 'update_accepted',
	declined: 'update_declined',
	time_proposed: 'update_time_proposed',
	rescheduled: 'update_rescheduled',
	cancelled: 'update_cancelled'
} as const satisfies Record<string, keyof MailCatalog>;

export function partnerUpdateEmail(input: {
	to: string;
	firstName: string;
	partnerFirstName: string;
	about: keyof typeof UPDATE_LINES;
	language: string;
	env: Env;
}) {
	const t = mailText(input.language);
	return mail(t, input.to, t.update_subject, [
		t.hi(input.firstName),
		'',
		t[UPDATE_LINES[input.about]](input.partnerFirstName),
		`${input.env.publicUrl}/conversation`
	]);
}

export function invitationEmail(input: {
	to: string;
	firstName: string;
	partnerFirstName: string;
	when: string;
	roomUrl: string;
	language: string;
	ics: MailAttachment;
}) {
	const t = mailText(input.language);
	return mail(
		t,
		input.to,
		t.invite_subject(input.partnerFirstName, input.when),
		[
			t.hi(input.firstName),
			'',
			t.invite_agreed(input.partnerFirstName, input.when),
			t.invite_attached,
			input.roomUrl,
			'',
			t.invite_reminders
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
	lead: '24h' | '1h';
	language: string;
	sendAfter: string;
	cancelKey: string;
}) {
	const t = mailText(input.language);
	const lead = input.lead === '24h' ? t.reminder_lead_24h : t.reminder_lead_1h;
	return mail(
		t,
		input.to,
		t.reminder_subject(input.partnerFirstName, lead),
		[
			t.hi(input.firstName),
			'',
			t.reminder_starts(input.partnerFirstName, input.when),
			t.reminder_early,
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
	language: string;
}) {
	const t = mailText(input.language);
	return mail(t, input.to, t.staff_subject(input.organizationName), [
		t.hi(input.firstName),
		'',
		t.staff_created(input.organizationName),
		t.staff_open,
		input.signInUrl
	]);
}
