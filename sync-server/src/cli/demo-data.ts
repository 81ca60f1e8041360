import * as v from 'valibot';
import {
	AGE_RANGES,
	ISSUE_STATEMENTS,
	PARTICIPATION_AGREEMENT_VERSION,
	Questionnaire,
	WEEKDAYS,
	type AvailabilityWindow,
	type Questionnaire as Answers
} from '../../../src/lib/contracts/questionnaire.ts';
import type { PoliticalBackground } from '../store/schema.ts';

/** Stable markers: demo people live under this domain, organizations are found by invite code. */
export const DEMO_EMAIL_DOMAIN = 'demo.example.org';
export const DEMO_COMMUNITY = { name: 'Birmingham, AL', timeZone: 'America/Chicago' };
export const DEMO_COORDINATOR = { email: `coordinator@${DEMO_EMAIL_DOMAIN}`, firstName: 'Dana' };
export const DEMO_PARTICIPANT_COUNT = 40;
export const DEMO_STAFF = { email: `staff@${DEMO_EMAIL_DOMAIN}`, firstName: 'Pat' };
export const DEMO_FACILITATOR = { email: `facilitator@${DEMO_EMAIL_DOMAIN}`, firstName: 'Fay' };

export const DEMO_ORGANIZATIONS: {
	name: string;
	description: string;
	politicalBackground: PoliticalBackground;
	inviteCode: string;
}[] = [
	{
		name: 'Southside Organizing Project',
		description: 'Tenant and voting-rights organizers on the Southside.',
		politicalBackground: 'left',
		inviteCode: 'SOUTHSIDE'
	},
	{
		name: 'Red Mountain Liberty Club',
		description: 'Small-business owners and conservatives from across Jefferson County.',
		politicalBackground: 'right',
		inviteCode: 'RED-MOUNTAIN'
	},
	{
		name: 'Friends of the Birmingham Public Library',
		description: 'Library volunteers who host community programs at every branch.',
		politicalBackground: 'nonpartisan',
		inviteCode: 'LIBRARY-FRIENDS'
	}
];

type Gender = 'woman' | 'man';
const PEOPLE: [string, Gender, 'en' | 'es'][] = [
	['Rosa', 'woman', 'es'],
	['James', 'man', 'en'],
	['Keisha', 'woman', 'en'],
	['Tom', 'man', 'en'],
	['María', 'woman', 'es'],
	['Luis', 'man', 'es'],
	['Ashley', 'woman', 'en'],
	['Darnell', 'man', 'en'],
	['Carmen', 'woman', 'es'],
	['Bill', 'man', 'en'],
	['Grace', 'woman', 'en'],
	['Andre', 'man', 'en'],
	['Linda', 'woman', 'en'],
	['Javier', 'man', 'es'],
	['Tamika', 'woman', 'en'],
	['Wayne', 'man', 'en'],
	['Sofía', 'woman', 'es'],
	['Marcus', 'man', 'en'],
	['Peggy', 'woman', 'en'],
	['Héctor', 'man', 'es'],
	['Brenda', 'woman', 'en'],
	['Tyrone', 'man', 'en'],
	['Elena', 'woman', 'es'],
	['Cody', 'man', 'en'],
	['Yolanda', 'woman', 'en'],
	['Ray', 'man', 'en'],
	['Jasmine', 'woman', 'en'],
	['Earl', 'man', 'en'],
	['Guadalupe', 'woman', 'es'],
	['Dwight', 'man', 'en'],
	['Alicia', 'woman', 'en'],
	['Rodney', 'man', 'en'],
	['Megan', 'woman', 'en'],
	['Alejandro', 'man', 'es'],
	['Loretta', 'woman', 'en'],
	['Curtis', 'man', 'en'],
	['Natalia', 'woman', 'es'],
	['Hank', 'man', 'en'],
	['Beatriz', 'woman', 'es'],
	['Terrence', 'man', 'en']
];
const LAST_NAMES_EN = [
	'Johnson',
	'Williams',
	'Brown',
	'Davis',
	'Jackson',
	'Thompson',
	'Moore',
	'Harris',
	'Robinson',
	'Clark',
	'Walker',
	'Tucker'
];
const LAST_NAMES_ES = [
	'García',
	'Martínez',
	'Hernández',
	'López',
	'Ramírez',
	'Flores',
	'Castillo',
	'Morales'
];
const NEIGHBORHOODS = [
	'Ensley',
	'Homewood',
	'Hoover',
	'Bessemer',
	'Avondale',
	'Woodlawn',
	'East Lake',
	'Center Point',
	'Fairfield',
	'Trussville',
	'Gardendale',
	'Five Points South'
];
const JOBS = [
	'teach fourth grade',
	'drive a truck for a freight company',
	'work as a nurse at UAB',
	'run a small barbershop',
	'retired from U.S. Steel',
	'manage a barbecue restaurant',
	'sell insurance',
	'study engineering at UAB',
	'work construction',
	'pastor a small church',
	'work at the public library',
	'repair heating and air systems'
];
const INTERESTS = [
	'gardening',
	'fishing',
	'college football',
	'church choir',
	'barbecue',
	'hiking at Oak Mountain',
	'quilting',
	'jazz',
	'gospel music',
	'baseball',
	'woodworking',
	'the food bank',
	'raising chickens',
	'mystery novels',
	'bowling',
	'soccer',
	'knitting',
	'deer hunting',
	'classic cars',
	'photography',
	'baking',
	'family history',
	'dominoes',
	'salsa dancing'
];
const MOTIVATIONS = [
	'My family argues about politics at every holiday and I want to learn to listen better.',
	'I only know people who think like me, and that worries me.',
	'I want my grandchildren to grow up in a city where people still talk to each other.',
	'Our church asked us to reach across the aisle this year.',
	'I think most people want the same things and I want to test that.'
];
const WINDOWS: [string, string][] = [
	['08:00', '10:00'],
	['12:00', '13:30'],
	['17:30', '19:30'],
	['18:00', '21:00'],
	['10:00', '12:00']
];

