/**
 * The README table of the flows: one row per request, `step | caller | account | action | allowed by`,
 * "allowed by" naming the statements (by Sid where they have one) and security-group rules that the
 * evaluation of the synthesized templates found. README.md holds it between
 * `<!-- flows:start -->` and `<!-- flows:end -->`; `readme-table.test.ts` keeps it current.
 *
 *   npx ts-node --transpile-only --project tsconfig.dev.json test/flows/table.ts [--write]
 */
import * as fs from 'fs';
import * as path from 'path';
import { ensureFlowAssembly, readFlowStacks } from './engine/assembly';
import { evaluateRequest } from './engine/evaluate';
import { buildFlowModel, FlowModel, LabeledPolicy } from './engine/model';
import { display } from './engine/names';
import { ALL_FLOWS } from './flows';

/** The markers around the table in README.md. */
export const TABLE_START = '<!-- flows:start -->';
/** The end marker. */
export const TABLE_END = '<!-- flows:end -->';

function policiesOf(model: FlowModel): Map<string, LabeledPolicy> {
  const out = new Map<string, LabeledPolicy>();
  for (const p of model.resourcePolicies.values()) out.set(p.label, p);
  for (const r of model.roles.values()) for (const p of [...r.identity, ...(r.boundary ? [r.boundary] : [])]) out.set(p.label, p);
  return out;
}

function nameOf(policies: Map<string, LabeledPolicy>, id: string): string {
  const hash = id.lastIndexOf('#');
  if (hash < 0) return display(id);
  const policy = policies.get(id.slice(0, hash));
  const statements = policy ? (Array.isArray(policy.doc.Statement) ? policy.doc.Statement : [policy.doc.Statement]) : [];
  const sid = (statements[Number(id.slice(hash + 1)) - 1] as any)?.Sid;
  return display(id, sid);
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The Markdown table of every flow request of the reference app. */
export async function flowTable(): Promise<string> {
  await ensureFlowAssembly();
  const model = buildFlowModel(readFlowStacks());
  const policies = policiesOf(model);
  const rows = ['| step | caller | account | action | allowed by |', '|---|---|---|---|---|'];
  for (const flow of ALL_FLOWS) {
    for (const r of flow.requests) {
      const result = await evaluateRequest(model, r);
      let by: string;
      if (r.deniedFor) by = `denied (${r.deniedFor.stage}): ${result.failure?.why ?? 'NOT DENIED'}`;
      else if (r.knownDefect) by = `fails today (${r.knownDefect})`;
      else by = [...new Set(result.reliedOn)].map((id) => nameOf(policies, id)).join(', ');
      rows.push(`| ${[`${flow.id}: ${r.step}`, r.caller, r.account, r.action, by].map(cell).join(' | ')} |`);
    }
  }
  return rows.join('\n');
}

/** README.md with the table between the markers replaced. */
export function withTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${TABLE_START} ... ${TABLE_END} section`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}

async function main(argv: string[]): Promise<void> {
  const table = await flowTable();
  if (argv.includes('--write')) {
    const file = path.join(__dirname, '..', '..', 'README.md');
    fs.writeFileSync(file, withTable(fs.readFileSync(file, 'utf8'), table));
  } else {
    process.stdout.write(`${table}\n`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`${e.stack ?? e}\n`);
    process.exit(2);
  });
}
