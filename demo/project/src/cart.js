// A shopping cart: line totals, a volume discount, and the total with tax.

export function lineTotal(item) {
  return item.price * item.quantity;
}

/** 10% off every line of 10 or more items. */
export function discountedLineTotal(item) {
  const total = lineTotal(item);
  return item.quantity > 10 ? total * 0.9 : total;
}

export function cartTotal(items, taxRate = 0) {
  const net = items.reduce((sum, item) => sum + discountedLineTotal(item), 0);
  return Math.round(net * (1 + taxRate) * 100) / 100;
}
