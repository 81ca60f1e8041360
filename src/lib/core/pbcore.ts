import { vttTime } from './chapters';
import { escapeXml as x } from './xml';

/**
 * PBCore 2.1 (pbcoreDescriptionDocument) for the archive package (issues #6, #14). The schema is a
 * strict xsd:sequence, so the elements below are written in its order: pbcoreAssetDate,
 * pbcoreIdentifier (required, with its required source), pbcoreTitle (required), pbcoreSubject,
 * pbcoreDescription (required), pbcoreGenre, pbcoreCoverage, pbcoreContributor,
 * pbcoreRightsSummary, pbcoreInstantiation. Each instantiation needs an instantiationIdentifier (with
 * source) and an instantiationLocation, and carries instantiationDigital (the MIME type) for a file.
 */
export const PBCORE_NAMESPACE = 'http://www.pbcore.org/PBCore/PBCoreNamespace.html';

export type PbcoreInstantiation = {
	identifiers: { source: string; value: string }[];
	/** yyyy-mm-dd */
	date: string | null;
	mimeType: string;
	/** The container format, e.g. "Broadcast WAVE (EBU Tech 3285)". */
	standard: string;
	/** A path or URI to the file; here, its path inside the bag. */
	location: string;
	generation: string;
	fileSizeBytes: number;
	durationMs: number;
	channels: number;
	channelConfiguration: string;
	essence: { encoding: string; samplingRateHz: number; bitDepth?: number };
	annotation?: string;
};

export type PbcoreAsset = {
	identifier: { source: string; value: string };
	/** yyyy-mm-dd */
	date: string | null;
	title: string;
	keywords: readonly string[];
	summary: string;
	place: string;
	contributors: readonly { name: string; role: string }[];
	rights: readonly string[];
	instantiations: readonly PbcoreInstantiation[];
};

const el = (name: string, text: string | number, attrs: Record<string, string> = {}) =>
	`<${name}${Object.entries(attrs)
		.map(([k, v]) => ` ${k}="${x(v)}"`)
		.join('')}>${x(String(text))}</${name}>`;

function instantiation(i: PbcoreInstantiation): string[] {
	const essence = [
		el('essenceTrackType', 'Audio'),
		el('essenceTrackEncoding', i.essence.encoding),
		el('essenceTrackSamplingRate', i.essence.samplingRateHz / 1000, { unitsOfMeasure: 'kHz' }),
		...(i.essence.bitDepth ? [el('essenceTrackBitDepth', i.essence.bitDepth)] : [])
	];
	return [
		'  <pbcoreInstantiation>',
		...i.identifiers.map((id) => `    ${el('instantiationIdentifier', id.value, { source: id.source })}`),
		...(i.date ? [`    ${el('instantiationDate', i.date, { dateType: 'created' })}`] : []),
		`    ${el('instantiationDigital', i.mimeType)}`,
		`    ${el('instantiationStandard', i.standard)}`,
		`    ${el('instantiationLocation', i.location)}`,
		`    ${el('instantiationMediaType', 'Sound')}`,
		`    ${el('instantiationGenerations', i.generation)}`,
		`    ${el('instantiationFileSize', i.fileSizeBytes, { unitsOfMeasure: 'bytes' })}`,
		`    ${el('instantiationDuration', vttTime(i.durationMs))}`,
		`    ${el('instantiationTracks', i.channels)}`,
		`    ${el('instantiationChannelConfiguration', i.channelConfiguration)}`,
		`    <instantiationEssenceTrack>${essence.join('')}</instantiationEssenceTrack>`,
		...(i.annotation ? [`    ${el('instantiationAnnotation', i.annotation)}`] : []),
		'  </pbcoreInstantiation>'
	];
}

export function pbcoreXml(a: PbcoreAsset): string {
	return [
		'<?xml version="1.0" encoding="UTF-8"?>',
		`<pbcoreDescriptionDocument xmlns="${PBCORE_NAMESPACE}">`,
		...(a.date ? [`  ${el('pbcoreAssetDate', a.date, { dateType: 'created' })}`] : []),
		`  ${el('pbcoreIdentifier', a.identifier.value, { source: a.identifier.source })}`,
		`  ${el('pbcoreTitle', a.title)}`,
		...a.keywords.map((k) => `  ${el('pbcoreSubject', k, { subjectType: 'Keyword' })}`),
		`  ${el('pbcoreDescription', a.summary, { descriptionType: 'Abstract' })}`,
		`  ${el('pbcoreGenre', 'Oral history')}`,
		...(a.place
			? [`  <pbcoreCoverage>${el('coverage', a.place)}${el('coverageType', 'Spatial')}</pbcoreCoverage>`]
			: []),
		...a.contributors.map(
			(c) =>
				`  <pbcoreContributor>${el('contributor', c.name)}${el('contributorRole', c.role)}</pbcoreContributor>`
		),
		...a.rights.map((r) => `  <pbcoreRightsSummary>${el('rightsSummary', r)}</pbcoreRightsSummary>`),
		...a.instantiations.flatMap(instantiation),
		'</pbcoreDescriptionDocument>',
		''
	].join('\n');
}
