import { generateSealingKey } from '../kiosk/sealing.ts';

let made: Promise<string> | undefined;

/**
 * KIOSK_SEALING_KEY for tests whose instances share a database (issue #17), one per test process:
 * 2,048 bits, the least the server takes, so it is made in a moment.
 */
export const testSealingKey = (): Promise<string> =>
	(made ??= generateSealingKey(2048).then((jwk) => JSON.stringify(jwk)));
