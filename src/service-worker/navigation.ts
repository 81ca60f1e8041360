import { createHandlerBoundToURL } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { SHELL_URL } from './shell';

/** Paths the server answers itself; a navigation there must never be served the app shell. */
export const NOT_THE_SHELL = [/^\/api\//, /^\/dev\//, /^\/yjs\//, /^\/peerjs/, /^\/uploads/];

/** Any page, online or offline, renders from the precached shell; the SPA router does the rest. */
export function routeNavigationsToShell() {
	registerRoute(new NavigationRoute(createHandlerBoundToURL(SHELL_URL), { denylist: NOT_THE_SHELL }));
}
