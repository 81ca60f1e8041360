import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { broadcastWav } from '../../../src/lib/core/bwf.ts';
import { chaptersFrom, chaptersVtt, type IndexPointIn } from '../../../src/lib/core/chapters.ts';
import { mergedArchiveFields, type ArchiveFields } from '../../../src/lib/core/consent.ts';
import type { ConversationRecord, CopyRecord, StoredConsent, TrackFile } from '../store/types.ts';
import type { Transcoder } from './ffmpeg.ts';

/**
 * The archive package (issue #6): a BagIt 1.0 bag (RFC 8493), zipped. The payload holds each
 * person's master as 48 kHz BWF, the mixed copy, PBCore XML and JSON metadata with the consent
 * records, and WebVTT chapters (one per question asked and per moment marked, from the shared
 * document's time-coded index); manifest-sha256.txt lists every payload file.
 */
export type PackageInput = {
	conversation: ConversationRecord;
	people: { userId: string; firstName: string }[];
	tracks: TrackFile[];
	copy: CopyRecord | undefined;
	consents: StoredConsent[];
	dataDir: string;
	transcoder: Transcoder;
	now: Date;
	/** Questions checked off and moments marked, with server-synced times (question-doc.ts). */
	index: IndexPointIn[];
};

const xml = (s: string) =>
	s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const slug = (s: string) =>
	s
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '') || 'person';

async function masterWav(input: PackageInput, person: { userId: string; firstName: string }, index: number) {
	const master = input.tracks.find((t) => t.userId === person.userId && t.kind === 'master');
	const source = master ?? input.tracks.find((t) => t.userId === person.userId && t.kind === 'share');
	if (!source) return undefined;
	const { 'out.raw': pcm } = await input.transcoder.run(
		['-i', 'in.audio', '-f', 's16le', '-ac', '1', '-ar', '48000', 'out.raw'],
		{ 'in.audio': await readFile(join(input.dataDir, source.filePath)) },
		['out.raw']
	);
	if (!pcm) return undefined;
	const wav = broadcastWav(pcm, {
		description: `Common Ground conversation ${input.conversation.id}, voice of ${person.firstName}${master ? '' : ' (from the compressed share track)'}`,
		originator: 'Common Ground',
		originatorReference: `${input.conversation.id.slice(0, 8)}-${index + 1}`,
		origination: new Date(source.startedAtServerMs),
		sampleRate: 48000
	});
	return {
		name: `data/audio/${index + 1}-${slug(person.firstName)}.wav`,
		wav,
		lossless: !!master,
		durationMs: source.durationMs
	};
}

