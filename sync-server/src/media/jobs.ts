import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { COPY_SAMPLE_RATE } from '../../../src/lib/core/mixdown.ts';
import { sharingAllowed } from '../../../src/lib/core/consent.ts';
import type { Clock } from '../clock.ts';
import { recordingMade } from '../conversations/lifecycle.ts';
import type { Env } from '../env.ts';
import { concerned, type LiveHub } from '../live/hub.ts';
import { conversationChanged } from '../live/progress.ts';
import type { Logger } from '../log.ts';
import { copyReadyEmail } from '../mail/templates.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Store, TrackFile } from '../store/types.ts';
import { UPLOADS_DIR } from '../uploads/paths.ts';
import { openBlobStore, type BlobStore } from './blob-store.ts';
import { COPIES_DIR, produceCopy, shareTracksInOrder, type MixedCopy } from './copy-job.ts';
import type { Transcoder } from './ffmpeg.ts';
import { ProgressiveCopy, type LiveVoice } from './progressive-copy.ts';

/**
 * Background media work, one job at a time (the machine is small and mixing is CPU-bound): mix the
 * copy when both share tracks are confirmed; tell both participants once the copy is ready and
 * both agreed to copies. Jobs are idempotent, so running one again after a crash is harmless.
 */
export interface MediaJobs {
	trackConfirmed(conversationId: string): void;
	/**
	 * Bytes of an upload arrived (a PATCH was answered). A share track going up during the call, with
	 * its start time, feeds the copy mixed during the call (issue #16); anything else is ignored.
	 */
	uploadGrew(uploadId: string): void;
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
	/** Where confirmed audio lives (DATA_DIR, or the bucket with S3_*): tracks, copies, packages. */
	readonly blobs: BlobStore;
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
	/** Where confirmed audio lives; made from env (openBlobStore) when not given. */
	blobs: BlobStore;
};

export function createMediaJobs(input: Omit<Deps, 'blobs'> & { blobs?: BlobStore }): MediaJobs {
	const deps: Deps = { ...input, blobs: input.blobs ?? openBlobStore(input.env) };
	let queue: Promise<void> = Promise.resolve();
	const enqueue = (name: string, conversationId: string, job: () => Promise<void>) => {
		queue = queue
			.then(job)
			.catch((error: unknown) => deps.log.error(`media job ${name} failed`, { conversationId, error }));
	};
	const calls = liveCalls(deps);
	return {
		trackConfirmed: (id) => enqueue('mix', id, () => mixIfReady(deps, id, { calls })),
		uploadGrew: (uploadId) => calls.grew(uploadId),
		consentChanged: (id) => enqueue('notify', id, () => notifyIfAllowed(deps, id)),
		resumeInterrupted() {
			// Queued like any job, so close() waits for it and it never races the store shutting down.
			const stale: string[] = [];
			enqueue('resume', '*', async () => {
				// Nothing is being mixed during a call at boot: what a crash left of one is never the copy.
				await removeProgressiveLeftovers(deps.env.dataDir);
				const ids = await deps.store.trackFiles.conversationsWithBothShareTracks();
				for (const id of ids) if (!(await copyIsWhole(deps, id))) stale.push(id);
				for (const id of stale) {
					deps.log.info('mixing again after a restart', { conversationId: id });
					enqueue('mix', id, () => mixIfReady(deps, id, { force: true, calls }));
				}
			});
			// Resolves once the list is made (the mixes then follow in the queue); a failure is logged.
			return queue.then(() => stale.length);
		},
		idle: () => queue,
		transcoder: deps.transcoder,
		blobs: deps.blobs,
		async close() {
			await queue;
			await calls.close();
			await deps.transcoder.close();
			deps.blobs.close();
		}
	};
}

/** A ready copy whose file is stored. Anything else (no row, "mixing", "failed", file gone) is mixed again. */
async function copyIsWhole(deps: Deps, conversationId: string): Promise<boolean> {
	const copy = await deps.store.copies.find(conversationId);
	if (copy?.status !== 'ready' || !copy.filePath) return false;
	return (await deps.blobs.head(copy.filePath)) !== undefined;
}

