/**
 * Synthesizes the reference app (the platform of `PlatformConfig.sample()` and the use case
 * `weld-gun-pm` with every extension in DEV, INT and PROD) into a cloud assembly directory and prints
 * the path of every CloudFormation template in it, one per line. Used by scripts/checkov.sh.
 *
 *   npx ts-node --transpile-only -P tsconfig.dev.json bench/synth-reference.ts <outdir>
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildReferenceApp } from './reference-app';

/** Every `*.template.json` below a directory (the stacks' and the Service Catalog products' templates). */
export function templateFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...templateFiles(full));
    else if (entry.name.endsWith('.template.json')) found.push(full);
  }
  return found.sort();
}

function main(): void {
  const outdir = process.argv[2];
  if (!outdir) {
    console.error('usage: synth-reference.ts <outdir>');
    process.exit(2);
  }
  buildReferenceApp({ outdir }).synth();
  for (const file of templateFiles(outdir)) console.log(file);
}

if (require.main === module) main();