/** mulberry32: a tiny seeded generator, so every run of the demo produces the same people. */
function seeded(seed: number) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
	const some = <T>(items: readonly T[], count: number): T[] => {
		const pool = [...items];
		return Array.from({ length: count }, () => pool.splice(Math.floor(next() * pool.length), 1)[0] as T);
	};
	return { next, pick, some };
}

const ascii = (s: string) =>
	s
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase();

/** The answers of demo participant `index` (0-based); the same every time. */
export function demoAnswers(index: number, communityId: string, inviteCode?: string): Answers {
	const r = seeded(index + 1);
	const [firstName, gender, firstLanguage] = PEOPLE[index % PEOPLE.length] as (typeof PEOPLE)[number];
	const lastName = r.pick(firstLanguage === 'es' ? LAST_NAMES_ES : LAST_NAMES_EN);
	// Spread placements evenly over 1–7 so the coordinator always has someone to match across.
	const placement = (index % 7) + 1;
	const leans = placement <= 3 ? 'left' : placement >= 5 ? 'right' : 'middle';
	const stance = (issueId: string): 'agree' | 'disagree' => {
		const liberalAgrees = issueId !== 'immigration';
		const agrees = leans === 'middle' ? r.next() < 0.5 : (leans === 'left') === liberalAgrees;
		return r.next() < 0.15 ? (agrees ? 'disagree' : 'agree') : agrees ? 'agree' : 'disagree';
	};
	const interests = r.some(INTERESTS, 2 + Math.floor(r.next() * 3));
	const days = r.some(WEEKDAYS, 1 + Math.floor(r.next() * 3));
	const availability: AvailabilityWindow[] = days.map((day) => {
		const [start, end] = r.pick(WINDOWS);
		return { day, start, end };
	});
	const neighborhood = r.pick(NEIGHBORHOODS);
	const job = r.pick(JOBS);
	const spanishLine =
		firstLanguage === 'es' ? ' Spanish is my first language, and my kids answer me in English.' : '';
	const answers = {
		communityId,
		firstName,
		lastName,
		email: `${ascii(firstName)}.${ascii(lastName)}.${index + 1}@${DEMO_EMAIL_DOMAIN}`,
		phone: `(205) 555-${String(100 + index).padStart(4, '0')}`,
		ageRange: r.pick(AGE_RANGES),
		gender,
		languages: firstLanguage === 'es' ? (index % 2 === 0 ? ['es', 'en'] : ['es']) : ['en'],
		politicalPlacement: placement,
		party:
			leans === 'left'
				? 'democrat'
				: leans === 'right'
					? 'republican'
					: r.pick(['independent', 'none', 'other'] as const),
		issueStances: Object.fromEntries(ISSUE_STATEMENTS.map((s) => [s.id, stance(s.id)])),
		interests,
		availability,
		motivation: r.pick(MOTIVATIONS),
		thermometer: Math.round(r.next() * 100),
		autobiography: `I live in ${neighborhood} and ${job.startsWith('retired') ? 'am ' : 'I '}${job}.${spanishLine} When I get free time you will find me with ${interests.join(' or ')}.`,
		inviteCode,
		agreementVersion: PARTICIPATION_AGREEMENT_VERSION,
		agreementAccepted: true as const,
		uiLanguage: firstLanguage
	};
	// The demo must look exactly like real sign-ups, so it goes through the same schema.
	return v.parse(Questionnaire, answers);
}
