// isTestPath across the conventions of each language, and describeTestConventions on real and made-up projects.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTestConventions, isTestPath } from '../../../src/coverage/test-paths.js';

describe('isTestPath', () => {
  it.each([
    // JS / TS
    'src/cart.test.js',
    'src/cart.spec.ts',
    'src/Cart.test.tsx',
    'lib/util.test.mjs',
    'src/components/__tests__/Button.tsx',
    'test/cart.js',
    'test/helpers/setup.js',
    'tests/e2e/login.ts',
    'packages/core/test/index.test.ts',
    './test/cart.test.js',
    'test\\windows\\style.test.js',
    // The other names node --test runs
    'src/cart_test.js',
    'src/cart-test.mjs',
    'test-cart.js',
    'test.js',
    // Python
    'test_cart.py',
    'pkg/test_cart.py',
    'pkg/cart_test.py',
    'tests/conftest.py',
    'conftest.py',
    'tests/unit/helpers.py',
    // Go
    'cart_test.go',
    'internal/shop/cart_test.go',
    'internal/shop/testdata/cart.json',
    // Rust
    'tests/integration.rs',
    'crates/shop/tests/cart.rs',
    // Java / Kotlin
    'src/test/java/com/acme/CartTest.java',
    'src/test/kotlin/com/acme/CartSpec.kt',
    'module/src/test/resources/data.json',
    // Others
    'spec/cart_spec.rb',
    'lib/cart_test.rb',
    'Tests/ShopTests/CartTests.swift',
    'Shop.Tests/CartTests.cs',
  ])('%s is a test path', (file) => {
    expect(isTestPath(file)).toBe(true);
  });

  it.each([
    'src/cart.js',
    'src/testUtils.ts',
    'src/latest.js',
    'src/contest.js',
    'src/testing.ts',
    'src/contest.py',
    'src/attest.go',
    'src/latest/cart.js',
    'src/main/java/com/acme/Cart.java',
    'src/main/java/com/acme/CartTest.java',
    'src/lib.rs',
    'testcart.py',
    'test.py',
    'README.md',
    'package.json',
    '.github/workflows/test.yml',
    // Out of the project, however test-like the name.
    '../test/cart.test.js',
    'test/../src/cart.js',
    '/abs/test/cart.test.js',
    'C:/repo/test/cart.test.js',
    '',
  ])('%s is not a test path', (file) => {
    expect(isTestPath(file)).toBe(false);
  });
});

describe('describeTestConventions', () => {
  it('names the fixture project’s folder, naming rule, an example and node:test', async () => {
    const root = path.resolve(import.meta.dirname, '../../fixtures/projects/coverage-node');
    expect(await describeTestConventions(root)).toBe(
      'Tests live in test/ and are named *.test.js (for example test/inventory.test.js); they use node:test.',
    );
  });

  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'coverage-conventions-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const project = async (name: string, files: Record<string, string>): Promise<string> => {
    const root = path.join(dir, name);
    for (const [file, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), content);
    }
    return root;
  };

  it('pytest tests in tests/, helpers and fixtures not deciding the rule', async () => {
    const root = await project('py', {
      'shop/cart.py': 'def total(): return 0\n',
      'tests/conftest.py': 'import pytest\n',
      'tests/helpers.py': 'def make(): pass\n',
      'tests/test_cart.py': 'from shop.cart import total\n\ndef test_total():\n    assert total() == 0\n',
      'tests/test_price.py': 'import pytest\n\ndef test_x():\n    pass\n',
      'tests/fixtures/test_ignored.py': 'import unittest\n',
    });
    expect(await describeTestConventions(root)).toBe(
      'Tests live in tests/ and are named test_*.py (for example tests/test_cart.py); they use pytest.',
    );
  });

  it('Go tests beside the code', async () => {
    const root = await project('go', {
      'go.mod': 'module shop\n',
      'cart/cart.go': 'package cart\n',
      'cart/cart_test.go': 'package cart\n\nimport "testing"\n\nfunc TestTotal(t *testing.T) {}\n',
      'price/price_test.go': 'package price\n\nimport (\n\t"testing"\n)\n',
    });
    expect(await describeTestConventions(root)).toBe(
      "Tests live beside the code they test and are named *_test.go (for example cart/cart_test.go); they use Go's testing package.",
    );
  });

  it('jest globals in __tests__ folders, the runner named from package.json', async () => {
    const root = await project('jest', {
      'package.json': JSON.stringify({ scripts: { test: 'jest' }, devDependencies: { jest: '^30.0.0' } }),
      'src/__tests__/cart.test.ts': "describe('cart', () => { it('adds', () => expect(1).toBe(1)); });\n",
      'src/util/__tests__/slug.test.ts': "test('slug', () => {});\n",
      'node_modules/dep/test/x.test.js': "import { test } from 'node:test';\n",
    });
    expect(await describeTestConventions(root)).toBe(
      'Tests live in __tests__/ folders and are named *.test.ts (for example src/__tests__/cart.test.ts); they use jest.',
    );
  });

  it('JUnit 5 under src/test/', async () => {
    const root = await project('java', {
      'src/main/java/com/acme/Cart.java': 'class Cart {}\n',
      'src/test/java/com/acme/CartTest.java': 'import org.junit.jupiter.api.Test;\nclass CartTest {}\n',
    });
    expect(await describeTestConventions(root)).toBe(
      'Tests live in src/test/ and are named *Test.java (for example src/test/java/com/acme/CartTest.java); they use JUnit 5.',
    );
  });

  it('Rust integration tests, named only by their folder', async () => {
    const root = await project('rust', {
      'Cargo.toml': '[package]\nname = "shop"\n',
      'src/lib.rs': 'pub fn total() -> u32 { 0 }\n',
      'tests/cart.rs': '#[test]\nfn total_is_zero() { assert_eq!(shop::total(), 0); }\n',
    });
    expect(await describeTestConventions(root)).toBe(
      "Tests live in tests/ and are named *.rs (for example tests/cart.rs); they use Rust's #[test].",
    );
  });

  it('a project without tests gets a hint from its test script', async () => {
    const root = await project('none', {
      'package.json': JSON.stringify({ scripts: { test: 'vitest run' } }),
      'src/cart.js': 'export const x = 1;\n',
    });
    expect(await describeTestConventions(root)).toBe(
      'No test files were found in this project; put new tests where its test command will find them. Its test script is `vitest run`.',
    );
  });
});
