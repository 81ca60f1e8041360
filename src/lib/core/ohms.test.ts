import { describe, expect, it } from 'vitest';
import { ohmsDuration, ohmsRecordId, ohmsXml, type OhmsRecord } from './ohms';
import { childrenNamed, parseXml } from './xml';

const record: OhmsRecord = {
	id: '8b4dfeb2-4e2d-4b6b-80d6-dcb970726c34',
	date: '2025-11-02',
	exportedOn: '2026-01-05',
	title: 'Teacher & trucker',
	durationMs: 2_400_500,
	repository: 'Common Ground',
	keywords: ['schools', 'work'],
	interviewees: ['Ana', 'Ben'],
	fileName: 'audio/conversation-mix.opus',
	mimeType: 'audio/ogg',
	description: 'Schools <and> work.',
	rights: ['Ana agreed.', 'Ben agreed.'],
	chapters: [
		{ kind: 'question', startMs: 400, endMs: 61_750, title: 'Where did\nyou grow up?' },
		{ kind: 'mark', startMs: 61_999, endMs: 2_400_500, title: 'Marked moment 1' }
	]
};
const text = (parent: ReturnType<typeof parseXml>, name: string) =>
	childrenNamed(parent, name).map((e) => e.text);

describe('ohmsXml', () => {
	it('holds each chapter as an index point, timed in whole seconds', () => {
		const root = parseXml(ohmsXml(record));
		expect(root.name).toBe('ROOT');
		expect(root.attributes.xmlns).toBe('https://www.weareavp.com/nunncenter/ohms');
		const [r] = childrenNamed(root, 'record');
		if (!r) throw new Error('no record');
		expect(r.attributes).toEqual({ id: String(0x8b4dfeb), dt: '2026-01-05' });
		expect(r.children.map((c) => c.name)).toEqual([
			'version',
			'date',
			'cms_record_id',
			'title',
			'duration',
			'repository',
			'keyword',
			'keyword',
			'interviewee',
			'interviewee',
			'format',
			'file_name',
			'mediafile',
			'index',
			'type',
			'description',
			'rights',
			'fmt'
		]);
		expect(childrenNamed(r, 'date')[0]?.attributes).toEqual({ value: '2025-11-02', format: 'yyyy-mm-dd' });
		expect(text(r, 'title')).toEqual(['Teacher & trucker']);
		expect(text(r, 'duration')).toEqual(['0:40:01']);
		const points = childrenNamed(childrenNamed(r, 'index')[0] ?? r, 'point');
		expect(points.map((p) => [text(p, 'time')[0], text(p, 'title')[0]])).toEqual([
			['0', 'Where did you grow up?'],
			['61', 'Marked moment 1']
		]);
		expect(points.map((p) => p.children.map((c) => c.name))).toEqual([
			['time', 'title', 'synopsis'],
			['time', 'title', 'synopsis']
		]);
	});

	it('writes an empty index when nothing was marked', () => {
		const r = parseXml(ohmsXml({ ...record, chapters: [] })).children[0];
		expect(r && childrenNamed(r, 'index')[0]?.children).toEqual([]);
	});
});

describe('ohms helpers', () => {
	it('formats durations and keeps record ids within xs:int', () => {
		expect(ohmsDuration(3_725_000)).toBe('1:02:05');
		expect(ohmsRecordId('ffffffff-ffff')).toBe(0xfffffff);
		expect(ohmsRecordId('ffffffff-ffff')).toBeLessThan(2 ** 31);
		expect(ohmsRecordId('kiosk-only')).toBe(0);
	});
});
