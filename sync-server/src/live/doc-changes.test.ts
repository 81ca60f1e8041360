import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveEvent } from '../../../src/lib/contracts/live.ts';
import { questionsDocName } from '../../../src/lib/contracts/questions.ts';
import { silentLogger } from '../log.ts';
import type { Store } from '../store/types.ts';
import { docChangesToLive } from './doc-changes.ts';
import { COORDINATORS, createLiveHub } from './hub.ts';

const recorded = '11111111-1111-4111-8111-111111111111';
const scheduled = '22222222-2222-4222-8222-222222222222';
const conversations = {
	[recorded]: { id: recorded, status: 'recorded', participantIds: ['ana', 'ben'] },
	[scheduled]: { id: scheduled, status: 'scheduled', participantIds: ['cy', 'dee'] }
} as Record<string, unknown>;
const store = { conversations: { findById: async (id: string) => conversations[id] } } as unknown as Store;

afterEach(() => vi.useRealTimers());

describe('changes of a shared document on the push channel', () => {
	it('tells the partners and coordinators of a recorded conversation once per burst of edits', async () => {
		vi.useFakeTimers();
		const live = createLiveHub();
		const heard: Record<string, LiveEvent[]> = { ana: [], ben: [], cy: [], [COORDINATORS]: [] };
		for (const who of Object.keys(heard)) live.subscribe(who, (e) => heard[who]!.push(e));
		const stored = docChangesToLive({ store, live, log: silentLogger, quietMs: 2_000 });

		for (let i = 0; i < 5; i++) stored(questionsDocName(recorded));
		stored(questionsDocName(scheduled));
		stored('some-other-doc');
		await vi.advanceTimersByTimeAsync(1_999);
		expect(heard.ana).toEqual([]);
		await vi.advanceTimersByTimeAsync(1);
		const event = { topic: 'conversation', conversationId: recorded };
		expect(heard).toEqual({ ana: [event], ben: [event], cy: [], [COORDINATORS]: [event] });

		stored(questionsDocName(recorded));
		await vi.advanceTimersByTimeAsync(2_000);
		expect(heard.ana).toEqual([event, event]);
	});
});
