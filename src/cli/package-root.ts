/**
 * Where the tokenledger package is on disk: the nearest folder above this code whose
 * package.json is tokenledger's. The code runs from src/cli/ in a checkout (tsx) and from a
 * bundle under dist/src/ once built, at different depths, so the path is looked for, not assumed.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Manifest {
  name?: unknown;
  version?: unknown;
}

function manifestAt(dir: string): Manifest | undefined {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

let found: { dir: string; manifest: Manifest } | null | undefined;

function packageRoot(): { dir: string; manifest: Manifest } | null {
  if (found !== undefined) return found;
  found = null;
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const manifest = manifestAt(dir);
    if (manifest?.name === 'tokenledger') {
      found = { dir, manifest };
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  return found;
}

/** The package's folder (the one holding its package.json), e.g. to find web/dist. */
export function packageDir(): string | undefined {
  return packageRoot()?.dir;
}

/** The package's version, from its package.json. */
export function packageVersion(): string {
  const version = packageRoot()?.manifest.version;
  return typeof version === 'string' ? version : 'unknown';
}
