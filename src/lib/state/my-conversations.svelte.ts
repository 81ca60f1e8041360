import * as v from 'valibot';
import { MyMatching, Slots, type MyConversation } from '$lib/contracts/matching';
import { api } from '$lib/sync/api';
import { liveEvents } from '$lib/sync/live-events';

/** The last view the server gave, so the page still shows where things stand offline (issue #14). */
const CACHE_KEY = 'cg-my-conversations';

/**
 * The participant's matches (issue #3): the partner's profile, accept/decline and agreeing on a time.
 * Each action returns the whole new view from the server, so the page never shows a guessed state.
 */
export class MyConversations {
	view = $state<MyMatching | undefined>();
	problem = $state<string | undefined>();
	/** The last thing that happened, read out by a live region. */
	notice = $state<string | undefined>();
	busy = $state(false);
	slots = $state<Record<string, string[]>>({});

	async load() {
		const answer = await api('/api/conversations/mine', { schema: MyMatching });
		if (answer.ok) {
			this.view = answer.data;
			this.problem = undefined;
			localStorage.setItem(CACHE_KEY, JSON.stringify(answer.data));
			return;
		}
		this.problem = answer.error.message;
		if (answer.status === 0 && !this.view) this.view = cached();
	}

	/** Loads now, and again whenever one of this person's conversations changes; returns how to stop. */
	follow(): () => void {
		void this.load();
		return liveEvents.on((signal) => {
			if (signal.topic === 'resync' || signal.topic === 'conversation') void this.load();
		});
	}

	async loadSlots(conversation: MyConversation) {
		const answer = await api(`/api/conversations/${conversation.id}/slots`, { schema: Slots });
		if (answer.ok) this.slots = { ...this.slots, [conversation.id]: answer.data.slots };
		else this.problem = answer.error.message;
	}

	async act(conversationId: string, action: string, body: unknown = {}, notice?: string) {
		this.busy = true;
		this.problem = undefined;
		const answer = await api(`/api/conversations/${conversationId}/${action}`, {
			method: 'POST',
			body,
			schema: MyMatching
		});
		this.busy = false;
		if (!answer.ok) {
			this.problem = answer.error.message;
			return;
		}
		this.view = answer.data;
		this.notice = notice;
	}

	async completeOrientation(techCheck: 'passed' | 'skipped') {
		this.busy = true;
		const answer = await api('/api/participation/orientation', {
			method: 'POST',
			body: { groundRules: true, techCheck },
			schema: v.union([MyMatching, v.null()])
		});
		this.busy = false;
		if (!answer.ok) this.problem = answer.error.message;
		return answer.ok;
	}
}

function cached(): MyMatching | undefined {
	const parsed = v.safeParse(MyMatching, JSON.parse(localStorage.getItem(CACHE_KEY) ?? 'null'));
	return parsed.success ? parsed.output : undefined;
}