function pbcore(fields: ArchiveFields, input: PackageInput, durationMs: number): string {
	const date = input.tracks[0] ? new Date(input.tracks[0].startedAtServerMs).toISOString().slice(0, 10) : '';
	const seconds = Math.round(durationMs / 1000);
	const duration = `${String(Math.floor(seconds / 3600)).padStart(2, '0')}:${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
	return [
		'<?xml version="1.0" encoding="UTF-8"?>',
		'<pbcoreDescriptionDocument xmlns="http://www.pbcore.org/PBCore/PBCoreNamespace.html">',
		`  <pbcoreAssetDate dateType="created">${date}</pbcoreAssetDate>`,
		`  <pbcoreIdentifier source="Common Ground">${xml(input.conversation.id)}</pbcoreIdentifier>`,
		`  <pbcoreTitle>${xml(fields.title)}</pbcoreTitle>`,
		...fields.keywords.map((k) => `  <pbcoreSubject>${xml(k)}</pbcoreSubject>`),
		`  <pbcoreDescription>${xml(fields.summary)}</pbcoreDescription>`,
		`  <pbcoreCoverage><coverage>${xml(fields.place)}</coverage><coverageType>Spatial</coverageType></pbcoreCoverage>`,
		...input.people.map(
			(p) =>
				`  <pbcoreContributor><contributor>${xml(p.firstName)}</contributor><contributorRole>Interviewee</contributorRole></pbcoreContributor>`
		),
		`  <pbcoreInstantiation><instantiationDuration>${duration}</instantiationDuration><instantiationMediaType>Sound</instantiationMediaType></pbcoreInstantiation>`,
		'</pbcoreDescriptionDocument>',
		''
	].join('\n');
}

/** Builds the zipped bag; undefined when the archive fields are missing (nobody said yes with them). */
export async function buildArchivePackage(input: PackageInput): Promise<Uint8Array | undefined> {
	const fields = mergedArchiveFields(input.consents, input.conversation.participantIds);
	if (!fields) return undefined;
	const payload: Record<string, Uint8Array> = {};
	const masters = [];
	for (const [i, person] of input.people.entries()) {
		const master = await masterWav(input, person, i);
		if (master) {
			payload[master.name] = master.wav;
			masters.push(master);
		}
	}
	if (input.copy?.filePath)
		payload['data/audio/conversation-mix.opus'] = await readFile(join(input.dataDir, input.copy.filePath));
	const durationMs = input.copy?.durationMs ?? Math.max(0, ...masters.map((m) => m.durationMs));
	// The mix starts with the earliest track (core/mixdown.ts), so chapters are timed from there.
	const chapters = chaptersFrom({
		points: input.index,
		startServerMs: Math.min(...input.tracks.map((t) => t.startedAtServerMs)),
		durationMs,
		markTitle: (n) => `Marked moment ${n}`
	});
	const metadata = {
		id: input.conversation.id,
		...fields,
		date: input.tracks[0] ? new Date(input.tracks[0].startedAtServerMs).toISOString() : null,
		durationMs,
		people: input.people.map((p) => ({ firstName: p.firstName })),
		audio: masters.map((m) => ({ file: m.name.slice('data/'.length), lossless: m.lossless })),
		index: chapters.map((c) => ({ kind: c.kind, startMs: c.startMs, title: c.title })),
		consents: input.consents.map((c) => ({
			person: input.people.findIndex((p) => p.userId === c.userId) + 1,
			kind: c.kind,
			answer: c.answer,
			textVersion: c.textVersion,
			language: c.language,
			decidedAt: c.decidedAt,
			recordedAt: c.recordedAt
		}))
	};
	const enc = new TextEncoder();
	payload['data/metadata/pbcore.xml'] = enc.encode(pbcore(fields, input, durationMs));
	payload['data/metadata/metadata.json'] = enc.encode(`${JSON.stringify(metadata, null, 2)}\n`);
	payload['data/metadata/chapters.vtt'] = enc.encode(chaptersVtt(chapters, 'Conversation', durationMs));

	const files: Record<string, Uint8Array> = { ...payload };
	files['bagit.txt'] = enc.encode('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
	const bytes = Object.values(payload).reduce((sum, b) => sum + b.length, 0);
	files['bag-info.txt'] = enc.encode(
		[
			`Source-Organization: Common Ground`,
			`Bagging-Date: ${input.now.toISOString().slice(0, 10)}`,
			`External-Identifier: ${input.conversation.id}`,
			`Payload-Oxum: ${bytes}.${Object.keys(payload).length}`,
			''
		].join('\n')
	);
	files['manifest-sha256.txt'] = enc.encode(
		Object.entries(payload)
			.map(([name, b]) => `${sha256(b)}  ${name}\n`)
			.join('')
	);
	const tags = ['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt'];
	files['tagmanifest-sha256.txt'] = enc.encode(
		tags.map((name) => `${sha256(files[name] as Uint8Array)}  ${name}\n`).join('')
	);
	const root = `conversation-${input.conversation.id.slice(0, 8)}`;
	// Audio does not compress; store it, so building the zip costs no CPU.
	return zipSync(
		Object.fromEntries(Object.entries(files).map(([name, b]) => [`${root}/${name}`, [b, { level: 0 }]]))
	);
}
