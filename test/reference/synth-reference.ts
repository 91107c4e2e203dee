/**
 * Writes the cloud assembly of the reference app into a directory:
 *
 *   npx ts-node --project tsconfig.dev.json test/reference/synth-reference.ts <outdir>
 *
 * A previous cloud assembly in <outdir> is replaced; any other non-empty directory is refused.
 * Prints one JSON line: the output directory, the stack count and the build and synth times in ms.
 */
import * as fs from 'fs';
import * as path from 'path';
import { synthReferenceApp } from './reference-app';

function main(argv: string[]): void {
  if (argv.length !== 1) {
    process.stderr.write('usage: synth-reference.ts <outdir>\n');
    process.exit(2);
  }
  const outdir = path.resolve(argv[0]);
  if (fs.existsSync(outdir) && fs.readdirSync(outdir).length > 0 && !fs.existsSync(path.join(outdir, 'manifest.json'))) {
    process.stderr.write(`${outdir} is not empty and not a cloud assembly (no manifest.json); give a new or a cdk.out directory\n`);
    process.exit(2);
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  const { assembly, buildMs, synthMs } = synthReferenceApp(outdir);
  process.stdout.write(`${JSON.stringify({ outdir, stacks: assembly.stacks.length, buildMs, synthMs })}\n`);
}

main(process.argv.slice(2));
