/**
 * Synthesis benchmark: the platform (`PlatformConfig.sample()`) plus N use cases (`uc-001` ... with every
 * extension in DEV, INT and PROD), each N synthesized in a FRESH node process, so that time and memory
 * are those of one run. Prints, per N: wall and CPU time of the process, time to load the library, to
 * build the constructs and to synthesize (wall and CPU), peak resident memory of the process (the
 * kernel's max RSS from `/usr/bin/time -v`), the live V8 heap after a full GC, and per-stack resource
 * counts and template sizes with CloudFormation's limits; then the linearity of the cost per use case:
 * marginal = (t(N2) - t(N1)) / (N2 - N1) from the two smallest N, the ratio t(N) / (t(N1) + (N - N1) *
 * marginal) for every larger N (~1 when linear), and a least-squares line over all N.
 *
 * On a shared machine, wall time follows the load of the other processes; CPU time much less so. Peak
 * RSS depends on when V8 chooses to collect garbage; the live heap after a full GC does not.
 *
 *   bash bench/synth-bench.sh                    # N = 1 and 10 (the CI; ~20 s on 2 cores)
 *   bash bench/synth-bench.sh 1 10 100           # with N = 100 (~75 s more)
 *   bash bench/synth-bench.sh --json 1 10 100    # the same as JSON (for the README)
 *   bash bench/synth-bench.sh --repeat 3 1 10    # best of 3 fresh processes per N (less noise)
 *
 * A script that prints numbers, not a test: nothing here fails on a time. It fails only when a stack is
 * beyond a CloudFormation limit or a synthesis fails.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// ------------------------------------------------------------------ CloudFormation limits
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html

/** Resources per stack. */
const MAX_RESOURCES = 500;
/**
 * Template body size when the template is uploaded to S3 first (what the CDK CLI does): "1 MB", taken
 * as 1,000,000 bytes to be on the safe side.
 */
const MAX_TEMPLATE_BYTES = 1_000_000;
/** Template body size when passed inline in the API call; larger ones need the bootstrap bucket. */
const MAX_INLINE_TEMPLATE_BYTES = 51_200;
/** Outputs, parameters and mappings per stack. */
const MAX_OUTPUTS = 200;
const MAX_PARAMETERS = 200;
const MAX_MAPPINGS = 200;
/** Stacks per account and region (the default quota; it can be raised). */
const MAX_STACKS_PER_ACCOUNT_REGION = 2000;

// ------------------------------------------------------------------ child: one synthesis

/** What the child process measures itself. */
interface ChildResult {
  readonly useCases: number;
  /** Loading the library (ts-node transpiles src/ here, or require of lib/). */
  readonly loadMs: number;
  /** Building the construct tree (platform + use cases). */
  readonly constructMs: number;
  /** `app.synth()`: validation, templates, assets, manifest. */
  readonly synthMs: number;
  /**
   * CPU time (user + system, all threads of the process) of building and synthesizing: less disturbed
   * than wall time by other processes on a shared machine.
   */
  readonly constructSynthCpuMs: number;
  /** process.resourceUsage().maxRSS at the end, in KiB (the peak of this process). */
  readonly maxRssKiB: number;
  /** maxRSS right after loading the library, before any construct (the baseline), in KiB. */
  readonly maxRssAfterLoadKiB: number;
  /** V8 heap used right after synthesis (live objects and garbage not yet collected), in bytes. */
  readonly heapUsedBytes: number;
  /**
   * V8 heap used after synthesis and a full garbage collection (`--expose-gc`): what the construct tree
   * and the synthesized assembly really keep alive, in bytes. Unlike the peak RSS, it does not depend on
   * when V8 chose to collect.
   */
  readonly liveHeapBytes: number;
}

const RESULT_MARKER = 'SYNTH_BENCH_RESULT ';

function useCaseNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `uc-${String(i + 1).padStart(3, '0')}`);
}

