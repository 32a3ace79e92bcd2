import fs from 'node:fs';
import path from 'node:path';

/**
 * Loads `.env` from the working directory when there is one, with Node's own parser
 * (`process.loadEnvFile`, Node 20.12+). Variables already in the environment win, so a
 * value given on the command line or by the container overrides the file.
 */
export function loadDotEnv(dir = process.cwd()): string | null {
  const file = path.join(dir, '.env');
  if (!fs.existsSync(file)) return null;
  process.loadEnvFile(file);
  return file;
}
