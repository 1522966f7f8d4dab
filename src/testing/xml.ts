// A small forgiving XML reader, enough for JUnit reports: elements, attributes, text, CDATA and entities.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Text and CDATA directly inside the element, entities decoded. */
  text: string;
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref] ?? whole;
  });
}

const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function parseAttrs(src: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const match of src.matchAll(ATTR)) {
    attrs[match[1]!] = decodeEntities(match[2] ?? match[3] ?? '');
  }
  return attrs;
}

/**
 * Parses a document into its root element. Reports cut short (a runner killed while writing) are read
 * as far as they go: unclosed elements are closed at the end, stray closing tags are ignored.
 * Returns undefined when there is no element at all.
 */
export function parseXml(src: string): XmlElement | undefined {
  const top: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [top];
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const current = stack[stack.length - 1]!;
    if (lt === -1) {
      current.text += decodeEntities(src.slice(i));
      break;
    }
    if (lt > i) current.text += decodeEntities(src.slice(i, lt));
    if (src.startsWith('<!--', lt)) {
      const close = src.indexOf('-->', lt + 4);
      i = close === -1 ? src.length : close + 3;
    } else if (src.startsWith('<![CDATA[', lt)) {
      const close = src.indexOf(']]>', lt + 9);
      current.text += src.slice(lt + 9, close === -1 ? src.length : close);
      i = close === -1 ? src.length : close + 3;
    } else if (src.startsWith('<?', lt)) {
      const close = src.indexOf('?>', lt + 2);
      i = close === -1 ? src.length : close + 2;
    } else if (src.startsWith('<!', lt)) {
      // DOCTYPE, possibly with an internal subset in brackets.
      const bracket = src.indexOf('[', lt);
      const gt = src.indexOf('>', lt);
      const close = bracket !== -1 && bracket < gt ? src.indexOf(']>', bracket) : gt;
      i = close === -1 ? src.length : close + (close === gt ? 1 : 2);
    } else if (src[lt + 1] === '/') {
      const gt = src.indexOf('>', lt);
      const name = src.slice(lt + 2, gt === -1 ? src.length : gt).trim();
      const at = stack.map((el) => el.name).lastIndexOf(name);
      if (at > 0) stack.length = at;
      i = gt === -1 ? src.length : gt + 1;
    } else {
      const gt = findTagEnd(src, lt + 1);
      if (gt === -1) break;
      const selfClosing = src[gt - 1] === '/';
      const body = src.slice(lt + 1, selfClosing ? gt - 1 : gt);
      const nameEnd = body.search(/[\s/]|$/);
      const element: XmlElement = { name: body.slice(0, nameEnd), attrs: parseAttrs(body.slice(nameEnd)), children: [], text: '' };
      current.children.push(element);
      if (!selfClosing) stack.push(element);
      i = gt + 1;
    }
  }
  return top.children.find((child) => child.name.length > 0);
}

/** The `>` that ends a start tag, skipping any inside quoted attribute values. */
function findTagEnd(src: string, from: number): number {
  let quote: string | undefined;
  for (let j = from; j < src.length; j++) {
    const c = src[j];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return j;
    }
  }
  return -1;
}

/** Every descendant element with this name, in document order. */
export function descendants(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (node: XmlElement): void => {
    for (const child of node.children) {
      if (child.name === name) out.push(child);
      walk(child);
    }
  };
  walk(el);
  return out;
}
