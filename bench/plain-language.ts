import { readFileSync } from 'node:fs';
import { gradeOf, PLAIN_LANGUAGE_SETS, type PlainLanguageSet } from '../src/lib/plain-language';
import type { Figure } from './index';

/** Flesch–Kincaid grade of each set of texts that issue #8 holds to about US grade 8. */
export function plainLanguage(): Figure[] {
	const en = JSON.parse(readFileSync('messages/en.json', 'utf8')) as Record<string, string>;
	return (Object.keys(PLAIN_LANGUAGE_SETS) as PlainLanguageSet[]).flatMap((set) => {
		const grade = gradeOf(en, set);
		if (grade === undefined) return [];
		return [{ name: `reading_grade_${set}`, value: Math.round(grade * 10) / 10, unit: 'grade', goal: '≈ 8' }];
	});
}
