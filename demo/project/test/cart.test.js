import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cartTotal, discountedLineTotal, lineTotal } from '../src/cart.js';

test('a line costs price times quantity', () => {
  assert.equal(lineTotal({ price: 2.5, quantity: 4 }), 10);
});

test('ten items of one kind get 10% off', () => {
  assert.equal(discountedLineTotal({ price: 1, quantity: 10 }), 9);
});

test('the total adds tax', () => {
  assert.equal(cartTotal([{ price: 10, quantity: 2 }], 0.2), 24);
});