function child(n: number, outdir: string): void {
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildBenchApp, library } = require('./bench-app') as typeof import('./bench-app');
  library();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('aws-cdk-lib');
  const t1 = performance.now();
  const maxRssAfterLoadKiB = process.resourceUsage().maxRSS;
  const cpu0 = process.cpuUsage();
  const app = buildBenchApp({ outdir, useCaseNames: useCaseNames(n) });
  const t2 = performance.now();
  app.synth();
  const t3 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const heapUsedBytes = process.memoryUsage().heapUsed;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('synth-bench: the child must run with --expose-gc');
  gc();
  // the app stays referenced until here, so that the collection keeps what synthesis built
  const liveHeapBytes = app.node.children.length > 0 ? process.memoryUsage().heapUsed : 0;
  const result: ChildResult = {
    useCases: n,
    loadMs: t1 - t0,
    constructMs: t2 - t1,
    synthMs: t3 - t2,
    constructSynthCpuMs: (cpu.user + cpu.system) / 1000,
    maxRssKiB: process.resourceUsage().maxRSS,
    maxRssAfterLoadKiB,
    heapUsedBytes,
    liveHeapBytes,
  };
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

// ------------------------------------------------------------------ parent: runs and analysis

/** One template of the assembly. */
interface TemplateStats {
  readonly file: string;
  /** The stack name, or the file name of a Service Catalog product template. */
  readonly name: string;
  /** The stack name with the use-case name replaced by `<uc>`: stacks of the same kind share it. */
  readonly kind: string;
  /** `aws://account/region` of a stack; undefined for product templates. */
  readonly environment?: string;
  readonly resources: number;
  readonly bytes: number;
  readonly outputs: number;
  readonly parameters: number;
  readonly mappings: number;
}

/** One N. */
interface RunResult extends ChildResult {
  /** Wall time of the child process, from spawn to exit (node start, load, construct, synth). */
  readonly wallMs: number;
  /** Peak resident set of the child process as the kernel accounts it (`/usr/bin/time -v`), in KiB. */
  readonly peakRssKiB: number;
  /** Where peakRssKiB comes from. */
  readonly peakRssSource: 'time -v' | 'resourceUsage';
  /** CPU time (user + system) of the whole child process, from `/usr/bin/time -v` (undefined without it). */
  readonly processCpuMs?: number;
  readonly stacks: number;
  readonly productTemplates: number;
  readonly totalResources: number;
  readonly totalBytes: number;
  readonly maxResources: { readonly value: number; readonly name: string };
  readonly maxBytes: { readonly value: number; readonly name: string };
  readonly maxStacksPerAccountRegion: { readonly value: number; readonly environment: string };
  /** Stacks whose template is above 51,200 bytes, deployed through the bootstrap bucket (as the CDK CLI does). */
  readonly stacksAboveInlineSize: number;
  readonly kinds: KindStats[];
  readonly limitViolations: string[];
  /** Every template (only with --templates). */
  readonly templates?: TemplateStats[];
}

interface KindStats {
  readonly kind: string;
  readonly count: number;
  readonly resourcesMin: number;
  readonly resourcesMax: number;
  readonly bytesMin: number;
  readonly bytesMax: number;
}

interface Options {
  readonly counts: number[];
  readonly json: boolean;
  readonly jsonFile?: string;
  readonly repeat: number;
  readonly keep: boolean;
  readonly templates: boolean;
  readonly nodeOptions: string;
}

function parseArgs(argv: string[]): Options {
  let json = false;
  let jsonFile: string | undefined;
  let repeat = 1;
  let keep = false;
  let templates = false;
  const counts: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--json-file') jsonFile = argv[++i];
    else if (a === '--keep') keep = true;
    else if (a === '--templates') templates = true;
    else if (a === '--repeat') repeat = Number(argv[++i]);
    else if (/^\d+$/.test(a)) counts.push(Number(a));
    else throw new Error(`synth-bench: unknown argument ${JSON.stringify(a)}; usage: synth-bench [--json] [--json-file FILE] [--repeat R] [--keep] [--templates] N...`);
  }
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error('synth-bench: --repeat takes a whole number >= 1');
  if (counts.some((n) => n < 1 || n > 999)) throw new Error('synth-bench: N must be 1 to 999 (use cases are named uc-001 ... uc-999)');
  return {
    counts: counts.length > 0 ? counts : [1, 10],
    json,
    jsonFile,
    repeat,
    keep,
    templates,
    nodeOptions: process.env.SYNTH_BENCH_NODE_OPTIONS ?? '',
  };
}

