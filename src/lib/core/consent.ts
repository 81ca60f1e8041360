/**
 * Consent after the conversation (issue #6, "Consent"). Each participant answers two questions on
 * their own: a digital copy for both of them, and preservation in the public archive. Every answer
 * is kept with who gave it, when, and which version of the text they read. Sharing of either kind
 * needs a yes from both; the latest answer of each person counts, so a change of mind or a
 * withdrawal takes effect at once.
 */

export const CONSENT_KINDS = ['copy', 'archive'] as const;
export type ConsentKind = (typeof CONSENT_KINDS)[number];

/**
 * The version of each consent text. Change the version whenever the wording in messages/*.json
 * changes in meaning: an answer is only valid for the text the person actually read.
 */
export const CONSENT_TEXT_VERSIONS: Record<ConsentKind, string> = {
	copy: 'copy-2026-11-v1',
	archive: 'archive-2026-11-v1'
};

/** "withdrawn" is a no given after a yes: it is kept apart so the person can be shown what happened. */
export type ConsentAnswer = 'yes' | 'no' | 'withdrawn';

export type ArchiveFields = { title: string; summary: string; keywords: string[]; place: string };

export type ConsentRecord = {
	userId: string;
	kind: ConsentKind;
	answer: ConsentAnswer;
	textVersion: string;
	/** ISO-8601 time the person decided (on their device; the outbox may deliver it later). */
	decidedAt: string;
	archiveFields?: ArchiveFields | null;
};

/** What one kind of sharing looks like for the conversation as a whole. */
export type SharingState =
	| { status: 'allowed' }
	| { status: 'waiting'; waitingFor: string[] }
	| { status: 'declined'; by: string[] }
	| { status: 'withdrawn'; by: string[] };

/** Each person's latest answer of one kind. Ties go to the later record in the list (the log is append-only). */
export function latestAnswers(
	records: readonly ConsentRecord[],
	kind: ConsentKind
): Map<string, ConsentRecord> {
	const latest = new Map<string, ConsentRecord>();
	for (const record of records) {
		if (record.kind !== kind) continue;
		const seen = latest.get(record.userId);
		if (!seen || record.decidedAt >= seen.decidedAt) latest.set(record.userId, record);
	}
	return latest;
}

/**
 * Whether sharing of `kind` is allowed: both participants' latest answers are yes to the current
 * version of the text. An answer to an older text counts as not given yet.
 */
export function sharingState(
	records: readonly ConsentRecord[],
	participantIds: readonly [string, string],
	kind: ConsentKind,
	versions: Record<ConsentKind, string> = CONSENT_TEXT_VERSIONS
): SharingState {
	const latest = latestAnswers(records, kind);
	const answerOf = (id: string) => {
		const record = latest.get(id);
		return record && record.textVersion === versions[kind] ? record.answer : undefined;
	};
	const withdrawn = participantIds.filter((id) => answerOf(id) === 'withdrawn');
	if (withdrawn.length > 0) return { status: 'withdrawn', by: withdrawn };
	const declined = participantIds.filter((id) => answerOf(id) === 'no');
	if (declined.length > 0) return { status: 'declined', by: declined };
	const waitingFor = participantIds.filter((id) => answerOf(id) !== 'yes');
	if (waitingFor.length > 0) return { status: 'waiting', waitingFor };
	return { status: 'allowed' };
}

export function sharingAllowed(
	records: readonly ConsentRecord[],
	participantIds: readonly [string, string],
	kind: ConsentKind
): boolean {
	return sharingState(records, participantIds, kind).status === 'allowed';
}

/**
 * The answer to store when someone says no: a no after their own yes is a withdrawal, so both
 * people can be told that something already shared was taken back.
 */
export function answerFor(previous: ConsentAnswer | undefined, choice: 'yes' | 'no'): ConsentAnswer {
	if (choice === 'yes') return 'yes';
	return previous === 'yes' || previous === 'withdrawn' ? 'withdrawn' : 'no';
}

/**
 * The archive fields for the package: each participant may have written their own. Title, summary
 * and place come from the earliest yes (the first to describe it); keywords from both, without repeats.
 */
export function mergedArchiveFields(
	records: readonly ConsentRecord[],
	participantIds: readonly [string, string]
): ArchiveFields | undefined {
	const latest = latestAnswers(records, 'archive');
	const yeses = participantIds
		.map((id) => latest.get(id))
		.filter((r): r is ConsentRecord => r?.answer === 'yes' && !!r.archiveFields)
		.sort((a, b) => a.decidedAt.localeCompare(b.decidedAt));
	const first = yeses[0]?.archiveFields;
	if (!first) return undefined;
	const keywords = new Map<string, string>();
	for (const r of yeses) for (const k of r.archiveFields?.keywords ?? []) keywords.set(k.toLowerCase(), k);
	return { ...first, keywords: [...keywords.values()] };
}
