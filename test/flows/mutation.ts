/**
 * The mutation run of the flows: removes, one at a time, every policy statement and security-group
 * rule that an allowed flow request relied on (in a copy of the synthesized templates), re-evaluates
 * the requests that relied on it, and counts the removals that at least one request catches.
 *
 *   npx ts-node --transpile-only --project tsconfig.dev.json test/flows/mutation.ts
 *
 * Prints `flows: N requests, M statements+rules relied on, K caught by a flow` and the uncaught ones
 * with the reason; exits 1 when K/M < 0.95.
 */
import { ensureFlowAssembly, readFlowStacks } from './engine/assembly';
import { evaluateRequest, RequestResult } from './engine/evaluate';
import { buildFlowModel } from './engine/model';
import { isTemplateId, withoutElement } from './engine/mutate';
import { display } from './engine/names';
import { FlowRequest } from './engine/types';
import { ALL_FLOWS } from './flows';

/** The result of the mutation run. */
export interface MutationReport {
  readonly requests: number;
  readonly reliedOn: number;
  readonly caught: number;
  readonly uncaught: Array<{ id: string; why: string }>;
}

/** Runs the mutation analysis over the given requests. */
export async function runMutation(requests: FlowRequest[]): Promise<MutationReport> {
  await ensureFlowAssembly();
  const stacks = readFlowStacks();
  const model = buildFlowModel(stacks);
  const passing: RequestResult[] = [];
  for (const r of requests) {
    if (r.deniedFor || r.knownDefect) continue;
    const result = await evaluateRequest(model, r);
    if (!result.allowed) throw new Error(`mutation: the flow request "${r.step}" fails before any mutation; fix the flows first`);
    passing.push(result);
  }
  const users = new Map<string, RequestResult[]>();
  for (const result of passing) {
    for (const id of new Set(result.reliedOn.filter(isTemplateId))) users.set(id, [...(users.get(id) ?? []), result]);
  }
  const uncaught: Array<{ id: string; why: string }> = [];
  let caught = 0;
  for (const [id, results] of [...users.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const mutated = buildFlowModel(withoutElement(stacks, id));
    let killed = false;
    for (const before of results) {
      if (!(await evaluateRequest(mutated, before.request)).allowed) {
        killed = true;
        break;
      }
    }
    if (killed) {caught++;} else {
      // Every request that relied on it is still allowed: another statement of the same check grants the same.
      const before = results[0];
      const check = before.checks.find((c) => c.reliedOn.includes(id))!;
      const others = check.reliedOn.filter((x) => x !== id && isTemplateId(x));
      uncaught.push({ id, why: `redundant: "${before.request.step}" (${check.stage}) is also allowed by ${others.map((x) => display(x)).join(', ')}` });
    }
  }
  return { requests: requests.length, reliedOn: users.size, caught, uncaught };
}

async function main(): Promise<void> {
  const report = await runMutation(ALL_FLOWS.flatMap((f) => f.requests));
  process.stdout.write(`flows: ${report.requests} requests, ${report.reliedOn} statements+rules relied on, ${report.caught} caught by a flow\n`);
  for (const u of report.uncaught) process.stdout.write(`  uncaught ${display(u.id)} (${u.id}): ${u.why}\n`);
  if (report.caught / report.reliedOn < 0.95) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${e.stack ?? e}\n`);
    process.exit(2);
  });
}
