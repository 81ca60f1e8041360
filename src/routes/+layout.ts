// A single-page app served by the sync-server with a fallback page (issue #2); nothing is prerendered.
export const ssr = false;
export const prerender = false;
export const trailingSlash = 'never';
