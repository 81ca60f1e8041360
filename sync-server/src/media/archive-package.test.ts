import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { CalendarEntry } from '../../../src/lib/contracts/matching.ts';
import { readBext } from '../../../src/lib/core/bwf.ts';
import { CONSENT_TEXT_VERSIONS } from '../../../src/lib/core/consent.ts';
import { pbcoreProblems } from '../../../src/lib/core/pbcore-check.ts';
import { childrenNamed, parseXml, type XmlElement } from '../../../src/lib/core/xml.ts';
import { questionsDocName } from '../../../src/lib/contracts/questions.ts';
import { addMark, addQuestion, markAsked, setApproval } from '../../../src/lib/sync/question-doc.ts';
import {
	EMPTY_DRAFT,
	readDescription,
	saveDescription
} from '../../../src/lib/contracts/archive-description-doc.ts';
import { encode, sha256Hex, tonePcm } from '../test/audio.ts';
import { recordedConversation, type Person } from '../test/conversation.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { tusUpload } from '../test/tus.ts';

let t: TestApp;
afterEach(() => t.close());

async function agree(
	who: Person,
	conversationId: string,
	kind: 'copy' | 'archive',
	answer: 'yes' | 'withdrawn',
	{ withFields = true } = {}
) {
	const payload = {
		conversationId,
		kind,
		answer,
		textVersion: CONSENT_TEXT_VERSIONS[kind],
		language: 'en',
		decidedAt: t.clock().toISOString(),
		archiveFields:
			kind === 'archive' && answer === 'yes' && withFields
				? {
						title: 'Teacher & trucker',
						summary: 'Schools <and> work.',
						keywords: ['schools', 'work'],
						place: 'Birmingham, AL'
					}
				: null
	};
	const res = await t.request('/api/mutations', {
		body: { id: crypto.randomUUID(), type: 'consent', payload },
		cookie: who.cookie
	});
	expect(res.status).toBe(201);
}

