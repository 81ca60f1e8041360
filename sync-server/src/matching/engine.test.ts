import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ISSUE_STATEMENTS } from '../../../src/lib/contracts/questionnaire.ts';
import { WEEK_DAYS } from '../../../src/lib/core/weekly-availability.ts';
import { matchCommunity } from './engine.ts';
import type { MatchPerson } from './person.ts';
import { syntheticCommunity } from './population.ts';

const NOW = new Date('2026-11-02T15:00:00Z');
const MINUTES = 40;

/**
 * Random people drawn from small pools, so that shared surnames, shared phones, one-language people,
 * near-identical views and non-overlapping weeks all happen often.
 */
const person = (index: number) =>
	fc.record({
		communityId: fc.constantFrom('north', 'north', 'north', 'south'),
		languages: fc.subarray(['en', 'es'], { minLength: 1 }),
		lastName: fc.constantFrom('Lee', 'García', 'Smith', `Only${index}`, `Only${index}`),
		email: fc.constantFrom(`p${index}@example.org`, `p${index}@example.org`, 'shared@example.org'),
		phone: fc.constantFrom(null, `205-555-01${String(index).padStart(2, '0')}`, '(205) 555-0000'),
		placement: fc.integer({ min: 1, max: 7 }),
		stances: fc.record(
			Object.fromEntries(ISSUE_STATEMENTS.map((s) => [s.id, fc.constantFrom('agree', 'disagree')])) as Record<
				string,
				fc.Arbitrary<'agree' | 'disagree'>
			>
		),
		interests: fc.subarray(['gardening', 'jazz', 'fishing', 'Gardening ', 'baking']),
		availability: fc.array(
			fc.record({
				day: fc.constantFrom(...WEEK_DAYS.slice(0, 3)),
				start: fc.constantFrom('08:00', '09:15', '18:00'),
				end: fc.constantFrom('09:00', '10:00', '19:30')
			}),
			{ minLength: 1, maxLength: 3 }
		),
		waitingDays: fc.integer({ min: 0, max: 90 }),
		priority: fc.boolean(),
		oriented: fc.boolean().map((b) => b || Math.random() < 0.5),
		hasActiveMatch: fc.constantFrom(false, false, false, true)
	});

const population = (min: number, max: number) =>
	fc.integer({ min, max }).chain((n) =>
		fc.tuple(...Array.from({ length: n }, (_, i) => person(i))).map((raw) =>
			raw.map((p, i): MatchPerson => ({
				...p,
				id: `p${i}`,
				availability: p.availability.filter((w) => w.start < w.end),
				waitingSince: new Date(NOW.getTime() - p.waitingDays * 86_400_000).toISOString(),
				avoid: i % 5 === 1 ? [`p${i - 1}`] : []
			}))
		)
	);

// The rules restated independently of rules.ts, in the plainest terms, to check the engine against.
const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
function freeAt(p: MatchPerson, day: string, minute: number) {
	return p.availability.some(
		(w) =>
			w.day === day &&
			Math.ceil(minutesOf(w.start) / 15) * 15 <= minute &&
			minute + 15 <= Math.floor(minutesOf(w.end) / 15) * 15
	);
}
function commonStretch(a: MatchPerson, b: MatchPerson) {
	let best = 0;
	for (const day of WEEK_DAYS) {
		let run = 0;
		for (let minute = 0; minute < 1440; minute += 15) {
			run = freeAt(a, day, minute) && freeAt(b, day, minute) ? run + 15 : 0;
			best = Math.max(best, run);
		}
	}
	return best;
}
const digits = (phone: string | null) => (phone ?? '').replace(/\D/g, '').slice(-10);
function mayPair(a: MatchPerson, b: MatchPerson): boolean {
	const differ = ISSUE_STATEMENTS.filter((s) => a.stances[s.id] !== b.stances[s.id]).length;
	return (
		a.oriented &&
		b.oriented &&
		!a.hasActiveMatch &&
		!b.hasActiveMatch &&
		a.communityId === b.communityId &&
		a.languages.some((l) => b.languages.includes(l)) &&
		a.lastName.trim().toLowerCase() !== b.lastName.trim().toLowerCase() &&
		a.email.toLowerCase() !== b.email.toLowerCase() &&
		(digits(a.phone) === '' || digits(a.phone) !== digits(b.phone)) &&
		(Math.abs(a.placement - b.placement) >= 2 || differ * 2 >= ISSUE_STATEMENTS.length) &&
		!a.avoid.includes(b.id) &&
		!b.avoid.includes(a.id) &&
		commonStretch(a, b) >= MINUTES
	);
}

