import { PBCORE_NAMESPACE } from './pbcore';
import { parseXml, type XmlElement } from './xml';

/**
 * What an archive's intake checks of a pbcoreDescriptionDocument (issue #14), from the PBCore 2.1
 * XSD: each container's children in the schema's sequence, with its minimum and maximum counts, and
 * the required `source` of the identifiers. Plus PBCore's rule that an instantiation is either
 * digital or physical. The package tests run it on every pbcore.xml they build.
 */
type Slot = { name: string; min: 0 | 1; max: 1 | typeof Infinity };

const seq = (spec: string): Slot[] =>
	spec.split(/\s+/).map((s) => {
		const name = s.replace(/[?*+]$/, '');
		const mark = s.slice(name.length);
		return {
			name,
			min: mark === '' || mark === '+' ? 1 : 0,
			max: mark === '*' || mark === '+' ? Infinity : 1
		};
	});

const SEQUENCES: Record<string, Slot[]> = {
	pbcoreDescriptionDocument: seq(
		'pbcoreAssetType* pbcoreAssetDate* pbcoreIdentifier+ pbcoreTitle+ pbcoreSubject* pbcoreDescription+ ' +
			'pbcoreGenre* pbcoreRelation* pbcoreCoverage* pbcoreAudienceLevel* pbcoreAudienceRating* pbcoreCreator* ' +
			'pbcoreContributor* pbcorePublisher* pbcoreRightsSummary* pbcoreInstantiation* pbcoreAnnotation* ' +
			'pbcorePart* pbcoreExtension*'
	),
	pbcoreInstantiation: seq(
		'instantiationIdentifier+ instantiationDate* instantiationDimensions* instantiationPhysical? ' +
			'instantiationDigital? instantiationStandard? instantiationLocation instantiationMediaType? ' +
			'instantiationGenerations* instantiationFileSize? instantiationTimeStart? instantiationDuration? ' +
			'instantiationDataRate? instantiationColors? instantiationTracks? instantiationChannelConfiguration? ' +
			'instantiationLanguage* instantiationAlternativeModes? instantiationEssenceTrack* instantiationRelation* ' +
			'instantiationRights* instantiationAnnotation* instantiationPart* instantiationExtension*'
	),
	instantiationEssenceTrack: seq(
		'essenceTrackType? essenceTrackIdentifier* essenceTrackStandard? essenceTrackEncoding? ' +
			'essenceTrackDataRate? essenceTrackFrameRate? essenceTrackPlaybackSpeed? essenceTrackSamplingRate? ' +
			'essenceTrackBitDepth? essenceTrackFrameSize? essenceTrackAspectRatio? essenceTrackTimeStart? ' +
			'essenceTrackDuration? essenceTrackLanguage* essenceTrackAnnotation* essenceTrackExtension*'
	),
	pbcoreCoverage: seq('coverage coverageType?'),
	pbcoreCreator: seq('creator creatorRole*'),
	pbcoreContributor: seq('contributor contributorRole*'),
	pbcorePublisher: seq('publisher publisherRole*'),
	pbcoreRelation: seq('pbcoreRelationType pbcoreRelationIdentifier'),
	instantiationRelation: seq('instantiationRelationType instantiationRelationIdentifier')
};
SEQUENCES.pbcorePart = SEQUENCES.pbcoreDescriptionDocument as Slot[];
SEQUENCES.instantiationPart = SEQUENCES.pbcoreInstantiation as Slot[];
/** Containers of other schemas' XML, or of extension wraps: not checked here. */
const OPAQUE = ['pbcoreExtension', 'instantiationExtension', 'essenceTrackExtension', 'rightsEmbedded'];
/** rightsSummaryType is an xsd:choice of one of these. */
const RIGHTS = ['rightsSummary', 'rightsLink', 'rightsEmbedded'];
const NEEDS_SOURCE = ['pbcoreIdentifier', 'instantiationIdentifier'];

function sequenceProblems(el: XmlElement, slots: Slot[]): string[] {
	const problems: string[] = [];
	const counts = new Map<string, number>();
	let at = 0;
	for (const child of el.children) {
		while (at < slots.length && slots[at]?.name !== child.name) at += 1;
		const slot = slots[at];
		if (!slot) {
			problems.push(`<${child.name}> is not allowed there in <${el.name}> (unknown, or out of order)`);
			at = 0;
			continue;
		}
		const n = (counts.get(child.name) ?? 0) + 1;
		counts.set(child.name, n);
		if (n > slot.max) problems.push(`<${el.name}> has more than one <${child.name}>`);
	}
	for (const slot of slots)
		if (slot.min > 0 && !counts.get(slot.name)) problems.push(`<${el.name}> lacks <${slot.name}>`);
	return problems;
}

function walk(el: XmlElement): string[] {
	if (OPAQUE.includes(el.name)) return [];
	const problems: string[] = [];
	const slots = SEQUENCES[el.name];
	if (slots) problems.push(...sequenceProblems(el, slots));
	if (NEEDS_SOURCE.includes(el.name) && !el.attributes.source)
		problems.push(`<${el.name}> lacks its required source attribute`);
	if (el.name === 'pbcoreRightsSummary' || el.name === 'instantiationRights') {
		if (el.children.length > 1 || el.children.some((c) => !RIGHTS.includes(c.name)))
			problems.push(`<${el.name}> holds one of ${RIGHTS.join(', ')}`);
	}
	if (el.name === 'coverageType' && !['Spatial', 'Temporal'].includes(el.text))
		problems.push(`<coverageType> is Spatial or Temporal, not "${el.text}"`);
	if (el.name === 'pbcoreInstantiation') {
		const kinds = el.children.filter(
			(c) => c.name === 'instantiationDigital' || c.name === 'instantiationPhysical'
		);
		if (kinds.length !== 1)
			problems.push('<pbcoreInstantiation> is either instantiationDigital or instantiationPhysical');
	}
	const leaf = !slots && el.name !== 'pbcoreRightsSummary' && el.name !== 'instantiationRights';
	if (leaf && el.children.length > 0) problems.push(`<${el.name}> holds text, not elements`);
	for (const child of el.children) problems.push(...walk(child));
	return problems;
}

/** Everything wrong with the document; empty when it passes. A document that does not parse is one problem. */
export function pbcoreProblems(xml: string): string[] {
	let root: XmlElement;
	try {
		root = parseXml(xml);
	} catch (e) {
		return [`not well-formed: ${(e as Error).message}`];
	}
	const problems: string[] = [];
	if (root.name !== 'pbcoreDescriptionDocument') problems.push(`the root is <${root.name}>`);
	if (root.attributes.xmlns !== PBCORE_NAMESPACE) problems.push('the root is not in the PBCore namespace');
	return [...problems, ...walk(root)];
}
