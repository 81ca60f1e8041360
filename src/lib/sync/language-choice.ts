import type { LanguageChoice } from '../contracts/auth';

type Language = LanguageChoice['language'];

/** Long enough for a slow mobile network, short enough that a dead one doesn't hold the switch. */
const SAVE_TIMEOUT_MS = 3000;

/**
 * Tells the server the language a person just chose, so their emails and calendar invites follow it
 * (issue #8). Resolves once the server answered or the wait ran out; it never rejects. Someone not
 * signed in gets a 401, which is expected: sign-up sends the language with the form. Offline, the
 * choice stays on this device only until the next switch; nothing else depends on it.
 */
export async function saveLanguageChoice(
	language: Language,
	{ fetch: send = fetch, timeoutMs = SAVE_TIMEOUT_MS }: { fetch?: typeof fetch; timeoutMs?: number } = {}
): Promise<void> {
	await send('/api/me/language', {
		method: 'PUT',
		keepalive: true,
		credentials: 'same-origin',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ language } satisfies LanguageChoice),
		signal: AbortSignal.timeout(timeoutMs)
	}).catch(() => undefined);
}

/**
 * Saves the choice first, then switches (setLocale reloads the page). Fired together, the reload
 * aborted the request and the server kept the old language (issue #14).
 */
export async function switchLanguage(
	language: Language,
	{
		save = saveLanguageChoice,
		apply
	}: { save?: (l: Language) => Promise<void>; apply: (l: Language) => unknown }
): Promise<void> {
	await save(language);
	await apply(language);
}
