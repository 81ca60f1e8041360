import { m } from '../paraglide/messages.js';

export type ShownProblem = { key: string; message: string };

const MAX_SHOWN = 3;
const MAX_REMEMBERED = 200;

/**
 * The client's one funnel for failures nobody else explains (issue #16): a database the device
 * can't read, a drain that threw, an error no page caught. `report` logs each distinct failure once
 * (a retry loop doesn't flood the console) and, unless told to stay quiet, shows the person what
 * happened and what to do in the layout's problem bar. Expected failures, such as an api() answer
 * the page already shows, don't come here.
 */
export class Problems {
	shown = $state.raw<ShownProblem[]>([]);
	// Not state: what was logged never changes what the page shows.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#logged = new Set<string>();
	#log: (context: string, error: unknown) => void;

	constructor(
		log: (context: string, error: unknown) => void = (context, error) => console.error(context, error)
	) {
		this.#log = log;
	}

	report(
		error: unknown,
		{ context, message, show = true }: { context: string; message?: string; show?: boolean }
	): void {
		const key = `${context}: ${describe(error)}`;
		if (!this.#logged.has(key)) {
			if (this.#logged.size >= MAX_REMEMBERED) this.#logged.clear();
			this.#logged.add(key);
			this.#log(context, error);
		}
		if (!show) return;
		const text = message ?? m.problem_unexpected();
		if (this.shown.some((p) => p.message === text)) return;
		this.shown = [...this.shown, { key, message: text }].slice(-MAX_SHOWN);
	}

	dismiss(key: string): void {
		this.shown = this.shown.filter((p) => p.key !== key);
	}
}

function describe(error: unknown): string {
	if (error instanceof Error) return `${error.name}: ${error.message}`;
	try {
		return typeof error === 'string' ? error : JSON.stringify(error);
	} catch {
		return String(error);
	}
}

export const problems = new Problems();

/** Logs `error` once and (unless `show: false`) tells the person; see Problems. */
export function reportProblem(
	error: unknown,
	options: { context: string; message?: string; show?: boolean }
): void {
	problems.report(error, options);
}
