#!/usr/bin/env node
// Prints the size of the npm tarball jsii-pacmak wrote (dist/js/*.tgz) and of its largest parts.
import { readdirSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const dir = new URL('../dist/js', import.meta.url).pathname;
const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
if (tarballs.length === 0) {
  console.error('report-package-size: no tarball in dist/js; run npx projen package:js first');
  process.exit(1);
}
for (const t of tarballs) {
  const file = join(dir, t);
  const listing = execFileSync('tar', ['-tvzf', file], { encoding: 'utf-8' }).trim().split('\n');
  const files = listing.map((l) => {
    const parts = l.trim().split(/\s+/);
    return { size: Number(parts[2]), name: parts[parts.length - 1] };
  });
  const unpacked = files.reduce((n, f) => n + f.size, 0);
  console.log(`npm tarball ${t}: ${(statSync(file).size / 1024).toFixed(1)} KiB packed, ${(unpacked / 1024).toFixed(1)} KiB unpacked, ${files.length} files`);
  for (const f of files.sort((a, b) => b.size - a.size).slice(0, 5)) console.log(`  ${f.name.padEnd(60)} ${(f.size / 1024).toFixed(1).padStart(8)} KiB`);
}
