/**
 * `mlops-blueprint cost`: the idle monthly cost of a synthesized app, per stack, per use case and for the
 * platform, and the projection for N use cases. cli.ts registers `COST_COMMAND` and calls `cost`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CostEstimate, estimate, PLATFORM, readAssembly } from './estimate';
import { defaultPriceTable, loadPriceTable, PriceTableError, regionPrices } from './prices';
import type { CommandSpec } from '../cli/args';
import type { CliIo } from '../cli/cli';

/** The default number of use cases of the projection. */
export const DEFAULT_PROJECTED_USE_CASES = 100;

/** The command. */
export const COST_COMMAND: CommandSpec = {
  words: ['cost'],
  summary: 'Estimate the idle monthly cost (730 h, on-demand list prices) of a synthesized app, per stack, per use case, for the platform and for N use cases.',
  positionals: [],
  options: [
    { name: 'app', kind: 'string', valueName: 'DIR', required: true, description: 'the cloud assembly (cdk.out)' },
    { name: 'prices', kind: 'string', valueName: 'FILE', description: 'a price table of your own (the shape of the shipped price-table.json) instead of the shipped one' },
    {
      name: 'use-cases',
      kind: 'string',
      valueName: 'N',
      description: `the projection: the platform once plus N times the mean use case (default ${DEFAULT_PROJECTED_USE_CASES})`,
    },
  ],
  examples: ['mlops-blueprint cost --app cdk.out', 'mlops-blueprint cost --app cdk.out --region eu-central-1 --use-cases 250 --prices my-prices.json'],
};

/** What `cost` needs of the CLI. */
export interface CostContext {
  readonly io: CliIo;
  readonly json: boolean;
  readonly options: Readonly<Record<string, string | boolean>>;
}

const usd = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * Runs `mlops-blueprint cost`; returns the exit code (1 on a bad option, table or assembly).
 * @param ctx the CLI context
 */
export function cost(ctx: CostContext): number {
  const { io, options } = ctx;
  const fail = (message: string) => {
    if (ctx.json) io.stdout(JSON.stringify({ error: 'INVALID_INPUT', message }, undefined, 2));
    else io.stderr(`mlops-blueprint cost: ${message}`);
    return 1;
  };
  const nText = typeof options['use-cases'] === 'string' ? (options['use-cases'] as string) : String(DEFAULT_PROJECTED_USE_CASES);
  if (!/^\d+$/.test(nText)) return fail(`--use-cases ${nText}: not a number of use cases; write a whole number, e.g. 100`);
  const n = Number(nText);
  const appDir = path.resolve(io.cwd, options.app as string);
  if (!fs.existsSync(path.join(appDir, 'manifest.json'))) {
    return fail(`--app ${options.app}: not a cloud assembly (no manifest.json in it); run "cdk synth" (or "npx projen synth") and give its cdk.out`);
  }
  try {
    const table = typeof options.prices === 'string' ? loadPriceTable(path.resolve(io.cwd, options.prices)) : defaultPriceTable();
    const stacks = readAssembly(appDir);
    const assemblyRegions = [...new Set(stacks.map((s) => s.region).filter((r): r is string => r !== undefined))];
    let region: string;
    let source: string;
    if (typeof options.region === 'string') {
      region = options.region;
      source = '--region';
    } else if (assemblyRegions.length === 1) {
      region = assemblyRegions[0];
      source = 'the region of the assembly\'s stacks,';
    } else {
      return fail(
        `--region: the stacks are in ${assemblyRegions.length === 0 ? 'no fixed region' : assemblyRegions.join(', ')}; ` +
          `give --region, one of the price table's: ${Object.keys(table.regions).join(', ')}`,
      );
    }
    const prices = regionPrices(table, region, source);
    const result = estimate(stacks, prices, table.hoursPerMonth);
    print(ctx, result, { date: table.date, region, n, note: prices.note ?? `list prices, ${region}`, hours: table.hoursPerMonth });
    return 0;
  } catch (e) {
    if (e instanceof PriceTableError) return fail(e.message);
    if (e instanceof Error && /^--app /.test(e.message)) return fail(e.message);
    throw e;
  }
}

/** The projection: the platform once plus n times the mean use case. */
export function projection(result: CostEstimate, n: number): { platform: number; perUseCase: number; total: number } {
  const platform = result.byOwner[PLATFORM] ?? 0;
  const useCases = Object.entries(result.byOwner).filter(([o]) => o !== PLATFORM);
  const perUseCase = useCases.length === 0 ? 0 : useCases.reduce((a, [, v]) => a + v, 0) / useCases.length;
  return { platform, perUseCase, total: platform + n * perUseCase };
}

function print(ctx: CostContext, result: CostEstimate, meta: { date: string; region: string; n: number; note: string; hours: number }): void {
  const p = projection(result, meta.n);
  if (ctx.json) {
    const { date, ...rest } = meta;
    const body = {
      ...rest,
      pricesDate: date,
      stacks: result.stacks,
      byOwner: result.byOwner,
      unpriced: result.unpriced,
      projection: { useCases: meta.n, ...p },
    };
    ctx.io.stdout(JSON.stringify(body, undefined, 2));
    return;
  }
  const out = ctx.io.stdout;
  out(`Idle monthly cost (${meta.hours} h), ${meta.note}, prices of ${meta.date}; usage (requests, storage, training, data) not included.`);
  out('');
  out('Per stack:');
  const width = Math.max(...result.stacks.map((s) => s.stack.length), 5);
  for (const s of result.stacks) {
    out(`  ${s.stack.padEnd(width)}  ${s.owner.padEnd(16)} ${usd(s.monthly).padStart(12)}`);
    for (const [item, amount] of Object.entries(s.items).filter(([, x]) => x > 0).sort((a, b) => b[1] - a[1])) {
      out(`    ${item.padEnd(width + 14)} ${usd(amount).padStart(12)}`);
    }
  }
  out('');
  out('Per use case:');
  for (const [owner, v] of Object.entries(result.byOwner).sort()) out(`  ${owner.padEnd(24)} ${usd(v).padStart(12)}`);
  out('');
  out(`Projection for ${meta.n} use cases: platform ${usd(p.platform)} + ${meta.n} × ${usd(p.perUseCase)} = ${usd(p.total)} a month`);
  if (result.unpriced.length > 0) {
    out('');
    out(`No price (${result.unpriced.length} resources, not counted):`);
    for (const u of result.unpriced) out(`  no price: ${u.type} (${u.stack}/${u.logicalId}): ${u.reason}`);
  }
}
