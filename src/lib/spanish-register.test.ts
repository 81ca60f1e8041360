import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAIL_CATALOGS } from '../../sync-server/src/mail/catalog';
import { QUESTION_BANK } from './core/questions/bank';

/**
 * Issue #14: the interface said «usted» while the question bank said «tú», and «su pareja» reads as
 * a romantic partner. Spanish speaks to people as «usted» everywhere, and the other person of a
 * conversation is «la otra persona» or «su compañero o compañera de conversación».
 */
const TUTEO =
	/(?<![\p{L}])(tú|tu|tus|ti|te|contigo|tuyo|tuya|tuyos|tuyas|cuéntame|dime|puedes|tienes|quieres|sientes|eres|estás|has|hayas)(?![\p{L}])/iu;
// «Conversa», «Vuelve», «Escucha» are also «usted» forms; at the start of a sentence they read as orders to «tú».
const TUTEO_ORDER = /(^|[.!?:]\s+)(Conversa|Vuelve|Escucha|Mira|Elige|Escribe|Pulsa|Toca|Sigue)(?![\p{L}])/u;
const ROMANTIC = /(?<![\p{L}])(su|tu|una|la|esta|nueva|próxima|tener) pareja(?![\p{L}])/iu;

const spanishMessages: Record<string, string> = JSON.parse(
	readFileSync(new URL('../../messages/es.json', import.meta.url), 'utf8')
);

function mailTexts(): Map<string, string> {
	const out = new Map<string, string>();
	const walk = (value: unknown, path: string) => {
		if (typeof value === 'function')
			out.set(path, String((value as (...a: string[]) => unknown)('Ana', 'X')));
		else if (typeof value === 'string') out.set(path, value);
		else if (value && typeof value === 'object')
			for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
	};
	walk(MAIL_CATALOGS.es, '');
	return out;
}

const sources: [string, [string, string][]][] = [
	['messages/es.json', Object.entries(spanishMessages)],
	['question bank', QUESTION_BANK.map((q) => [q.id, q.es])],
	['mail catalog', [...mailTexts()]]
];

describe('Spanish texts', () => {
	for (const [name, texts] of sources) {
		it(`${name} speaks as «usted», never «tú»`, () => {
			expect(texts.filter(([, text]) => TUTEO.test(text) || TUTEO_ORDER.test(text))).toEqual([]);
		});
		it(`${name} never calls the other person «su pareja»`, () => {
			expect(texts.filter(([, text]) => ROMANTIC.test(text))).toEqual([]);
		});
	}

	it('the patterns catch what issue #14 found', () => {
		expect(TUTEO.test('¿Quién ha sido la persona más influyente en tu vida? ¿Qué te enseñó?')).toBe(true);
		expect(TUTEO_ORDER.test('Conversa con alguien')).toBe(true);
		expect(TUTEO_ORDER.test('La conversación no es un debate. Escucha con curiosidad.')).toBe(true);
		expect(ROMANTIC.test('Su pareja no ve el motivo.')).toBe(true);
		expect(TUTEO.test('La coordinación le empareja con alguien que tiene algo en común con usted.')).toBe(
			false
		);
	});
});
