import * as v from 'valibot';
import { Community } from '../contracts/auth';
import { PARTICIPATION_AGREEMENT_VERSION } from '../contracts/questionnaire';
import { autobiographyWarnings } from '../core/privacy';
import { checkStep, checkSubmission, SIGNUP_STEPS, type SignupDraft } from '../core/signup-steps';
import type { CommonGroundDb, SignupRecord } from '../db/db';
import { loadSignupDraft, saveSignupDraft } from '../db/drafts';
import { queueSignup } from '../db/outbox';
import { getLocale } from '../paraglide/runtime.js';
import { api } from '../sync/api';
import { requestPersistentStorage } from '../sync/storage';

const SAVE_DELAY_MS = 250;

/**
 * The sign-up questionnaire as the page sees it. Every change is written to IndexedDB within a
 * quarter second, and every step change is awaited, so a reload or a dead battery loses nothing.
 */
export class SignupForm {
	answers = $state<SignupDraft>({});
	stepIndex = $state(0);
	errors = $state<Record<string, string>>({});
	communities = $state<Community[]>([]);
	communitiesProblem = $state<string | undefined>();
	saved = $state<'not-yet' | 'saving' | 'saved'>('not-yet');
	rejected = $state<SignupRecord | undefined>();
	loaded = $state(false);

	step = $derived(SIGNUP_STEPS[this.stepIndex] ?? SIGNUP_STEPS[0]!);
	isLast = $derived(this.stepIndex === SIGNUP_STEPS.length - 1);
	warnings = $derived(
		autobiographyWarnings({
			text: this.answers.autobiography ?? '',
			lastName: this.answers.lastName,
			email: this.answers.email,
			phone: this.answers.phone
		})
	);

	#db: CommonGroundDb;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#persistAsked = false;

	constructor(db: CommonGroundDb) {
		this.#db = db;
	}

	async load() {
		const [draft, rejected] = await Promise.all([
			loadSignupDraft(this.#db),
			this.#db.signups.where('status').equals('rejected').last()
		]);
		if (draft) {
			this.answers = draft.answers;
			this.stepIndex = Math.min(draft.stepIndex, SIGNUP_STEPS.length - 1);
			this.saved = 'saved';
		}
		if (rejected && draft) {
			this.rejected = rejected;
			this.errors = rejected.error?.fields ?? {};
		}
		this.answers.agreementVersion = PARTICIPATION_AGREEMENT_VERSION;
		this.loaded = true;
		await this.loadCommunities();
	}

	async loadCommunities() {
		const cached = await this.#db.cache.get('communities');
		if (cached) this.communities = cached.value;
		const fresh = await api('/api/communities', { schema: v.array(Community) });
		if (fresh.ok) {
			this.communities = fresh.data;
			this.communitiesProblem = undefined;
			await this.#db.cache.put({ key: 'communities', value: fresh.data, updatedAt: Date.now() });
		} else if (!cached) {
			this.communitiesProblem =
				'We could not load the list of communities. Connect to the internet once, then reload this page.';
		}
		if (!this.answers.communityId && this.communities.length === 1) {
			this.update({ communityId: this.communities[0]!.id });
		}
	}

	/** Records a change and saves it shortly after; clears the message of any field that changed. */
	update(patch: Partial<SignupDraft>) {
		Object.assign(this.answers, patch);
		for (const key of Object.keys(patch)) {
			for (const path of Object.keys(this.errors)) {
				if (path === key || path.startsWith(`${key}.`)) delete this.errors[path];
			}
		}
		this.saved = 'saving';
		clearTimeout(this.#timer);
		this.#timer = setTimeout(() => void this.save(), SAVE_DELAY_MS);
		this.#askForPersistence();
	}

	async save() {
		clearTimeout(this.#timer);
		await saveSignupDraft(this.#db, { answers: $state.snapshot(this.answers), stepIndex: this.stepIndex });
		this.saved = 'saved';
	}

	/** Checks the current step; moves on only when it is complete. Returns whether it moved. */
	async next(): Promise<boolean> {
		const check = checkStep(this.stepIndex, this.answers);
		if (!check.ok) {
			this.errors = check.fields;
			return false;
		}
		this.errors = {};
		this.stepIndex = Math.min(this.stepIndex + 1, SIGNUP_STEPS.length - 1);
		await this.save();
		return true;
	}

	async back() {
		this.errors = {};
		this.stepIndex = Math.max(0, this.stepIndex - 1);
		await this.save();
	}

	async goTo(index: number) {
		this.stepIndex = index;
		await this.save();
	}

	/** Queues the sign-up in the outbox (durably) and returns its id, or shows what still needs fixing. */
	async submit(): Promise<string | undefined> {
		// The language they filled the form in is the language of their emails (issue #14).
		const check = checkSubmission({ ...$state.snapshot(this.answers), uiLanguage: getLocale() });
		if (!check.ok) {
			this.errors = check.fields;
			this.stepIndex = check.firstBadStep;
			await this.save();
			return undefined;
		}
		clearTimeout(this.#timer);
		const id = await queueSignup(this.#db, { questionnaire: check.questionnaire });
		if (this.rejected) {
			// The corrected sign-up replaces the refused one.
			const refused = this.rejected.id;
			await this.#db.transaction('rw', [this.#db.outbox, this.#db.signups], async () => {
				await this.#db.outbox.delete(refused);
				await this.#db.signups.delete(refused);
			});
		}
		return id;
	}

	#askForPersistence() {
		if (this.#persistAsked) return;
		this.#persistAsked = true;
		void requestPersistentStorage();
	}
}
