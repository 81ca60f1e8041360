import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isLoopbackHost } from './loopback.ts';

describe('isLoopbackAddress', () => {
	it('knows the loopback addresses, in every form Node reports them', () => {
		for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1'])
			expect(isLoopbackAddress(address), address).toBe(true);
	});

	it('refuses every other address, and anything that is not an address', () => {
		for (const address of [
			'10.0.0.5',
			'192.168.1.2',
			'::ffff:10.0.0.5',
			'2001:db8::1',
			'::',
			'0.0.0.0',
			'',
			'localhost',
			'127.0.0.1.evil'
		])
			expect(isLoopbackAddress(address), address).toBe(false);
	});
});

describe('isLoopbackHost', () => {
	it('tells a listen address that only this machine reaches', () => {
		expect(isLoopbackHost('localhost')).toBe(true);
		expect(isLoopbackHost('127.0.0.1')).toBe(true);
		expect(isLoopbackHost('[::1]')).toBe(true);
		expect(isLoopbackHost('0.0.0.0')).toBe(false);
		expect(isLoopbackHost('::')).toBe(false);
		expect(isLoopbackHost('192.168.1.2')).toBe(false);
	});
});
