/**
 * The reference app's cloud assembly, synthesized once and shared by every flow file, the mutation
 * run and the README table: written to `.tmp/flows-cdk.out` and reused while a hash of its sources
 * (`src/**`, `test/reference/**`, the runtime bundles) is unchanged. Concurrent Jest workers wait on
 * a lock directory instead of synthesizing twice. Suites that need the reference app's templates (the
 * deploy-time rules and limits, the commands run) read this assembly too (`referenceCloudAssembly`)
 * instead of synthesizing the same app again. Its templates are copied to `.cfn-templates/` like every
 * template a test synthesizes in-process, so that cfn-lint still checks them.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { ensureRuntimeBundle, HANDLER_BUNDLE, REPO_ROOT } from '../../helpers/runtime-bundle';
import { collectTemplate } from '../../setup/collect-templates';

/** One stack of the assembly. */
export interface FlowStack {
  /** The artifact id without its hash suffix, e.g. `WeldGunTraining`, `PlatformExp`. */
  readonly name: string;
  /** The artifact id, e.g. `WeldGunTraining441144F0`. */
  readonly artifactId: string;
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** The account id. */
  readonly account: string;
  /** The region. */
  readonly region: string;
  /** The parsed template. */
  readonly template: Record<string, any>;
}

/** The directory of the shared assembly. */
export const FLOWS_ASSEMBLY_DIR = path.join(REPO_ROOT, '.tmp', 'flows-cdk.out');
const HASH_FILE = path.join(FLOWS_ASSEMBLY_DIR, '.flows-source-hash');
const LOCK_DIR = `${FLOWS_ASSEMBLY_DIR}.lock`;

function hashTree(hash: ReturnType<typeof createHash>, dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) hashTree(hash, p);
    else hash.update(path.relative(REPO_ROOT, p)).update(fs.readFileSync(p));
  }
}

/** A hash of everything the reference assembly is built from. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const dir of ['src', 'test/reference', 'assets/runtime']) hashTree(hash, path.join(REPO_ROOT, dir));
  return hash.digest('hex');
}

function fresh(hash: string): boolean {
  return fs.existsSync(HASH_FILE) && fs.readFileSync(HASH_FILE, 'utf8') === hash;
}

function synthesize(hash: string): void {
  const tmp = `${FLOWS_ASSEMBLY_DIR}.${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  execFileSync(process.execPath, [
    require.resolve('ts-node/dist/bin.js'), '--transpile-only', '--project', path.join(REPO_ROOT, 'tsconfig.dev.json'),
    path.join(REPO_ROOT, 'test', 'reference', 'synth-reference.ts'), tmp,
  ], { cwd: REPO_ROOT, stdio: 'pipe' });
  // the stacks' templates, as the Jest setup collects them from an in-process synth
  for (const stack of new CloudAssembly(tmp).stacksRecursively) collectTemplate(fs.readFileSync(stack.templateFullPath, 'utf-8'));
  fs.writeFileSync(path.join(tmp, '.flows-source-hash'), hash);
  fs.rmSync(FLOWS_ASSEMBLY_DIR, { recursive: true, force: true });
  fs.renameSync(tmp, FLOWS_ASSEMBLY_DIR);
}

/** Takes the lock (or returns false once another process has written a fresh assembly), waiting with `wait`. */
function* lockSteps(hash: string): Generator<number, boolean> {
  fs.mkdirSync(path.dirname(LOCK_DIR), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK_DIR);
      return true;
    } catch {
      if (fresh(hash)) return false;
      const age = Date.now() - fs.statSync(LOCK_DIR, { throwIfNoEntry: false } as any)?.mtimeMs;
      if (age > 300_000) fs.rmSync(LOCK_DIR, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`flows: waited 5 minutes for ${LOCK_DIR}; remove it if no synthesis is running`);
      yield 500;
    }
  }
}

function synthesizeLocked(hash: string): void {
  try {
    if (!fresh(hash)) synthesize(hash);
  } finally {
    fs.rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/**
 * Makes sure `.tmp/flows-cdk.out` holds the assembly of the current sources, synthesizing it when
 * missing or stale (one process synthesizes; the others wait for it, up to 5 minutes).
 */
export async function ensureFlowAssembly(): Promise<void> {
  ensureRuntimeBundle(HANDLER_BUNDLE);
  const hash = sourceHash();
  if (fresh(hash)) return;
  const steps = lockSteps(hash);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) {
      if (step.value) synthesizeLocked(hash);
      return;
    }
    await new Promise((r) => setTimeout(r, step.value as number));
  }
}

/**
 * `ensureFlowAssembly` for module scope (suites whose `test.each` tables come from the templates): the
 * wait blocks this worker only.
 */
export function ensureFlowAssemblySync(): void {
  ensureRuntimeBundle(HANDLER_BUNDLE);
  const hash = sourceHash();
  if (fresh(hash)) return;
  const steps = lockSteps(hash);
  const blocker = new Int32Array(new SharedArrayBuffer(4));
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) {
      if (step.value) synthesizeLocked(hash);
      return;
    }
    Atomics.wait(blocker, 0, 0, step.value as number);
  }
}

/**
 * The reference app's shared cloud assembly (synthesized when stale), read with the cloud assembly API:
 * `stacks`, `getStackByName`, `directory` as on the result of `app.synth()`.
 */
export function referenceCloudAssembly(): CloudAssembly {
  ensureFlowAssemblySync();
  return new CloudAssembly(FLOWS_ASSEMBLY_DIR);
}

/** Reads the stacks of the shared assembly (call `ensureFlowAssembly` first). */
export function readFlowStacks(dir = FLOWS_ASSEMBLY_DIR): FlowStack[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const stacks: FlowStack[] = [];
  for (const [artifactId, artifact] of Object.entries<any>(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const [, account, region] = /^aws:\/\/(\d{12})\/([a-z0-9-]+)$/.exec(artifact.environment) ?? [];
    if (!account) throw new Error(`flows: stack ${artifactId} has no concrete environment (${artifact.environment})`);
    const template = JSON.parse(fs.readFileSync(path.join(dir, artifact.properties.templateFile), 'utf8'));
    stacks.push({ name: artifactId.replace(/[0-9A-F]{8}$/, ''), artifactId, stackName: artifact.properties.stackName ?? artifactId, account, region, template });
  }
  return stacks;
}
