/**
 * workbox-window's `messageSkipWaiting()` posts {type: 'SKIP_WAITING'} when the person presses
 * "Reload". Until then the new version waits, so nothing being typed in an open tab is thrown away.
 */
export function listenForSkipWaiting(scope: ServiceWorkerGlobalScope) {
	scope.addEventListener('message', (event: ExtendableMessageEvent) => {
		if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void scope.skipWaiting();
	});
}