function byCommunity(people: MatchPerson[]) {
	return ['north', 'south'].map((id) => people.filter((p) => p.communityId === id));
}

describe('matchCommunity', () => {
	it('never proposes a pair that breaks a rule, and nobody is in two pairs', () => {
		let proposed = 0;
		fc.assert(
			fc.property(population(0, 40), (people) => {
				for (const group of byCommunity(people)) {
					const run = matchCommunity(group, { conversationMinutes: MINUTES, now: NOW });
					const seen = new Set<string>();
					const byId = new Map(group.map((p) => [p.id, p]));
					proposed += run.pairs.length;
					for (const pair of run.pairs) {
						expect(mayPair(byId.get(pair.a)!, byId.get(pair.b)!)).toBe(true);
						for (const id of [pair.a, pair.b]) {
							expect(seen.has(id)).toBe(false);
							seen.add(id);
						}
					}
				}
			}),
			{ numRuns: 400 }
		);
		// The populations must be matchable often enough for the property to mean something.
		expect(proposed).toBeGreaterThan(400);
	}, 120_000);

	// Up to 9 people: each has at most 8 candidates, so the sparse graph is the whole candidate graph.
	it('matches with the greatest total weight: equal to a brute-force search on small populations', () => {
		fc.assert(
			fc.property(population(2, 9), (people) => {
				const group = people.filter((p) => p.communityId === 'north');
				const run = matchCommunity(group, { conversationMinutes: MINUTES, now: NOW });
				expect(run.totalWeight).toBe(bruteForce(group));
			}),
			{ numRuns: 300 }
		);
	}, 120_000);

	it(
		'is never worse than greedy, in pairs made or in total weight, on larger populations',
		{ timeout: 60_000 },
		() => {
			for (let seed = 1; seed <= 5; seed++) {
				const run = matchCommunity(syntheticCommunity(300, { communityId: 'c', seed, now: NOW }), {
					conversationMinutes: MINUTES,
					now: NOW
				});
				expect(run.totalWeight).toBeGreaterThanOrEqual(run.greedy.totalWeight);
				expect(run.pairs.length).toBeGreaterThanOrEqual(run.greedy.pairs);
			}
		}
	);

	it('explains every pair: shared hours, shared interests and how far apart the two are', () => {
		const [a, b] = syntheticCommunity(2, { communityId: 'c', now: NOW });
		const base = { ...a!, oriented: true, hasActiveMatch: false, avoid: [], priority: false };
		const rosa: MatchPerson = {
			...base,
			id: 'rosa',
			languages: ['en'],
			lastName: 'Delgado',
			email: 'rosa@example.org',
			phone: null,
			placement: 2,
			interests: ['Gardening', 'jazz'],
			availability: [{ day: 'tue', start: '18:00', end: '21:00' }]
		};
		const tom: MatchPerson = {
			...base,
			...b,
			id: 'tom',
			oriented: true,
			hasActiveMatch: false,
			avoid: [],
			languages: ['en', 'es'],
			lastName: 'Walker',
			email: 'tom@example.org',
			phone: null,
			placement: 6,
			interests: ['gardening', 'fishing'],
			availability: [{ day: 'tue', start: '17:00', end: '20:00' }]
		};
		const run = matchCommunity([rosa, tom], { conversationMinutes: MINUTES, now: NOW });
		expect(run.pairs).toHaveLength(1);
		expect(run.pairs[0]!.reason).toMatchObject({
			sharedMinutesPerWeek: 120,
			sharedInterests: ['gardening'],
			placementGap: 4,
			statementCount: 7
		});
	});
});

/** The best total weight over all matchings of eligible pairs, weights taken from the engine's own pairs. */
function bruteForce(group: MatchPerson[]): number {
	const n = group.length;
	const weight = new Map<string, number>();
	for (let i = 0; i < n; i++)
		for (let j = i + 1; j < n; j++) {
			if (!mayPair(group[i]!, group[j]!)) continue;
			const run = matchCommunity([group[i]!, group[j]!], { conversationMinutes: MINUTES, now: NOW });
			weight.set(`${i}-${j}`, run.totalWeight);
		}
	const used = new Array<boolean>(n).fill(false);
	const best = (from: number): number => {
		let i = from;
		while (i < n && used[i]) i++;
		if (i >= n) return 0;
		used[i] = true;
		let result = best(i + 1);
		for (let j = i + 1; j < n; j++) {
			const w = weight.get(`${i}-${j}`);
			if (used[j] || w === undefined) continue;
			used[j] = true;
			result = Math.max(result, w + best(i + 1));
			used[j] = false;
		}
		used[i] = false;
		return result;
	};
	return best(0);
}
