/**
 * Just enough XML for the archive package (issue #14): escaping for the writers (PBCore, OHMS), and a
 * strict reader for the subset they write (elements, attributes, text, the five predefined entities and
 * numeric references, comments, the XML declaration) so tests read a file the way an archive's intake
 * would, without a parser dependency. Anything else (DTDs, CDATA, processing instructions) is refused.
 */
export type XmlElement = {
	name: string;
	attributes: Record<string, string>;
	children: XmlElement[];
	/** The element's own text, joined (children's text not included). */
	text: string;
};

/** Escapes text and attribute values; drops the characters XML 1.0 cannot hold at all. */
export function escapeXml(s: string): string {
	return s
		.replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const NAME = /^[A-Za-z_][\w.:-]*/;

function decode(raw: string, at: number): string {
	return raw.replace(/&([^;]*);?/g, (whole, ref: string) => {
		if (!whole.endsWith(';')) throw new Error(`unterminated reference near ${at}`);
		if (ref in ENTITIES) return ENTITIES[ref] as string;
		const code = /^#x([0-9a-f]+)$/i.exec(ref)?.[1];
		const dec = /^#([0-9]+)$/.exec(ref)?.[1];
		if (code !== undefined) return String.fromCodePoint(parseInt(code, 16));
		if (dec !== undefined) return String.fromCodePoint(Number(dec));
		throw new Error(`unknown entity &${ref}; near ${at}`);
	});
}

/** Parses one document; throws on anything not well-formed (mismatched tags, stray `<`, two roots). */
export function parseXml(source: string): XmlElement {
	let at = 0;
	const skipMisc = () => {
		for (;;) {
			const ws = /^\s*/.exec(source.slice(at))?.[0].length ?? 0;
			at += ws;
			if (source.startsWith('<!--', at)) {
				const end = source.indexOf('-->', at);
				if (end < 0) throw new Error('unterminated comment');
				at = end + 3;
			} else return;
		}
	};
	const element = (): XmlElement => {
		if (source[at] !== '<') throw new Error(`expected an element at ${at}`);
		at += 1;
		const name = NAME.exec(source.slice(at))?.[0];
		if (!name) throw new Error(`bad element name at ${at}`);
		at += name.length;
		const attributes: Record<string, string> = {};
		for (;;) {
			const m = /^\s+([A-Za-z_][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(source.slice(at));
			if (!m) break;
			const key = m[1] as string;
			if (key in attributes) throw new Error(`repeated attribute ${key} at ${at}`);
			attributes[key] = decode(m[3] ?? m[4] ?? '', at);
			at += m[0].length;
		}
		at += /^\s*/.exec(source.slice(at))?.[0].length ?? 0;
		const node: XmlElement = { name, attributes, children: [], text: '' };
		if (source.startsWith('/>', at)) {
			at += 2;
			return node;
		}
		if (source[at] !== '>') throw new Error(`bad start tag <${name}> at ${at}`);
		at += 1;
		for (;;) {
			const next = source.indexOf('<', at);
			if (next < 0) throw new Error(`<${name}> is never closed`);
			const raw = source.slice(at, next);
			if (raw.includes('>')) throw new Error(`stray ">" in <${name}> at ${at}`);
			node.text += decode(raw, at);
			at = next;
			if (source.startsWith('</', at)) {
				const close = `</${name}`;
				const end = /^\s*>/.exec(source.slice(at + close.length));
				if (!source.startsWith(close, at) || !end)
					throw new Error(`<${name}> closed by another tag at ${at}`);
				at += close.length + end[0].length;
				return node;
			}
			if (source.startsWith('<!--', at)) skipMisc();
			else if (source.startsWith('<!', at) || source.startsWith('<?', at))
				throw new Error(`unsupported markup at ${at}`);
			else node.children.push(element());
		}
	};
	const declaration = /^<\?xml\s+version="1\.0"(\s+encoding="UTF-8")?\s*\?>/i.exec(source);
	if (declaration) at = declaration[0].length;
	skipMisc();
	const root = element();
	skipMisc();
	if (at !== source.length) throw new Error(`content after the root element at ${at}`);
	return root;
}

/** The children named `name`, in document order. */
export function childrenNamed(parent: XmlElement, name: string): XmlElement[] {
	return parent.children.filter((c) => c.name === name);
}
