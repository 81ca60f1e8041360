import { ISSUE_STATEMENTS } from '../../../src/lib/contracts/questionnaire.ts';
import { WEEK_DAYS, type WeeklyWindow } from '../../../src/lib/core/weekly-availability.ts';
import type { MatchPerson } from './person.ts';

/**
 * Seeded synthetic participants for the benchmark and tests: placements over the whole scale, stances
 * that lean with placement, a shared pool of interests and evening/weekend-heavy availability, and a
 * few shared surnames and household phones so the identity rules have something to refuse.
 */

export function seededRandom(seed: number) {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
	const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
	return { next, int, pick };
}

const INTERESTS = [
	'gardening',
	'fishing',
	'college football',
	'church choir',
	'barbecue',
	'hiking',
	'quilting',
	'jazz',
	'gospel music',
	'baseball',
	'woodworking',
	'food bank',
	'chickens',
	'mystery novels',
	'bowling',
	'soccer',
	'knitting',
	'hunting',
	'classic cars',
	'photography',
	'baking',
	'family history',
	'dominoes',
	'dancing',
	'grandchildren',
	'military service',
	'teaching',
	'nursing',
	'farming',
	'travel'
];
const SURNAMES = [
	'Johnson',
	'Williams',
	'Brown',
	'Davis',
	'Jackson',
	'García',
	'Martínez',
	'López',
	'Moore',
	'Clark'
];
const WINDOWS: [string, string][] = [
	['08:00', '10:00'],
	['12:00', '13:30'],
	['17:30', '19:30'],
	['18:00', '21:00'],
	['10:00', '12:00'],
	['14:00', '17:00']
];

export function syntheticPerson(
	index: number,
	{
		communityId,
		seed = 1,
		now = new Date('2026-11-02T15:00:00Z')
	}: { communityId: string; seed?: number; now?: Date }
): MatchPerson {
	const r = seededRandom(seed * 1_000_003 + index);
	const placement = r.int(1, 7);
	const lean = (placement - 4) / 3;
	const stances = Object.fromEntries(
		ISSUE_STATEMENTS.map((s) => {
			const liberalAgrees = s.id !== 'immigration';
			const pAgree = 0.5 + (liberalAgrees ? -lean : lean) * 0.4;
			return [s.id, r.next() < pAgree ? 'agree' : 'disagree'] as const;
		})
	);
	const languages = r.next() < 0.15 ? (r.next() < 0.5 ? ['es'] : ['es', 'en']) : ['en'];
	const interests = Array.from({ length: r.int(2, 5) }, () => r.pick(INTERESTS));
	const availability: WeeklyWindow[] = Array.from({ length: r.int(1, 4) }, () => {
		const [start, end] = r.pick(WINDOWS);
		return { day: r.pick(WEEK_DAYS), start, end };
	});
	// About one in fifty shares a household phone with the previous person.
	const household = r.next() < 0.02 ? index - 1 : index;
	return {
		id: `${communityId}-p${String(index).padStart(5, '0')}`,
		communityId,
		languages,
		lastName: r.next() < 0.3 ? r.pick(SURNAMES) : `Surname${index}`,
		email: `person${index}@${communityId}.example.org`,
		phone: `(205) 55${String(household).padStart(5, '0')}`,
		placement,
		stances,
		interests,
		availability,
		waitingSince: new Date(now.getTime() - r.int(0, 60) * 24 * 60 * 60_000).toISOString(),
		priority: r.next() < 0.03,
		oriented: true,
		hasActiveMatch: false,
		avoid: []
	};
}

export function syntheticCommunity(
	size: number,
	options: { communityId: string; seed?: number; now?: Date }
): MatchPerson[] {
	return Array.from({ length: size }, (_, i) => syntheticPerson(i, options));
}
