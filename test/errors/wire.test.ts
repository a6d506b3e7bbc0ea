/** Errors across a thread boundary (the SQLite store's worker): the same class, fields and cause, after a real postMessage. */
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  BudgetExceededError,
  fromWireError,
  StoreError,
  TokenledgerError,
  toWireError,
  ValidationError,
} from '#src/errors/index.js';

/** Through a real port, as the worker's replies travel. */
async function across(error: unknown): Promise<Error> {
  const { port1, port2 } = new MessageChannel();
  const received = new Promise<Error>((resolve) => port2.once('message', (wire) => resolve(fromWireError(wire))));
  port1.postMessage(toWireError(error));
  try {
    return await received;
  } finally {
    port1.close();
  }
}

describe('toWireError / fromWireError', () => {
  it('keeps a StoreError a StoreError, with retryable, message, stack and the driver cause and its code', async () => {
    const driver = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const original = new StoreError('SQLite database is locked: /x.db (insert)', { cause: driver, retryable: false });
    const error = await across(original);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toBeInstanceOf(TokenledgerError);
    expect(TokenledgerError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ name: 'StoreError', code: 'store', retryable: false, message: original.message });
    expect(error.stack).toBe(original.stack);
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.cause).toMatchObject({ message: 'database is locked', code: 'SQLITE_BUSY' });
  });

  it('keeps the field of a ValidationError and the facts of a class with its own constructor', async () => {
    const validation = await across(new ValidationError('time is not a date', { field: 'time' }));
    expect(validation).toBeInstanceOf(ValidationError);
    expect(validation).toMatchObject({ field: 'time', code: 'invalid_input' });
    const facts = { budget: 'team', unit: 'usd', cap: 5, spent: 5, held: 0, requested: 0.1, reason: 'cap' } as const;
    const budget = await across(new BudgetExceededError(facts));
    expect(budget).toBeInstanceOf(BudgetExceededError);
    expect((budget as BudgetExceededError).facts).toEqual(facts);
  });

  it('gives other errors their name and message, and a thrown non-error its text', async () => {
    const type = await across(new TypeError('no such method'));
    expect(type).toMatchObject({ name: 'TypeError', message: 'no such method' });
    expect(TokenledgerError.isInstance(type)).toBe(false);
    expect(await across('plain text')).toMatchObject({ name: 'Error', message: 'plain text' });
  });

  it('leaves out fields that cannot be cloned and stops at a cause cycle', async () => {
    const cyclic = Object.assign(new Error('loop'), { fn: () => 1, n: 3 });
    cyclic.cause = cyclic;
    const error = await across(cyclic);
    expect(error).toMatchObject({ message: 'loop', n: 3 });
    expect('fn' in error).toBe(false);
    let depth = 0;
    for (let e: unknown = error; e instanceof Error; e = e.cause) depth++;
    expect(depth).toBe(5);
  });
});