interface ChildRun {
  readonly child: ChildResult;
  readonly wallMs: number;
  readonly peakRssKiB: number;
  readonly source: RunResult['peakRssSource'];
  readonly processCpuMs?: number;
}

/** Runs one fresh node process that synthesizes N use cases; returns its measurements. */
function runChild(n: number, outdir: string, options: Options): ChildRun {
  const timeBin = '/usr/bin/time';
  const useTime = fs.existsSync(timeBin);
  const nodeArgs = [
    '--expose-gc',
    ...options.nodeOptions.split(/\s+/).filter(Boolean),
    '-r', 'ts-node/register/transpile-only',
    __filename, '--child', String(n), outdir,
  ];
  const [cmd, args] = useTime ? [timeBin, ['-v', process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const started = performance.now();
  const r = spawnSync(cmd, args, {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '..', 'tsconfig.dev.json') },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const wallMs = performance.now() - started;
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (r.status !== 0 || !line) {
    throw new Error(`synth-bench: the synthesis of N=${n} failed (exit ${r.status}, signal ${r.signal}):\n${(r.stderr ?? '').slice(-4000)}`);
  }
  const childResult = JSON.parse(line.slice(RESULT_MARKER.length)) as ChildResult;
  const stderr = r.stderr ?? '';
  const rss = useTime ? /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr) : null;
  const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  const processCpuMs = useTime && user && system ? (Number(user[1]) + Number(system[1])) * 1000 : undefined;
  return rss
    ? { child: childResult, wallMs, peakRssKiB: Number(rss[1]), source: 'time -v', processCpuMs }
    : { child: childResult, wallMs, peakRssKiB: childResult.maxRssKiB, source: 'resourceUsage', processCpuMs };
}

function analyse(outdir: string, useCases: string[]): TemplateStats[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const stackFiles = new Map<string, { name: string; environment: string }>();
  for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      const name = artifact.properties.stackName ?? artifact.displayName ?? id;
      stackFiles.set(artifact.properties.templateFile, { name, environment: artifact.environment });
    }
  }
  const names = [...useCases].sort((a, b) => b.length - a.length);
  const kindOf = (name: string) => names.reduce((k, uc) => k.split(`-${uc}-`).join('-<uc>-'), name);
  const stats: TemplateStats[] = [];
  for (const file of fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json')).sort()) {
    const body = fs.readFileSync(path.join(outdir, file));
    const t = JSON.parse(body.toString('utf8'));
    const stack = stackFiles.get(file);
    const name = stack?.name ?? file;
    stats.push({
      file,
      name,
      kind: stack ? kindOf(name) : `product: ${file.replace(/[0-9A-F]{8}\.product\.template\.json$/, '')}`,
      environment: stack?.environment,
      resources: Object.keys(t.Resources ?? {}).length,
      bytes: body.length,
      outputs: Object.keys(t.Outputs ?? {}).length,
      parameters: Object.keys(t.Parameters ?? {}).length,
      mappings: Object.keys(t.Mappings ?? {}).length,
    });
  }
  return stats;
}

