import * as v from 'valibot';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CLOSE, QuestionListSummary } from '../contracts/questions';
import { MAX_QUESTION_LENGTH, can, canRemove, viewList, type ListView } from '../core/questions/agreement';
import type { BankQuestion } from '../core/questions/bank';
import type { CommonGroundDb } from '../db/db';
import { m } from '../paraglide/messages.js';
import { getLocale } from '../paraglide/runtime.js';
import { api } from '../sync/api';
import { persistOnDevice } from '../sync/local-doc';
import * as list from '../sync/question-doc';
import { QuestionDocProvider, type ProviderState } from '../sync/yjs-provider';

export type PresenceEntry = {
	clientId: number;
	name: string;
	role: string;
	editing: string | null;
	me: boolean;
};

type Opened =
	{ kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'open'; summary: QuestionListSummary };

/**
 * The question-list page's state (issue #4): opens the shared document from this device first,
 * then connects; every action writes to the local Y.Doc, which persists on the device and syncs.
 */
export class QuestionListState {
	opened = $state<Opened>({ kind: 'loading' });
	view = $state<ListView>(viewList({ questions: [], ready: {} }, []));
	connection = $state<ProviderState>({ status: 'disconnected', synced: true, loadedFromServer: false });
	savingOnDevice = $state(0);
	presence = $state<PresenceEntry[]>([]);
	doc = new Y.Doc();
	awareness = new Awareness(this.doc);
	#provider: QuestionDocProvider | undefined;
	#cleanups: (() => void)[] = [];

	summary = $derived(this.opened.kind === 'open' ? this.opened.summary : undefined);
	role = $derived(this.summary?.role ?? 'observer');
	partner = $derived(this.summary?.participants.find((p) => p.userId !== this.summary?.me.userId));

	status = $derived.by(() => {
		const c = this.connection;
		if (c.status === 'refused') return { tone: 'error', text: refusal(c.closeCode) };
		if (this.savingOnDevice > 0) return { tone: 'info', text: m.questions_status_saving() };
		if (!c.synced) {
			return c.status === 'connected'
				? { tone: 'info', text: m.questions_status_syncing() }
				: { tone: 'warn', text: m.questions_status_saved_offline() };
		}
		if (c.status !== 'connected') return { tone: 'warn', text: m.questions_status_connecting() };
		return { tone: 'ok', text: m.questions_status_synced() };
	});

	async open({ conversationId, db }: { conversationId: string; db: CommonGroundDb }) {
		const summary = await loadSummary(conversationId, db);
		if (!summary.ok) {
			this.opened = { kind: 'error', message: summary.message };
			return;
		}
		const s = summary.summary;
		this.#cleanups.push(
			await persistOnDevice({
				db,
				docName: s.docName,
				doc: this.doc,
				onPending: (n) => (this.savingOnDevice = n)
			})
		);
		const refresh = () =>
			(this.view = viewList(
				list.readList(this.doc),
				s.participants.map((p) => p.userId)
			));
		this.#cleanups.push(list.observeList(this.doc, refresh));
		refresh();

		this.awareness.setLocalState({
			user: { id: s.me.userId, name: s.me.firstName, role: s.role },
			editing: null
		});
		const onPresence = () => (this.presence = readPresence(this.awareness));
		this.awareness.on('change', onPresence);
		onPresence();
		this.#cleanups.push(() => this.awareness.off('change', onPresence));