/** BagIt validation (RFC 8493): required files present, every payload file listed, every checksum matching. */
function validateBag(files: Record<string, Uint8Array>) {
	const text = (name: string) => new TextDecoder().decode(files[name]);
	const root = Object.keys(files)[0]?.split('/')[0] ?? '';
	const inBag = Object.fromEntries(
		Object.entries(files).map(([name, bytes]) => [name.slice(root.length + 1), bytes])
	);
	for (const required of [
		'bagit.txt',
		'bag-info.txt',
		'manifest-sha256.txt',
		'data/metadata/pbcore.xml',
		'data/metadata/metadata.json',
		'data/metadata/chapters.vtt',
		'data/metadata/ohms.xml'
	]) {
		expect(Object.keys(inBag), required).toContain(required);
	}
	files = inBag;
	expect(text('bagit.txt')).toContain('BagIt-Version: 1.0');
	const manifest = text('manifest-sha256.txt')
		.trim()
		.split('\n')
		.map((line) => line.split(/\s+/) as [string, string]);
	const payload = Object.keys(files).filter((name) => name.startsWith('data/'));
	expect(manifest.map(([, name]) => name).sort()).toEqual(payload.sort());
	for (const [sum, name] of manifest) expect(sha256(files[name] as Uint8Array), name).toBe(sum);
	const oxum = /Payload-Oxum: (\d+)\.(\d+)/.exec(text('bag-info.txt'));
	expect(Number(oxum?.[2])).toBe(payload.length);
	expect(Number(oxum?.[1])).toBe(payload.reduce((sum, name) => sum + (files[name]?.length ?? 0), 0));
	// The tag manifest covers the tag files, the payload manifest among them (RFC 8493 §2.2.1).
	const tags = text('tagmanifest-sha256.txt')
		.trim()
		.split('\n')
		.map((line) => line.split(/\s+/) as [string, string]);
	expect(tags.map(([, name]) => name).sort()).toEqual(['bag-info.txt', 'bagit.txt', 'manifest-sha256.txt']);
	for (const [sum, name] of tags) expect(sha256(files[name] as Uint8Array), name).toBe(sum);
	return files;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const textOf = (parent: XmlElement, name: string) => childrenNamed(parent, name).map((e) => e.text);

/** What an archive's intake reads of pbcore.xml: the schema's structure, the rights, each file it names. */
function checkPbcore(xml: string, files: Record<string, Uint8Array>) {
	expect(pbcoreProblems(xml)).toEqual([]);
	const doc = parseXml(xml);
	expect(textOf(doc, 'pbcoreTitle')).toEqual(['Teacher & trucker']);
	expect(textOf(doc, 'pbcoreDescription')).toEqual(['Schools <and> work.']);
	const rights = childrenNamed(doc, 'pbcoreRightsSummary').map((r) => r.children[0]?.text ?? '');
	for (const name of ['Ana', 'Ben'])
		expect(rights.find((r) => r.startsWith(`${name} agreed`))).toContain(CONSENT_TEXT_VERSIONS.archive);
	const instantiations = childrenNamed(doc, 'pbcoreInstantiation');
	expect(instantiations.map((i) => textOf(i, 'instantiationDigital')[0])).toEqual([
		'audio/wav',
		'audio/wav',
		'audio/ogg'
	]);
	for (const i of instantiations) {
		const location = textOf(i, 'instantiationLocation')[0] ?? '';
		expect(Object.keys(files), location).toContain(location);
		expect(textOf(i, 'instantiationFileSize')).toEqual([String(files[location]?.length)]);
	}
	return instantiations;
}

/** What OHMS reads: the record, and one index point per chapter with its time in whole seconds. */
function checkOhms(xml: string, chapters: { startMs: number; title: string }[]) {
	const root = parseXml(xml);
	expect(root.name).toBe('ROOT');
	expect(root.attributes.xmlns).toBe('https://www.weareavp.com/nunncenter/ohms');
	const [record] = childrenNamed(root, 'record');
	expect(record?.attributes.id).toMatch(/^\d+$/);
	expect(record?.attributes.dt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
	const index = childrenNamed(record as XmlElement, 'index')[0] as XmlElement;
	const points = childrenNamed(index, 'point').map((p) => ({
		time: Number(textOf(p, 'time')[0]),
		title: textOf(p, 'title')[0],
		synopsis: textOf(p, 'synopsis')[0]
	}));
	expect(points.map(({ time, title }) => ({ time, title }))).toEqual(
		chapters.map((c) => ({ time: Math.floor(c.startMs / 1000), title: c.title }))
	);
	for (const p of points) expect(p.synopsis).toBeTruthy();
	return record as XmlElement;
}

describe('archive package', () => {
	it('is a valid bag with BWF masters, the mix and metadata, only for coordinators, and withheld after a withdrawal', async () => {
		t = await createTestApp();
		const { ana, ben, coordinator, conversation } = await recordedConversation(t);
		const id = conversation.id;
		const url = `/api/conversations/${id}/archive-package`;
		// The coordinator's console says what the package holds, and whether it can be had (issue #14).
		const listed = async () => {
			const res = await t.request(`/api/coordinator/conversations?communityId=${t.community.id}`, {
				cookie: coordinator.cookie
			});
			return ((await res.json()) as CalendarEntry[]).find((e) => e.id === id)?.archive;
		};
		expect(await listed()).toMatchObject({ readiness: 'withheld', downloadUrl: null });
		for (const who of [ana, ben]) await agree(who, id, 'archive', 'yes');
		for (const who of [ana, ben]) await agree(who, id, 'copy', 'yes');
		const shares = [
			await encode(t.media.transcoder, tonePcm({ seconds: 3, hz: 220 }), 'opus'),
			await encode(t.media.transcoder, tonePcm({ seconds: 3, hz: 330 }), 'opus')
		];
		const master = await encode(t.media.transcoder, tonePcm({ seconds: 3, hz: 220 }), 'flac');
		for (const [i, who] of [ana, ben].entries()) {
			const bytes = shares[i] as Uint8Array;
			const meta = {
				conversationId: id,
				trackId: `r_${who.userId}`,
				kind: 'share',
				sha256: sha256Hex(bytes),
				durationMs: '3000',
				startedAtServerMs: '1762095600000',
				samplesPerSecond: '48000'
			};
			expect((await tusUpload(t, who.cookie, bytes, meta)).last.status).toBe(204);
		}
		const masterMeta = {
			conversationId: id,
			trackId: `r_${ana.userId}`,
			kind: 'master',
			sha256: sha256Hex(master),
			durationMs: '3000',
			startedAtServerMs: '1762095600000',
			samplesPerSecond: '48000'
		};
		expect((await tusUpload(t, ana.cookie, master, masterMeta)).last.status).toBe(204);
		await t.media.idle();
		// What the partners' devices wrote into the shared document during the call (issue #5).
		const doc = new Y.Doc();
		const ids = ['Where did you grow up?', 'Who taught you most?', 'Not asked'].map((text) => {
			const added = addQuestion(doc, { text, by: ana.userId });
			for (const who of [ana, ben]) setApproval(doc, added.ok ? added.id : '', who.userId, true);
			return added.ok ? added.id : '';
		});
		markAsked(doc, ids[0] as string, true, 1762095600000 + 400);
		markAsked(doc, ids[1] as string, true, 1762095600000 + 1_750);
		markAsked(doc, ids[0] as string, true, 1762095600000 + 400);
		addMark(doc, 'mark-1', 1762095600000 + 2_200);
		addMark(doc, 'before-the-recording', 1762095600000 - 60_000);
		await t.store.yjsDocs.append(
			[{ docName: questionsDocName(id), update: Y.encodeStateAsUpdate(doc) }],
			new Date()
		);

		for (const who of [ana, ben]) expect((await t.request(url, { cookie: who.cookie })).status).toBe(403);
		const res = await t.request(url, { cookie: coordinator.cookie });
		expect(res.status).toBe(200);
		const files = validateBag(unzipSync(new Uint8Array(await res.arrayBuffer())));
		const inConsole = await listed();
		expect(inConsole).toMatchObject({ readiness: 'ready', downloadUrl: url });
		const listedData = inConsole!.files.map((f) => f.path).filter((p) => p.startsWith('data/'));
		expect(listedData.sort()).toEqual(
			Object.keys(files)
				.filter((n) => n.startsWith('data/'))
				.sort()
		);
		const wavs = Object.keys(files).filter((n) => n.endsWith('.wav'));
		expect(wavs).toHaveLength(2);
		expect(Object.keys(files)).toContain('data/audio/conversation-mix.opus');
		// FADGI's bext fields, read back from the bytes of each master.
		const bexts = wavs.map((name) => readBext(files[name] as Uint8Array));
		for (const [i, bext] of bexts.entries()) {
			// A two-letter ISO 3166 country code first, as in FADGI's "US, NARA"; at most 32 characters.
			expect(bext?.originator).toMatch(/^[A-Z]{2}, \S.{0,27}$/);
			expect(bext?.originatorReference).toMatch(/^[\x21-\x7e]{1,32}$/);
			expect(bext?.description.startsWith(`${bext?.originatorReference}, `)).toBe(true);
			expect(bext?.description).toContain(id);
			expect(bext?.description).toContain(['Ana', 'Ben'][i]);
			expect(bext).toMatchObject({ date: '2025-11-02', time: '15:00:00', version: 1 });
			// 15:00:00 UTC at 48 kHz: past 2^31, so both halves of the 64-bit count are read.
			expect(bext?.timeReference).toBe(15 * 3600 * 48000);
		}
		expect(new Set(bexts.map((b) => b?.originatorReference)).size).toBe(2);
		const metadata = JSON.parse(new TextDecoder().decode(files['data/metadata/metadata.json'])) as {
			people: unknown[];
			consents: unknown[];
			audio: { lossless: boolean }[];
			index: { startMs: number; title: string }[];
		};
		expect(metadata.people).toEqual([{ firstName: 'Ana' }, { firstName: 'Ben' }]);
		const chapters = new TextDecoder().decode(files['data/metadata/chapters.vtt']);
		expect(chapters.split('\n\n').slice(1)).toEqual([
			'1\n00:00:00.400 --> 00:00:01.750\nWhere did you grow up?',
			'2\n00:00:01.750 --> 00:00:02.200\nWho taught you most?',
			expect.stringMatching(/^3\n00:00:02\.200 --> 00:00:0\d\.\d{3}\nMarked moment 1\n$/)
		]);
		expect(metadata.consents).toHaveLength(4);
		expect(metadata.audio.map((a) => a.lossless)).toEqual([true, false]);
		const pbcore = new TextDecoder().decode(files['data/metadata/pbcore.xml']);
		const instantiations = checkPbcore(pbcore, files);
		expect(textOf(instantiations[0] as XmlElement, 'instantiationIdentifier')[0]).toBe(
			bexts[0]?.originatorReference
		);
		const ohms = checkOhms(new TextDecoder().decode(files['data/metadata/ohms.xml']), metadata.index);
		expect(metadata.index.map((c) => c.title)).toEqual([
			'Where did you grow up?',
			'Who taught you most?',
			'Marked moment 1'
		]);
		expect(textOf(ohms, 'title')).toEqual(['Teacher & trucker']);
		expect(textOf(ohms, 'file_name')).toEqual(['audio/conversation-mix.opus']);
		expect(textOf(ohms, 'rights')[0]).toContain(CONSENT_TEXT_VERSIONS.archive);

		await agree(ben, id, 'archive', 'withdrawn');
		expect((await t.request(url, { cookie: coordinator.cookie })).status).toBe(403);
	}, 120_000);

	it('takes the description both partners wrote in the shared document, and waits while it is incomplete', async () => {
		t = await createTestApp();
		const { ana, ben, coordinator, conversation } = await recordedConversation(t);
		const id = conversation.id;
		const url = `/api/conversations/${id}/archive-package`;
		const readiness = async () => {
			const res = await t.request(`/api/coordinator/conversations?communityId=${t.community.id}`, {
				cookie: coordinator.cookie
			});
			return ((await res.json()) as CalendarEntry[]).find((e) => e.id === id)?.archive?.readiness;
		};
		for (const who of [ana, ben]) await agree(who, id, 'archive', 'yes', { withFields: false });
		for (const [i, who] of [ana, ben].entries()) {
			const bytes = await encode(t.media.transcoder, tonePcm({ seconds: 2, hz: 220 + 110 * i }), 'opus');
			const meta = {
				conversationId: id,
				trackId: `r_${who.userId}`,
				kind: 'share',
				sha256: sha256Hex(bytes),
				durationMs: '2000',
				startedAtServerMs: '1762095600000',
				samplesPerSecond: '48000'
			};
			expect((await tusUpload(t, who.cookie, bytes, meta)).last.status).toBe(204);
		}
		await t.media.idle();
		expect(await readiness()).toBe('needs_description');

		// Each partner's device writes its part, offline from the other; the server stores both updates.
		const store = async (doc: Y.Doc) =>
			t.store.yjsDocs.append(
				[{ docName: questionsDocName(id), update: Y.encodeStateAsUpdate(doc) }],
				new Date()
			);
		const anaDoc = new Y.Doc();
		saveDescription(anaDoc, {
			next: { ...EMPTY_DRAFT, title: 'Teacher & trucker', keywords: ['Schools'] },
			base: EMPTY_DRAFT,
			by: ana.userId,
			at: 1
		});
		await store(anaDoc);
		expect(await readiness()).toBe('needs_description');
		const refused = await t.request(url, { cookie: coordinator.cookie });
		expect(refused.status).toBe(409);
		expect(((await refused.json()) as { message: string }).message).toContain(
			'description they write together'
		);

		const benDoc = new Y.Doc();
		saveDescription(benDoc, {
			next: {
				title: '',
				summary: 'On schools and work.',
				keywords: ['schools', 'work'],
				place: 'Birmingham, AL'
			},
			base: EMPTY_DRAFT,
			by: ben.userId,
			at: 2
		});
		await store(benDoc);
		expect(await readiness()).toBe('ready');
		const res = await t.request(url, { cookie: coordinator.cookie });
		expect(res.status).toBe(200);
		const files = validateBag(unzipSync(new Uint8Array(await res.arrayBuffer())));
		const metadata = JSON.parse(new TextDecoder().decode(files['data/metadata/metadata.json'])) as Record<
			string,
			unknown
		>;
		Y.applyUpdate(anaDoc, Y.encodeStateAsUpdate(benDoc));
		expect(metadata).toMatchObject({
			title: 'Teacher & trucker',
			summary: 'On schools and work.',
			place: 'Birmingham, AL'
		});
		expect(metadata.keywords).toEqual(readDescription(anaDoc).keywords);
		expect((metadata.keywords as string[]).map((k) => k.toLowerCase()).sort()).toEqual(['schools', 'work']);
	}, 120_000);
});
