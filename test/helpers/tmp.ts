/** Temporary folders for tests that write files; each test file removes its own. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir as osTmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** Creates a fresh empty folder under the OS temp folder and returns its path. */
export function tmpdir(prefix = 'basisfit-test-'): string {
  return mkdtempSync(join(osTmpdir(), prefix));
}

export function removeDir(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/**
 * A temp folder for the whole test file: created now (call at the top level of
 * the file or a describe block), removed after the file's tests.
 */
export function useTmpdir(prefix?: string): { path: string; file(name: string): string } {
  const path = tmpdir(prefix);
  afterAll(() => removeDir(path));
  return { path, file: (name: string) => join(path, name) };
}
