import fs from 'node:fs';
import path from 'node:path';

/** The project root, found from this file whether it runs from `src/` or `dist/src/`. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}

/** The binaries `npm run setup` installs into `.tools/`; an explicit path wins. */
export function toolPath(name: 'temporal' | 'temporal-test-server', env = process.env): string {
  const override = name === 'temporal' ? env.TEMPORAL_CLI_PATH : env.TEMPORAL_TEST_SERVER_PATH;
  if (override) return override;
  const local = path.join(projectRoot(), '.tools', 'bin', name);
  if (fs.existsSync(local)) return local;
  throw new Error(`${name} binary not found at ${local}: run "npm run setup" first`);
}
