/**
 * Errors across a thread boundary (the SQLite store's worker): `postMessage` keeps an Error's
 * message but not its class or fields, so a `StoreError` would arrive as a plain `Error` without
 * `retryable`, and the writer's retry decision would be lost. `toWireError` keeps the class
 * name and the own fields; `fromWireError` rebuilds an instance of the same class (any
 * tokenledger error class, found by name, so a new class needs no entry here).
 *
 * @module
 */
import * as classes from './errors.js';
import { TokenledgerError } from './errors.js';

/** An error as plain, structured-cloneable data. */
export interface WireError {
  name: string;
  message: string;
  stack: string | undefined;
  /** The error's own enumerable fields that survive structured cloning (`code`, `retryable`, `field`...). */
  fields: Record<string, unknown>;
  cause: WireError | undefined;
}

/** What a class needs to be rebuilt: its name and its prototype. */
interface ErrorClass {
  name: string;
  prototype: TokenledgerError;
}

function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === 'function' && (value === TokenledgerError || value.prototype instanceof TokenledgerError);
}

const BY_NAME = new Map<string, ErrorClass>(
  Object.values(classes as Record<string, unknown>)
    .filter(isErrorClass)
    .map((value) => [value.name, value]),
);

/** A cause chain deeper than this is cut: a cycle (`a.cause = a`) must not loop. */
const MAX_CAUSE_DEPTH = 4;

function cloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

export function toWireError(error: unknown, depth = 0): WireError {
  if (!(error instanceof Error)) {
    return { name: 'Error', message: String(error), stack: undefined, fields: {}, cause: undefined };
  }
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key !== 'cause' && cloneable(value)) fields[key] = value;
  }
  const cause = error.cause === undefined || depth >= MAX_CAUSE_DEPTH ? undefined : toWireError(error.cause, depth + 1);
  return { name: error.name, message: error.message, stack: error.stack, fields, cause };
}

/** The error `toWireError` described: the same tokenledger class with its fields, else an `Error` of that name. */
export function fromWireError(wire: WireError): Error {
  const cause = wire.cause === undefined ? undefined : fromWireError(wire.cause);
  const options = cause === undefined ? {} : { cause };
  const known = BY_NAME.get(wire.name);
  let error: Error;
  if (known === undefined) {
    error = new Error(wire.message, options);
    error.name = wire.name;
  } else {
    // Built as the base class (which sets the marker isInstance reads and redacts the message
    // once more), then given the subclass's prototype and fields: no subclass constructor
    // signature needs to be known.
    error = new TokenledgerError(String(wire.fields['code'] ?? 'error'), wire.message, options);
    Object.setPrototypeOf(error, known.prototype);
  }
  Object.assign(error, wire.fields);
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}
