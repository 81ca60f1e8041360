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
		'¿Quién ha sido la persona más influyente en su vida? ¿Qué le enseñó?'
	],
	[
		'program-misunderstood',
		"Do you ever feel misunderstood by people with different beliefs than you (i.e. by people from 'the other side of the aisle')? How so?",
		"¿Alguna vez siente que las personas con creencias distintas a las suyas (es decir, la gente del 'otro lado') no le comprenden? ¿En qué sentido?"
	],
	[
		'program-respect',
		"Is there something about my beliefs that you don't agree with but still respect?",
		'¿Hay algo de mis creencias con lo que no esté de acuerdo pero que aun así respete?'
	]
];

const LIFE_STORY: Entry[] = [
	[
		'life-turning-point',
		'What was a turning point in your life, and how did it change you?',
		'¿Cuál fue un momento decisivo en su vida y qué cambió en usted?'
	],
	[
		'life-proudest',
		'What are you proudest of in your life so far?',
		'¿Qué es lo que más orgullo le da de su vida hasta ahora?'
	],
	[
		'life-hardest',
		'What is the hardest thing you have ever been through? What got you through it?',
		'¿Qué es lo más difícil que ha vivido? ¿Qué le ayudó a salir adelante?'
	],
	[
		'life-first-job',
		'What was your first job, and what did it teach you?',
		'¿Cuál fue su primer trabajo y qué le enseñó?'
	],
	[
		'life-childhood-memory',
		'What is one of your happiest memories from when you were a child?',
		'¿Cuál es uno de sus recuerdos más felices de la infancia?'
	],
	[
		'life-changed-mind',
		'When was a time you changed your mind about something important?',
		'¿Cuándo cambió de opinión sobre algo importante?'
	],
	[
		'life-younger-self',
		'What would you tell your younger self if you could?',
		'¿Qué le diría a su yo más joven si pudiera?'
	]
];

const FAMILY_ROOTS: Entry[] = [
	[
		'family-where-from',
		'Where does your family come from, and how did they end up where you grew up?',
		'¿De dónde viene su familia y cómo llegó al lugar donde usted creció?'
	],
	[
		'family-tradition',
		'Is there a family tradition that matters to you? Tell me about it.',
		'¿Hay alguna tradición familiar que sea importante para usted? Cuénteme sobre ella.'
	],
	[
		'family-parents-lessons',
		'What did the people who raised you hope for you?',
		'¿Qué esperaban para usted las personas que se ocuparon de su crianza?'
	],
	[
		'family-dinner-table',
		'What was talked about at your dinner table growing up? What was never talked about?',
		'¿De qué se hablaba en la mesa de su casa durante su infancia? ¿De qué nunca se hablaba?'
	],
	[
		'family-politics-home',
		'How did your family talk about politics when you were young?',
		'¿Cómo hablaba su familia de política cuando usted era joven?'
	],
	[
		'family-pass-on',
		'What do you want to pass on to the next generation of your family?',
		'¿Qué quiere transmitir a la próxima generación de su familia?'
	],
	[
		'family-story-told',
		'Is there a story your family tells again and again? What is it?',
		'¿Hay alguna historia que su familia cuenta una y otra vez? ¿Cuál es?'
	]
];

const VALUES: Entry[] = [
	[
		'values-most-important',
		'What value matters most to you, and where did it come from?',
		'¿Qué valor es el más importante para usted y de dónde viene?'
	],
	[
		'values-faith',
		'What role, if any, does faith or spirituality play in your life?',
		'¿Qué papel tiene la fe o la espiritualidad en su vida, si es que tiene alguno?'
	],
	['values-fairness', 'What does fairness mean to you?', '¿Qué significa para usted la justicia?'],
	[
		'values-issue-personal',
		'Which political issue feels most personal to you, and why?',
		'¿Qué tema político siente más personal y por qué?'
	],
	[
		'values-freedom',
		'What does freedom look like in your everyday life?',
		'¿Cómo se ve la libertad en su vida diaria?'
	],
	[
		'values-disagree-friend',
		'Tell me about someone you love who sees the world differently than you do.',
		'Cuénteme sobre alguien a quien quiere y que ve el mundo de forma distinta a usted.'
	],
	[
		'values-wrong-about',
		'What is something people often get wrong about people who share your views?',
		'¿Qué es algo que la gente suele malinterpretar de quienes comparten sus ideas?'
	]
];

