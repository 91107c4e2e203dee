/**
 * The runtime bundles (scripts/bundle-runtime.mjs writes assets/runtime) for tests that run or synthesize
 * the BUNDLED code: rebuilt when missing or older than any of their sources.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The bundled CLI. */
export const CLI_BUNDLE = path.join(REPO_ROOT, 'assets', 'runtime', 'cli', 'main.js');
/** The bundled invoke-endpoint Lambda handler. */
export const HANDLER_BUNDLE = path.join(REPO_ROOT, 'assets', 'runtime', 'handlers', 'invoke-endpoint', 'index.js');

/** What the bundles are built from (the CLI also bundles the config validation and the bootstrap). */
const SOURCES = ['src/runtime', 'src/blueprint/config', 'src/blueprint/bootstrap'].map((d) => path.join(REPO_ROOT, d));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds every runtime bundle, whatever their age. */
export function buildRuntimeBundles(): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'bundle-runtime.mjs')], { cwd: REPO_ROOT, stdio: 'pipe' });
}

/**
 * Builds the runtime bundles when `bundle` is missing or older than any runtime source.
 * @param bundle the bundle the test needs (CLI_BUNDLE or HANDLER_BUNDLE)
 */
export function ensureRuntimeBundle(bundle: string): void {
  const built = fs.existsSync(bundle) ? fs.statSync(bundle).mtimeMs : 0;
  if (built === 0 || Math.max(...SOURCES.map(newestSource)) > built) buildRuntimeBundles();
}
