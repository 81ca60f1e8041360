import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import type { ArchiveFields } from '../../../src/lib/contracts/consent.ts';
import { broadcastWav } from '../../../src/lib/core/bwf.ts';
import { chaptersFrom, chaptersVtt, type IndexPointIn } from '../../../src/lib/core/chapters.ts';
import { archiveRights } from '../../../src/lib/core/archive-rights.ts';
import { MIX_PATH, voicePath } from '../../../src/lib/core/archive-contents.ts';
import { ohmsXml } from '../../../src/lib/core/ohms.ts';
import { pbcoreXml, type PbcoreInstantiation } from '../../../src/lib/core/pbcore.ts';
import type { ConversationRecord, CopyRecord, StoredConsent, TrackFile } from '../store/types.ts';
import { readBlob, type BlobStore } from './blob-store.ts';
import type { Transcoder } from './ffmpeg.ts';

/**
 * The archive package (issue #6): a BagIt 1.0 bag (RFC 8493), zipped. The payload holds each
 * person's master as 48 kHz BWF, the mixed copy, PBCore 2.1 XML and JSON metadata with the consent
 * records, and the chapters (one per question asked and per moment marked, from the shared
 * document's time-coded index) as WebVTT and as an OHMS index; manifest-sha256.txt lists every
 * payload file. Issue #14: each file passes its standard's own checks (the PBCore XSD, FADGI's bext
 * rules, OHMS's record format, BagIt's manifests).
 */
export type PackageInput = {
	conversation: ConversationRecord;
	people: { userId: string; firstName: string }[];
	tracks: TrackFile[];
	copy: CopyRecord | undefined;
	consents: StoredConsent[];
	/** Where the tracks and the copy are read from (DATA_DIR or the bucket). */
	blobs: BlobStore;
	transcoder: Transcoder;
	now: Date;
	/** Questions checked off and moments marked, with server-synced times (question-doc.ts). */
	index: IndexPointIn[];
	/** The description both partners wrote, checked by the archive's schema (media/question-doc.ts). */
	description: ArchiveFields;
};

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * FADGI's Originator: a two-letter ISO 3166 country code, a comma and the archiving entity. The
 * programs this runs for are in the United States (the default community is Birmingham, AL).
 */
const ORIGINATOR = 'US, Common Ground';
const SOURCE = 'Common Ground';
const MIX = MIX_PATH;

/**
 * The file's principal identifier, at most 32 characters (FADGI): the conversation's id without
 * hyphens, cut to 30 characters (a UUID keeps over 110 random bits there), and the person's number.
 */
export function originatorReference(conversationId: string, personNumber: number): string {
	return `${conversationId.replace(/-/g, '').slice(0, 30)}-${personNumber}`;
}

type Master = {
	name: string;
	wav: Uint8Array;
	lossless: boolean;
	durationMs: number;
	startedAtServerMs: number;
	reference: string;
};

async function masterWav(
	input: PackageInput,
	person: { userId: string; firstName: string },
	index: number
): Promise<Master | undefined> {
	const master = input.tracks.find((t) => t.userId === person.userId && t.kind === 'master');
	const source = master ?? input.tracks.find((t) => t.userId === person.userId && t.kind === 'share');
	if (!source) return undefined;
	const { 'out.raw': pcm } = await input.transcoder.run(
		['-i', 'in.audio', '-f', 's16le', '-ac', '1', '-ar', '48000', 'out.raw'],
		{ 'in.audio': await readBlob(input.blobs, source.filePath) },
		['out.raw']
	);
	if (!pcm) return undefined;
	const reference = originatorReference(input.conversation.id, index + 1);
	// FADGI's Description: identifiers first, "identifier, type, comment", separated by "; ".
	const description = [
		`${reference}, local, principal ID of this file`,
		`${input.conversation.id}, UUID, Common Ground conversation (metadata/pbcore.xml)`,
		`voice of ${person.firstName}${master ? '' : ' (decoded from the compressed share track)'}`,
		'origination time UTC'
	].join('; ');
	const wav = broadcastWav(pcm, {
		description,
		originator: ORIGINATOR,
		originatorReference: reference,
		origination: new Date(source.startedAtServerMs),
		sampleRate: 48000
	});
	return {
		name: voicePath(index, person.firstName),
		wav,
		lossless: !!master,
		durationMs: source.durationMs,
		startedAtServerMs: source.startedAtServerMs,
		reference
	};
}

const day = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString().slice(0, 10));
const inBag = (name: string) => name.slice('data/'.length);

