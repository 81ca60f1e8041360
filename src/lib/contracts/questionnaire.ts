import * as v from 'valibot';

/**
 * The sign-up questionnaire (issue #2). One schema, validated in the browser before a step is left
 * and again on the server before anything is written.
 */

export const AGE_RANGES = ['18-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75+'] as const;
export const GENDERS = ['woman', 'man', 'nonbinary', 'self-describe', 'prefer-not-to-say'] as const;
export const LANGUAGES = ['en', 'es'] as const;
export const PARTIES = [
	'democrat',
	'republican',
	'independent',
	'other',
	'none',
	'prefer-not-to-say'
] as const;
export const STANCES = ['agree', 'disagree'] as const;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Issue statements used for matching. Ids are stable: answers are stored under them. */
export const ISSUE_STATEMENTS = [
	{ id: 'guns', text: 'It should be harder than it is today to buy a gun.' },
	{ id: 'immigration', text: 'The country should admit fewer immigrants each year.' },
	{ id: 'healthcare', text: 'The government should make sure everyone has health insurance.' },
	{ id: 'climate', text: 'Stricter environmental laws are worth the cost to jobs and prices.' },
	{ id: 'taxes', text: 'Taxes on people who earn the most should go up.' },
	{ id: 'policing', text: 'Police departments in this country need major reform.' },
	{ id: 'abortion', text: 'Abortion should be legal in all or most cases.' }
] as const;
export type IssueId = (typeof ISSUE_STATEMENTS)[number]['id'];

/** 1 = very liberal … 7 = very conservative. */
export const PLACEMENT_LABELS = [
	'Very liberal',
	'Liberal',
	'Slightly liberal',
	'Moderate',
	'Slightly conservative',
	'Conservative',
	'Very conservative'
] as const;

/** The participation agreement text is versioned; the accepted version is stored with the answer. */
export const PARTICIPATION_AGREEMENT_VERSION = '2026-11-01';

export const AUTOBIOGRAPHY_MAX = 1000;

const trimmed = (label: string, min: number, max: number) =>
	v.pipe(
		v.string(`${label} must be text.`),
		v.trim(),
		v.minLength(
			min,
			min === 1 ? `Please enter your ${label}.` : `${label} needs at least ${min} characters.`
		),
		v.maxLength(max, `${label} can be at most ${max} characters.`)
	);

const optionalText = (label: string, max: number) =>
	v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max, `${label} can be at most ${max} characters.`)));

const time = v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a time like 18:30.'));

export const AvailabilityWindow = v.pipe(
	v.strictObject({ day: v.picklist(WEEKDAYS, 'Choose a day.'), start: time, end: time }),
	v.check((w) => w.start < w.end, 'The end time must be after the start time.')
);
export type AvailabilityWindow = v.InferOutput<typeof AvailabilityWindow>;

const issueStances = v.strictObject(
	Object.fromEntries(
		ISSUE_STATEMENTS.map((s) => [s.id, v.picklist(STANCES, 'Choose agree or disagree.')])
	) as {
		[K in IssueId]: v.PicklistSchema<typeof STANCES, string>;
	}
);

export const Questionnaire = v.strictObject({
	communityId: v.pipe(v.string(), v.minLength(1, 'Choose your community.'), v.maxLength(64)),
	firstName: trimmed('first name', 1, 50),
	lastName: trimmed('last name', 1, 80),
	email: v.pipe(
		v.string(),
		v.trim(),
		v.toLowerCase(),
		v.maxLength(254, 'That email address is too long.'),
		v.email('Enter an email address like name@example.org.')
	),
	phone: v.optional(
		v.pipe(
			v.string(),
			v.trim(),
			v.regex(/^$|^\+?[\d\s().-]{7,20}$/, 'Enter a phone number like (205) 555-0100, or leave it empty.')
		)
	),
	ageRange: v.picklist(AGE_RANGES, 'Choose your age range.'),
	gender: v.optional(v.picklist(GENDERS, 'Choose one of the options, or leave it empty.')),
	genderSelfDescription: optionalText('Gender description', 60),
	languages: v.pipe(
		v.array(v.picklist(LANGUAGES, 'Choose a language from the list.')),
		v.minLength(1, 'Choose at least one language you can hold a conversation in.')
	),
	politicalPlacement: v.pipe(
		v.number('Choose where you would place yourself.'),
		v.integer(),
		v.minValue(1, 'Choose where you would place yourself.'),
		v.maxValue(7, 'Choose where you would place yourself.')
	),
	party: v.picklist(PARTIES, 'Choose a party, or "prefer not to say".'),
	issueStances,
	interests: v.pipe(
		v.array(
			v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(40, 'Keep each interest under 40 characters.'))
		),
		v.minLength(1, 'Add at least one interest, so we can find something you have in common.'),
		v.maxLength(20, 'Choose at most 20 interests.')
	),
	availability: v.pipe(
		v.array(AvailabilityWindow),
		v.minLength(1, 'Add at least one time in the week when you could talk.'),
		v.maxLength(28, 'Add at most 28 time windows.')
	),
	accessibilityNeeds: optionalText('Accessibility needs', 500),
	motivation: trimmed('reason for taking part', 1, 1000),
	thermometer: v.pipe(v.number('Move the slider to answer.'), v.integer(), v.minValue(0), v.maxValue(100)),
	autobiography: trimmed('autobiography', 20, AUTOBIOGRAPHY_MAX),
	inviteCode: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(32))),
	agreementVersion: v.literal(
		PARTICIPATION_AGREEMENT_VERSION,
		'Please read and accept the current agreement.'
	),
	agreementAccepted: v.literal(true, 'You need to accept the participation agreement to sign up.'),
	uiLanguage: v.optional(v.picklist(LANGUAGES), 'en')
});
export type Questionnaire = v.InferOutput<typeof Questionnaire>;
export type QuestionnaireInput = v.InferInput<typeof Questionnaire>;
