import { describe, expect, it } from 'vitest';
import { archiveReadiness, packageContents } from './archive-contents';
import { CONSENT_TEXT_VERSIONS, type ConsentRecord } from './consent';

const yes = (userId: string): ConsentRecord => ({
	userId,
	kind: 'archive',
	answer: 'yes',
	textVersion: CONSENT_TEXT_VERSIONS.archive,
	decidedAt: '2026-11-30T18:00:00.000Z'
});
const people = ['ana', 'ben'] as const;

describe('the archive package', () => {
	it('lists each voice by name, the mix when there is one, the metadata and the bag files', () => {
		const files = packageContents({ firstNames: ['Ana María', 'Ben'], withMix: true });
		expect(files.map((f) => f.path)).toEqual([
			'data/audio/1-ana-mar-a.wav',
			'data/audio/2-ben.wav',
			'data/audio/conversation-mix.opus',
			'data/metadata/pbcore.xml',
			'data/metadata/metadata.json',
			'data/metadata/chapters.vtt',
			'data/metadata/ohms.xml',
			'bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt'
		]);
		expect(packageContents({ firstNames: ['Ana'], withMix: false }).some((f) => f.kind === 'mix')).toBe(
			false
		);
	});

	it('is withheld without both yeses, then needs a description, the voices, and is ready', () => {
		const state = (consents: ConsentRecord[], { described = true, voicesOnServer = 2 } = {}) =>
			archiveReadiness({ consents, participantIds: people, described, voicesOnServer });
		expect(state([])).toBe('withheld');
		expect(state([yes('ana')])).toBe('withheld');
		expect(state([yes('ana'), yes('ben')], { described: false })).toBe('needs_description');
		expect(state([yes('ana'), yes('ben')], { voicesOnServer: 1 })).toBe('waiting_for_recordings');
		expect(state([yes('ana'), yes('ben')])).toBe('ready');
		const withdrawn = { ...yes('ben'), answer: 'withdrawn' as const, decidedAt: '2026-11-30T19:00:00.000Z' };
		expect(state([yes('ana'), yes('ben'), withdrawn])).toBe('withheld');
	});
});
