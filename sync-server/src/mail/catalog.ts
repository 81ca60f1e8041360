/**
 * Every sentence the server mails, in English and Spanish (issue #8: emails and the .ics text go out
 * in the language each person chose; it is stored on the user at sign-up). Spanish must have exactly
 * the keys English has: the type below refuses a missing one, and catalog.test.ts checks it at run time.
 */

export const MAIL_LANGUAGES = ['en', 'es'] as const;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];

/** The stored language of a person, or English when it is one the mail does not speak. */
export function mailLanguage(stored: string | null | undefined): MailLanguage {
	return (MAIL_LANGUAGES as readonly string[]).includes(stored ?? '') ? (stored as MailLanguage) : 'en';
}

type Units = { day: [string, string]; hour: [string, string]; minute: [string, string] };

const en = {
	signature: 'Common Ground',
	hi: (name: string) => `Hi ${name},`,
	units: { day: ['day', 'days'], hour: ['hour', 'hours'], minute: ['minute', 'minutes'] } as Units,
	welcome_subject: 'Welcome to Common Ground: your sign-in link and personal code',
	welcome_thanks: (community: string) => `Thank you for signing up for Common Ground in ${community}.`,
	welcome_link: (validity: string) => `To sign in, open this link. It works once, for the next ${validity}:`,
	welcome_code: (code: string) => `Your personal code is ${code}`,
	welcome_keep_code:
		'Keep it somewhere safe. You can sign in with it on any device, for example a library computer, even after the link has expired.',
	welcome_next:
		'What happens next: sign in and take the short orientation, about five minutes. Once you have taken it, a coordinator can match you with a conversation partner, and we will email you to agree on a time.',
	welcome_ignore: 'If you did not sign up, you can ignore this email.',
	again_subject: 'You already have a Common Ground account',
	again_intro:
		'Someone, probably you, just signed up for Common Ground again with this email address. You already have an account, so we did not make a second one.',
	again_link: (validity: string) =>
		`To sign in to the account you have, open this link. It works once, for the next ${validity}:`,
	again_code:
		'The code shown on the screen after this sign-up does not work. Your personal code is the one from your first sign-up email; if you have lost it, the link above signs you in without it.',
	again_ignore: 'If it was not you, you can ignore this email: nobody can sign in without the link.',
	signin_subject: 'Your Common Ground sign-in link',
	signin_link: (validity: string) =>
		`Here is your link to sign in to Common Ground. It works once, for the next ${validity}:`,
	signin_ignore:
		'If you did not ask for this, you can ignore this email: nobody can sign in without the link.',
	copy_subject: 'Your Common Ground conversation is ready',
	copy_ready: (partner: string) =>
		`Your conversation with ${partner} is ready to listen to. You both agreed to keep a copy.`,
	copy_open: 'Sign in and open it here. Only you can use this link:',
	copy_offline: 'You can also keep it in the app to listen without a connection.',
	copy_withdraw: 'If either of you changes your mind, the copy stops being available at once.',
	match_subject: 'You have a conversation partner',
	match_found:
		'We found someone for you to talk with: different views, something in common, and time free at the same hours.',
	match_read: 'Read their short story, then accept or decline:',
	update_subject: 'News about your Common Ground conversation',
	update_accepted: (partner: string) =>
		`${partner} accepted your match. Once you have both accepted, pick a time.`,
	update_declined: (partner: string) =>
		`${partner} declined this match. You are back in the pool, first in line for the next one.`,
	update_time_proposed: (partner: string) =>
		`${partner} picked a time for your conversation. Confirm it, or pick another.`,
	update_rescheduled: (partner: string) => `${partner} needs another time. Pick a new one together.`,
	update_cancelled: (partner: string) =>
		`${partner} cancelled your conversation. You are back in the pool, first in line for the next match.`,
	invite_subject: (partner: string, when: string) => `Your conversation with ${partner}: ${when}`,
	invite_agreed: (partner: string, when: string) => `You and ${partner} agreed on a time: ${when}.`,
	invite_attached: 'The calendar invite is attached. At the time, open the conversation room:',
	invite_reminders: 'We will remind you a day before and an hour before.',
	reminder_lead_24h: '24 hours',
	reminder_lead_1h: '1 hour',
	reminder_subject: (partner: string, lead: string) =>
		`Reminder: your conversation with ${partner} is in ${lead}`,
	reminder_starts: (partner: string, when: string) => `Your conversation with ${partner} starts ${when}.`,
	reminder_early: 'Find a quiet place and open the conversation room a few minutes early:',
	staff_subject: (organization: string) => `Your Common Ground account for ${organization}`,
	staff_created: (organization: string) =>
		`A coordinator created a Common Ground account for you as staff of ${organization}.`,
	staff_open: 'Open this link to sign in and see how your people are doing:',
	ics_summary: (partner: string) => `Common Ground conversation with ${partner}`,
	ics_description: (room: string) => `Open the conversation room at the time: ${room}`
};

export type MailCatalog = typeof en;

