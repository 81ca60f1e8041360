import * as v from 'valibot';
import { Me, Session, type Role } from '$lib/contracts/auth';
import { api, onSessionEnded } from '$lib/sync/api';

/** Kept so an offline reload still knows whose app this is; cleared at sign-out (issue #14). */
const CACHE_KEY = 'cg-me';
/** Per-person views other state classes keep for offline use; a sign-out takes them too. */
const PERSONAL_KEYS = [CACHE_KEY, 'cg-my-conversations'];

/**
 * Who is signed in on this browser: `undefined` until known, `null` when nobody. Read by the
 * header's navigation and the home page's next step.
 */
class SessionState {
	me = $state<Me | null | undefined>();
	problem = $state<string | undefined>();

	constructor() {
		// Any route answering "sign in first" means the session is gone (expired, or signed out in
		// another tab): known here at once, not only at the next navigation.
		onSessionEnded(() => (this.me = null));
	}

	/**
	 * A page for `roles` needs someone else signed in: nobody is, or the person who is has another
	 * role (the server would refuse them too). Such a page links to sign-in instead of offering a
	 * form that can't work (issue #14); this is the one place that decides it. While nobody knows
	 * yet (`undefined`), it does not.
	 */
	signInNeeded(...roles: Role[]): boolean {
		if (this.me === null) return true;
		return this.me !== undefined && !roles.includes(this.me.role);
	}

	async load() {
		const answer = await api('/api/session', { schema: Session });
		if (answer.ok) {
			this.me = answer.data.user;
			if (answer.data.user) localStorage.setItem(CACHE_KEY, JSON.stringify(answer.data.user));
			else localStorage.removeItem(CACHE_KEY);
		} else if (answer.status === 0) {
			const parsed = v.safeParse(Me, JSON.parse(localStorage.getItem(CACHE_KEY) ?? 'null'));
			this.me = parsed.success ? parsed.output : null;
		}
	}

	/** Ends the session on the server first: the cookie can't be removed from here (it is HttpOnly). */
	async signOut(): Promise<boolean> {
		this.problem = undefined;
		const answer = await api('/api/auth/signout', { method: 'POST', body: {}, schema: v.unknown() });
		if (!answer.ok) {
			this.problem = answer.error.message;
			return false;
		}
		for (const key of PERSONAL_KEYS) localStorage.removeItem(key);
		this.me = null;
		return true;
	}
}

export const session = new SessionState();
