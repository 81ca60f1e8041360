/**
 * Asks the browser not to evict our IndexedDB under storage pressure (issue #2: asked "when the person
 * starts something worth keeping", not on first load, since some browsers prompt).
 */
export async function requestPersistentStorage(): Promise<boolean> {
	if (!navigator.storage?.persist) return false;
	try {
		if (await navigator.storage.persisted()) return true;
		return await navigator.storage.persist();
	} catch {
		return false;
	}
}