const COMMUNITY_PLACE: Entry[] = [
	[
		'community-love-about',
		'What do you love about the place where you live?',
		'¿Qué es lo que más le gusta del lugar donde vive?'
	],
	[
		'community-change',
		'How has your town or neighborhood changed in your lifetime?',
		'¿Cómo ha cambiado su ciudad o su barrio a lo largo de su vida?'
	],
	['community-belong', 'Where do you feel you most belong?', '¿Dónde siente que más pertenece?'],
	[
		'community-neighbor',
		'Tell me about a time a neighbor or stranger helped you.',
		'Cuénteme de una vez en que un vecino o un desconocido le ayudó.'
	],
	[
		'community-fix-one',
		'If you could fix one thing in our community, what would it be?',
		'Si pudiera arreglar una sola cosa en nuestra comunidad, ¿qué sería?'
	],
	[
		'community-gathering',
		'Where do people in your community come together?',
		'¿Dónde se reúne la gente de su comunidad?'
	],
	[
		'community-work',
		'How does your work connect you to other people here?',
		'¿Cómo le conecta su trabajo con otras personas de aquí?'
	]
];

const HOPES_FUTURE: Entry[] = [
	[
		'future-hope-country',
		'What do you hope our country looks like in twenty years?',
		'¿Cómo espera que sea nuestro país dentro de veinte años?'
	],
	[
		'future-worry',
		'What worries you most about the future, and what gives you hope?',
		'¿Qué es lo que más le preocupa del futuro y qué le da esperanza?'
	],
	[
		'future-children',
		'What kind of world do you want for the children in your life?',
		'¿Qué clase de mundo quiere para los niños de su vida?'
	],
	['future-remembered', 'How would you like to be remembered?', '¿Cómo le gustaría que le recordaran?'],
	[
		'future-next-chapter',
		'What are you looking forward to in the next chapter of your life?',
		'¿Qué espera con ilusión del próximo capítulo de su vida?'
	],
	[
		'future-common-goal',
		'What is one goal you think people on both sides could work on together?',
		'¿Cuál es una meta en la que cree que personas de ambos lados podrían trabajar juntas?'
	],
	[
		'future-dream',
		'Is there a dream you have not given up on?',
		'¿Hay algún sueño al que no haya renunciado?'
	]
];

const THE_CONVERSATION: Entry[] = [
	[
		'conversation-why-here',
		'Why did you decide to take part in this conversation?',
		'¿Por qué decidió participar en esta conversación?'
	],
	[
		'conversation-expected',
		'What did you expect of me before we met, and what surprised you?',
		'¿Qué esperaba de mí antes de conocernos y qué le sorprendió?'
	],
	[
		'conversation-ask-me',
		'What is one thing you have always wanted to ask someone on the other side?',
		'¿Qué es algo que siempre ha querido preguntarle a alguien del otro lado?'
	],
	[
		'conversation-hard-talk',
		'What makes it hard to talk about politics with people who disagree?',
		'¿Qué hace difícil hablar de política con personas que no están de acuerdo?'
	],
	[
		'conversation-learned',
		'What have you learned about me today that you did not expect?',
		'¿Qué ha aprendido hoy de mí que no esperaba?'
	],
	['conversation-listen', 'When do you feel truly listened to?', '¿Cuándo siente que de verdad le escuchan?'],
	[
		'conversation-take-away',
		'What will you take away from our conversation?',
		'¿Qué se lleva de nuestra conversación?'
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
