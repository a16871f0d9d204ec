/**
 * `pnpm bench`: runs every bench/*.bench.ts module in name order and prints its figures.
 * Benchmarks print numbers; they never fail on a threshold (speed is not a test).
 * `pnpm bench <filter>` runs only the modules whose file name contains <filter>.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort();

for (const f of files) {
  console.log(`\n## ${f.replace(/\.bench\.ts$/, '')}`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { bench: () => Promise<void> | void };
  await mod.bench();
}
