import { generateKeyBetween } from 'fractional-indexing';
import * as random from 'lib0/random';
import * as Y from 'yjs';
import {
	MAX_COMMENT_LENGTH,
	MAX_QUESTION_LENGTH,
	MAX_QUESTIONS,
	byPosition,
	fingerprint,
	normalizeWording,
	viewList,
	wordingFingerprint,
	type QuestionComment,
	type QuestionListState,
	type QuestionState
} from '../core/questions/agreement';
import { mergeWording } from '../core/questions/wording-merge';

/**
 * The question list as one Y.Doc per conversation (issue #4, "Structure"). How it merges:
 *
 * - `questions`: Y.Map from question id to a Y.Map. Keyed by id, so a question can never appear
 *   twice. Bank questions use `bank-<bank id>` and own questions `own-<fingerprint of the first
 *   wording>`, so two partners adding the same question at the same time get one question.
 * - `text`: a Y.Text, so two people editing the wording at once both keep their words: an edit is
 *   written as the changes from what its editor opened with (issue #14), never as a whole rewrite.
 * - `position`: a fractional-index key, last writer wins. A move writes one key, so concurrent
 *   moves of the same question end with it in one place (never duplicated, never lost); ties sort
 *   by id so every replica shows the same order.
 * - `approvals`: Y.Map from partner id to the fingerprint of the wording they approved. An edit
 *   clears it, and an approval that raced with an edit names the old wording, so it never counts:
 *   "agreed" is derived (core/questions/agreement.ts), never stored.
 * - `comments`: Y.Array of plain comments (append-only; concurrent comments both stay).
 * - root `ready`: partner id → fingerprint of the agreed list they said "ready" about.
 * - root `asked`: question id → true, set during the call. Kept apart so checking a question off
 *   does not change what the partners agreed. Root `askedAt`: question id → server-synced time of
 *   its last check-off (or un-check), and root `marks`: mark id → server-synced time of a moment
 *   marked in the call. Together they are the archive's time-coded index (issue #5, "Time-coded
 *   index"); the server reads them when it builds the archive package.
 * - A removal deletes the key: a concurrent edit of a removed question is dropped with it.
 */

export type QuestionDocResult =
	| { ok: true; id: string }
	| { ok: false; reason: 'empty' | 'too_long' | 'duplicate' | 'full' | 'missing' | 'not_yours' };

const questionsOf = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>('questions');
const readyOf = (doc: Y.Doc) => doc.getMap<string>('ready');
const askedOf = (doc: Y.Doc) => doc.getMap<boolean>('asked');
const askedAtOf = (doc: Y.Doc) => doc.getMap<number>('askedAt');
const marksOf = (doc: Y.Doc) => doc.getMap<number>('marks');

/** A plain snapshot of the document, for the UI and the agreement rules. */
export function readList(doc: Y.Doc): QuestionListState {
	const asked = askedOf(doc);
	const questions: QuestionState[] = [];
	questionsOf(doc).forEach((q, id) => {
		const text = q.get('text');
		const approvals = q.get('approvals');
		const comments = q.get('comments');
		questions.push({
			id,
			text: text instanceof Y.Text ? text.toString() : '',
			position: String(q.get('position') ?? ''),
			proposedBy: String(q.get('proposedBy') ?? ''),
			bankId: typeof q.get('bankId') === 'string' ? (q.get('bankId') as string) : null,
			approvals: approvals instanceof Y.Map ? sortedRecord(approvals.toJSON() as Record<string, string>) : {},
			comments: comments instanceof Y.Array ? (comments.toArray() as QuestionComment[]) : [],
			asked: asked.get(id) === true
		});
	});
	return { questions, ready: sortedRecord(readyOf(doc).toJSON() as Record<string, string>) };
}

/** Map iteration follows local arrival order; replicas that converged must also read the same. */
function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
	return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sortedQuestions(doc: Y.Doc) {
	return readList(doc).questions.sort(byPosition);
}

function isDuplicateWording(doc: Y.Doc, text: string, exceptId?: string) {
	const wording = normalizeWording(text).toLowerCase();
	return readList(doc).questions.some(
		(q) => q.id !== exceptId && normalizeWording(q.text).toLowerCase() === wording
	);
}

