import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { seedDemo, type DemoOutput } from './demo';
import type { AppServer } from './server';

/** Signs the demo coordinator in, creates a kiosk in the console, and returns its enrollment code. */
export async function createEnrollmentCode(
	browser: Browser,
	app: AppServer,
	label = 'Central Library'
): Promise<{ code: string; demo: DemoOutput }> {
	const demo = seedDemo(app);
	const staff = await browser.newContext();
	const page = await staff.newPage();
	await page.goto(demo.coordinator.signInUrl);
	await expect(page.getByTestId('signed-in')).toBeVisible();
	await page.goto(`${app.url}/kiosks`);
	await page.getByLabel('Where is the kiosk?').fill(label);
	// The coordinator picks the partner organization that hosts it (issue #7); its name is on the welcome screen.
	const host = demo.partnerOrganizations[0]?.name ?? '';
	await page.getByLabel('Partner organization').selectOption({ label: host });
	await page.getByRole('button', { name: 'Create an enrollment code' }).click();
	const code = (await page.getByTestId('enrollment-code').textContent())?.trim() ?? '';
	expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
	// Next to the code: where it goes on the device (issue #14).
	await expect(page.getByTestId('enrollment-steps')).toContainText(`open ${app.url}/kiosk in its browser`);
	await page.screenshot({ path: test.info().outputPath('kiosks-enrollment-code.png'), fullPage: true });
	await expect(page.getByText(`${label} · ${host} – Waiting for setup`)).toBeVisible();
	await staff.close();
	return { code, demo };
}

/** A fresh browser profile enrolled as a kiosk: the shared device. */
export async function enrolledKiosk(
	browser: Browser,
	app: AppServer
): Promise<{ context: BrowserContext; page: Page; demo: DemoOutput }> {
	const { code, demo } = await createEnrollmentCode(browser, app);
	const host = demo.partnerOrganizations[0]?.name ?? '';
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(`${app.url}/kiosk`);
	await page.getByLabel('Enrollment code').fill(code);
	await page.getByRole('button', { name: 'Set up this kiosk' }).click();
	// Enrolling reloads the page; on a busy CI machine that can take a while.
	await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Common Ground' })).toBeVisible({
		timeout: 30_000
	});
	await expect(page.getByText(host, { exact: false })).toBeVisible();
	return { context, page, demo };
}

/** Everything this origin keeps in the browser, as text, to search for a visitor's traces. */
export async function browserStorageDump(page: Page): Promise<{ databases: string[]; text: string }> {
	return page.evaluate(async () => {
		const out: Record<string, unknown> = {
			localStorage: { ...localStorage },
			sessionStorage: { ...sessionStorage }
		};
		const names = (await indexedDB.databases()).map((d) => d.name ?? '');
		for (const name of names) {
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const request = indexedDB.open(name);
				request.onsuccess = () => resolve(request.result);
				request.onerror = () => reject(request.error);
			});
			for (const store of Array.from(db.objectStoreNames)) {
				out[`${name}/${store}`] = await new Promise((resolve, reject) => {
					const request = db.transaction(store).objectStore(store).getAll();
					request.onsuccess = () => resolve(request.result);
					request.onerror = () => reject(request.error);
				});
			}
			db.close();
		}
		for (const cacheName of await caches.keys()) {
			const cache = await caches.open(cacheName);
			for (const request of await cache.keys()) {
				const response = await cache.match(request);
				out[`cache ${cacheName} ${request.url}`] = response ? await response.clone().text() : '';
			}
		}
		out.cookies = document.cookie;
		return { databases: names, text: JSON.stringify(out) };
	});
}

/** The kiosk's own stores, as the next visitor's browser could read them. */
export async function kioskStores(page: Page): Promise<{ queue: Record<string, unknown>[]; chunks: number }> {
	return page.evaluate(
		() =>
			new Promise<{ queue: Record<string, unknown>[]; chunks: number }>((resolve, reject) => {
				const open = indexedDB.open('common-ground-kiosk');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const tx = open.result.transaction(['queue', 'chunks']);
					const queue = tx.objectStore('queue').getAll();
					const chunks = tx.objectStore('chunks').count();
					tx.oncomplete = () => {
						resolve({ queue: queue.result as Record<string, unknown>[], chunks: chunks.result });
						open.result.close();
					};
				};
			})
	);
}
