/**
 * One loader shape for everything src/lazy defers: a module required synchronously (through
 * CommonJS `require`, so that the code using it stays synchronous) on its first use, and the same
 * module returned after.
 *
 * @module
 */
import { createRequire } from 'node:module';

const requireModule = createRequire(import.meta.url);

/** A loader of `specifier`: it requires the module on its first call and returns the same one after. */
export function onFirstUse<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= requireModule(specifier) as T;
    return loaded;
  };
}
