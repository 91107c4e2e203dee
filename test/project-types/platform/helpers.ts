import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { javascript } from 'projen';
import * as YAML from 'yaml';
import { MlopsPlatformProject, MlopsPlatformProjectOptions } from '../../../src';

/** A new empty directory for one project. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-platform-pt-'));
}

/**
 * A platform project with the options `projen new --from @vw/mlops-blueprint mlops-platform` renders
 * (projen's own default cdkVersion, npm, .projenrc.ts), plus the overrides.
 */
export function platformProject(overrides: Partial<MlopsPlatformProjectOptions> = {}, outdir: string = tempDir()): MlopsPlatformProject {
  return new MlopsPlatformProject({
    name: 'platform',
    defaultReleaseBranch: 'main',
    cdkVersion: '2.189.1',
    packageManager: javascript.NodePackageManager.NPM,
    projenrcTs: true,
    outdir,
    ...overrides,
  });
}

/** One job of a parsed workflow. */
export interface WorkflowJob {
  readonly 'name'?: string;
  readonly 'needs'?: string | string[];
  readonly 'environment'?: string;
  readonly 'permissions'?: Record<string, string>;
  readonly 'timeout-minutes'?: number;
  readonly 'steps': Array<{ name?: string; uses?: string; run?: string; with?: Record<string, string> }>;
}

/** A parsed workflow. */
export interface Workflow {
  readonly name: string;
  readonly on: Record<string, unknown>;
  readonly concurrency?: Record<string, unknown>;
  readonly jobs: Record<string, WorkflowJob>;
}

/** Parses a synthesized workflow (Testing.synth keeps YAML files as text). */
export function parseWorkflow(text: string | undefined): Workflow {
  if (typeof text !== 'string') throw new Error('the workflow was not synthesized');
  return YAML.parse(text) as Workflow;
}

/** The `needs` of a job as a list. */
export function needsOf(job: WorkflowJob): string[] {
  if (job.needs === undefined) return [];
  return Array.isArray(job.needs) ? job.needs : [job.needs];
}

/**
 * The jobs in an order that respects every `needs` (Kahn's algorithm, ties broken by the order of the
 * file); throws on a cycle or on a `needs` of a missing job.
 */
export function topologicalJobOrder(workflow: Workflow): string[] {
  const ids = Object.keys(workflow.jobs);
  const remaining = new Map(ids.map((id) => [id, new Set(needsOf(workflow.jobs[id]))]));
  for (const [id, needs] of remaining) {
    for (const n of needs) if (!ids.includes(n)) throw new Error(`job ${id} needs the missing job ${n}`);
  }
  const order: string[] = [];
  while (remaining.size > 0) {
    const ready = ids.find((id) => remaining.has(id) && [...remaining.get(id)!].every((n) => order.includes(n)));
    if (!ready) throw new Error(`cycle among ${[...remaining.keys()].join(', ')}`);
    order.push(ready);
    remaining.delete(ready);
  }
  return order;
}

/** Every job that `id` waits for, directly or through other jobs. */
export function transitiveNeeds(workflow: Workflow, id: string): Set<string> {
  const seen = new Set<string>();
  const visit = (j: string) => {
    for (const n of needsOf(workflow.jobs[j])) {
      if (!seen.has(n)) {
        seen.add(n);
        visit(n);
      }
    }
  };
  visit(id);
  return seen;
}

/**
 * Synthesizes a project into its outdir and leaves the files there (Testing.synth removes the outdir
 * afterwards), without the post-synthesis steps (npm install).
 */
export function synthInPlace(project: { synth(): void }): void {
  const before = process.env.PROJEN_DISABLE_POST;
  process.env.PROJEN_DISABLE_POST = 'true';
  try {
    project.synth();
  } finally {
    if (before === undefined) delete process.env.PROJEN_DISABLE_POST;
    else process.env.PROJEN_DISABLE_POST = before;
  }
}
