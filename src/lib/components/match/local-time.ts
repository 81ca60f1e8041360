/** A time as the person's own device shows it: their time zone, their language. */
export function localTime(iso: string, locale: string): string {
	return new Intl.DateTimeFormat(locale, {
		weekday: 'long',
		month: 'long',
		day: 'numeric',
		hour: 'numeric',
		minute: '2-digit',
		timeZoneName: 'short'
	}).format(new Date(iso));
}
