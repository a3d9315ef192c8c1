// `npm run bench`: builds the planning core, runs every bench/*.bench.mjs (each default-exports
// `async run(): Promise<Record<string, number | string | number[]>>`), prints a table, and prints as
// the very last line one JSON object merging every bench's fields (dose fields first).
import { execSync } from 'child_process';
import { readdirSync } from 'fs';
import { dirname, join } from 'path';
import { fileURLToPath, pathToFileURL } from 'url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
try {
  execSync('npm run -s build:core', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
} catch {
  console.error('bench: build:core reported errors; running the benches on what was emitted');
}
const order = (f) => (f === 'dose.bench.mjs' ? '0' : '1') + f;
const files = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.bench.mjs')).sort((a, b) => order(a).localeCompare(order(b)));
const merged = {};
let failed = false;
for (const f of files) {
  const name = f.replace(/\.bench\.mjs$/, '');
  const t = performance.now();
  try {
    const mod = await import(pathToFileURL(join(root, 'bench', f)).href);
    const result = await mod.default();
    Object.assign(merged, result);
    console.log(`\n${name} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    for (const [k, v] of Object.entries(result)) console.log(`  ${k.padEnd(24)} ${Array.isArray(v) ? v.join('×') : v}`);
  } catch (e) {
    failed = true;
    console.log(`\n${name}: FAILED ${e instanceof Error ? e.stack : String(e)}`);
  }
}
console.log(JSON.stringify(merged));
process.exitCode = failed ? 1 : 0;
