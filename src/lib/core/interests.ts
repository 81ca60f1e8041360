/** Suggested interests for "something in common" (One Small Step: "different beliefs, but something in common"). */
export const SUGGESTED_INTERESTS = [
	'gardening',
	'cooking',
	'faith',
	'sports',
	'music',
	'reading',
	'fishing and hunting',
	'hiking',
	'parenting',
	'grandchildren',
	'military service',
	'volunteering',
	'small business',
	'teaching',
	'health care work',
	'farming',
	'cars',
	'arts and crafts',
	'history',
	'travel'
] as const;

/** Adds a typed interest unless it is empty or already there (case-insensitive). */
export function addInterest(interests: readonly string[], typed: string): string[] {
	const tag = typed.trim().replace(/\s+/g, ' ').toLowerCase();
	if (!tag || interests.some((i) => i.toLowerCase() === tag)) return [...interests];
	return [...interests, tag];
}
