/** Injected wherever time matters, so tests can expire links and sessions without waiting. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export function addMinutes(date: Date, minutes: number): Date {
	return new Date(date.getTime() + minutes * 60_000);
}

export function addDays(date: Date, days: number): Date {
	return addMinutes(date, days * 24 * 60);
}