function checkWording(text: string) {
	const wording = normalizeWording(text);
	if (wording === '') return 'empty' as const;
	if (wording.length > MAX_QUESTION_LENGTH) return 'too_long' as const;
	return undefined;
}

/** Adds at the end. Adding a bank question that is already on the list changes nothing. */
export function addQuestion(
	doc: Y.Doc,
	{ text, by, bankId = null }: { text: string; by: string; bankId?: string | null }
): QuestionDocResult {
	const problem = checkWording(text);
	if (problem) return { ok: false, reason: problem };
	const id = bankId ? `bank-${bankId}` : `own-${fingerprint(normalizeWording(text).toLowerCase())}`;
	const questions = questionsOf(doc);
	if (questions.has(id) || isDuplicateWording(doc, text)) return { ok: false, reason: 'duplicate' };
	if (questions.size >= MAX_QUESTIONS) return { ok: false, reason: 'full' };
	const last = sortedQuestions(doc).at(-1);
	doc.transact(() => {
		const q = new Y.Map<unknown>();
		q.set('text', new Y.Text(normalizeWording(text)));
		q.set('position', generateKeyBetween(last?.position || null, null));
		q.set('proposedBy', by);
		q.set('bankId', bankId);
		q.set('approvals', new Y.Map<string>());
		q.set('comments', new Y.Array<QuestionComment>());
		questions.set(id, q);
	});
	return { ok: true, id };
}

/**
 * Saves a wording someone edited, starting from `base`: the wording their editor opened with. Only
 * their changes from `base` are written, onto the wording as it is now, so a partner's edit saved
 * in the meantime stays (issue #14; core/questions/wording-merge.ts). Without `base`, `next`
 * replaces the wording as the smallest edit. A changed wording clears the approvals.
 */
export function editWording(doc: Y.Doc, id: string, next: string, base?: string): QuestionDocResult {
	const q = questionsOf(doc).get(id);
	const text = q?.get('text');
	if (!q || !(text instanceof Y.Text)) return { ok: false, reason: 'missing' };
	const before = text.toString();
	const merged = mergeWording({ base: base ?? before, mine: next, theirs: before });
	if (normalizeWording(merged.text).length > MAX_QUESTION_LENGTH) return { ok: false, reason: 'too_long' };
	if (normalizeWording(merged.text) !== '' && isDuplicateWording(doc, merged.text, id))
		return { ok: false, reason: 'duplicate' };
	if (merged.delta.length === 0) return { ok: true, id };
	doc.transact(() => {
		text.applyDelta(merged.delta);
		if (wordingFingerprint(before) !== wordingFingerprint(merged.text)) {
			const approvals = q.get('approvals');
			if (approvals instanceof Y.Map) approvals.clear();
		}
	});
	return { ok: true, id };
}

/** Moves a question so it ends up at `toIndex` of the list as this replica sees it. */
export function moveQuestion(doc: Y.Doc, id: string, toIndex: number): QuestionDocResult {
	const q = questionsOf(doc).get(id);
	if (!q) return { ok: false, reason: 'missing' };
	const others = sortedQuestions(doc).filter((o) => o.id !== id);
	const index = Math.max(0, Math.min(toIndex, others.length));
	const before = others[index - 1]?.position || null;
	// Concurrent inserts can share a key; go past equal keys so the bounds are strictly ordered.
	let after: string | null = null;
	for (const o of others.slice(index)) {
		if (before === null || o.position > before) {
			after = o.position || null;
			break;
		}
	}
	q.set('position', generateKeyBetween(before, after));
	return { ok: true, id };
}

/** Only the person who proposed a question may remove it. */
export function removeQuestion(doc: Y.Doc, id: string, by: string): QuestionDocResult {
	const q = questionsOf(doc).get(id);
	if (!q) return { ok: false, reason: 'missing' };
	if (q.get('proposedBy') !== by) return { ok: false, reason: 'not_yours' };
	doc.transact(() => {
		questionsOf(doc).delete(id);
		askedOf(doc).delete(id);
		askedAtOf(doc).delete(id);
	});
	return { ok: true, id };
}

