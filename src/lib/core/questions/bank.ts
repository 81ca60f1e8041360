/**
 * The question bank partners pick from (issue #4, part 1). The first three are the program's own
 * questions; the rest are ours, grouped by category. Every question has an English and a Spanish
 * wording. Ids are stable: a question added from the bank keeps its bank id in the shared list, so
 * two partners adding the same one at the same time get one question, not two.
 */
export const BANK_CATEGORIES = [
	'program',
	'life_story',
	'family_roots',
	'values',
	'community_place',
	'hopes_future',
	'the_conversation'
] as const;
export type BankCategory = (typeof BANK_CATEGORIES)[number];

export interface BankQuestion {
	id: string;
	category: BankCategory;
	en: string;
	es: string;
}

type Entry = [id: string, en: string, es: string];

const PROGRAM: Entry[] = [
	[
		'program-influential-person',
		'Who has been the most influential person in your life? What did they teach you?',
		'¿Quién ha sido la persona más influyente en tu vida? ¿Qué te enseñó?'
	],
	[
		'program-misunderstood',
		"Do you ever feel misunderstood by people with different beliefs than you (i.e. by people from 'the other side of the aisle')? How so?",
		"¿Alguna vez te sientes incomprendido por personas con creencias distintas a las tuyas (es decir, por gente del 'otro lado')? ¿En qué sentido?"
	],
	[
		'program-respect',
		"Is there something about my beliefs that you don't agree with but still respect?",
		'¿Hay algo de mis creencias con lo que no estés de acuerdo pero que aun así respetes?'
	]
];

const LIFE_STORY: Entry[] = [
	[
		'life-turning-point',
		'What was a turning point in your life, and how did it change you?',
		'¿Cuál fue un momento decisivo en tu vida y cómo te cambió?'
	],
	[
		'life-proudest',
		'What are you proudest of in your life so far?',
		'¿De qué te sientes más orgulloso en tu vida hasta ahora?'
	],
	[
		'life-hardest',
		'What is the hardest thing you have ever been through? What got you through it?',
		'¿Qué es lo más difícil que has vivido? ¿Qué te ayudó a salir adelante?'
	],
	[
		'life-first-job',
		'What was your first job, and what did it teach you?',
		'¿Cuál fue tu primer trabajo y qué te enseñó?'
	],
	[
		'life-childhood-memory',
		'What is one of your happiest memories from when you were a child?',
		'¿Cuál es uno de tus recuerdos más felices de cuando eras niño?'
	],
	[
		'life-changed-mind',
		'When was a time you changed your mind about something important?',
		'¿Cuándo cambiaste de opinión sobre algo importante?'
	],
	[
		'life-younger-self',
		'What would you tell your younger self if you could?',
		'¿Qué le dirías a tu yo más joven si pudieras?'
	]
];

const FAMILY_ROOTS: Entry[] = [
	[
		'family-where-from',
		'Where does your family come from, and how did they end up where you grew up?',
		'¿De dónde viene tu familia y cómo llegó al lugar donde creciste?'
	],
	[
		'family-tradition',
		'Is there a family tradition that matters to you? Tell me about it.',
		'¿Hay alguna tradición familiar que sea importante para ti? Cuéntame sobre ella.'
	],
	[
		'family-parents-lessons',
		'What did the people who raised you hope for you?',
		'¿Qué esperaban para ti las personas que te criaron?'
	],
	[
		'family-dinner-table',
		'What was talked about at your dinner table growing up? What was never talked about?',
		'¿De qué se hablaba en la mesa de tu casa cuando eras niño? ¿De qué nunca se hablaba?'
	],
	[
		'family-politics-home',
		'How did your family talk about politics when you were young?',
		'¿Cómo hablaba tu familia de política cuando eras joven?'
	],
	[
		'family-pass-on',
		'What do you want to pass on to the next generation of your family?',
		'¿Qué quieres transmitir a la próxima generación de tu familia?'
	],
	[
		'family-story-told',
		'Is there a story your family tells again and again? What is it?',
		'¿Hay alguna historia que tu familia cuenta una y otra vez? ¿Cuál es?'
	]
];

const VALUES: Entry[] = [
	[
		'values-most-important',
		'What value matters most to you, and where did it come from?',
		'¿Qué valor es el más importante para ti y de dónde viene?'
	],
	[
		'values-faith',
		'What role, if any, does faith or spirituality play in your life?',
		'¿Qué papel tiene la fe o la espiritualidad en tu vida, si es que tiene alguno?'
	],
	['values-fairness', 'What does fairness mean to you?', '¿Qué significa para ti la justicia?'],
	[
		'values-issue-personal',
		'Which political issue feels most personal to you, and why?',
		'¿Qué tema político sientes más personal y por qué?'
	],
	[
		'values-freedom',
		'What does freedom look like in your everyday life?',
		'¿Cómo se ve la libertad en tu vida diaria?'
	],
	[
		'values-disagree-friend',
		'Tell me about someone you love who sees the world differently than you do.',
		'Cuéntame sobre alguien a quien quieres y que ve el mundo de forma distinta a ti.'
	],
	[
		'values-wrong-about',
		'What is something people often get wrong about people who share your views?',
		'¿Qué es algo que la gente suele malinterpretar de quienes comparten tus ideas?'
	]
];

