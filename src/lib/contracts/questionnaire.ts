import * as v from 'valibot';
import { noControlCharacters } from './text';
import { m } from '../paraglide/messages.js';

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

/**
 * Messages are functions so they are read in the person's language when validation runs (valibot
 * accepts `() => string`). Each field names its own "missing" message for the field's first rule.
 */
const text = (
	max: number,
	{
		min = 1,
		missing = m.v_required,
		multiline = false
	}: { min?: number; missing?: () => string; multiline?: boolean } = {}
) =>
	v.pipe(
		v.string(() => m.v_not_text()),
		v.trim(),
		v.minLength(min, () => (min === 1 ? missing() : m.v_too_short({ min }))),
		v.maxLength(max, () => m.v_too_long({ max })),
		noControlCharacters({ multiline, message: () => m.v_control_characters() })
	);

const optionalText = (max: number, { multiline = false } = {}) =>
	v.optional(
		v.pipe(
			v.string(),
			v.trim(),
			v.maxLength(max, () => m.v_too_long({ max })),
			noControlCharacters({ multiline, message: () => m.v_control_characters() })
		)
	);

const time = v.pipe(
	v.string(),
	v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, () => m.v_time())
);

export const AvailabilityWindow = v.pipe(
	v.strictObject({ day: v.picklist(WEEKDAYS, () => m.v_day()), start: time, end: time }),
	v.check(
		(w) => w.start < w.end,
		() => m.v_window_order()
	)
);
export type AvailabilityWindow = v.InferOutput<typeof AvailabilityWindow>;

const stance = v.picklist(STANCES, () => m.v_stance());
const issueStances = v.strictObject(
	Object.fromEntries(ISSUE_STATEMENTS.map((s) => [s.id, stance])) as { [K in IssueId]: typeof stance }
);

export const Questionnaire = v.strictObject({
	communityId: v.pipe(
		v.string(),
		v.minLength(1, () => m.v_community()),
		v.maxLength(64)
	),
	firstName: text(50, { missing: m.v_first_name }),
	lastName: text(80, { missing: m.v_last_name }),
	email: v.pipe(
		v.string(),
		v.trim(),
		v.toLowerCase(),
		v.maxLength(254, () => m.v_email_long()),
		v.email(() => m.v_email())
	),
	phone: v.optional(
		v.pipe(
			v.string(),
			v.trim(),
			v.regex(/^$|^\+?[\d\s().-]{7,20}$/, () => m.v_phone())
		)
	),
	ageRange: v.picklist(AGE_RANGES, () => m.v_age()),
	gender: v.optional(v.picklist(GENDERS, () => m.v_gender())),
	genderSelfDescription: optionalText(60),
	languages: v.pipe(
		v.array(v.picklist(LANGUAGES, () => m.v_language())),
		v.minLength(1, () => m.v_languages())
	),
	politicalPlacement: v.pipe(
		v.number(() => m.v_placement()),
		v.integer(),
		v.minValue(1, () => m.v_placement()),
		v.maxValue(7, () => m.v_placement())
	),
	party: v.picklist(PARTIES, () => m.v_party()),
	issueStances,
	interests: v.pipe(
		v.array(
			v.pipe(
				v.string(),
				v.trim(),
				v.minLength(1),
				v.maxLength(40, () => m.v_interest_long()),
				noControlCharacters({ message: () => m.v_control_characters() })
			)
		),
		v.minLength(1, () => m.v_interests()),
		v.maxLength(20, () => m.v_interests_many())
	),
	availability: v.pipe(
		v.array(AvailabilityWindow),
		v.minLength(1, () => m.v_availability()),
		v.maxLength(28, () => m.v_availability_many())
	),
	accessibilityNeeds: optionalText(500, { multiline: true }),
	motivation: text(1000, { missing: m.v_motivation, multiline: true }),
	thermometer: v.pipe(
		v.number(() => m.v_thermometer()),
		v.integer(),
		v.minValue(0),
		v.maxValue(100)
	),
	autobiography: v.pipe(
		text(AUTOBIOGRAPHY_MAX, { min: 20, multiline: true }),
		v.check(
			(t) => t.length >= 20,
			() => m.v_autobiography_short()
		)
	),
	inviteCode: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(32))),
	agreementVersion: v.literal(PARTICIPATION_AGREEMENT_VERSION, () => m.v_agreement_version()),
	agreementAccepted: v.literal(true, () => m.v_agreement()),
	uiLanguage: v.optional(v.picklist(LANGUAGES), 'en')
});
export type Questionnaire = v.InferOutput<typeof Questionnaire>;
export type QuestionnaireInput = v.InferInput<typeof Questionnaire>;

/** What to say when an answer is missing altogether (valibot reports those as unexpected keys). */
export const MISSING_ANSWER: Readonly<Record<string, () => string>> = {
	communityId: m.v_community,
	firstName: m.v_first_name,
	lastName: m.v_last_name,
	email: m.v_email_missing,
	ageRange: m.v_age,
	languages: m.v_languages,
	politicalPlacement: m.v_placement,
	party: m.v_party,
	thermometer: m.v_thermometer,
	issueStances: m.v_stance,
	interests: m.v_interests,
	availability: m.v_availability,
	motivation: m.v_motivation,
	autobiography: m.v_autobiography,
	agreementAccepted: m.v_agreement,
	agreementVersion: m.v_agreement_version
};