/** Approves the wording as this replica shows it now, or withdraws the approval. */
export function setApproval(doc: Y.Doc, id: string, userId: string, approved: boolean): QuestionDocResult {
	const q = questionsOf(doc).get(id);
	const approvals = q?.get('approvals');
	const text = q?.get('text');
	if (!(approvals instanceof Y.Map) || !(text instanceof Y.Text)) return { ok: false, reason: 'missing' };
	if (approved) approvals.set(userId, wordingFingerprint(text.toString()));
	else approvals.delete(userId);
	return { ok: true, id };
}

export function addComment(
	doc: Y.Doc,
	id: string,
	{ by, name, text, at = new Date() }: { by: string; name: string; text: string; at?: Date }
): QuestionDocResult {
	const comments = questionsOf(doc).get(id)?.get('comments');
	if (!(comments instanceof Y.Array)) return { ok: false, reason: 'missing' };
	const body = text.trim();
	if (body === '') return { ok: false, reason: 'empty' };
	if (body.length > MAX_COMMENT_LENGTH) return { ok: false, reason: 'too_long' };
	comments.push([{ id: random.uuidv4(), by, name, text: body, at: at.toISOString() }]);
	return { ok: true, id };
}

/** "Ready to record" about the agreed list as it is now; a later change to that list undoes it. */
export function setReady(doc: Y.Doc, userId: string, participantIds: readonly string[], ready: boolean) {
	if (ready) readyOf(doc).set(userId, viewList(readList(doc), participantIds).agreedFingerprint);
	else readyOf(doc).delete(userId);
}

/**
 * For the call (issue #5): the agreed questions in order, and checking one off. Reading needs the
 * conversation's two participant ids (QuestionListSummary.participants).
 */
export function agreedQuestions(doc: Y.Doc, participantIds: readonly string[]) {
	return viewList(readList(doc), participantIds).agreed.map((q) => ({
		id: q.id,
		text: q.text,
		asked: q.asked
	}));
}

/** Checks a question off (or back on); `atServerMs` is the server-synced time of the check-off. */
export function markAsked(doc: Y.Doc, id: string, asked = true, atServerMs?: number): QuestionDocResult {
	if (!questionsOf(doc).has(id)) return { ok: false, reason: 'missing' };
	doc.transact(() => {
		if (asked) askedOf(doc).set(id, true);
		else askedOf(doc).delete(id);
		if (atServerMs !== undefined) askedAtOf(doc).set(id, atServerMs);
	});
	return { ok: true, id };
}

/** Check-offs with their times: question id → { asked, atServerMs } (0 when no time was stored). */
export function askedChecks(doc: Y.Doc): Record<string, { asked: boolean; atServerMs: number }> {
	const asked = askedOf(doc);
	const times = askedAtOf(doc);
	const ids = new Set([...asked.keys(), ...times.keys()]);
	return Object.fromEntries(
		[...ids].sort().map((id) => [id, { asked: asked.get(id) === true, atServerMs: times.get(id) ?? 0 }])
	);
}

/** A moment marked during the call; keyed by the mark's id, so both devices writing it make one. */
export function addMark(doc: Y.Doc, markId: string, atServerMs: number) {
	if (!marksOf(doc).has(markId)) marksOf(doc).set(markId, atServerMs);
}

export type IndexPoint =
	| { kind: 'question'; id: string; text: string; atServerMs: number }
	| { kind: 'mark'; id: string; atServerMs: number };

/** The time-coded index the document holds: questions checked off as asked, and marks, by time. */
export function timeCodedIndex(doc: Y.Doc): IndexPoint[] {
	const points: IndexPoint[] = [];
	const { questions } = readList(doc);
	for (const [id, check] of Object.entries(askedChecks(doc))) {
		const q = questions.find((x) => x.id === id);
		if (q && check.asked && check.atServerMs > 0)
			points.push({ kind: 'question', id, text: q.text, atServerMs: check.atServerMs });
	}
	marksOf(doc).forEach((atServerMs, id) => points.push({ kind: 'mark', id, atServerMs }));
	return points.sort((a, b) => a.atServerMs - b.atServerMs || (a.id < b.id ? -1 : 1));
}

/** Calls `listener` after every change, local or remote. Returns the unsubscribe function. */
export function observeList(doc: Y.Doc, listener: () => void): () => void {
	const types = [questionsOf(doc), readyOf(doc), askedOf(doc), askedAtOf(doc), marksOf(doc)];
	for (const t of types) t.observeDeep(listener);
	return () => {
		for (const t of types) t.unobserveDeep(listener);
	};
}
