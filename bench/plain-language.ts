import { readFileSync } from 'node:fs';
import {
	gradeOf,
	PLAIN_LANGUAGE_SETS,
	spanishEaseOf,
	type PlainLanguageSet
} from '../src/lib/plain-language';
import type { Figure } from './figure';

/**
 * Each set of texts that issue #8 holds to about US grade 8: the Flesch–Kincaid grade of the English
 * (`reading_grade_<set>`) and the Fernández Huerta reading ease of the Spanish (`reading_ease_es_<set>`).
 */
export function plainLanguage(): Figure[] {
	const read = (lang: string) =>
		JSON.parse(readFileSync(`messages/${lang}.json`, 'utf8')) as Record<string, string>;
	const en = read('en');
	const es = read('es');
	const round = (n: number) => Math.round(n * 10) / 10;
	return (Object.keys(PLAIN_LANGUAGE_SETS) as PlainLanguageSet[]).flatMap((set) => {
		const grade = gradeOf(en, set);
		const ease = spanishEaseOf(es, set);
		return [
			...(grade === undefined
				? []
				: [{ name: `reading_grade_${set}`, value: round(grade), unit: 'grade', goal: '≈ 8' }]),
			...(ease === undefined
				? []
				: [{ name: `reading_ease_es_${set}`, value: round(ease), unit: 'ease', goal: '≥ 60' }])
		];
	});
}
