// readCoverage on real LCOV (c8), Cobertura XML and JSON (coverage.py), and on the odd shapes other tools write.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat, readCoverage } from '../../../src/coverage/read.js';
import { CoverageError } from '../../../src/coverage/types.js';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures');
const nodeProject = path.join(fixtures, 'projects/coverage-node');
const pyProject = path.join(fixtures, 'coverage/pyshop');

describe('real reports', () => {
  it('reads c8 LCOV of the fixture project, matching what c8 printed (30.23% of lines)', async () => {
    const report = await readCoverage(path.join(fixtures, 'coverage/node-before.lcov.info'), nodeProject);
    expect(report.format).toBe('lcov');
    expect(report).toMatchObject({ linesFound: 86, linesHit: 26, percent: 30.23 });
    expect(report.files.map((f) => [f.path, f.linesFound, f.linesHit, f.percent])).toEqual([
      ['src/cart.js', 46, 0, 0],
      ['src/inventory.js', 27, 13, 48.15],
      ['src/price.js', 13, 13, 100],
    ]);
    // c8's text reporter printed "12-17,20-27" for inventory.js.
    expect(report.files[1]?.uncovered).toEqual([
      [12, 17],
      [20, 27],
    ]);
    expect(report.files[0]?.uncovered).toEqual([[1, 46]]);
    expect(report.files[2]?.uncovered).toEqual([]);
  });

  it('reads coverage.py Cobertura XML, leaving out files outside the project', async () => {
    const report = await readCoverage(path.join(fixtures, 'coverage/pyshop-coverage.xml'), pyProject);
    expect(report.format).toBe('cobertura');
    // The run also measured /usr/lib/python3/dist-packages/_distutils_hack/__init__.py, which is not ours.
    expect(report.files.map((f) => f.path)).toEqual([
      'shop/__init__.py',
      'shop/pricing.py',
      'shop/stock.py',
      'tests/__init__.py',
      'tests/test_shop.py',
    ]);
    expect(report).toMatchObject({ linesFound: 31, linesHit: 22, percent: 70.97 });
    const stock = report.files.find((f) => f.path === 'shop/stock.py');
    // coverage.py reported "9-12, 16-20" missing; line 15 is covered and splits the runs.
    expect(stock).toMatchObject({ linesFound: 13, linesHit: 4, percent: 30.77, uncovered: [[9, 12], [16, 20]] });
    expect(report.files.find((f) => f.path === 'shop/__init__.py')).toMatchObject({ linesFound: 0, percent: 100 });
  });

  it('reads coverage.py JSON to the same numbers as its XML', async () => {
    const json = await readCoverage(path.join(fixtures, 'coverage/pyshop-coverage.json'), pyProject);
    const xml = await readCoverage(path.join(fixtures, 'coverage/pyshop-coverage.xml'), pyProject);
    expect(json.format).toBe('coveragepy-json');
    expect({ ...json, format: 'x' }).toEqual({ ...xml, format: 'x' });
  });

  it('takes a coverage file path relative to the project root', async () => {
    const report = await readCoverage('../../coverage/node-before.lcov.info', nodeProject);
    expect(report.percent).toBe(30.23);
  });
});

