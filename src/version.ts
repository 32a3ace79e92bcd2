import { readFileSync } from 'node:fs';
import path from 'node:path';

/** This service's version, from the package.json above this file (src/ or dist/src/). */
function readVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'pix-recovery' && pkg.version) return pkg.version;
    } catch {
      // not here: keep climbing
    }
  }
  return 'unknown';
}

export const VERSION = readVersion();
