import { describe, expect, it } from 'vitest';
import { childrenNamed, escapeXml, parseXml } from './xml';

describe('escapeXml', () => {
	it('escapes markup and drops characters XML cannot hold', () => {
		expect(escapeXml('a & <b> "c"\u0001\u0007')).toBe('a &amp; &lt;b&gt; &quot;c&quot;');
		expect(escapeXml('José 👋\ttab')).toBe('José 👋\ttab');
	});
});

describe('parseXml', () => {
	it('reads elements, attributes, text and references', () => {
		const root = parseXml(
			'<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><a x="1 &amp; 2"><b>T &lt;&#65;&#x42;&gt;</b><b/><c y=\'z\' /></a>\n'
		);
		expect(root.name).toBe('a');
		expect(root.attributes).toEqual({ x: '1 & 2' });
		expect(childrenNamed(root, 'b').map((b) => b.text)).toEqual(['T <AB>', '']);
		expect(root.children.map((c) => c.name)).toEqual(['b', 'b', 'c']);
	});

	it.each([
		['<a><b></a></b>', 'closed by another tag'],
		['<a>x</a><a/>', 'after the root'],
		['<a>&nbsp;</a>', 'unknown entity'],
		['<a>x > y</a>', 'stray'],
		['<a x="1" x="2"/>', 'repeated attribute'],
		['<a><![CDATA[x]]></a>', 'unsupported'],
		['<a>', 'never closed']
	])('refuses %s', (source, message) => {
		expect(() => parseXml(source)).toThrow(message);
	});
});