function summarize(measured: ChildResult, run: ChildRun, templates: TemplateStats[], keepTemplates: boolean): RunResult {
  const stacks = templates.filter((t) => t.environment !== undefined);
  const byResources = [...templates].sort((a, b) => b.resources - a.resources)[0];
  const byBytes = [...templates].sort((a, b) => b.bytes - a.bytes)[0];
  const perEnv = new Map<string, number>();
  for (const s of stacks) perEnv.set(s.environment!, (perEnv.get(s.environment!) ?? 0) + 1);
  const [busiestEnv, busiestCount] = [...perEnv.entries()].sort((a, b) => b[1] - a[1])[0];
  const violations: string[] = [];
  for (const t of templates) {
    if (t.resources > MAX_RESOURCES) violations.push(`${t.name}: ${t.resources} resources > ${MAX_RESOURCES}`);
    if (t.bytes > MAX_TEMPLATE_BYTES) violations.push(`${t.name}: ${t.bytes} bytes > ${MAX_TEMPLATE_BYTES}`);
    if (t.outputs > MAX_OUTPUTS) violations.push(`${t.name}: ${t.outputs} outputs > ${MAX_OUTPUTS}`);
    if (t.parameters > MAX_PARAMETERS) violations.push(`${t.name}: ${t.parameters} parameters > ${MAX_PARAMETERS}`);
    if (t.mappings > MAX_MAPPINGS) violations.push(`${t.name}: ${t.mappings} mappings > ${MAX_MAPPINGS}`);
  }
  for (const [env, count] of perEnv) {
    if (count > MAX_STACKS_PER_ACCOUNT_REGION) violations.push(`${env}: ${count} stacks > the default quota of ${MAX_STACKS_PER_ACCOUNT_REGION}`);
  }
  const kinds = new Map<string, TemplateStats[]>();
  for (const t of templates) kinds.set(t.kind, [...(kinds.get(t.kind) ?? []), t]);
  return {
    ...measured,
    wallMs: run.wallMs,
    peakRssKiB: run.peakRssKiB,
    peakRssSource: run.source,
    processCpuMs: run.processCpuMs,
    stacks: stacks.length,
    productTemplates: templates.length - stacks.length,
    totalResources: templates.reduce((s, t) => s + t.resources, 0),
    totalBytes: templates.reduce((s, t) => s + t.bytes, 0),
    maxResources: { value: byResources.resources, name: byResources.name },
    maxBytes: { value: byBytes.bytes, name: byBytes.name },
    maxStacksPerAccountRegion: { value: busiestCount, environment: busiestEnv },
    stacksAboveInlineSize: stacks.filter((s) => s.bytes > MAX_INLINE_TEMPLATE_BYTES).length,
    kinds: [...kinds.entries()].map(([kind, ts]) => ({
      kind,
      count: ts.length,
      resourcesMin: Math.min(...ts.map((t) => t.resources)),
      resourcesMax: Math.max(...ts.map((t) => t.resources)),
      bytesMin: Math.min(...ts.map((t) => t.bytes)),
      bytesMax: Math.max(...ts.map((t) => t.bytes)),
    })),
    limitViolations: violations,
    templates: keepTemplates ? templates : undefined,
  };
}

/** One N, `repeat` times in fresh processes; the run with the least construct+synth CPU time is kept (the least disturbed). */
function measure(n: number, options: Options, log: (s: string) => void): RunResult {
  let best: RunResult | undefined;
  for (let i = 0; i < options.repeat; i++) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `synth-bench-${n}-`));
    try {
      log(`synth-bench: N=${n}${options.repeat > 1 ? ` run ${i + 1}/${options.repeat}` : ''} in a fresh node process -> ${outdir}`);
      const run = runChild(n, outdir, options);
      const result = summarize(run.child, run, analyse(outdir, useCaseNames(n)), options.templates);
      if (!best || result.constructSynthCpuMs < best.constructSynthCpuMs) best = result;
    } finally {
      if (!options.keep) fs.rmSync(outdir, { recursive: true, force: true });
    }
  }
  return best!;
}

// ------------------------------------------------------------------ linearity

interface Linearity {
  readonly metric: string;
  readonly base: number;
  readonly next: number;
  /** (t(next) - t(base)) / (next - base): the cost of one more use case. */
  readonly marginal: number;
  /** For every other N: measured / (t(base) + (N - base) * marginal); ~1 when growth is linear. */
  readonly ratios: { readonly n: number; readonly measured: number; readonly predicted: number; readonly ratio: number }[];
  /** Least-squares line over every N (with at least three N). */
  readonly fit?: { readonly intercept: number; readonly slope: number; readonly r2: number };
}

