/**
 * Draws the accounts and stacks of the synthesized app (cdk.out) as a Mermaid flowchart: one box per
 * account (from the stacks' `mlops:account` tag, else the account id) holding its stacks with their
 * resource counts, and the flow of a model between them. Writes docs/architecture.md and replaces
 * the part of README.md between the `mlops:architecture` markers, if README.md has them.
 *
 * Usage: ts-node scripts/diagram.ts [cdk.out] [docs/architecture.md]
 */
import * as fs from 'fs';
import * as path from 'path';

const ASSEMBLY = process.argv[2] ?? 'cdk.out';
const OUT = process.argv[3] ?? path.join('docs', 'architecture.md');
const README = 'README.md';
const START = '<!-- mlops:architecture:start -->';
const END = '<!-- mlops:architecture:end -->';
const ORDER = ['data', 'exp', 'res', 'dev', 'int', 'prod'];

interface StackInfo {
  readonly id: string;
  readonly name: string;
  readonly account: string;
  readonly accountId: string;
  readonly region: string;
  readonly resources: number;
  readonly types: string[];
}

function readStacks(assembly: string): StackInfo[] {
  const manifestFile = path.join(assembly, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new Error(`${manifestFile} does not exist: synthesize the app first (npx projen synth:silent)`);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf-8'));
  const stacks: StackInfo[] = [];
  for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const [accountId, region] = String(artifact.environment ?? '').replace(/^aws:\/\//, '').split('/');
    const template = JSON.parse(fs.readFileSync(path.join(assembly, artifact.properties.templateFile), 'utf-8'));
    const resources = Object.values<any>(template.Resources ?? {}).filter((r) => r.Type !== 'AWS::CDK::Metadata');
    const counts = new Map<string, number>();
    for (const r of resources) counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
    const types = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 4).map(([t, n]) => `${n} ${t.replace(/^AWS::/, '')}`);
    const tags = artifact.properties.tags ?? {};
    stacks.push({
      id,
      name: artifact.properties.stackName ?? id,
      account: String(tags['mlops:account'] ?? accountId),
      accountId,
      region,
      resources: resources.length,
      types,
    });
  }
  const rank = (s: StackInfo) => (ORDER.includes(s.account) ? ORDER.indexOf(s.account) : ORDER.length);
  return stacks.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

function mermaid(stacks: StackInfo[]): string {
  const lines = ['```mermaid', 'flowchart LR'];
  const node = (s: StackInfo) => `s_${s.id.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const accounts = [...new Set(stacks.map((s) => s.account))];
  lines.push('  gh(["GitHub Actions: push to main"])');
  for (const account of accounts) {
    const inAccount = stacks.filter((s) => s.account === account);
    const first = inAccount[0];
    lines.push(`  subgraph acct_${account.replace(/[^A-Za-z0-9_]/g, '_')}["${account.toUpperCase()} ${first.accountId} ${first.region}"]`);
    for (const s of inAccount) lines.push(`    ${node(s)}["${s.name}<br/>${s.resources} resources"]`);
    lines.push('  end');
  }
  const of = (account: string) => stacks.filter((s) => s.account === account);
  for (const s of of('exp')) lines.push(`  gh -- "cdk deploy, start pipeline (OIDC)" --> ${node(s)}`);
  for (const from of of('exp')) for (const to of of('res')) lines.push(`  ${node(from)} -- "model version approved (EventBridge)" --> ${node(to)}`);
  for (const from of of('res')) {
    for (const stage of ['dev', 'int', 'prod']) {
      for (const to of of(stage)) lines.push(`  ${node(from)} -- "${stage === 'dev' ? 'deploy + smoke test' : 'approve, deploy + smoke test'}" --> ${node(to)}`);
    }
  }
  lines.push('```');
  return lines.join('\n');
}

function table(stacks: StackInfo[]): string {
  const rows = stacks.map((s) => `| ${s.account.toUpperCase()} | ${s.accountId} | ${s.region} | \`${s.name}\` | ${s.resources} | ${s.types.join(', ')} |`);
  return ['| account | id | region | stack | resources | most common |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

const stacks = readStacks(ASSEMBLY);
const picture = mermaid(stacks);
const total = stacks.reduce((n, s) => n + s.resources, 0);
const doc = [
  '# Architecture',
  '',
  `Generated from the synthesized app (${ASSEMBLY}) by \`npx projen diagram\` (the build refreshes it): ${stacks.length} stacks, ${total} resources.`,
  '',
  picture,
  '',
  table(stacks),
  '',
].join('\n');
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, doc);
console.log(`${OUT}: ${stacks.length} stacks, ${total} resources`);
for (const s of stacks) console.log(`  ${s.account.toUpperCase().padEnd(5)} ${s.accountId} ${s.region}  ${s.name}: ${s.resources} resources`);

if (fs.existsSync(README)) {
  const readme = fs.readFileSync(README, 'utf-8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start >= 0 && end > start) {
    const updated = `${readme.slice(0, start + START.length)}\n${picture}\n${readme.slice(end)}`;
    if (updated !== readme) fs.writeFileSync(README, updated);
  }
}
