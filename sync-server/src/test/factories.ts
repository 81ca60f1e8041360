import * as v from 'valibot';
import type { SignupMutationInput } from '../../../src/lib/contracts/mutations.ts';
import {
	PARTICIPATION_AGREEMENT_VERSION,
	Questionnaire,
	type QuestionnaireInput
} from '../../../src/lib/contracts/questionnaire.ts';
import type { Repos } from '../store/types.ts';

/**
 * Test data for server tests, benches and e2e journeys. Every call gets a fresh e-mail address,
 * so sign-ups never collide unless a test asks them to.
 */

let sequence = 0;

export function uniqueEmail(name = 'rosa'): string {
	sequence += 1;
	return `${name}.${sequence}.${Math.random().toString(36).slice(2, 8)}@example.org`;
}

export function validQuestionnaire(overrides: Partial<QuestionnaireInput> = {}): QuestionnaireInput {
	const answers: QuestionnaireInput = {
		communityId: 'community-id-not-set',
		firstName: 'Rosa',
		lastName: 'Delgado',
		email: uniqueEmail(),
		phone: '(205) 555-0100',
		ageRange: '35-44',
		gender: 'woman',
		languages: ['en', 'es'],
		politicalPlacement: 3,
		party: 'independent',
		issueStances: {
			guns: 'agree',
			immigration: 'disagree',
			healthcare: 'agree',
			climate: 'agree',
			taxes: 'disagree',
			policing: 'agree',
			abortion: 'disagree'
		},
		interests: ['gardening', 'high school football', 'church choir'],
		availability: [
			{ day: 'tue', start: '18:00', end: '20:00' },
			{ day: 'sat', start: '10:00', end: '12:30' }
		],
		motivation: 'I want to understand why my neighbours vote the way they do.',
		thermometer: 45,
		autobiography:
			'I grew up in Ensley and have taught fourth grade for twelve years. Weekends I am in the garden or at my nephew’s games.',
		agreementVersion: PARTICIPATION_AGREEMENT_VERSION,
		agreementAccepted: true,
		uiLanguage: 'en',
		...overrides
	};
	// A factory that produced invalid data would make every test using it meaningless.
	v.parse(Questionnaire, answers);
	return answers;
}

export function signupMutation(
	overrides: Partial<QuestionnaireInput> = {},
	id: string = crypto.randomUUID()
): SignupMutationInput {
	return { id, type: 'signup', payload: validQuestionnaire(overrides) };
}

/** A nonpartisan partner organization and one staff member of it, Pat. */
export async function organizationWithStaff(
	repos: Repos,
	{ name, inviteCode, now }: { name: string; inviteCode: string; now: Date }
) {
	const organization = await repos.organizations.create({
		name,
		description: '',
		politicalBackground: 'nonpartisan',
		inviteCode,
		now
	});
	const staff = await repos.users.create({
		role: 'partner_staff',
		email: uniqueEmail('staff'),
		firstName: 'Pat',
		lastName: 'Staff',
		phone: null,
		language: 'en',
		partnerOrganizationId: organization.id,
		personalCodeHash: null,
		now
	});
	return { organization, staff };
}