function linearity(runs: RunResult[], metric: string, value: (r: RunResult) => number): Linearity | undefined {
  const sorted = [...runs].sort((a, b) => a.useCases - b.useCases);
  if (sorted.length < 2) return undefined;
  const [a, b] = sorted;
  const marginal = (value(b) - value(a)) / (b.useCases - a.useCases);
  const ratios = sorted.slice(2).map((r) => {
    const predicted = value(a) + (r.useCases - a.useCases) * marginal;
    return { n: r.useCases, measured: value(r), predicted, ratio: value(r) / predicted };
  });
  let fit: Linearity['fit'];
  if (sorted.length >= 3) {
    const xs = sorted.map((r) => r.useCases);
    const ys = sorted.map(value);
    const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
    const my = ys.reduce((s, y) => s + y, 0) / ys.length;
    const sxy = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0);
    const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    const slope = sxy / sxx;
    const intercept = my - slope * mx;
    const ssTot = ys.reduce((s, y) => s + (y - my) ** 2, 0);
    const ssRes = ys.reduce((s, y, i) => s + (y - (intercept + slope * xs[i])) ** 2, 0);
    fit = { intercept, slope, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot };
  }
  return { metric, base: a.useCases, next: b.useCases, marginal, ratios, fit };
}

// ------------------------------------------------------------------ output

const sec = (ms: number) => (ms / 1000).toFixed(2);
const mib = (kib: number) => (kib / 1024).toFixed(0);
const kb = (bytes: number) => (bytes / 1000).toFixed(1);

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

