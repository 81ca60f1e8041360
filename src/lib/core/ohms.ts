import type { Chapter } from './chapters';
import { escapeXml as x } from './xml';

/**
 * The chapters as an OHMS index (issue #14): the XML the Oral History Metadata Synchronizer exports
 * and imports (its 5.4 record format), so an oral-history archive opens the conversation's index in
 * the tools it already uses. The record's elements follow that format's sequence: version, date,
 * cms_record_id, title, duration, repository, keyword, interviewee, format, file_name, mediafile,
 * index, type, description, rights, fmt. Index times are whole seconds, as OHMS keeps them.
 */
export const OHMS_NAMESPACE = 'https://www.weareavp.com/nunncenter/ohms';

export type OhmsRecord = {
	/** The conversation's id; OHMS keeps it as cms_record_id. */
	id: string;
	/** yyyy-mm-dd: the conversation's date, and the day the file was made. */
	date: string | null;
	exportedOn: string;
	title: string;
	durationMs: number;
	repository: string;
	keywords: readonly string[];
	interviewees: readonly string[];
	/** The media the index is timed on, as named in the package. */
	fileName: string;
	mimeType: string;
	description: string;
	rights: readonly string[];
	chapters: readonly Chapter[];
};

const el = (name: string, text: string | number) => `<${name}>${x(String(text))}</${name}>`;

/** h:mm:ss, as OHMS shows a duration. */
export function ohmsDuration(ms: number): string {
	const s = Math.max(0, Math.round(ms / 1000));
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/**
 * OHMS's record id is an integer its own database assigns on import; the format requires one, so a
 * stable number is taken from the first 28 bits of the id, and the id itself goes in cms_record_id.
 */
export function ohmsRecordId(id: string): number {
	const hex = id.replace(/[^0-9a-f]/gi, '').slice(0, 7);
	return hex ? parseInt(hex, 16) : 0;
}

const SYNOPSIS = {
	question: 'A question from the list both partners agreed on.',
	mark: 'A moment one of the partners marked during the conversation.'
} as const;

export function ohmsXml(r: OhmsRecord): string {
	const points = r.chapters.map((c) =>
		[
			'      <point>',
			`        ${el('time', Math.floor(c.startMs / 1000))}`,
			`        ${el('title', c.title.replace(/\s+/g, ' ').trim())}`,
			`        ${el('synopsis', SYNOPSIS[c.kind])}`,
			'      </point>'
		].join('\n')
	);
	const date = r.date ?? '';
	return [
		'<?xml version="1.0" encoding="UTF-8"?>',
		`<ROOT xmlns="${OHMS_NAMESPACE}">`,
		`  <record id="${ohmsRecordId(r.id)}" dt="${x(r.exportedOn)}">`,
		`    ${el('version', '5.4')}`,
		`    <date value="${x(date)}" format="yyyy-mm-dd"/>`,
		`    ${el('cms_record_id', r.id)}`,
		`    ${el('title', r.title)}`,
		`    ${el('duration', ohmsDuration(r.durationMs))}`,
		`    ${el('repository', r.repository)}`,
		...r.keywords.map((k) => `    ${el('keyword', k)}`),
		...r.interviewees.map((p) => `    ${el('interviewee', p)}`),
		`    ${el('format', r.mimeType)}`,
		`    ${el('file_name', r.fileName)}`,
		`    <mediafile>${el('host', 'Other')}${el('clip_format', 'audio')}</mediafile>`,
		points.length ? ['    <index>', ...points, '    </index>'].join('\n') : '    <index/>',
		`    ${el('type', 'interview')}`,
		`    ${el('description', r.description)}`,
		`    ${el('rights', r.rights.join(' '))}`,
		`    ${el('fmt', 'audio')}`,
		'  </record>',
		'</ROOT>',
		''
	].join('\n');
}
