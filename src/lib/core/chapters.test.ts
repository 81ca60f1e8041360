import { describe, expect, it } from 'vitest';
import { chaptersFrom, chaptersVtt, vttTime } from './chapters';

describe('chaptersFrom', () => {
	it('makes one chapter per question and mark inside the recording, each until the next', () => {
		const chapters = chaptersFrom({
			startServerMs: 10_000,
			durationMs: 60_000,
			markTitle: (n) => `Marked moment ${n}`,
			points: [
				{ kind: 'mark', id: 'm1', atServerMs: 40_000 },
				{ kind: 'question', id: 'q1', text: 'Who taught you most?', atServerMs: 12_500 },
				{ kind: 'question', id: 'old', text: 'From an earlier session', atServerMs: 9_000 },
				{ kind: 'mark', id: 'late', atServerMs: 70_000 }
			]
		});
		expect(chapters).toEqual([
			{ kind: 'question', startMs: 2_500, endMs: 30_000, title: 'Who taught you most?' },
			{ kind: 'mark', startMs: 30_000, endMs: 60_000, title: 'Marked moment 1' }
		]);
	});
});

describe('chaptersVtt', () => {
	it('writes valid cues, and one chapter for the whole when nothing was indexed', () => {
		expect(vttTime(3_723_045)).toBe('01:02:03.045');
		const vtt = chaptersVtt(
			[{ kind: 'question', startMs: 1_000, endMs: 2_000, title: 'Line one\nline --> two' }],
			'Conversation',
			5_000
		);
		expect(vtt).toBe('WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nLine one line -> two\n');
		expect(chaptersVtt([], 'Conversation', 5_000)).toBe(
			'WEBVTT\n\n1\n00:00:00.000 --> 00:00:05.000\nConversation\n'
		);
	});
});
