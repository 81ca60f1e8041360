import type { LanguageChoice } from '../contracts/auth';

/**
 * Tells the server the language a person just chose, so their emails and calendar invites follow it
 * (issue #8). `keepalive` lets it finish while setLocale reloads the page. Someone not signed in gets a
 * 401, which is expected: sign-up sends the language with the form. Offline, the choice stays on this
 * device only until the next switch; nothing else depends on it.
 */
export function sendLanguageChoice(language: LanguageChoice['language']): void {
	void fetch('/api/me/language', {
		method: 'PUT',
		keepalive: true,
		credentials: 'same-origin',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ language } satisfies LanguageChoice)
	}).catch(() => undefined);
}
