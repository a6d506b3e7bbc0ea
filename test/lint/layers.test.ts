/**
 * The layer rule of DESIGN.md is enforced by dependency-cruiser (`npm run lint`). These tests
 * prove the rule can fail: an upward import and a reach past a folder's index.ts are refused.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const depcruise = path.join(root, 'node_modules/.bin/depcruise');
let dir: string;

async function cruise(): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(depcruise, ['src', '--config', '.dependency-cruiser.cjs'], { cwd: dir });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tl-layers-'));
  await cp(path.join(root, 'src'), path.join(dir, 'src'), { recursive: true });
  await cp(path.join(root, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'));
  await cp(path.join(root, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  // The packages, so that an import of one resolves and is told type-only or not.
  await symlink(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('layer lint', () => {
  it('accepts the project as it is', async () => {
    const result = await cruise();
    expect(result.output).toContain('no dependency violations');
    expect(result.code).toBe(0);
  });

  it('refuses an upward import (errors, L0, importing store, L1)', async () => {
    await writeFile(path.join(dir, 'src/errors/upward.ts'), "import '../store/index.js';\nexport const upward = 1;\n");
    const result = await cruise();
    await rm(path.join(dir, 'src/errors/upward.ts'));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('no-upward-errors-to-store');
  });

  it('keeps the provider registry at L0: it may read types, not the usage readers (L1) nor errors', async () => {
    for (const [target, rule] of [
      ['../usage/index.js', 'no-upward-providers-to-usage'],
      ['../errors/index.js', 'no-upward-providers-to-errors'],
    ] as const) {
      await writeFile(path.join(dir, 'src/providers/upward.ts'), `import '${target}';\nexport const upward = 1;\n`);
      const result = await cruise();
      await rm(path.join(dir, 'src/providers/upward.ts'));
      expect(result.code).not.toBe(0);
      expect(result.output).toContain(rule);
    }
  });

  it('refuses a value import of a heavy module outside src/lazy, accepts a type-only one', async () => {
    const file = path.join(dir, 'src/usage/eager.ts');
    await writeFile(file, "import { z } from 'zod';\nexport const eager = z;\n");
    const eager = await cruise();
    await writeFile(file, "import type { z } from 'zod';\nexport type Eager = typeof z;\n");
    const typeOnly = await cruise();
    await rm(file);
    expect(eager.code).not.toBe(0);
    expect(eager.output).toMatch(/heavy-modules-through-lazy: src\/usage\/eager\.ts → \S*node_modules\/zod\//);
    expect(typeOnly.code).toBe(0);
  });

  it('refuses an import that bypasses a folder index.ts', async () => {
    await writeFile(
      path.join(dir, 'src/usage/reach.ts'),
      "import { ValidationError } from '../errors/errors.js';\nexport const reach = ValidationError;\n",
    );
    const result = await cruise();
    await rm(path.join(dir, 'src/usage/reach.ts'));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('only-through-index-errors');
  });
});