const es: MailCatalog = {
	signature: 'Common Ground',
	hi: (name) => `Hola, ${name}:`,
	units: { day: ['día', 'días'], hour: ['hora', 'horas'], minute: ['minuto', 'minutos'] },
	welcome_subject: 'Le damos la bienvenida a Common Ground: su enlace para entrar y su código personal',
	welcome_thanks: (community) => `Gracias por inscribirse en Common Ground en ${community}.`,
	welcome_link: (validity) => `Para entrar, abra este enlace. Sirve una vez, durante ${validity}:`,
	welcome_code: (code) => `Su código personal es ${code}`,
	welcome_keep_code:
		'Guárdelo en un lugar seguro. Con él puede entrar desde cualquier aparato, por ejemplo una computadora de la biblioteca, aunque el enlace ya no sirva.',
	welcome_next:
		'Lo que sigue: entre y haga la breve orientación, de unos cinco minutos. Cuando la haya hecho, una persona coordinadora podrá buscarle a alguien con quien conversar, y le escribiremos para acordar una hora.',
	welcome_ignore: 'Si usted no se inscribió, puede ignorar este correo.',
	again_subject: 'Usted ya tiene una cuenta de Common Ground',
	again_intro:
		'Alguien, probablemente usted, acaba de inscribirse otra vez en Common Ground con esta dirección de correo. Usted ya tiene una cuenta, así que no creamos otra.',
	again_link: (validity) =>
		`Para entrar a la cuenta que ya tiene, abra este enlace. Sirve una vez, durante ${validity}:`,
	again_code:
		'El código que apareció en la pantalla después de esta inscripción no sirve. Su código personal es el de su primer correo de inscripción; si lo perdió, el enlace de arriba le deja entrar sin él.',
	again_ignore: 'Si no fue usted, puede ignorar este correo: nadie puede entrar sin el enlace.',
	signin_subject: 'Su enlace para entrar a Common Ground',
	signin_link: (validity) =>
		`Aquí tiene su enlace para entrar a Common Ground. Sirve una vez, durante ${validity}:`,
	signin_ignore: 'Si usted no lo pidió, puede ignorar este correo: nadie puede entrar sin el enlace.',
	copy_subject: 'Su conversación de Common Ground está lista',
	copy_ready: (partner) =>
		`Ya puede escuchar su conversación con ${partner}. Las dos personas aceptaron guardar una copia.`,
	copy_open: 'Entre y ábrala aquí. Solo usted puede usar este enlace:',
	copy_offline: 'También puede guardarla en la aplicación para escucharla sin conexión.',
	copy_withdraw: 'Si alguno de ustedes cambia de opinión, la copia deja de estar disponible de inmediato.',
	match_subject: 'Encontramos a alguien para su conversación',
	match_found:
		'Encontramos a alguien para que converse: opiniones distintas, algo en común y tiempo libre a las mismas horas.',
	match_read: 'Lea su breve historia y luego acepte o rechace:',
	update_subject: 'Novedades sobre su conversación de Common Ground',
	update_accepted: (partner) =>
		`${partner} aceptó la propuesta de conversación. Cuando los dos hayan aceptado, elijan una hora.`,
	update_declined: (partner) =>
		`${partner} rechazó esta propuesta de conversación. Usted vuelve a la lista y será de los primeros para la próxima.`,
	update_time_proposed: (partner) =>
		`${partner} eligió una hora para su conversación. Confírmela o elija otra.`,
	update_rescheduled: (partner) => `${partner} necesita otra hora. Elijan una nueva juntos.`,
	update_cancelled: (partner) =>
		`${partner} canceló su conversación. Usted vuelve a la lista y será de los primeros para la próxima conversación.`,
	invite_subject: (partner, when) => `Su conversación con ${partner}: ${when}`,
	invite_agreed: (partner, when) => `Usted y ${partner} acordaron una hora: ${when}.`,
	invite_attached: 'La invitación para el calendario va adjunta. A esa hora, abra la sala de conversación:',
	invite_reminders: 'Le avisaremos un día antes y una hora antes.',
	reminder_lead_24h: '24 horas',
	reminder_lead_1h: '1 hora',
	reminder_subject: (partner, lead) => `Recordatorio: su conversación con ${partner} es en ${lead}`,
	reminder_starts: (partner, when) => `Su conversación con ${partner} empieza el ${when}.`,
	reminder_early: 'Busque un lugar tranquilo y abra la sala de conversación unos minutos antes:',
	staff_subject: (organization) => `Su cuenta de Common Ground para ${organization}`,
	staff_created: (organization) =>
		`Una persona coordinadora le creó una cuenta de Common Ground como personal de ${organization}.`,
	staff_open: 'Abra este enlace para entrar y ver cómo va su gente:',
	ics_summary: (partner) => `Conversación de Common Ground con ${partner}`,
	ics_description: (room) => `A la hora acordada, abra la sala de conversación: ${room}`
};

export const MAIL_CATALOGS: Record<MailLanguage, MailCatalog> = { en, es };

export function mailText(language: string | null | undefined): MailCatalog {
	return MAIL_CATALOGS[mailLanguage(language)];
}

/** The BCP 47 locale dates are written in for each mail language. */
export const DATE_LOCALE: Record<MailLanguage, string> = { en: 'en-US', es: 'es-US' };
