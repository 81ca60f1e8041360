import { readingGrade } from './core/readability';
import { spanishReadingEase } from './core/readability-es';

/**
 * The texts issue #8 holds to about US grade 8, as groups of message keys. Policy statements, names
 * of parties and days are left out: they are content, not instructions.
 */
export const PLAIN_LANGUAGE_SETS = {
	signup:
		/^(landing_|signup_|step_|about_|community_|first_name|last_name|email_|phone_|invite_|age_|gender_legend|gender_self|languages_|access_|views_|placement_legend|party_legend|thermometer_|statements_intro|interests_|interest_|availability_|motivation_|autobiography_|preview_|warn_|agreement_|welcome_|signin_|v_)/,
	consent: /^consent_/,
	kiosk: /^kiosk_/
} as const;

export type PlainLanguageSet = keyof typeof PLAIN_LANGUAGE_SETS;

/** The messages of one set from a catalog (messages/en.json). */
export function messagesOf(catalog: Record<string, string>, set: PlainLanguageSet): string[] {
	return Object.entries(catalog)
		.filter(([key]) => PLAIN_LANGUAGE_SETS[set].test(key))
		.map(([, text]) => text);
}

/** The set's Flesch–Kincaid grade, or undefined while no screen uses it yet. */
export function gradeOf(catalog: Record<string, string>, set: PlainLanguageSet): number | undefined {
	const texts = messagesOf(catalog, set);
	return texts.length === 0 ? undefined : readingGrade(texts);
}

/**
 * The Spanish set's Fernández Huerta reading ease (0–100, higher is easier; 60 and up is about US
 * grade 8 or simpler), or undefined while no screen uses it yet.
 */
export function spanishEaseOf(catalog: Record<string, string>, set: PlainLanguageSet): number | undefined {
	const texts = messagesOf(catalog, set);
	return texts.length === 0 ? undefined : spanishReadingEase(texts);
}
