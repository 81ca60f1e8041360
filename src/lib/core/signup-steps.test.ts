import { describe, expect, it } from 'vitest';
import { PARTICIPATION_AGREEMENT_VERSION, Questionnaire } from '../contracts/questionnaire';
import { checkStep, checkSubmission, SIGNUP_STEPS, stepOfField, type SignupDraft } from './signup-steps';

const complete: SignupDraft = {
	communityId: 'c1',
	firstName: 'Ada',
	lastName: 'Okafor',
	email: 'Ada@Example.org ',
	ageRange: '35-44',
	languages: ['en'],
	politicalPlacement: 3,
	party: 'independent',
	thermometer: 40,
	issueStances: {
		guns: 'agree',
		immigration: 'disagree',
		healthcare: 'agree',
		climate: 'agree',
		taxes: 'disagree',
		policing: 'agree',
		abortion: 'agree'
	},
	interests: ['gardening'],
	availability: [{ day: 'tue', start: '18:00', end: '20:00' }],
	motivation: 'I want to understand my neighbors better.',
	autobiography: 'I grew up in Ensley, teach music, and keep bees in my back yard.',
	agreementAccepted: true,
	agreementVersion: PARTICIPATION_AGREEMENT_VERSION
};

describe('sign-up steps', () => {
	it('every questionnaire field belongs to exactly one step', () => {
		const fields = SIGNUP_STEPS.flatMap((s) => s.fields);
		expect(new Set(fields).size).toBe(fields.length);
		// uiLanguage is taken from the app's language, not asked.
		const asked = Object.keys(Questionnaire.entries).filter((f) => f !== 'uiLanguage');
		expect([...fields].sort()).toEqual(asked.sort());
	});

	it('checks only the fields of the current step', () => {
		expect(checkStep(0, { communityId: 'c1', firstName: 'Ada', lastName: 'O', email: 'a@b.org' })).toEqual({
			ok: true
		});
		const check = checkStep(0, { firstName: 'Ada', email: 'nope' });
		expect(check.ok).toBe(false);
		if (!check.ok) {
			expect(Object.keys(check.fields).sort()).toEqual(['communityId', 'email', 'lastName']);
			// A missing answer gets a plain sentence, not valibot's "Invalid key".
			expect(check.fields.lastName).toBe('Please enter your last name. Only the program staff see it.');
			expect(check.fields.email).toBe('Enter an email address like name@example.org.');
		}
	});

	it('rejects an out-of-range end time with a message on that window', () => {
		const check = checkStep(4, {
			interests: ['chess'],
			availability: [{ day: 'mon', start: '20:00', end: '19:00' }]
		});
		expect(check).toEqual({
			ok: false,
			fields: { 'availability.0': 'The end time must be after the start time.' }
		});
	});

	it('normalises a complete draft into a questionnaire', () => {
		const result = checkSubmission(complete);
		expect(result.ok).toBe(true);
		if (result.ok) {
			expect(result.questionnaire.email).toBe('ada@example.org');
			expect(result.questionnaire.uiLanguage).toBe('en');
		}
	});

	it('points to the first step that needs attention', () => {
		const result = checkSubmission({ ...complete, issueStances: undefined, autobiography: 'short' });
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.firstBadStep).toBe(3);
		expect(stepOfField('availability.0.end')).toBe(4);
	});
});
