import { liveQuery } from 'dexie';
import { AfterView } from '../contracts/consent';
import { answerFor, CONSENT_TEXT_VERSIONS, type ConsentAnswer, type ConsentKind } from '../core/consent';
import { db } from '../db/db';
import { consentsOf, isoNow, queueConsent, type KeptCopy, type LocalConsent } from '../db/after';
import { getLocale } from '../paraglide/runtime.js';
import { api } from '../sync/api';
import { connectivity } from './connectivity.svelte';
import { uploads } from './uploads.svelte';
import { reportProblem } from './problems.svelte';
import { m } from '../paraglide/messages.js';

/**
 * One conversation after hanging up: the person's consent answers (written to this device first,
 * then sent through the outbox), what the server has confirmed, and the copy.
 */
export class AfterConversation {
	view = $state.raw<AfterView | undefined>();
	problem = $state<{ message: string; signIn: boolean; offline: boolean } | undefined>();
	local = $state.raw<LocalConsent[]>([]);
	kept = $state.raw<KeptCopy | undefined>();
	readonly conversationId: string;
	#subscriptions: { unsubscribe(): void }[] = [];

	constructor(conversationId: string) {
		this.conversationId = conversationId;
		this.#subscriptions.push(
			liveQuery(() => consentsOf(db(), conversationId)).subscribe({
				next: (rows) => {
					const sentNow = rows.some(
						(r) => r.status === 'sent' && this.local.find((l) => l.id === r.id)?.status === 'waiting'
					);
					this.local = rows;
					if (sentNow) void this.refresh();
				},
				error: (error: unknown) =>
					reportProblem(error, { context: 'reading consent answers', message: m.problem_device_storage() })
			}),
			liveQuery(() => db().keptCopies.get(conversationId)).subscribe({
				next: (copy) => (this.kept = copy),
				error: (error: unknown) =>
					reportProblem(error, { context: 'reading the kept copy', message: m.problem_device_storage() })
			})
		);
	}

	async refresh(): Promise<void> {
		const answer = await api(`/api/conversations/${encodeURIComponent(this.conversationId)}/after`, {
			schema: AfterView
		});
		if (answer.ok) {
			this.view = answer.data;
			this.problem = undefined;
			// A copy kept for offline listening goes as soon as either person withdraws.
			if (answer.data.copy.state !== 'allowed' && this.kept) await this.forgetKept();
		} else if (answer.status !== 0 || !this.view) {
			this.problem = {
				message: answer.error.message,
				signIn: answer.status === 401,
				offline: answer.status === 0
			};
		}
	}

	/** This person's answer: the newest one on this device if it is still on its way, else the server's. */
	mine(kind: ConsentKind): ConsentAnswer | null {
		const newest = this.local.filter((c) => c.payload.kind === kind && c.status !== 'rejected').at(-1);
		if (newest && newest.status === 'waiting') return newest.payload.answer;
		return this.view?.[kind].mine ?? newest?.payload.answer ?? null;
	}

	waitingToSend = $derived(this.local.some((c) => c.status === 'waiting'));

	/** One answer, saved on its own (issue #14): the copy's never waits for the archive's description. */
	async answer(kind: ConsentKind, choice: 'yes' | 'no'): Promise<void> {
		if (this.mine(kind) === choice) return;
		await this.#queue(kind, answerFor(this.mine(kind) ?? undefined, choice));
	}

	/** There is a yes to take back (a withdrawal of nothing is not offered). */
	canWithdraw = $derived(this.mine('copy') === 'yes' || this.mine('archive') === 'yes');

	/** Withdraw every yes at once; a kind never agreed to is left as it is. */
	async withdraw(): Promise<void> {
		for (const kind of ['copy', 'archive'] as const)
			if (this.mine(kind) === 'yes') await this.answer(kind, 'no');
	}

	async #queue(kind: ConsentKind, answer: ConsentAnswer) {
		await queueConsent(db(), {
			payload: {
				conversationId: this.conversationId,
				kind,
				answer,
				textVersion: CONSENT_TEXT_VERSIONS[kind],
				language: getLocale() === 'es' ? 'es' : 'en',
				decidedAt: isoNow()
			}
		});
		connectivity.sync();
		// A yes to the archive may release the lossless master for upload.
		uploads.kick();
	}

	async keepOffline(): Promise<boolean> {
		const url = this.view?.copyUrl;
		if (!url) return false;
		const response = await fetch(url, { credentials: 'same-origin' }).catch(() => undefined);
		if (!response?.ok) return false;
		await db().keptCopies.put({
			conversationId: this.conversationId,
			blob: await response.blob(),
			savedAt: Date.now()
		});
		return true;
	}

	async forgetKept(): Promise<void> {
		await db().keptCopies.delete(this.conversationId);
	}

	dispose() {
		for (const s of this.#subscriptions) s.unsubscribe();
	}
}