async function mixIfReady(
	deps: Deps,
	conversationId: string,
	{ force = false, calls }: { force?: boolean; calls: LiveCalls }
): Promise<void> {
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
		// Mixed during the call where it could be: only the tail is left. Otherwise the whole files.
		const progressive = await calls.finish(conversationId, tracks);
		const copy: MixedCopy =
			progressive ??
			(await produceCopy({ blobs: deps.blobs, transcoder: deps.transcoder }, conversationId, tracks));
		await store.copies.save({ conversationId, status: 'ready', ...blank, ...copy, now: clock() });
		deps.live?.publish(concerned(conversation.participantIds), { topic: 'copy', conversationId });
		log.info('copy mixed', {
			conversationId,
			ms: Date.now() - started,
			lufs: copy.loudness.toFixed(1),
			stepsMs: copy.stepsMs,
			via: deps.transcoder.kind,
			during: progressive !== undefined
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

/** Removes what a crash left of copies being mixed during a call (never served, never resumed as they are). */
async function removeProgressiveLeftovers(dataDir: string) {
	const dir = join(dataDir, COPIES_DIR);
	const names = await readdir(dir).catch(() => [] as string[]);
	for (const name of names.filter((n) => n.endsWith('.progressive')))
		await rm(join(dir, name), { force: true });
}

/** A call whose share tracks go up while it lasts: its voices as they appear, and the mix once both have. */
type LiveCall = {
	voices: Map<string, LiveVoice>;
	copy?: ProgressiveCopy;
	idle?: ReturnType<typeof setTimeout>;
};
type LiveCalls = ReturnType<typeof liveCalls>;
/** A call whose uploads stop growing for this long is over without a copy: its mix is dropped. */
const LIVE_IDLE_MS = 15 * 60_000;

/**
 * The copies mixed during calls (issue #16), by conversation. Only with the system ffmpeg, which
 * can decode and encode from pipes as the bytes come; with ffmpeg.wasm the copy is mixed after the
 * call, whole. One step at a time, so two PATCHes never start two mixes of one call.
 */
function liveCalls(deps: Deps) {
	const calls = new Map<string, LiveCall>();
	let steps: Promise<unknown> = Promise.resolve();
	const serial = <T>(step: () => Promise<T>): Promise<T> => {
		const run = steps.then(step);
		steps = run.catch(() => undefined);
		return run;
	};
	const drop = async (conversationId: string) => {
		const call = calls.get(conversationId);
		calls.delete(conversationId);
		clearTimeout(call?.idle);
		await call?.copy?.abort();
	};

	async function grew(uploadId: string) {
		if (deps.transcoder.kind !== 'system') return;
		const record = await readFile(join(deps.env.dataDir, UPLOADS_DIR, `${uploadId}.json`), 'utf8')
			.then((text) => JSON.parse(text) as { size?: number | null; metadata?: Record<string, string | null> })
			.catch(() => undefined);
		const { conversationId, userId, kind, startedAtServerMs } = record?.metadata ?? {};
		if (!record || kind !== 'share' || !conversationId || !userId) return;
		let call = calls.get(conversationId);
		const known = call?.voices.get(userId);
		// A voice joins when its upload says where its track starts: a share track going up during the
		// call, or sent whole after it (then its bytes are mixed as they arrive, not after the last).
		if (known?.uploadId !== uploadId) {
			if (!startedAtServerMs) return;
			const start = Number(startedAtServerMs);
			if (!Number.isFinite(start)) return;
			// The same person's track started again as a new upload: the mix so far is of other bytes.
			if (known) await drop(conversationId);
			call = calls.get(conversationId) ?? { voices: new Map() };
			calls.set(conversationId, call);
			call.voices.set(userId, {
				uploadId,
				fit: { startedAtServerMs: start, samplesPerSecond: COPY_SAMPLE_RATE }
			});
		}
		if (!call) return;
		clearTimeout(call.idle);
		call.idle = setTimeout(() => void serial(() => drop(conversationId)), LIVE_IDLE_MS);
		call.idle.unref?.();
		if (!call.copy && call.voices.size === 2) {
			const conversation = await deps.store.conversations.findById(conversationId);
			const voices = conversation?.participantIds.map((id) => call.voices.get(id));
			const [left, right] = voices ?? [];
			if (!left || !right) return;
			call.copy = await ProgressiveCopy.start(
				{ dataDir: deps.env.dataDir, log: deps.log, blobs: deps.blobs },
				conversationId,
				[left, right]
			);
			deps.log.info('mixing the copy during the call', { conversationId });
		}
		// Not awaited: decoding goes on while the next PATCH is answered.
		void call.copy?.grew();
	}

	return {
		grew(uploadId: string) {
			void serial(() => grew(uploadId)).catch((error: unknown) =>
				deps.log.warn('the copy could not be mixed during the call', { uploadId, error })
			);
		},
		/** The copy from the mix made during the call, or undefined: then it is mixed whole. */
		finish(conversationId: string, tracks: [TrackFile, TrackFile]): Promise<MixedCopy | undefined> {
			return serial(async () => {
				const call = calls.get(conversationId);
				calls.delete(conversationId);
				clearTimeout(call?.idle);
				return call?.copy?.finish(tracks);
			});
		},
		close: () => serial(async () => Promise.all([...calls.keys()].map(drop))),
		/** Ends the mix of a call without a copy (a crash of the call, a track withdrawn). */
		drop: (conversationId: string) => serial(() => drop(conversationId))
	};
}
