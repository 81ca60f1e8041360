import { SUGGESTED_INTERESTS } from '$lib/core/interests';
import { m } from '$lib/paraglide/messages.js';

type Suggested = (typeof SUGGESTED_INTERESTS)[number];

// The stored value is the English id, so matching compares the same words in either language;
// only the label is translated (issue #14).
const LABELS: Record<Suggested, () => string> = {
	gardening: m.interest_gardening,
	cooking: m.interest_cooking,
	faith: m.interest_faith,
	sports: m.interest_sports,
	music: m.interest_music,
	reading: m.interest_reading,
	'fishing and hunting': m.interest_fishing_and_hunting,
	hiking: m.interest_hiking,
	parenting: m.interest_parenting,
	grandchildren: m.interest_grandchildren,
	'military service': m.interest_military_service,
	volunteering: m.interest_volunteering,
	'small business': m.interest_small_business,
	teaching: m.interest_teaching,
	'health care work': m.interest_health_care_work,
	farming: m.interest_farming,
	cars: m.interest_cars,
	'arts and crafts': m.interest_arts_and_crafts,
	history: m.interest_history,
	travel: m.interest_travel
};

/** The label of a suggested interest in the current language; one a person typed stays as typed. */
export function interestLabel(value: string): string {
	return Object.hasOwn(LABELS, value) ? LABELS[value as Suggested]() : value;
}

/** "gardening, music" in the current language. */
export function interestList(values: readonly string[]): string {
	return values.map(interestLabel).join(', ');
}