		const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
		const provider = new QuestionDocProvider({
			url: `${scheme}//${location.host}/yjs/${encodeURIComponent(s.docName)}`,
			doc: this.doc,
			awareness: this.awareness,
			onChange: (state) => (this.connection = state)
		});
		this.#provider = provider;
		this.connection = provider.state;
		this.opened = { kind: 'open', summary: s };
		// The browser knows before the socket does: go offline at once, come back at once.
		const online = () => provider.connect();
		const offline = () => provider.disconnect();
		window.addEventListener('online', online);
		window.addEventListener('offline', offline);
		this.#cleanups.push(() => {
			window.removeEventListener('online', online);
			window.removeEventListener('offline', offline);
		});
		if (navigator.onLine) provider.connect();
	}

	close() {
		this.#provider?.destroy();
		for (const cleanup of this.#cleanups.splice(0)) cleanup();
		this.awareness.destroy();
	}

	get me() {
		return this.summary?.me.userId ?? '';
	}

	nameOf(userId: string): string {
		const s = this.summary;
		const person = [...(s?.participants ?? []), ...(s?.facilitator ? [s.facilitator] : [])].find(
			(p) => p.userId === userId
		);
		return person?.firstName ?? '?';
	}

	can(action: 'edit' | 'approve' | 'comment') {
		return can(this.role, action);
	}

	canRemove(question: { proposedBy: string }) {
		return canRemove(question, this.me, this.role);
	}

	addOwn(text: string): string | undefined {
		return problem(list.addQuestion(this.doc, { text, by: this.me }));
	}

	addFromBank(question: BankQuestion): string | undefined {
		const text = getLocale() === 'es' ? question.es : question.en;
		return problem(list.addQuestion(this.doc, { text, by: this.me, bankId: question.id }));
	}

	/** Saves a wording edited from `base` (what the editor opened with), keeping a partner's save (issue #14). */
	edit(id: string, text: string, base: string) {
		return problem(list.editWording(this.doc, id, text, base));
	}

	move(id: string, toIndex: number) {
		return problem(list.moveQuestion(this.doc, id, toIndex));
	}

	remove(id: string) {
		return problem(list.removeQuestion(this.doc, id, this.me));
	}

	approve(id: string, approved: boolean) {
		return problem(list.setApproval(this.doc, id, this.me, approved));
	}

	comment(id: string, text: string) {
		return problem(
			list.addComment(this.doc, id, { by: this.me, name: this.summary?.me.firstName ?? '', text })
		);
	}

	setReady(ready: boolean) {
		const ids = this.summary?.participants.map((p) => p.userId) ?? [];
		list.setReady(this.doc, this.me, ids, ready);
	}

	/** Presence: which question this person is editing (null when none). */
	setEditing(questionId: string | null) {
		this.awareness.setLocalStateField('editing', questionId);
	}
}

async function loadSummary(
	conversationId: string,
	db: CommonGroundDb
): Promise<{ ok: true; summary: QuestionListSummary } | { ok: false; message: string }> {
	const result = await api(`/api/questions/${encodeURIComponent(conversationId)}`, {
		schema: QuestionListSummary
	});
	if (result.ok) {
		await db.questionLists.put({ conversationId, summary: result.data, savedAt: Date.now() });
		return { ok: true, summary: result.data };
	}
	if (result.status === 0 || result.status >= 500) {
		const saved = await db.questionLists.get(conversationId);
		const parsed = v.safeParse(QuestionListSummary, saved?.summary);
		if (parsed.success) return { ok: true, summary: parsed.output };
		return { ok: false, message: m.questions_offline_first_time() };
	}
	if (result.status === 401) return { ok: false, message: m.questions_sign_in() };
	return { ok: false, message: m.questions_not_found() };
}

function readPresence(awareness: Awareness): PresenceEntry[] {
	const entries: PresenceEntry[] = [];
	awareness.getStates().forEach((state, clientId) => {
		const user = (state as { user?: { name?: unknown; role?: unknown } }).user;
		if (!user || typeof user.name !== 'string') return;
		const editing = (state as { editing?: unknown }).editing;
		entries.push({
			clientId,
			name: user.name,
			role: typeof user.role === 'string' ? user.role : 'participant',
			editing: typeof editing === 'string' ? editing : null,
			me: clientId === awareness.clientID
		});
	});
	return entries.sort((a, b) => Number(b.me) - Number(a.me) || a.name.localeCompare(b.name));
}

function refusal(code: number | undefined): string {
	if (code === CLOSE.unauthorized) return m.questions_refused_4401();
	if (code === CLOSE.forbidden) return m.questions_refused_4403();
	if (code === CLOSE.notFound) return m.questions_refused_4404();
	if (code === CLOSE.tooLarge) return m.questions_refused_4413();
	return m.questions_refused_other();
}

/** A message for the person when an action did not happen, or undefined when it did. */
function problem(result: list.QuestionDocResult): string | undefined {
	if (result.ok) return undefined;
	switch (result.reason) {
		case 'empty':
			return m.questions_error_empty();
		case 'too_long':
			return m.questions_error_too_long({ max: MAX_QUESTION_LENGTH });
		case 'duplicate':
			return m.questions_error_duplicate();
		case 'full':
			return m.questions_error_full();
		case 'missing':
			return m.questions_error_missing();
		case 'not_yours':
			return m.questions_error_not_yours();
	}
}
