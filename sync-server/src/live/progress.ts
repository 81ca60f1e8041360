import type { Repos } from '../store/types.ts';
import { COORDINATORS, concerned, organizationKey, type LiveHub } from './hub.ts';

type Deps = { store: Pick<Repos, 'participants'>; live?: LiveHub };

/**
 * These people moved on in the funnel (signed up, oriented, matched, scheduled, recorded): the open
 * dashboards of the partner organizations they signed up through look again (issue #14), and so do
 * the coordinators' consoles, whose pool and directory show the same stages. Only those keys hear
 * it, and the event names nobody.
 */
export async function progressChanged(
	{ store, live }: Deps,
	userIds: readonly string[],
	{ coordinators = true }: { coordinators?: boolean } = {}
): Promise<void> {
	if (!live || userIds.length === 0) return;
	const organizations = new Set<string>();
	for (const userId of new Set(userIds)) {
		const participant = await store.participants.findByUserId(userId);
		if (participant?.partnerOrganizationId) organizations.add(participant.partnerOrganizationId);
	}
	publishProgress(live, [...organizations], { coordinators });
}

/**
 * The same, when the caller already knows the partner organizations (a sign-up, which just wrote
 * its own): no lookup, which was a query per sign-up (issue #17).
 */
export function publishProgress(
	live: LiveHub | undefined,
	organizationIds: readonly (string | null)[],
	{ coordinators = true }: { coordinators?: boolean } = {}
): void {
	const keys = organizationIds.filter((id): id is string => id !== null).map(organizationKey);
	if (coordinators) keys.push(COORDINATORS);
	if (keys.length > 0) live?.publish(keys, { topic: 'progress' });
}

/**
 * A conversation's state changed: its two people's pages and the coordinators' consoles hear of it,
 * and so do the dashboards of the organizations the two signed up through (a new stage, perhaps).
 */
export async function conversationChanged(
	deps: Deps,
	conversation: { id: string; participantIds: readonly string[] }
): Promise<void> {
	deps.live?.publish(concerned(conversation.participantIds), {
		topic: 'conversation',
		conversationId: conversation.id
	});
	// The coordinators just heard of the conversation itself.
	await progressChanged(deps, conversation.participantIds, { coordinators: false });
}
