/**
 * The agreement rules for a question list (issue #4, "Agreement"), over plain data so they run
 * anywhere. The shared document (src/lib/sync/question-doc.ts) is read into a `QuestionListState`
 * and every decision is derived from it here, never stored: a merge can therefore never leave a
 * question "agreed" that both partners did not approve in its current wording.
 */

export const MAX_QUESTION_LENGTH = 400;
export const MAX_QUESTIONS = 60;
export const MAX_COMMENT_LENGTH = 600;

export interface QuestionComment {
	id: string;
	by: string;
	name: string;
	text: string;
	at: string;
}

export interface QuestionState {
	id: string;
	text: string;
	/** Fractional-index key; ties are broken by id so every replica sorts the same way. */
	position: string;
	proposedBy: string;
	bankId: string | null;
	/** Who approved, and the fingerprint of the wording they approved. */
	approvals: Record<string, string>;
	comments: QuestionComment[];
	asked: boolean;
}

export interface QuestionListState {
	questions: QuestionState[];
	/** Who said "ready to record", and the fingerprint of the agreed list they said it about. */
	ready: Record<string, string>;
}

/** Normalized wording: the same words with different spacing are the same wording. */
export function normalizeWording(text: string): string {
	return text.trim().replace(/\s+/g, ' ');
}

/** cyrb53: a fast 53-bit string hash. Not a security boundary, only "is this the same wording". */
export function fingerprint(text: string): string {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const ch = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ ch, 2654435761);
		h2 = Math.imul(h2 ^ ch, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

export function wordingFingerprint(text: string): string {
	return fingerprint(normalizeWording(text));
}

export function byPosition(
	a: Pick<QuestionState, 'position' | 'id'>,
	b: Pick<QuestionState, 'position' | 'id'>
) {
	if (a.position !== b.position) return a.position < b.position ? -1 : 1;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function approvedByWording(question: QuestionState, userId: string): boolean {
	const approved = question.approvals[userId];
	return approved !== undefined && approved === wordingFingerprint(question.text);
}

/** Agreed: non-empty, and both partners approved exactly the wording it has now. */
export function isAgreed(question: QuestionState, participantIds: readonly string[]): boolean {
	return (
		normalizeWording(question.text) !== '' &&
		participantIds.length === 2 &&
		participantIds.every((id) => approvedByWording(question, id))
	);
}

export interface QuestionView extends QuestionState {
	agreed: boolean;
	approvedBy: string[];
}

export interface ListView {
	questions: QuestionView[];
	agreed: QuestionView[];
	/** Fingerprint of the agreed list, in order: what "ready to record" refers to. */
	agreedFingerprint: string;
	readyBy: string[];
	/** Both partners said ready about the agreed list as it is now, and it is not empty. */
	readyToRecord: boolean;
}

export function viewList(state: QuestionListState, participantIds: readonly string[]): ListView {
	const questions = [...state.questions].sort(byPosition).map((q) => ({
		...q,
		agreed: isAgreed(q, participantIds),
		approvedBy: participantIds.filter((id) => approvedByWording(q, id))
	}));
	const agreed = questions.filter((q) => q.agreed);
	const agreedFingerprint = fingerprint(agreed.map((q) => `${q.id}:${wordingFingerprint(q.text)}`).join('|'));
	const readyBy =
		agreed.length === 0 ? [] : participantIds.filter((id) => state.ready[id] === agreedFingerprint);
	return {
		questions,
		agreed,
		agreedFingerprint,
		readyBy,
		readyToRecord: participantIds.length === 2 && readyBy.length === 2
	};
}

/** Who may do what in the list. Approving and "ready" are the partners' own; observers only look. */
export type ListRole = 'participant' | 'facilitator' | 'observer';

export function can(role: ListRole, action: 'edit' | 'approve' | 'comment'): boolean {
	if (role === 'observer') return false;
	if (action === 'approve') return role === 'participant';
	return true;
}

export function canRemove(
	question: Pick<QuestionState, 'proposedBy'>,
	userId: string,
	role: ListRole
): boolean {
	return role !== 'observer' && question.proposedBy === userId;
}
