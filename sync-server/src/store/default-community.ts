import type { Store } from './types.ts';

/** A fresh install has no community; without one nobody can sign up. */
export async function ensureDefaultCommunity(
	store: Store,
	{ name, timeZone, now }: { name: string; timeZone: string; now: Date }
): Promise<void> {
	await store.transaction(async (repos) => {
		if ((await repos.communities.list()).length > 0) return;
		await repos.communities.create({ name, timeZone, now });
	});
}
