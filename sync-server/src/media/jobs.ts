import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { sharingAllowed } from '../../../src/lib/core/consent.ts';
import type { Clock } from '../clock.ts';
import { recordingMade } from '../conversations/lifecycle.ts';
import type { Env } from '../env.ts';
import { concerned, type LiveHub } from '../live/hub.ts';
import { conversationChanged } from '../live/progress.ts';
import type { Logger } from '../log.ts';
import { copyReadyEmail } from '../mail/templates.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Store } from '../store/types.ts';
import { produceCopy, shareTracksInOrder } from './copy-job.ts';
import type { Transcoder } from './ffmpeg.ts';

/**
 * Background media work, one job at a time (the machine is small and mixing is CPU-bound): mix the
 * copy when both share tracks are confirmed; tell both participants once the copy is ready and
 * both agreed to copies. Jobs are idempotent, so running one again after a crash is harmless.
 */
export interface MediaJobs {
	trackConfirmed(conversationId: string): void;
	consentChanged(conversationId: string): void;
	/**
	 * On boot: queues the mix again for every conversation whose share tracks are all confirmed but
	 * whose copy is missing, failed, or was still being mixed when the server stopped. Resolves with
	 * how many were queued.
	 */
	resumeInterrupted(): Promise<number>;
	/** Resolves when every queued job has run (tests, graceful shutdown). */
	idle(): Promise<void>;
	close(): Promise<void>;
	/** Shared with the archive package, so one ffmpeg worker serves all media work. */
	readonly transcoder: Transcoder;
}

type Deps = {
	env: Env;
	store: Store;
	mailer: Mailer;
	clock: Clock;
	log: Logger;
	transcoder: Transcoder;
	/** Tells both people's open pages when the conversation is recorded and when the copy is ready. */
	live?: LiveHub;
};

export function createMediaJobs(deps: Deps): MediaJobs {
	let queue: Promise<void> = Promise.resolve();
	const enqueue = (name: string, conversationId: string, job: () => Promise<void>) => {
		queue = queue
			.then(job)
			.catch((error: unknown) => deps.log.error(`media job ${name} failed`, { conversationId, error }));
	};
	return {
		trackConfirmed: (id) => enqueue('mix', id, () => mixIfReady(deps, id)),
		consentChanged: (id) => enqueue('notify', id, () => notifyIfAllowed(deps, id)),
		resumeInterrupted() {
			// Queued like any job, so close() waits for it and it never races the store shutting down.
			const stale: string[] = [];
			enqueue('resume', '*', async () => {
				const ids = await deps.store.trackFiles.conversationsWithBothShareTracks();
				for (const id of ids) if (!(await copyIsWhole(deps, id))) stale.push(id);
				for (const id of stale) {
					deps.log.info('mixing again after a restart', { conversationId: id });
					enqueue('mix', id, () => mixIfReady(deps, id, { force: true }));
				}
			});
			// Resolves once the list is made (the mixes then follow in the queue); a failure is logged.
			return queue.then(() => stale.length);
		},
		idle: () => queue,
		transcoder: deps.transcoder,
		async close() {
			await queue;
			await deps.transcoder.close();
		}
	};
}

/** A ready copy whose file is on disk. Anything else (no row, "mixing", "failed", file gone) is mixed again. */
async function copyIsWhole(deps: Deps, conversationId: string): Promise<boolean> {
	const copy = await deps.store.copies.find(conversationId);
	if (copy?.status !== 'ready' || !copy.filePath) return false;
	return access(join(deps.env.dataDir, copy.filePath)).then(
		() => true,
		() => false
	);
}

async function mixIfReady(deps: Deps, conversationId: string, { force = false } = {}): Promise<void> {
	const { store, clock, env, log } = deps;
	const conversation = await store.conversations.findById(conversationId);
	if (!conversation) return;
	const tracks = shareTracksInOrder(conversation, await store.trackFiles.listForConversation(conversationId));
	if (!tracks) return;
	// Both voices are on the server: the conversation is recorded, if Stop had not said so already.
	if (conversation.status !== 'recorded') {
		await store.transaction((repos) => recordingMade(repos, { conversationId, env, now: clock() }));
		await conversationChanged(deps, conversation);
	}
	const existing = await store.copies.find(conversationId);
	const newest =
		tracks
			.map((t) => t.confirmedAt)
			.sort()
			.at(-1) ?? '';
	if (!force && existing?.status === 'ready' && existing.updatedAt >= newest) return;
	const blank = {
		filePath: null,
		sha256: null,
		bytes: null,
		durationMs: null,
		error: null,
		notifiedAt: null
	};
	await store.copies.save({ conversationId, status: 'mixing', ...blank, now: clock() });
	try {
		const started = Date.now();
		const copy = await produceCopy(
			{ dataDir: env.dataDir, transcoder: deps.transcoder },
			conversationId,
			tracks
		);
		await store.copies.save({ conversationId, status: 'ready', ...blank, ...copy, now: clock() });
		deps.live?.publish(concerned(conversation.participantIds), { topic: 'copy', conversationId });
		log.info('copy mixed', {
			conversationId,
			ms: Date.now() - started,
			lufs: copy.loudness.toFixed(1),
			stepsMs: copy.stepsMs,
			via: deps.transcoder.kind
		});
	} catch (error) {
		await store.copies.save({
			conversationId,
			status: 'failed',
			...blank,
			error: String(error),
			now: clock()
		});
		throw error;
	}
	await notifyIfAllowed(deps, conversationId);
}

async function notifyIfAllowed(deps: Deps, conversationId: string): Promise<void> {
	const { store, clock, env } = deps;
	const conversation = await store.conversations.findById(conversationId);
	const copy = await store.copies.find(conversationId);
	if (!conversation || copy?.status !== 'ready' || copy.notifiedAt) return;
	const consents = await store.consents.listForConversation(conversationId);
	if (!sharingAllowed(consents, conversation.participantIds, 'copy')) return;
	const people = await Promise.all(conversation.participantIds.map((id) => store.users.findById(id)));
	await store.transaction(async (repos) => {
		const now = clock();
		for (const [i, person] of people.entries()) {
			const partner = people[1 - i];
			if (!person?.email || !partner) continue;
			const url = `${env.publicUrl}/conversations/${conversationId}`;
			await repos.mail.enqueue(
				copyReadyEmail({
					to: person.email,
					firstName: person.firstName,
					partnerFirstName: partner.firstName,
					url,
					language: person.language
				}),
				now
			);
		}
		await repos.copies.save({ ...copy, notifiedAt: now.toISOString(), now });
	});
	void deps.mailer.flush();
}
