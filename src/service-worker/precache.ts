import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { precacheEntries, SHELL_URL } from './shell';

/** Everything the app needs to start with no network: the built chunks, static files and the shell page. */
export function precacheShell({
	build,
	files,
	version
}: {
	build: string[];
	files: string[];
	version: string;
}) {
	precacheAndRoute(precacheEntries({ build, files, version }), { ignoreURLParametersMatching: [/.*/] });
	cleanupOutdatedCaches();
}

export { SHELL_URL };
