import type { SignupDraft } from '../core/signup-steps';
import type { CommonGroundDb, DraftRecord } from './db';

export async function loadSignupDraft(db: CommonGroundDb): Promise<DraftRecord | undefined> {
	return db.drafts.get('signup');
}

/** Resolves only once IndexedDB has committed the write. */
export async function saveSignupDraft(
	db: CommonGroundDb,
	{ answers, stepIndex, now = Date.now() }: { answers: SignupDraft; stepIndex: number; now?: number }
): Promise<void> {
	await db.drafts.put({ id: 'signup', answers: structuredClone(answers), stepIndex, updatedAt: now });
}
