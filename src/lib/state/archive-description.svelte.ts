import {
	EMPTY_DRAFT,
	describedBy,
	observeDescription,
	readDescription,
	saveDescription,
	type DescriptionDraft,
	type DescriptionSave
} from '../contracts/archive-description-doc';
import { db } from '../db/db';
import { openSharedQuestionDoc } from '../sync/shared-question-doc';
import type { ProviderState } from '../sync/yjs-provider';

/**
 * The archive description both partners write (issue #14): the conversation's shared document,
 * opened from this device first so it works offline, then synced live, so a partner's words appear
 * in the open form and a save never writes over them.
 */
export class SharedDescription {
	draft = $state.raw<DescriptionDraft>(EMPTY_DRAFT);
	editedBy = $state.raw<{ userId: string; at: number }[]>([]);
	connection = $state.raw<ProviderState>({ status: 'disconnected', synced: true, loadedFromServer: false });
	opened = $state(false);
	#shared: { doc: import('yjs').Doc; close: () => void } | undefined;
	#closed = false;
	#stop: (() => void) | undefined;

	async open(conversationId: string): Promise<void> {
		const shared = await openSharedQuestionDoc({
			db: db(),
			conversationId,
			onChange: (state) => (this.connection = state)
		});
		if (this.#closed) return shared.close();
		this.#shared = shared;
		const refresh = () => {
			this.draft = readDescription(shared.doc);
			this.editedBy = describedBy(shared.doc);
		};
		this.#stop = observeDescription(shared.doc, refresh);
		refresh();
		this.opened = true;
	}

	/** Saves this person's edit from `base` onto the description as it is now. */
	save(next: DescriptionDraft, base: DescriptionDraft, by: string): DescriptionSave | undefined {
		if (!this.#shared) return undefined;
		return saveDescription(this.#shared.doc, { next, base, by, at: Date.now() });
	}

	close() {
		this.#closed = true;
		this.#stop?.();
		this.#shared?.close();
	}
}
