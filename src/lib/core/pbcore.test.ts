import { describe, expect, it } from 'vitest';
import { pbcoreXml, type PbcoreAsset } from './pbcore';
import { pbcoreProblems } from './pbcore-check';
import { parseXml } from './xml';

const wav = {
	identifiers: [{ source: 'File name', value: '1-ana.wav' }],
	date: '2025-11-02',
	mimeType: 'audio/wav',
	standard: 'Broadcast WAVE (EBU Tech 3285)',
	location: 'data/audio/1-ana.wav',
	generation: 'Preservation master',
	fileSizeBytes: 288654,
	durationMs: 3000,
	channels: 1,
	channelConfiguration: 'mono',
	essence: { encoding: 'PCM', samplingRateHz: 48000, bitDepth: 16 }
};
const asset: PbcoreAsset = {
	identifier: { source: 'Common Ground', value: 'c-1' },
	date: '2025-11-02',
	title: 'Teacher & trucker',
	keywords: ['schools'],
	summary: 'Schools <and> work.',
	place: 'Birmingham, AL',
	contributors: [{ name: 'Ana', role: 'Interviewee' }],
	rights: ['Ana agreed (consent text version archive-v1).'],
	instantiations: [wav, { ...wav, annotation: 'Decoded from Opus.' }]
};

describe('pbcoreXml', () => {
	it('writes a document that passes the PBCore 2.1 structure checks', () => {
		const xml = pbcoreXml(asset);
		expect(pbcoreProblems(xml)).toEqual([]);
		const root = parseXml(xml);
		expect(root.children.map((c) => c.name)).toEqual([
			'pbcoreAssetDate',
			'pbcoreIdentifier',
			'pbcoreTitle',
			'pbcoreSubject',
			'pbcoreDescription',
			'pbcoreGenre',
			'pbcoreCoverage',
			'pbcoreContributor',
			'pbcoreRightsSummary',
			'pbcoreInstantiation',
			'pbcoreInstantiation'
		]);
		expect(root.children[2]?.text).toBe('Teacher & trucker');
		expect(root.children[8]?.children[0]?.text).toContain('archive-v1');
	});

	it('leaves out what is unknown and stays valid', () => {
		const xml = pbcoreXml({ ...asset, date: null, place: '', keywords: [], instantiations: [] });
		expect(pbcoreProblems(xml)).toEqual([]);
		expect(xml).not.toContain('pbcoreCoverage');
		expect(xml).not.toContain('pbcoreAssetDate');
	});
});

describe('pbcoreProblems', () => {
	const doc = (body: string) =>
		`<pbcoreDescriptionDocument xmlns="http://www.pbcore.org/PBCore/PBCoreNamespace.html">${body}</pbcoreDescriptionDocument>`;
	const minimal =
		'<pbcoreIdentifier source="s">1</pbcoreIdentifier><pbcoreTitle>t</pbcoreTitle><pbcoreDescription>d</pbcoreDescription>';

	it('accepts the smallest valid document', () => {
		expect(pbcoreProblems(doc(minimal))).toEqual([]);
	});

	it.each([
		[
			'a missing title',
			doc('<pbcoreIdentifier source="s">1</pbcoreIdentifier><pbcoreDescription>d</pbcoreDescription>'),
			'lacks <pbcoreTitle>'
		],
		['an identifier without source', doc(minimal.replace(' source="s"', '')), 'source'],
		['elements out of order', doc(`<pbcoreTitle>t</pbcoreTitle>${minimal}`), 'out of order'],
		[
			'the instantiation the 2.1 schema refused',
			doc(
				`${minimal}<pbcoreInstantiation><instantiationDuration>00:00:03</instantiationDuration><instantiationMediaType>Sound</instantiationMediaType></pbcoreInstantiation>`
			),
			'lacks <instantiationIdentifier>'
		],
		[
			'an instantiation without location',
			doc(
				`${minimal}<pbcoreInstantiation><instantiationIdentifier source="s">f</instantiationIdentifier><instantiationDigital>audio/wav</instantiationDigital></pbcoreInstantiation>`
			),
			'lacks <instantiationLocation>'
		],
		[
			'an instantiation neither digital nor physical',
			doc(
				`${minimal}<pbcoreInstantiation><instantiationIdentifier source="s">f</instantiationIdentifier><instantiationLocation>x</instantiationLocation></pbcoreInstantiation>`
			),
			'either instantiationDigital or instantiationPhysical'
		],
		[
			'a rights summary after the instantiations',
			doc(
				`${minimal}<pbcoreInstantiation><instantiationIdentifier source="s">f</instantiationIdentifier><instantiationDigital>a</instantiationDigital><instantiationLocation>x</instantiationLocation></pbcoreInstantiation><pbcoreRightsSummary><rightsSummary>r</rightsSummary></pbcoreRightsSummary>`
			),
			'out of order'
		],
		[
			'a coverage type outside the list',
			doc(
				`${minimal.replace('<pbcoreDescription>d</pbcoreDescription>', '<pbcoreDescription>d</pbcoreDescription><pbcoreCoverage><coverage>x</coverage><coverageType>Place</coverageType></pbcoreCoverage>')}`
			),
			'Spatial or Temporal'
		],
		['another namespace', doc(minimal).replace('PBCoreNamespace.html', 'other'), 'namespace'],
		['a document that does not parse', doc(minimal).replace('</pbcoreTitle>', ''), 'not well-formed']
	])('finds %s', (_, xml, problem) => {
		expect(pbcoreProblems(xml).join('\n')).toContain(problem);
	});
});
