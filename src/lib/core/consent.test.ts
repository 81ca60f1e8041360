import { describe, expect, it } from 'vitest';
import {
	CONSENT_TEXT_VERSIONS,
	answerFor,
	mergedArchiveFields,
	sharingAllowed,
	sharingState,
	type ConsentRecord
} from './consent';

const pair = ['ana', 'ben'] as const;
const say = (
	userId: string,
	kind: ConsentRecord['kind'],
	answer: ConsentRecord['answer'],
	decidedAt: string,
	extra: Partial<ConsentRecord> = {}
): ConsentRecord => ({ userId, kind, answer, decidedAt, textVersion: CONSENT_TEXT_VERSIONS[kind], ...extra });

describe('sharingState', () => {
	it('waits for both until both have answered', () => {
		expect(sharingState([], pair, 'copy')).toEqual({ status: 'waiting', waitingFor: ['ana', 'ben'] });
		const one = [say('ana', 'copy', 'yes', '2026-11-02T10:00:00Z')];
		expect(sharingState(one, pair, 'copy')).toEqual({ status: 'waiting', waitingFor: ['ben'] });
	});

	it('allows sharing only when both said yes, per kind', () => {
		const records = [
			say('ana', 'copy', 'yes', '2026-11-02T10:00:00Z'),
			say('ben', 'copy', 'yes', '2026-11-02T10:01:00Z'),
			say('ana', 'archive', 'yes', '2026-11-02T10:00:00Z'),
			say('ben', 'archive', 'no', '2026-11-02T10:01:00Z')
		];
		expect(sharingAllowed(records, pair, 'copy')).toBe(true);
		expect(sharingState(records, pair, 'archive')).toEqual({ status: 'declined', by: ['ben'] });
	});

	it('uses the latest answer, so a change of mind counts at once', () => {
		const records = [
			say('ana', 'copy', 'yes', '2026-11-02T10:00:00Z'),
			say('ben', 'copy', 'no', '2026-11-02T10:01:00Z'),
			say('ben', 'copy', 'yes', '2026-11-03T09:00:00Z')
		];
		expect(sharingAllowed(records, pair, 'copy')).toBe(true);
		const withdrawn = [...records, say('ana', 'copy', 'withdrawn', '2026-11-04T09:00:00Z')];
		expect(sharingState(withdrawn, pair, 'copy')).toEqual({ status: 'withdrawn', by: ['ana'] });
	});

	it('does not count answers from strangers or to an older text', () => {
		const records = [
			say('ana', 'copy', 'yes', '2026-11-02T10:00:00Z'),
			say('eve', 'copy', 'yes', '2026-11-02T10:00:00Z'),
			say('ben', 'copy', 'yes', '2026-11-02T10:00:00Z', { textVersion: 'copy-2025-old' })
		];
		expect(sharingState(records, pair, 'copy')).toEqual({ status: 'waiting', waitingFor: ['ben'] });
	});
});

describe('answerFor', () => {
	it('turns a no after a yes into a withdrawal', () => {
		expect(answerFor(undefined, 'no')).toBe('no');
		expect(answerFor('no', 'no')).toBe('no');
		expect(answerFor('yes', 'no')).toBe('withdrawn');
		expect(answerFor('withdrawn', 'yes')).toBe('yes');
	});
});

describe('mergedArchiveFields', () => {
	it('takes the first description and the keywords of both without repeats', () => {
		const fields = (title: string, keywords: string[]) => ({
			archiveFields: { title, summary: `${title} summary`, keywords, place: 'Birmingham' }
		});
		const records = [
			say('ben', 'archive', 'yes', '2026-11-02T10:05:00Z', fields('Second', ['Faith', 'football'])),
			say('ana', 'archive', 'yes', '2026-11-02T10:00:00Z', fields('First', ['faith', 'schools']))
		];
		expect(mergedArchiveFields(records, pair)).toEqual({
			title: 'First',
			summary: 'First summary',
			place: 'Birmingham',
			keywords: ['Faith', 'schools', 'football']
		});
		expect(mergedArchiveFields([], pair)).toBeUndefined();
	});
});
