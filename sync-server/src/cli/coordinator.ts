import type { Repos, UserRecord } from '../store/types.ts';

export type EnsureCoordinatorOutcome =
	{ ok: true; user: UserRecord; created: boolean } | { ok: false; message: string };

/** Creates the coordinator, or reuses the account if this address already is one. */
export async function ensureCoordinator(
	repos: Repos,
	{ email, firstName, now }: { email: string; firstName: string; now: Date }
): Promise<EnsureCoordinatorOutcome> {
	const existing = await repos.users.findByEmail(email);
	if (existing?.role === 'coordinator') return { ok: true, user: existing, created: false };
	if (existing) {
		return {
			ok: false,
			message: `${email} already belongs to a ${existing.role.replace('_', ' ')} account. Use another address for the coordinator.`
		};
	}
	const user = await repos.users.create({
		role: 'coordinator',
		email,
		firstName,
		lastName: '',
		phone: null,
		language: 'en',
		partnerOrganizationId: null,
		personalCodeHash: null,
		now
	});
	return { ok: true, user, created: true };
}
