import { sharingState, type ConsentRecord } from './consent';

/**
 * What the archive package of a conversation holds and whether it can be made (issue #14): the
 * coordinator's console lists it before the download, and each participant sees that it exists.
 * The package builder (sync-server/src/media/archive-package.ts) names its files from here.
 */
export type ArchiveFileKind = 'voice' | 'mix' | 'pbcore' | 'metadata' | 'chapters' | 'ohms' | 'bag';
export type ArchiveFile = { path: string; kind: ArchiveFileKind; firstName?: string };

export const MIX_PATH = 'data/audio/conversation-mix.opus';

const slug = (s: string) =>
	s
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '') || 'person';

/** The WAV of one person's voice, numbered in the conversation's order of people. */
export function voicePath(index: number, firstName: string): string {
	return `data/audio/${index + 1}-${slug(firstName)}.wav`;
}

export function packageContents({
	firstNames,
	withMix
}: {
	firstNames: readonly string[];
	withMix: boolean;
}): ArchiveFile[] {
	return [
		...firstNames.map((firstName, i): ArchiveFile => ({
			path: voicePath(i, firstName),
			kind: 'voice',
			firstName
		})),
		...(withMix ? [{ path: MIX_PATH, kind: 'mix' } as const] : []),
		{ path: 'data/metadata/pbcore.xml', kind: 'pbcore' },
		{ path: 'data/metadata/metadata.json', kind: 'metadata' },
		{ path: 'data/metadata/chapters.vtt', kind: 'chapters' },
		{ path: 'data/metadata/ohms.xml', kind: 'ohms' },
		{ path: 'bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt', kind: 'bag' }
	];
}

/**
 * `withheld`: not both said yes to the archive (or one took it back); `needs_description`: the
 * title, summary, keywords and place the partners write together are not all there yet; `waiting_for_recordings`: a voice has not reached the
 * server; `ready`: it can be downloaded now.
 */
export type ArchiveReadiness = 'withheld' | 'needs_description' | 'waiting_for_recordings' | 'ready';

export function archiveReadiness({
	consents,
	participantIds,
	described,
	voicesOnServer
}: {
	consents: readonly ConsentRecord[];
	participantIds: readonly [string, string];
	/** The partners' shared description is complete and valid (sync-server/src/media/question-doc.ts). */
	described: boolean;
	voicesOnServer: number;
}): ArchiveReadiness {
	if (sharingState(consents, participantIds, 'archive').status !== 'allowed') return 'withheld';
	if (!described) return 'needs_description';
	if (voicesOnServer < participantIds.length) return 'waiting_for_recordings';
	return 'ready';
}
