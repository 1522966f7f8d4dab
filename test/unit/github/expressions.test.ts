// The expression language through GitHub's evaluator: operators, functions, contexts, and what only the runner knows.
import { describe, expect, it } from 'vitest';
import { evaluate, interpolate, splitTemplate, type Scope, type Unknowns } from '../../../src/github/expressions.js';
import { expandMatrix } from '../../../src/github/matrix.js';

const scope: Scope = {
  github: { event_name: 'pull_request', ref: 'refs/pull/7/merge', event: { number: 7 } },
  runner: { os: 'Linux' },
  env: { NODE: '20' },
  inputs: { coverage: true },
  matrix: { 'python-version': '3.15-dev', suite: { name: 'unit', script: 'test:unit' } },
};

describe('evaluate and interpolate', () => {
  it('evaluates operators, functions and object-valued matrices', () => {
    const none: Unknowns = new Set();
    expect(evaluate("matrix.python-version == '3.15-dev' && '1' || ''", scope, none)).toBe('1');
    expect(evaluate("matrix.python-version == '3.12' && '1' || ''", scope, none)).toBe('');
    expect(evaluate('matrix.suite.script', scope, none)).toBe('test:unit');
    expect(evaluate("format('{0}-{1}', runner.os, env.NODE)", scope, none)).toBe('Linux-20');
    expect(evaluate("startsWith(github.ref, 'refs/pull/') && !contains(fromJSON('[1,2]'), 3)", scope, none)).toBe(true);
    expect(evaluate('toJSON(matrix.suite)', scope, none)).toBe('{\n  "name": "unit",\n  "script": "test:unit"\n}');
    expect(evaluate('inputs.coverage && github.event.number', scope, none)).toBe(7);
    expect(evaluate('matrix.missing', scope, none)).toBeNull();
    expect([...none]).toEqual([]);
  });

  it('leaves what only the runner knows empty, and names it', () => {
    const unknown: Unknowns = new Set();
    expect(interpolate('npm publish --token "${{ secrets.NPM_TOKEN }}" ${{ steps.v.outputs.tag }}', scope, unknown)).toBe('npm publish --token "" ');
    expect(interpolate('${{ github.event.before }}/${{ hashFiles(\'**/lock\') }}', scope, unknown)).toBe('/');
    expect([...unknown]).toEqual(['secrets.NPM_TOKEN', 'steps.v.outputs.tag', 'github.event.before', 'hashFiles(…)']);
  });

  it('cuts a text into literal parts and expressions, a quoted }} included', () => {
    expect(splitTemplate("a ${{ 'x}}y' }} b")).toEqual([{ text: 'a ' }, { text: "${{ 'x}}y' }}", expr: "'x}}y'" }, { text: ' b' }]);
  });
});

describe('expandMatrix', () => {
  it('expands base keys, then removes excludes (objects matched by the keys they name), then adds includes', () => {
    const suites = [
      { name: 'unit', script: 'test:unit' },
      { name: 'e2e', script: 'test:e2e' },
    ];
    const combos = expandMatrix({
      node: [20, 22],
      suite: suites,
      exclude: [{ node: 20, suite: { name: 'e2e' } }],
      include: [{ node: 22, experimental: true }, { node: 24, suite: suites[0]! }],
    });
    expect(combos).toEqual([
      { node: 20, suite: suites[0] },
      { node: 22, suite: suites[0], experimental: true },
      { node: 22, suite: suites[1], experimental: true },
      { node: 24, suite: suites[0] },
    ]);
  });

  it('makes one job of each include when there are no base keys, and gives up on a matrix it cannot read', () => {
    expect(expandMatrix({ include: [{ target: 'linux' }, { target: 'windows' }] })).toEqual([{ target: 'linux' }, { target: 'windows' }]);
    expect(expandMatrix(null)).toBeUndefined();
    expect(expandMatrix({ node: '${{ fromJSON(x) }}' })).toBeUndefined();
  });
});