function instantiations(
	masters: Master[],
	copy: { bytes: number; durationMs: number; startedAtServerMs: number } | undefined
): PbcoreInstantiation[] {
	const wavs = masters.map((m): PbcoreInstantiation => ({
		identifiers: [
			{ source: 'BWF OriginatorReference', value: m.reference },
			{ source: 'File name', value: m.name.split('/').pop() ?? m.name }
		],
		date: day(m.startedAtServerMs),
		mimeType: 'audio/wav',
		standard: 'Broadcast WAVE (EBU Tech 3285)',
		location: m.name,
		generation: m.lossless ? 'Preservation master' : 'Preservation copy from a compressed original',
		fileSizeBytes: m.wav.length,
		durationMs: m.durationMs,
		channels: 1,
		channelConfiguration: 'mono',
		essence: { encoding: 'PCM', samplingRateHz: 48000, bitDepth: 16 },
		annotation: m.lossless
			? undefined
			: 'No lossless master of this voice reached the server; this file is decoded from the Opus share track.'
	}));
	if (!copy) return wavs;
	return [
		...wavs,
		{
			identifiers: [{ source: 'File name', value: MIX.split('/').pop() ?? MIX }],
			date: day(copy.startedAtServerMs),
			mimeType: 'audio/ogg',
			standard: 'Ogg',
			location: MIX,
			generation: 'Access copy',
			fileSizeBytes: copy.bytes,
			durationMs: copy.durationMs,
			channels: 2,
			channelConfiguration: 'stereo',
			essence: { encoding: 'Opus', samplingRateHz: 48000 }
		}
	];
}

/** Builds the zipped bag. */
export async function buildArchivePackage(input: PackageInput): Promise<Uint8Array> {
	const fields = input.description;
	const payload: Record<string, Uint8Array> = {};
	const masters: Master[] = [];
	for (const [i, person] of input.people.entries()) {
		const master = await masterWav(input, person, i);
		if (master) {
			payload[master.name] = master.wav;
			masters.push(master);
		}
	}
	const startServerMs = Math.min(...input.tracks.map((t) => t.startedAtServerMs));
	const mix = input.copy?.filePath ? await readBlob(input.blobs, input.copy.filePath) : undefined;
	if (mix) payload[MIX] = mix;
	const durationMs = input.copy?.durationMs ?? Math.max(0, ...masters.map((m) => m.durationMs));
	// The mix starts with the earliest track (core/mixdown.ts), so chapters are timed from there.
	const chapters = chaptersFrom({
		points: input.index,
		startServerMs,
		durationMs,
		markTitle: (n) => `Marked moment ${n}`
	});
	const date = day(input.tracks[0]?.startedAtServerMs);
	const rights = archiveRights({ people: input.people, consents: input.consents });
	const metadata = {
		id: input.conversation.id,
		...fields,
		date: input.tracks[0] ? new Date(input.tracks[0].startedAtServerMs).toISOString() : null,
		durationMs,
		people: input.people.map((p) => ({ firstName: p.firstName })),
		audio: masters.map((m) => ({
			file: inBag(m.name),
			lossless: m.lossless,
			originatorReference: m.reference
		})),
		index: chapters.map((c) => ({ kind: c.kind, startMs: c.startMs, title: c.title })),
		rights,
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
	const copy = mix && { bytes: mix.length, durationMs, startedAtServerMs: startServerMs };
	const enc = new TextEncoder();
	payload['data/metadata/pbcore.xml'] = enc.encode(
		pbcoreXml({
			identifier: { source: SOURCE, value: input.conversation.id },
			date,
			title: fields.title,
			keywords: fields.keywords,
			summary: fields.summary,
			place: fields.place,
			contributors: input.people.map((p) => ({ name: p.firstName, role: 'Interviewee' })),
			rights,
			instantiations: instantiations(masters, copy)
		})
	);
	payload['data/metadata/metadata.json'] = enc.encode(`${JSON.stringify(metadata, null, 2)}\n`);
	payload['data/metadata/chapters.vtt'] = enc.encode(chaptersVtt(chapters, 'Conversation', durationMs));
	const timedOn = mix ? MIX : masters[0]?.name;
	payload['data/metadata/ohms.xml'] = enc.encode(
		ohmsXml({
			id: input.conversation.id,
			date,
			exportedOn: input.now.toISOString().slice(0, 10),
			title: fields.title,
			durationMs,
			repository: SOURCE,
			keywords: fields.keywords,
			interviewees: input.people.map((p) => p.firstName),
			fileName: timedOn ? inBag(timedOn) : '',
			mimeType: mix ? 'audio/ogg' : 'audio/wav',
			description: fields.summary,
			rights,
			chapters
		})
	);

	return zippedBag(payload, input.conversation.id, input.now);
}

/** bagit.txt, bag-info.txt, the payload manifest and the tag manifest around the payload, zipped. */
function zippedBag(payload: Record<string, Uint8Array>, id: string, now: Date): Uint8Array {
	const enc = new TextEncoder();
	const files: Record<string, Uint8Array> = { ...payload };
	files['bagit.txt'] = enc.encode('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
	const bytes = Object.values(payload).reduce((sum, b) => sum + b.length, 0);
	files['bag-info.txt'] = enc.encode(
		[
			`Source-Organization: Common Ground`,
			`Bagging-Date: ${now.toISOString().slice(0, 10)}`,
			`External-Identifier: ${id}`,
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
	const root = `conversation-${id.slice(0, 8)}`;
	// Audio does not compress; store it, so building the zip costs no CPU.
	return zipSync(
		Object.fromEntries(Object.entries(files).map(([name, b]) => [`${root}/${name}`, [b, { level: 0 }]]))
	);
}
