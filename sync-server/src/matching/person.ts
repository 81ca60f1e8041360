import { weekMask, type WeekMask, type WeeklyWindow } from '../../../src/lib/core/weekly-availability.ts';

/** What the engine knows about one participant: exactly what matching needs, nothing else. */
export interface MatchPerson {
	id: string;
	communityId: string;
	languages: readonly string[];
	lastName: string;
	email: string;
	phone: string | null;
	/** 1 = very liberal … 7 = very conservative. */
	placement: number;
	/** Issue statement id → agree/disagree. */
	stances: Readonly<Record<string, 'agree' | 'disagree'>>;
	interests: readonly string[];
	availability: readonly WeeklyWindow[];
	/** ISO time the person became ready to be matched (oriented, or put back in the pool). */
	waitingSince: string;
	/** Put back in the pool after a decline or a partner's no-show: goes first. */
	priority: boolean;
	oriented: boolean;
	hasActiveMatch: boolean;
	/** People never to be proposed again (declined, met, or did not show up). */
	avoid: readonly string[];
}

/** A person precompiled for fast pair checks: strings become small integers and bit masks. */
export interface CompiledPerson {
	person: MatchPerson;
	ready: boolean;
	placement: number;
	languages: number;
	/** Interned, so that comparing two people is comparing integers; 0 means "not given". */
	lastNameId: number;
	emailId: number;
	phoneId: number;
	stanceBits: number;
	stanceKnown: number;
	interests: readonly string[];
	week: WeekMask;
	/** Bit d set when the person is free at some time on weekday d: one AND rules out most pairs. */
	days: number;
	waitingDays: number;
	avoid: ReadonlySet<string>;
}

export interface Compiler {
	compile(person: MatchPerson, now: Date): CompiledPerson;
	statementIds: readonly string[];
}

const DAY_MS = 24 * 60 * 60_000;
const NOBODY: ReadonlySet<string> = new Set();

export function normalizeName(name: string): string {
	return name.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
}

export function normalizeInterest(tag: string): string {
	return tag.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Phone numbers compare by their last 10 digits, so "+1 (205) 555-0100" equals "205.555.0100". */
export function phoneDigits(phone: string | null): string {
	return (phone ?? '').replace(/\D/g, '').slice(-10);
}

/** Fewer than 7 digits is not a phone number anyone could share by accident; it is ignored. */
function usablePhone(phone: string | null): string {
	const digits = phoneDigits(phone);
	return digits.length >= 7 ? digits : '';
}

function daysOf(week: WeekMask): number {
	let days = 0;
	for (let d = 0; d < 7; d++) if ((week[3 * d]! | week[3 * d + 1]! | week[3 * d + 2]!) !== 0) days |= 1 << d;
	return days;
}

export function createCompiler(statementIds: readonly string[]): Compiler {
	const languageBit = new Map<string, number>();
	const ids = new Map<string, number>();
	const idFor = (kind: string, value: string) => {
		if (value === '') return 0;
		const key = `${kind}:${value}`;
		let id = ids.get(key);
		if (id === undefined) {
			id = ids.size + 1;
			ids.set(key, id);
		}
		return id;
	};
	const bitFor = (language: string) => {
		let bit = languageBit.get(language);
		if (bit === undefined) {
			bit = 1 << languageBit.size;
			languageBit.set(language, bit);
		}
		return bit;
	};
	return {
		statementIds,
		compile(person, now) {
			let stanceBits = 0;
			let stanceKnown = 0;
			statementIds.forEach((id, i) => {
				const stance = person.stances[id];
				if (stance) stanceKnown |= 1 << i;
				if (stance === 'agree') stanceBits |= 1 << i;
			});
			const since = Date.parse(person.waitingSince);
			const week = weekMask(person.availability);
			return {
				person,
				ready: person.oriented && !person.hasActiveMatch,
				placement: person.placement,
				languages: person.languages.reduce((bits, l) => bits | bitFor(l), 0),
				lastNameId: idFor('last', normalizeName(person.lastName)),
				emailId: idFor('email', person.email.trim().toLowerCase()),
				phoneId: idFor('phone', usablePhone(person.phone)),
				stanceBits,
				stanceKnown,
				interests: [...new Set(person.interests.map(normalizeInterest))].sort(),
				week,
				days: daysOf(week),
				waitingDays: Number.isFinite(since) ? Math.max(0, Math.floor((now.getTime() - since) / DAY_MS)) : 0,
				avoid: person.avoid.length === 0 ? NOBODY : new Set(person.avoid)
			};
		}
	};
}
