#!/usr/bin/env node
// Bundles the runtime (src/runtime: registry client, CLI, Lambda handlers) with esbuild into assets/runtime,
// so that the AWS SDK v3 is bundled code, never a dependency of the published package, and prints the size
// of every bundle. Entry points: src/runtime/cli/main.ts and src/runtime/handlers/<name>/index.ts.
import { build } from 'esbuild';
import { existsSync, readdirSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'assets', 'runtime');
rmSync(out, { recursive: true, force: true });

const entries = [];
const cli = join(root, 'src/runtime/cli/main.ts');
if (existsSync(cli)) entries.push({ in: cli, out: 'cli/main' });
const handlers = join(root, 'src/runtime/handlers');
if (existsSync(handlers)) {
  for (const name of readdirSync(handlers)) {
    const index = join(handlers, name, 'index.ts');
    if (existsSync(index)) entries.push({ in: index, out: `handlers/${name}/index` });
  }
}
if (entries.length === 0) {
  console.log('bundle-runtime: no runtime entry points yet');
  process.exit(0);
}

await build({
  entryPoints: entries,
  outdir: out,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // prefer the ES module builds of dependencies (the AWS SDK v3): they tree-shake to half the size
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});

let total = 0;
const rows = [];
for (const e of entries) {
  const file = join(out, `${e.out}.js`);
  const size = statSync(file).size;
  total += size;
  rows.push(`  ${`assets/runtime/${e.out}.js`.padEnd(50)} ${(size / 1024).toFixed(1).padStart(8)} KiB`);
}
console.log(`bundle-runtime: ${entries.length} bundles, ${(total / 1024).toFixed(1)} KiB in total`);
console.log(rows.join('\n'));
