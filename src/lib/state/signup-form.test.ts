import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PARTICIPATION_AGREEMENT_VERSION } from '../contracts/questionnaire';
import type { SignupDraft } from '../core/signup-steps';
import { openDb, type CommonGroundDb } from '../db/db';
import { getLocale, overwriteGetLocale } from '../paraglide/runtime.js';
import { SignupForm } from './signup-form.svelte';

const complete: SignupDraft = {
	communityId: 'c1',
	firstName: 'Rosa',
	lastName: 'Paz',
	email: 'rosa@example.org',
	ageRange: '35-44',
	languages: ['es'],
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
	motivation: 'Quiero escuchar.',
	autobiography: 'Crecí en Ensley, enseño música y tengo abejas en el patio de mi casa.',
	agreementAccepted: true,
	agreementVersion: PARTICIPATION_AGREEMENT_VERSION
};

let db: CommonGroundDb;
const appLocale = getLocale;
beforeEach(async () => {
	db = openDb(`test-${crypto.randomUUID()}`);
	await db.open();
});
afterEach(async () => {
	overwriteGetLocale(appLocale);
	await db.delete();
});

// Issue #14: someone who signed up in Spanish was stored as `en` and got English emails.
describe('SignupForm.submit', () => {
	it.each(['es', 'en'] as const)('queues the sign-up with the language of the app (%s)', async (locale) => {
		overwriteGetLocale(() => locale);
		const form = new SignupForm(db);
		form.answers = { ...complete };
		const id = await form.submit();
		expect(id).toBeDefined();
		const queued = await db.outbox.get(id!);
		expect(queued?.mutation).toMatchObject({ type: 'signup', payload: { uiLanguage: locale } });
	});
});