describe('shapes other tools write', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'coverage-read-'));
    await mkdir(path.join(dir, 'src/main/java/com/acme'), { recursive: true });
    await writeFile(path.join(dir, 'src/a.js'), '');
    await writeFile(path.join(dir, 'src/main/java/com/acme/Foo.java'), '');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, text: string): Promise<string> => {
    const file = path.join(dir, name);
    await writeFile(file, text);
    return file;
  };

  it('LCOV: absolute and relative SF, CRLF, repeated records merged, LF/LH without DA, outside paths, a missing end_of_record', async () => {
    const file = await write(
      'mixed.info',
      [
        '\uFEFFTN:',
        `SF:${path.join(dir, 'src/a.js')}`,
        'DA:1,1',
        'DA:2,0',
        'DA:3,0',
        'LF:3',
        'LH:1',
        'end_of_record',
        'SF:src/a.js',
        'DA:2,4,abc123',
        'end_of_record',
        'SF:lib/summary-only.js',
        'LF:10',
        'LH:7',
        'end_of_record',
        'SF:/somewhere/else/b.js',
        'DA:1,0',
        'end_of_record',
        'SF:src/unfinished.js',
        'DA:5,0',
      ].join('\r\n'),
    );
    const report = await readCoverage(file, dir);
    expect(report.files).toEqual([
      { path: 'lib/summary-only.js', linesFound: 10, linesHit: 7, percent: 70, uncovered: [] },
      { path: 'src/a.js', linesFound: 3, linesHit: 2, percent: 66.67, uncovered: [[3, 3]] },
      { path: 'src/unfinished.js', linesFound: 1, linesHit: 0, percent: 0, uncovered: [[5, 5]] },
    ]);
    expect(report).toMatchObject({ linesFound: 14, linesHit: 9, percent: 64.29 });
  });

  it('LCOV: SF as a file URL', async () => {
    const file = await write('url.info', `SF:file://${path.join(dir, 'src/a.js')}\nDA:1,2\nend_of_record\n`);
    const report = await readCoverage(file, dir);
    expect(report.files.map((f) => [f.path, f.percent])).toEqual([['src/a.js', 100]]);
  });

  it('Cobertura: filenames under a relative <source>, method lines not counted twice, entities decoded', async () => {
    const file = await write(
      'java.xml',
      `<?xml version="1.0"?>
<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">
<coverage line-rate="0.5" version="1.9">
  <!-- <class filename="commented/out.java"> -->
  <sources><source>src/main/java</source></sources>
  <packages><package name="com.acme"><classes>
    <class name='com.acme.Foo' filename='com/acme/Foo.java'>
      <methods><method name="bar" signature="()V"><lines><line number="3" hits="0"/></lines></method></methods>
      <lines>
        <line number="1" hits="5"/>
        <line number="3" hits="0" branch="true" condition-coverage="50% (1/2)"/>
        <line number="4" hits="0"/>
      </lines>
    </class>
    <class name="com.acme.Foo$Inner" filename="com/acme/Foo.java"><lines><line number="9" hits="1"/></lines></class>
    <class name="R&amp;D" filename="r&amp;d/Gone.java"/>
  </classes></package></packages>
</coverage>`,
    );
    const report = await readCoverage(file, dir);
    expect(report.format).toBe('cobertura');
    expect(report.files).toEqual([
      { path: 'r&d/Gone.java', linesFound: 0, linesHit: 0, percent: 100, uncovered: [] },
      { path: 'src/main/java/com/acme/Foo.java', linesFound: 4, linesHit: 2, percent: 50, uncovered: [[3, 4]] },
    ]);
  });

  it('coverage.py JSON of a later format version, with keys it does not need', async () => {
    const file = await write(
      'cov7.json',
      JSON.stringify({
        meta: { format: 3, version: '7.6.1', branch_coverage: false },
        files: {
          'src/a.js': {
            executed_lines: [1, 2],
            missing_lines: [4, 5],
            excluded_lines: [3],
            summary: { covered_lines: 2 },
            functions: { '': { executed_lines: [1], missing_lines: [] } },
            classes: {},
          },
        },
        totals: { covered_lines: 2 },
      }),
    );
    const report = await readCoverage(file, dir);
    expect(report.files).toEqual([{ path: 'src/a.js', linesFound: 4, linesHit: 2, percent: 50, uncovered: [[4, 5]] }]);
  });

  it('says what is wrong with a file it cannot read', async () => {
    await expect(readCoverage(path.join(dir, 'nope.info'), dir)).rejects.toThrow(/could not be read \(ENOENT\).*coverage-file/);
    await expect(readCoverage(await write('empty.info', '\n  \n'), dir)).rejects.toThrow(/is empty/);
    await expect(readCoverage(await write('bad.json', '{"files": {"a.py": {"executed_lines": "x"}}}'), dir)).rejects.toThrow(
      /not a coverage.py report \(files\.a\.py\.executed_lines/,
    );
    await expect(readCoverage(await write('broken.json', '{"files": '), dir)).rejects.toBeInstanceOf(CoverageError);
  });
});

describe('detectFormat', () => {
  it('tells formats apart by content and names the ones it does not read', () => {
    expect(detectFormat('TN:\nSF:a.js\n')).toBe('lcov');
    expect(detectFormat('\uFEFF  SF:a.js\nDA:1,1\n')).toBe('lcov');
    expect(detectFormat('<?xml version="1.0"?><coverage><packages/></coverage>')).toBe('cobertura');
    expect(detectFormat('{"meta": {}, "files": {}}')).toBe('coveragepy-json');
    expect(() => detectFormat('<coverage generated="1" clover="3.2.0"><project/></coverage>')).toThrow(/Clover/);
    expect(() => detectFormat('{"/a.js": {"path": "/a.js", "statementMap": {}}}')).toThrow(/Istanbul/);
    expect(() => detectFormat('<html></html>')).toThrow(/XML but not Cobertura/);
    expect(() => detectFormat('hello')).toThrow(/not LCOV, Cobertura XML or coverage.py JSON/);
  });
});