function printTable(runs: RunResult[], lin: Linearity[]): void {
  const out: string[] = [];
  out.push(`synth-bench: platform (6 stacks) + N use cases (5 stacks each, every extension, and their onboarding stacks); node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  out.push('');
  out.push(table([
    ['N', 'stacks', 'templates', 'resources', 'MB', 'process wall s', 'process CPU s', 'load s', 'construct s', 'synth s', 'construct+synth s', 'construct+synth CPU s', 'peak RSS MiB', 'RSS after load MiB', 'live heap MiB'],
    ...runs.map((r) => [
      String(r.useCases), String(r.stacks), String(r.stacks + r.productTemplates), String(r.totalResources), (r.totalBytes / 1e6).toFixed(2),
      sec(r.wallMs), r.processCpuMs === undefined ? '-' : sec(r.processCpuMs), sec(r.loadMs), sec(r.constructMs), sec(r.synthMs), sec(r.constructMs + r.synthMs),
      sec(r.constructSynthCpuMs), mib(r.peakRssKiB), mib(r.maxRssAfterLoadKiB), mib(r.liveHeapBytes / 1024),
    ]),
  ]));
  out.push('');
  out.push('CloudFormation limits per stack: 500 resources, 1 MB template (uploaded to S3 by the CDK CLI), 200 outputs/parameters/mappings; 2000 stacks per account and region (default quota)');
  out.push(table([
    ['N', 'max resources (stack)', 'max KB (stack)', 'stacks > 51.2 KB (via S3)', 'max stacks in one account', 'within limits'],
    ...runs.map((r) => [
      String(r.useCases),
      `${r.maxResources.value} (${r.maxResources.name})`,
      `${kb(r.maxBytes.value)} (${r.maxBytes.name})`,
      String(r.stacksAboveInlineSize),
      `${r.maxStacksPerAccountRegion.value} (${r.maxStacksPerAccountRegion.environment})`,
      r.limitViolations.length === 0 ? 'yes' : `NO: ${r.limitViolations.length}`,
    ]),
  ]));
  const largest = [...runs].sort((a, b) => b.useCases - a.useCases)[0];
  out.push('');
  out.push(`per stack kind at N=${largest.useCases} (min-max over the stacks of the kind):`);
  out.push(table([
    ['kind', 'count', 'resources', 'KB'],
    ...largest.kinds.map((k) => [
      k.kind, String(k.count),
      k.resourcesMin === k.resourcesMax ? String(k.resourcesMax) : `${k.resourcesMin}-${k.resourcesMax}`,
      k.bytesMin === k.bytesMax ? kb(k.bytesMax) : `${kb(k.bytesMin)}-${kb(k.bytesMax)}`,
    ]),
  ]));
  if (lin.length > 0) {
    out.push('');
    out.push('linearity: marginal cost of one use case = (t(N2) - t(N1)) / (N2 - N1); ratio = t(N) / (t(N1) + (N - N1) * marginal), ~1 when linear');
    out.push(table([
      ['metric', 'marginal per use case', ...lin[0].ratios.flatMap((r) => [`predicted N=${r.n}`, `measured N=${r.n}`, `ratio N=${r.n}`]), ...(lin[0].fit ? ['fit: a + b*N', 'R^2'] : [])],
      ...lin.map((l) => {
        const unit = l.metric.includes('MiB') ? (v: number) => v.toFixed(1) : (v: number) => (v / 1000).toFixed(3);
        return [
          l.metric,
          `${unit(l.marginal)} (N=${l.base}->${l.next})`,
          ...l.ratios.flatMap((r) => [unit(r.predicted), unit(r.measured), r.ratio.toFixed(3)]),
          ...(l.fit ? [`${unit(l.fit.intercept)} + ${unit(l.fit.slope)}*N`, l.fit.r2.toFixed(4)] : []),
        ];
      }),
    ]));
    if (lin[0].ratios.length === 0) {
      const l = lin.find((x) => x.metric === 'construct+synth wall s')!;
      const base = runs.find((r) => r.useCases === l.base)!;
      out.push(`(predicted construct+synth at N=100: ${((base.constructMs + base.synthMs + l.marginal * (100 - l.base)) / 1000).toFixed(1)} s; run "bash bench/synth-bench.sh 1 10 100" to measure it)`);
    }
  }
  const one = runs.find((r) => r.useCases === 1);
  if (one) {
    // per-use-case cost at N against that at N = 1: (t(N) / N) / t(1); 1 = linear, < 1 = the fixed platform cost amortized
    const cost = (r: RunResult) => r.constructSynthCpuMs;
    out.push('');
    out.push('ratio to linear: per-use-case construct+synth CPU at N = t(N) / N, against t(1) (1.000 = linear; below 1, the platform\'s fixed cost is shared)');
    out.push(table([
      ['N', 'construct+synth CPU s', 'per use case s', 'ratio to linear'],
      ...runs.map((r) => [String(r.useCases), sec(cost(r)), (cost(r) / r.useCases / 1000).toFixed(3), (cost(r) / r.useCases / cost(one)).toFixed(3)]),
    ]));
  }
  for (const r of runs) for (const v of r.limitViolations) out.push(`LIMIT N=${r.useCases}: ${v}`);
  console.log(out.join('\n'));
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    child(Number(argv[1]), argv[2]);
    return;
  }
  const options = parseArgs(argv);
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const runs = options.counts.map((n) => measure(n, options, log));
  const lin = [
    linearity(runs, 'construct+synth CPU s', (r) => r.constructSynthCpuMs),
    linearity(runs, 'construct+synth wall s', (r) => r.constructMs + r.synthMs),
    linearity(runs, 'process wall s', (r) => r.wallMs),
    linearity(runs, 'peak RSS MiB', (r) => r.peakRssKiB / 1024),
    linearity(runs, 'live heap MiB', (r) => r.liveHeapBytes / 1024 / 1024),
  ].filter((l): l is Linearity => l !== undefined);
  const json = JSON.stringify({
    node: process.version,
    cpus: os.cpus().length,
    loadAverage: os.loadavg(),
    library: process.env.BENCH_LIB === '1' ? 'lib' : 'src (ts-node, transpile only)',
    limits: {
      MAX_RESOURCES, MAX_TEMPLATE_BYTES, MAX_INLINE_TEMPLATE_BYTES, MAX_OUTPUTS, MAX_PARAMETERS, MAX_MAPPINGS, MAX_STACKS_PER_ACCOUNT_REGION,
    },
    runs,
    linearity: lin,
  }, null, 2);
  if (options.jsonFile) {
    fs.mkdirSync(path.dirname(path.resolve(options.jsonFile)), { recursive: true });
    fs.writeFileSync(options.jsonFile, `${json}\n`);
  }
  if (options.json) console.log(json);
  else printTable(runs, lin);
  if (runs.some((r) => r.limitViolations.length > 0)) process.exitCode = 1;
}

main();
