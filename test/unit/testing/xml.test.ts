// The small XML reader and the JUnit reading on top of it: entities, CDATA, nesting, damaged documents.
import { describe, expect, it } from 'vitest';
import { readJUnitCases } from '../../../src/testing/runners/junit-xml.js';
import { decodeEntities, descendants, parseXml } from '../../../src/testing/xml.js';

describe('parseXml', () => {
  it('reads elements, attributes, text, CDATA and entities', () => {
    const root = parseXml(
      `<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e "v">]>\n<!-- note --><a x="1 &lt; 2" y='q"uote'><b>t &amp; &#x41;&#66;</b><c><![CDATA[<raw> & ]]></c><d/></a>`,
    )!;
    expect(root.name).toBe('a');
    expect(root.attrs).toEqual({ x: '1 < 2', y: 'q"uote' });
    expect(root.children.map((c) => c.name)).toEqual(['b', 'c', 'd']);
    expect(root.children[0]!.text).toBe('t & AB');
    expect(root.children[1]!.text).toBe('<raw> & ');
  });

  it('takes > inside attribute values as text', () => {
    expect(parseXml('<a m="x > y"><b/></a>')!.attrs.m).toBe('x > y');
  });

  it('reads a document cut short, and ignores stray closing tags', () => {
    const root = parseXml('<r><s><t>one</t></x><t>two')!;
    expect(descendants(root, 't').map((t) => t.text)).toEqual(['one', 'two']);
  });

  it('has no root for text that is not XML', () => {
    expect(parseXml('just text')).toBeUndefined();
    expect(parseXml('')).toBeUndefined();
  });

  it('leaves unknown entities alone', () => {
    expect(decodeEntities('&nbsp; &#0x; &amp;')).toBe('&nbsp; &#0x; &');
  });
});

describe('readJUnitCases', () => {
  it('reads nested suites, failures, errors and skips', () => {
    const cases = readJUnitCases(`<testsuites>
      <testsuite name="outer"><testsuite name="inner">
        <testcase classname="c" name="fails"><failure message="boom" type="E">stack\n  at x</failure></testcase>
        <testcase classname="c" name="errs"><error message="bad"/></testcase>
      </testsuite>
      <testcase name="skipped"><skipped/></testcase>
      <testcase name="passes" file="/a/b.js"/></testsuite></testsuites>`)!;
    expect(cases.map((c) => [c.suites.join('/'), c.name, c.status])).toEqual([
      ['outer/inner', 'fails', 'failed'],
      ['outer/inner', 'errs', 'failed'],
      ['outer', 'skipped', 'skipped'],
      ['outer', 'passes', 'passed'],
    ]);
    expect(cases[0]).toMatchObject({ message: 'boom', details: 'stack\n  at x', classname: 'c' });
    expect(cases[3]!.file).toBe('/a/b.js');
  });

  it('accepts a single testsuite as the root and refuses other documents', () => {
    expect(readJUnitCases('<testsuite name="s"><testcase name="t"/></testsuite>')).toEqual([
      { suites: ['s'], classname: undefined, name: 't', file: undefined, status: 'passed', message: undefined, details: undefined },
    ]);
    expect(readJUnitCases('<html><body/></html>')).toBeUndefined();
  });
});
