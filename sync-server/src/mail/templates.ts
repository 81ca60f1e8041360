import type { NewOutboxMessage } from '../store/types.ts';
import { mailText, type MailCatalog } from './catalog.ts';

/** Plain language, in the recipient's stored language (`catalog.ts`). */

/** Every email: the greeting, paragraphs (each a few lines kept together), the signature. */
function letter(
	t: MailCatalog,
	{ to, firstName, subject }: { to: string; firstName: string; subject: string },
	paragraphs: string[][]
): NewOutboxMessage {
	const text = [[t.hi(firstName)], ...paragraphs, [t.signature]].map((p) => p.join('\n')).join('\n\n');
	return { to, subject, text, html: textToHtml(text) };
}

/** A personal email with a sign-in link in it. */
type LinkLetter = {
	to: string;
	firstName: string;
	signInUrl: string;
	linkTtlMinutes: number;
	language: string;
};

export function welcomeEmail(
	input: LinkLetter & {
		communityName: string;
		personalCode: string;
		/** The orientation, the step before anyone can be matched (issue #14). */
		orientationUrl: string;
	}
): NewOutboxMessage {
	const t = mailText(input.language);
	return letter(t, { ...input, subject: t.welcome_subject }, [
		[t.welcome_thanks(input.communityName)],
		[t.welcome_link(describeDuration(input.linkTtlMinutes, t)), input.signInUrl],
		[t.welcome_code(input.personalCode), t.welcome_keep_code],
		[t.welcome_next, input.orientationUrl],
		[t.welcome_ignore]
	]);
}

export function signInLinkEmail(input: LinkLetter): NewOutboxMessage {
	const t = mailText(input.language);
	return letter(t, { ...input, subject: t.signin_subject }, [
		[t.signin_link(describeDuration(input.linkTtlMinutes, t)), input.signInUrl],
		[t.signin_ignore]
	]);
}

/** To the owner of an email someone signed up with again (issue #13: sign-up does not tell who has an account). */
export function alreadySignedUpEmail(input: LinkLetter): NewOutboxMessage {
	const t = mailText(input.language);
	return letter(t, { ...input, subject: t.again_subject }, [
		[t.again_intro],
		[t.again_link(describeDuration(input.linkTtlMinutes, t)), input.signInUrl],
		[t.again_code],
		[t.again_ignore]
	]);
}

export function describeDuration(minutes: number, t: MailCatalog = mailText('en')): string {
	const plural = (n: number, [one, many]: [string, string]) => `${n} ${n === 1 ? one : many}`;
	if (minutes % (60 * 24) === 0) return plural(minutes / (60 * 24), t.units.day);
	if (minutes % 60 === 0) return plural(minutes / 60, t.units.hour);
	return plural(minutes, t.units.minute);
}

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Escaped text with clickable links and line breaks kept. */
export function textToHtml(text: string): string {
	const linked = escapeHtml(text).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
	return `<div style="font-family: sans-serif; white-space: pre-line">${linked}</div>`;
}

/** Sent to each participant once both agreed to a copy and the copy is ready (issue #6, "Delivery"). */
export function copyReadyEmail(input: {
	to: string;
	firstName: string;
	partnerFirstName: string;
	url: string;
	language: string;
}): NewOutboxMessage {
	const t = mailText(input.language);
	const text = [
		t.hi(input.firstName),
		'',
		t.copy_ready(input.partnerFirstName),
		'',
		t.copy_open,
		input.url,
		'',
		t.copy_offline,
		t.copy_withdraw,
		'',
		t.signature
	].join('\n');
	return { to: input.to, subject: t.copy_subject, text, html: textToHtml(text) };
}