const COMMUNITY_PLACE: Entry[] = [
	[
		'community-love-about',
		'What do you love about the place where you live?',
		'¿Qué es lo que más te gusta del lugar donde vives?'
	],
	[
		'community-change',
		'How has your town or neighborhood changed in your lifetime?',
		'¿Cómo ha cambiado tu ciudad o tu barrio a lo largo de tu vida?'
	],
	['community-belong', 'Where do you feel you most belong?', '¿Dónde sientes que más perteneces?'],
	[
		'community-neighbor',
		'Tell me about a time a neighbor or stranger helped you.',
		'Cuéntame de una vez en que un vecino o un desconocido te ayudó.'
	],
	[
		'community-fix-one',
		'If you could fix one thing in our community, what would it be?',
		'Si pudieras arreglar una sola cosa en nuestra comunidad, ¿qué sería?'
	],
	[
		'community-gathering',
		'Where do people in your community come together?',
		'¿Dónde se reúne la gente de tu comunidad?'
	],
	[
		'community-work',
		'How does your work connect you to other people here?',
		'¿Cómo te conecta tu trabajo con otras personas de aquí?'
	]
];

const HOPES_FUTURE: Entry[] = [
	[
		'future-hope-country',
		'What do you hope our country looks like in twenty years?',
		'¿Cómo esperas que sea nuestro país dentro de veinte años?'
	],
	[
		'future-worry',
		'What worries you most about the future, and what gives you hope?',
		'¿Qué es lo que más te preocupa del futuro y qué te da esperanza?'
	],
	[
		'future-children',
		'What kind of world do you want for the children in your life?',
		'¿Qué clase de mundo quieres para los niños de tu vida?'
	],
	['future-remembered', 'How would you like to be remembered?', '¿Cómo te gustaría que te recordaran?'],
	[
		'future-next-chapter',
		'What are you looking forward to in the next chapter of your life?',
		'¿Qué esperas con ilusión del próximo capítulo de tu vida?'
	],
	[
		'future-common-goal',
		'What is one goal you think people on both sides could work on together?',
		'¿Cuál es una meta en la que crees que personas de ambos lados podrían trabajar juntas?'
	],
	[
		'future-dream',
		'Is there a dream you have not given up on?',
		'¿Hay algún sueño al que no hayas renunciado?'
	]
];

const THE_CONVERSATION: Entry[] = [
	[
		'conversation-why-here',
		'Why did you decide to take part in this conversation?',
		'¿Por qué decidiste participar en esta conversación?'
	],
	[
		'conversation-expected',
		'What did you expect of me before we met, and what surprised you?',
		'¿Qué esperabas de mí antes de conocernos y qué te sorprendió?'
	],
	[
		'conversation-ask-me',
		'What is one thing you have always wanted to ask someone on the other side?',
		'¿Qué es algo que siempre has querido preguntarle a alguien del otro lado?'
	],
	[
		'conversation-hard-talk',
		'What makes it hard to talk about politics with people who disagree?',
		'¿Qué hace difícil hablar de política con personas que no están de acuerdo?'
	],
	[
		'conversation-learned',
		'What have you learned about me today that you did not expect?',
		'¿Qué has aprendido hoy de mí que no esperabas?'
	],
	[
		'conversation-listen',
		'When do you feel truly listened to?',
		'¿Cuándo sientes que de verdad te escuchan?'
	],
	[
		'conversation-take-away',
		'What will you take away from our conversation?',
		'¿Qué te llevas de nuestra conversación?'
	]
];

const entries = (category: BankCategory, list: Entry[]): BankQuestion[] =>
	list.map(([id, en, es]) => ({ id, category, en, es }));

export const QUESTION_BANK: readonly BankQuestion[] = [
	...entries('program', PROGRAM),
	...entries('life_story', LIFE_STORY),
	...entries('family_roots', FAMILY_ROOTS),
	...entries('values', VALUES),
	...entries('community_place', COMMUNITY_PLACE),
	...entries('hopes_future', HOPES_FUTURE),
	...entries('the_conversation', THE_CONVERSATION)
];

export function bankQuestion(id: string): BankQuestion | undefined {
	return QUESTION_BANK.find((q) => q.id === id);
}

/** Case- and accent-insensitive search over both languages, optionally within one category. */
export function searchBank({
	query = '',
	category
}: {
	query?: string;
	category?: BankCategory;
}): BankQuestion[] {
	const words = fold(query).split(/\s+/).filter(Boolean);
	return QUESTION_BANK.filter(
		(q) =>
			(!category || q.category === category) &&
			words.every((w) => fold(q.en).includes(w) || fold(q.es).includes(w))
	);
}

function fold(text: string): string {
	return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
