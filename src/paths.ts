import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The project root: the nearest folder above this file with a package.json (works from src/ and dist/). */
export const PROJECT_ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
})();

/** Where scripts/setup.sh installs the local tools (git-ignored). */
export const TOOLS_BIN = path.join(PROJECT_ROOT, '.tools', 'bin');
