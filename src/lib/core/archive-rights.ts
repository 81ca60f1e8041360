import { latestAnswers, type ConsentRecord } from './consent';

/**
 * The rights statements of an archive package (issue #14): what each participant agreed to, when, and
 * which version of the consent text they read, so an archive knows the terms it receives the recording
 * under. PBCore's pbcoreRightsSummary and OHMS's rights hold these lines.
 */
export type Participant = { userId: string; firstName: string };
type Consent = ConsentRecord & { language?: string };

const ANSWERS = { yes: 'agreed', no: 'declined', withdrawn: 'withdrew their agreement' } as const;

export function archiveRights({
	people,
	consents
}: {
	people: readonly Participant[];
	consents: readonly Consent[];
}): string[] {
	// latestAnswers returns the records it was given, language and all.
	const latest = latestAnswers(consents, 'archive') as Map<string, Consent>;
	const lines = people.map((p) => {
		const c = latest.get(p.userId);
		if (!c) return `${p.firstName} has not answered the archive consent.`;
		const language = c.language ? `, in "${c.language}"` : '';
		return `${p.firstName} ${ANSWERS[c.answer]} on ${c.decidedAt.slice(0, 10)} to the preservation of this conversation in a public archive (consent text version ${c.textVersion}${language}).`;
	});
	return [
		...lines,
		'Either participant may withdraw this agreement at any time; after a withdrawal, Common Ground no longer releases this package.'
	];
}
