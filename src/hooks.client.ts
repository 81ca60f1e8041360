import type { ClientInit, HandleClientError } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { reportProblem } from '$lib/state/problems.svelte';

/**
 * The client's error funnel (issue #16): an error a page didn't catch, while loading or afterwards,
 * is logged once and shown as the app's own message, never as a stack trace or a blank screen.
 */
export const handleError: HandleClientError = ({ error, status, message }) => {
	if (status === 404) return { message };
	// The error page says it in its own words; the bar would say it twice.
	reportProblem(error, { context: 'page', show: false });
	return { message: m.problem_unexpected() };
};

export const init: ClientInit = () => {
	window.addEventListener('unhandledrejection', (event) =>
		reportProblem(event.reason, { context: 'unhandled rejection' })
	);
	window.addEventListener('error', (event) =>
		reportProblem(event.error ?? event.message, { context: 'uncaught error' })
	);
};
