/**
 * The browser builds of Vega, Vega-Lite and vega-embed, read from the installed
 * packages at run time, so a report works offline and an installed basisfit
 * (also `npm install -g`) carries its own copies. The packages' export maps
 * hide their build folders, so each bundle is found beside the entry file that
 * the package does export.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BasisfitError } from '../../errors.js';
import { fsReason } from '../../model/fs-errors.js';

const require = createRequire(import.meta.url);

/** Package, and its minified browser bundle's file name in the folder of the package's main entry. */
const BUNDLES = [
  ['vega', 'vega.min.js'],
  ['vega-lite', 'vega-lite.min.js'],
  ['vega-embed', 'vega-embed.min.js'],
] as const;

export interface Runtime {
  name: string;
  source: string;
}

export async function browserRuntimes(): Promise<Runtime[]> {
  return Promise.all(
    BUNDLES.map(async ([name, file]) => {
      let path = '';
      try {
        path = join(dirname(require.resolve(name)), file);
        return { name, source: await readFile(path, 'utf8') };
      } catch (err) {
        const reason = path ? fsReason(err) : 'the package is not installed';
        throw new BasisfitError(`cannot read the ${name} browser bundle${path ? ` at ${path}` : ''}: ${reason}`, {
          hint: 'the installation of basisfit is incomplete; reinstall it (npm install)',
        });
      }
    }),
  );
}
