import type { NewOutboxMessage } from '../store/types.ts';

/** Plain-language English for now; Spanish arrives with the client's translations. */

export function welcomeEmail(input: {
	to: string;
	firstName: string;
	communityName: string;
	signInUrl: string;
	personalCode: string;
	linkTtlMinutes: number;
}): NewOutboxMessage {
	const validity = describeDuration(input.linkTtlMinutes);
	const text = [
		`Hi ${input.firstName},`,
		'',
		`Thank you for signing up for Common Ground in ${input.communityName}.`,
		'',
		`To sign in, open this link. It works once, for the next ${validity}:`,
		input.signInUrl,
		'',
		`Your personal code is ${input.personalCode}`,
		'Keep it somewhere safe. You can sign in with it on any device, for example a library computer, even after the link has expired.',
		'',
		'What happens next: a coordinator will match you with a conversation partner and email you to agree on a time.',
		'',
		'If you did not sign up, you can ignore this email.',
		'',
		'Common Ground'
	].join('\n');
	return {
		to: input.to,
		subject: 'Welcome to Common Ground: your sign-in link and personal code',
		text,
		html: textToHtml(text)
	};
}

export function signInLinkEmail(input: {
	to: string;
	firstName: string;
	signInUrl: string;
	linkTtlMinutes: number;
}): NewOutboxMessage {
	const text = [
		`Hi ${input.firstName},`,
		'',
		`Here is your link to sign in to Common Ground. It works once, for the next ${describeDuration(input.linkTtlMinutes)}:`,
		input.signInUrl,
		'',
		'If you did not ask for this, you can ignore this email: nobody can sign in without the link.',
		'',
		'Common Ground'
	].join('\n');
	return { to: input.to, subject: 'Your Common Ground sign-in link', text, html: textToHtml(text) };
}

export function describeDuration(minutes: number): string {
	const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
	if (minutes % (60 * 24) === 0) return plural(minutes / (60 * 24), 'day');
	if (minutes % 60 === 0) return plural(minutes / 60, 'hour');
	return plural(minutes, 'minute');
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
}): NewOutboxMessage {
	const text = [
		`Hi ${input.firstName},`,
		'',
		`Your conversation with ${input.partnerFirstName} is ready to listen to. You both agreed to keep a copy.`,
		'',
		'Sign in and open it here. Only you can use this link:',
		input.url,
		'',
		'You can also keep it in the app to listen without a connection.',
		'If either of you changes your mind, the copy stops being available at once.',
		'',
		'Common Ground'
	].join('\n');
	return { to: input.to, subject: 'Your Common Ground conversation is ready', text, html: textToHtml(text) };
}
