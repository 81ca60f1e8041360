import * as Y from 'yjs';
import { ARCHIVE_FIELD_LIMITS } from './consent';
import { mergeWording } from '../core/questions/wording-merge';

/**
 * The archive description the two partners write together (issue #14), kept in the conversation's
 * question document beside the questions, so it syncs, works offline and merges the same way:
 *
 * - `archiveTitle`, `archiveSummary`, `archivePlace`: root Y.Texts. Root types exist on every
 *   replica from the start, so two people writing the first words offline both keep them (a field
 *   created inside a map would keep only one). A save writes the changes from what the form opened
 *   with (core/questions/wording-merge.ts), never a whole rewrite, so a partner's edit survives.
 * - `archiveKeywords`: a root Y.Array of keywords; a save adds its new ones and removes the ones the
 *   person took out. Read case-insensitively without repeats, so both adding "Farming" is one keyword.
 * - `archiveEditedBy`: participant id → server-synced time of their last save, to say who wrote it.
 *
 * The server reads the same fields when it builds the package (sync-server/src/media/question-doc.ts)
 * and checks them with the archive's schema there: the draft may be partial, the package may not.
 */

export type DescriptionDraft = { title: string; summary: string; keywords: string[]; place: string };
export type DescriptionField = keyof DescriptionDraft;

export const EMPTY_DRAFT: DescriptionDraft = { title: '', summary: '', keywords: [], place: '' };

const TEXT_FIELDS = ['title', 'summary', 'place'] as const;
const textOf = (doc: Y.Doc, field: (typeof TEXT_FIELDS)[number]) =>
	doc.getText(`archive${field[0]!.toUpperCase()}${field.slice(1)}`);
const keywordsOf = (doc: Y.Doc) => doc.getArray<string>('archiveKeywords');
const editedByOf = (doc: Y.Doc) => doc.getMap<number>('archiveEditedBy');

const key = (keyword: string) => keyword.trim().toLowerCase();

/** Keywords once each, in the order they were first added, whatever their case. */
function distinct(keywords: readonly string[]): string[] {
	const seen = new Map<string, string>();
	for (const k of keywords) if (key(k) && !seen.has(key(k))) seen.set(key(k), k.trim());
	return [...seen.values()];
}

/** Splits what a person typed into keywords: commas (or semicolons) between them. */
export function parseKeywords(typed: string): string[] {
	return distinct(typed.split(/[,;]/));
}

export function readDescription(doc: Y.Doc): DescriptionDraft {
	return {
		title: textOf(doc, 'title').toString(),
		summary: textOf(doc, 'summary').toString(),
		keywords: distinct(keywordsOf(doc).toArray()),
		place: textOf(doc, 'place').toString()
	};
}

/** Who saved the description, newest first. */
export function describedBy(doc: Y.Doc): { userId: string; at: number }[] {
	return [...editedByOf(doc).entries()]
		.map(([userId, at]) => ({ userId, at }))
		.sort((a, b) => b.at - a.at || a.userId.localeCompare(b.userId));
}

/** True once anything at all has been written (an empty draft leaves older answers' fields in charge). */
export function hasDescription(draft: DescriptionDraft): boolean {
	return TEXT_FIELDS.some((f) => draft[f].trim() !== '') || draft.keywords.length > 0;
}

export type DescriptionSave =
	| { ok: true; merged: DescriptionDraft }
	| { ok: false; reason: 'too_long' | 'too_many_keywords'; field: DescriptionField };

/**
 * Saves what this person typed (`next`), edited from `base` (what the form showed when they began),
 * onto the description as it is now, keeping whatever the partner saved meanwhile.
 */
export function saveDescription(
	doc: Y.Doc,
	{ next, base, by, at }: { next: DescriptionDraft; base: DescriptionDraft; by: string; at: number }
): DescriptionSave {
	const now = readDescription(doc);
	const merged = TEXT_FIELDS.map((field) => ({
		field,
		...mergeWording({ base: base[field], mine: next[field], theirs: now[field] })
	}));
	for (const m of merged) {
		if (m.text.trim().length > ARCHIVE_FIELD_LIMITS[m.field])
			return { ok: false, reason: 'too_long', field: m.field };
	}
	const removed = new Set(base.keywords.map(key).filter((k) => !next.keywords.some((n) => key(n) === k)));
	const kept = now.keywords.filter((k) => !removed.has(key(k)));
	const added = distinct(next.keywords).filter((k) => !kept.some((n) => key(n) === key(k)));
	if (added.some((k) => k.length > ARCHIVE_FIELD_LIMITS.keyword))
		return { ok: false, reason: 'too_long', field: 'keywords' };
	if (kept.length + added.length > ARCHIVE_FIELD_LIMITS.keywords)
		return { ok: false, reason: 'too_many_keywords', field: 'keywords' };

	const changed = merged.some((m) => m.delta.length > 0) || removed.size > 0 || added.length > 0;
	if (changed) {
		doc.transact(() => {
			for (const m of merged) if (m.delta.length > 0) textOf(doc, m.field).applyDelta(m.delta);
			const keywords = keywordsOf(doc);
			for (let i = keywords.length - 1; i >= 0; i--) {
				if (removed.has(key(keywords.get(i)))) keywords.delete(i, 1);
			}
			if (added.length > 0) keywords.push(added);
			editedByOf(doc).set(by, at);
		});
	}
	return { ok: true, merged: readDescription(doc) };
}

export function observeDescription(doc: Y.Doc, listener: () => void): () => void {
	const types: Y.AbstractType<Y.YEvent<never>>[] = [
		...TEXT_FIELDS.map((f) => textOf(doc, f)),
		keywordsOf(doc),
		editedByOf(doc)
	] as never;
	for (const t of types) t.observe(listener);
	return () => {
		for (const t of types) t.unobserve(listener);
	};
}
