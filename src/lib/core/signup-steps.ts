import * as v from 'valibot';
import { fieldErrors } from '../contracts/errors';
import { MISSING_ANSWER, Questionnaire, type QuestionnaireInput } from '../contracts/questionnaire';

/**
 * The questionnaire is split into steps so that it can be saved after each one (issue #2: "saved at
 * every step, so a reload or an offline stretch loses nothing"). Each step validates only its own
 * fields, with the same schema the server uses for the whole.
 */
type Field = keyof QuestionnaireInput;
export type StepId =
	'about-you' | 'background' | 'views' | 'statements' | 'common-ground' | 'story' | 'agreement';

export const SIGNUP_STEPS: readonly { id: StepId; title: string; fields: readonly Field[] }[] = [
	{
		id: 'about-you',
		title: 'About you',
		fields: ['communityId', 'firstName', 'lastName', 'email', 'phone', 'inviteCode']
	},
	{
		id: 'background',
		title: 'Your background',
		fields: ['ageRange', 'gender', 'genderSelfDescription', 'languages', 'accessibilityNeeds']
	},
	{ id: 'views', title: 'Your politics', fields: ['politicalPlacement', 'party', 'thermometer'] },
	{ id: 'statements', title: 'Where you stand', fields: ['issueStances'] },
	{ id: 'common-ground', title: 'Interests and time', fields: ['interests', 'availability'] },
	{ id: 'story', title: 'Your story', fields: ['motivation', 'autobiography'] },
	{ id: 'agreement', title: 'Agreement', fields: ['agreementAccepted', 'agreementVersion'] }
];

/** A questionnaire in progress: any subset of the answers, as typed. */
export type SignupDraft = Omit<Partial<QuestionnaireInput>, 'issueStances'> & {
	issueStances?: Partial<QuestionnaireInput['issueStances']>;
};

export type StepCheck = { ok: true } | { ok: false; fields: Record<string, string> };

export function checkStep(stepIndex: number, draft: SignupDraft): StepCheck {
	const step = SIGNUP_STEPS[stepIndex];
	if (!step) throw new RangeError(`No sign-up step ${stepIndex}`);
	type Key = keyof typeof Questionnaire.entries;
	const schema = v.pick(Questionnaire, step.fields as unknown as [Key, ...Key[]]);
	const picked = Object.fromEntries(step.fields.filter((f) => f in draft).map((f) => [f, draft[f]]));
	const result = v.safeParse(schema, picked);
	return result.success ? { ok: true } : { ok: false, fields: fieldErrors(result.issues, MISSING_ANSWER) };
}

export type SubmitCheck =
	| { ok: true; questionnaire: Questionnaire }
	| { ok: false; fields: Record<string, string>; firstBadStep: number };

/** The whole questionnaire, ready for the outbox, or the first step that still needs attention. */
export function checkSubmission(draft: SignupDraft): SubmitCheck {
	const result = v.safeParse(Questionnaire, draft);
	if (result.success) return { ok: true, questionnaire: result.output };
	const fields = fieldErrors(result.issues, MISSING_ANSWER);
	return { ok: false, fields, firstBadStep: stepOfField(Object.keys(fields)[0] ?? '') };
}

/** Which step shows a field, given an error path like "issueStances.guns" or "availability.0.end". */
export function stepOfField(path: string): number {
	const top = path.split('.')[0] as Field;
	const index = SIGNUP_STEPS.findIndex((s) => s.fields.includes(top));
	return index === -1 ? 0 : index;
}
