/**
 * The questions shown as prompts during the call (issue #5, "Prompts"). The room reads them through
 * this small interface: `docPromptSource` (doc-prompts.ts) reads the agreed list of issue #4's shared
 * Yjs document, and `arrayPromptSource` holds the default prompts used when nothing was agreed.
 */
export type Prompt = { id: string; text: string };
export type PromptCheck = { asked: boolean; atServerMs: number };

export interface PromptSource {
	/** The agreed questions, in order. */
	list(): Prompt[];
	/** Which were checked off as asked. */
	checks(): Record<string, PromptCheck>;
	/** Checks a question off (or back on); shared with the other devices in the room. */
	setAsked(id: string, check: PromptCheck): void;
	/** Calls `listener` on every change, local or remote; returns the unsubscribe function. */
	subscribe(listener: () => void): () => void;
	/** True when the prompts are the agreed questions and check-offs travel in the shared document. */
	fromDocument(): boolean;
	/** Writes a marked moment where the archive's index is kept (nowhere, for in-memory prompts). */
	mark(id: string, atServerMs: number): void;
}

/** Prompts held in memory, from a plain array; check-offs travel over the call's data channel. */
export function arrayPromptSource(prompts: readonly Prompt[]): PromptSource {
	const list = prompts.map((p) => ({ ...p }));
	let checks: Record<string, PromptCheck> = {};
	const listeners = new Set<() => void>();
	return {
		list: () => list,
		checks: () => checks,
		setAsked(id, check) {
			if (!list.some((p) => p.id === id)) return;
			checks = { ...checks, [id]: check };
			for (const listener of listeners) listener();
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		fromDocument: () => false,
		mark: () => {}
	};
}
