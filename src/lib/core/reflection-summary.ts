/**
 * Aggregates of the reflection survey (issue #6): mean thermometer before (at sign-up) and after
 * the conversation, and how many would do it again. Groups smaller than MIN_GROUP are hidden so an
 * aggregate can never reveal one person's answer.
 */
export const MIN_GROUP = 3;

export type ReflectionRow = { before?: number; after: number; again: 'yes' | 'maybe' | 'no' };
export type ReflectionGroup =
	| {
			group: string;
			count: number;
			meanBefore: number | null;
			meanAfter: number;
			meanChange: number | null;
			againYes: number;
	  }
	| { group: string; count: number; hidden: true };

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

export function summarizeReflections<T extends ReflectionRow>(
	rows: readonly T[],
	groupOf: (row: T) => string
): ReflectionGroup[] {
	const groups = new Map<string, T[]>();
	for (const row of rows) groups.set(groupOf(row), [...(groups.get(groupOf(row)) ?? []), row]);
	return [...groups.entries()].map(([group, members]) => {
		if (members.length < MIN_GROUP) return { group, count: members.length, hidden: true as const };
		const paired = members.filter((m) => m.before !== undefined);
		return {
			group,
			count: members.length,
			meanBefore: round1(mean(paired.map((m) => m.before as number))),
			meanAfter: round1(mean(members.map((m) => m.after))) ?? 0,
			meanChange: round1(mean(paired.map((m) => m.after - (m.before as number)))),
			againYes: members.filter((m) => m.again === 'yes').length
		};
	});
}
