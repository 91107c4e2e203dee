/**
 * The idle monthly cost of a cloud assembly: every resource of every template, priced with a price table,
 * attributed to a use case (its `mlops:use-case` tag, or its stack's) or to the platform.
 */
import * as fs from 'fs';
import * as path from 'path';
import { RegionPrices } from './prices';
import { PLATFORM_TAG_VALUE, USE_CASE_TAG_KEY } from '../../constructs/core/tenancy-tag';

/** The tag that names a resource's use case. */
export const USE_CASE_TAG = USE_CASE_TAG_KEY;

/** What the platform's share is called. */
export const PLATFORM = '(platform)';

/** The value of `mlops:use-case` on the platform's own stacks and resources. */

/** One template of an assembly. */
export interface AssemblyStack {
  /** The stack name. */
  readonly name: string;
  /** The region of its environment, if it has one. */
  readonly region?: string;
  /** The stack's tags. */
  readonly tags: Readonly<Record<string, string>>;
  /** The template. */
  readonly template: { readonly Resources?: Record<string, CfnResource> };
}

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}

/** One resource type that could not be priced. */
export interface Unpriced {
  /** The stack. */
  readonly stack: string;
  /** The logical id. */
  readonly logicalId: string;
  /** The resource type (and instance type, if that is what has no price). */
  readonly type: string;
  /** Why. */
  readonly reason: string;
}

/** The estimate of one stack. */
export interface StackCost {
  /** The stack name. */
  readonly stack: string;
  /** The use case, or PLATFORM. */
  readonly owner: string;
  /** USD per month, idle. */
  readonly monthly: number;
  /** USD per month by item (e.g. "AWS::EC2::VPCEndpoint (interface, 3 AZ)"). */
  readonly items: Readonly<Record<string, number>>;
}

/** The estimate of an assembly. */
export interface CostEstimate {
  /** Per stack. */
  readonly stacks: StackCost[];
  /** USD per month by owner (each use case, and PLATFORM). */
  readonly byOwner: Readonly<Record<string, number>>;
  /** What has no price. */
  readonly unpriced: Unpriced[];
}

/**
 * Reads the stacks of a cloud assembly (cdk.out), nested assemblies (stages) included.
 * @param dir the assembly directory
 */
export function readAssembly(dir: string): AssemblyStack[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new Error(`--app ${dir}: not a cloud assembly (no manifest.json); run cdk synth first`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf-8'));
  const out: AssemblyStack[] = [];
  for (const [id, a] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (a.type === 'aws:cloudformation:stack') {
      const template = JSON.parse(fs.readFileSync(path.join(dir, a.properties.templateFile), 'utf-8'));
      const m = /^aws:\/\/[^/]*\/(.+)$/.exec(a.environment ?? '');
      const region = m && m[1] !== 'unknown-region' ? m[1] : undefined;
      out.push({ name: a.properties.stackName ?? a.displayName ?? id, region, tags: a.properties.tags ?? {}, template });
    } else if (a.type === 'cdk:cloud-assembly') {
      out.push(...readAssembly(path.join(dir, a.properties.directoryName)));
    }
  }
  return out;
}

function tagOf(props: Record<string, any> | undefined): string | undefined {
  const tags = props?.Tags;
  if (Array.isArray(tags)) {
    const t = tags.find((x: any) => x && x.Key === USE_CASE_TAG);
    return typeof t?.Value === 'string' ? t.Value : undefined;
  }
  if (tags && typeof tags === 'object' && typeof tags[USE_CASE_TAG] === 'string') return tags[USE_CASE_TAG];
  return undefined;
}

function matches(pattern: string, type: string): boolean {
  return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

function refTarget(value: any): string | undefined {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') return value.Ref;
    if (Array.isArray(value['Fn::GetAtt'])) return value['Fn::GetAtt'][0];
  }
  return undefined;
}

/**
 * Runs a month of a SageMaker schedule expression: hourly, every N hours (from hour H), daily; undefined when not
 * understood (a one-off `NOW` included).
 * @param expression e.g. `cron(0 * ? * * *)`
 */
export function runsPerMonth(expression: unknown, hoursPerMonth: number): number | undefined {
  if (typeof expression !== 'string') return undefined;
  const m = /^cron\((.+)\)$/.exec(expression.trim());
  if (!m) return undefined;
  const [, hour, dom, , dow] = m[1].trim().split(/\s+/);
  const anyDay = (dom === '*' || dom === '?') && (dow === '*' || dow === '?');
  if (!anyDay) return undefined;
  if (hour === '*') return hoursPerMonth;
  // every N hours from hour H (`H/N`, or `*/N`): a day has ceil((24 - H) / N) runs
  const every = /^(\*|\d{1,2})\/(\d+)$/.exec(hour ?? '');
  if (every) {
    const first = every[1] === '*' ? 0 : Number(every[1]);
    const n = Number(every[2]);
    if (n < 1 || first > 23) return undefined;
    return (hoursPerMonth * Math.ceil((24 - first) / n)) / 24;
  }
  if (/^\d+$/.test(hour ?? '')) return hoursPerMonth / 24;
  return undefined;
}

type Priced = { item: string; monthly: number } | { unpriced: string; reason: string };

function priceResource(
  r: CfnResource,
  resources: Record<string, CfnResource>,
  prices: RegionPrices,
  hours: number,
): Priced {
  const p = r.Properties ?? {};
  switch (r.Type) {
    case 'AWS::EC2::VPCEndpoint': {
      if (p.VpcEndpointType !== 'Interface') return { item: 'AWS::EC2::VPCEndpoint (gateway)', monthly: 0 };
      if (!Array.isArray(p.SubnetIds)) return { unpriced: r.Type, reason: 'interface endpoint whose subnets are not a list in the template' };
      return { item: 'AWS::EC2::VPCEndpoint (interface, per AZ)', monthly: p.SubnetIds.length * prices.interfaceEndpointPerAzHour * hours };
    }
    case 'AWS::SageMaker::Endpoint': {
      const config = resources[refTarget(p.EndpointConfigName) ?? ''];
      if (!config || config.Type !== 'AWS::SageMaker::EndpointConfig') {
        return { unpriced: r.Type, reason: 'its endpoint configuration is not in the same template' };
      }
      let monthly = 0;
      let scalesToZero = false;
      for (const v of config.Properties?.ProductionVariants ?? []) {
        if (v.ServerlessConfig) continue; // serverless: per request and per GB-second, 0 when idle
        const price = prices.sagemakerHostingPerHour[v.InstanceType];
        if (price === undefined) return { unpriced: `${r.Type} ${String(v.InstanceType)}`, reason: 'no hosting price for this instance type' };
        // managed instance scaling (inference components): idle, the endpoint keeps MinInstanceCount instances
        const managed = v.ManagedInstanceScaling;
        const idle = managed && managed.Status === 'ENABLED' ? managed.MinInstanceCount : v.InitialInstanceCount;
        if (idle !== undefined && typeof idle !== 'number') {
          return { unpriced: `${r.Type} ${String(v.InstanceType)}`, reason: 'its idle instance count is not a number in the template' };
        }
        const count = idle ?? 1;
        if (managed && managed.Status === 'ENABLED' && count === 0) scalesToZero = true;
        monthly += count * price * hours;
      }
      return { item: scalesToZero && monthly === 0 ? 'AWS::SageMaker::Endpoint (scales to zero: no instance when idle)' : 'AWS::SageMaker::Endpoint (instances)', monthly };
    }
    case 'AWS::SageMaker::MonitoringSchedule': {
      const cfg = p.MonitoringScheduleConfig ?? {};
      const runs = runsPerMonth(cfg.ScheduleConfig?.ScheduleExpression, hours);
      if (runs === undefined) return { unpriced: r.Type, reason: `schedule ${JSON.stringify(cfg.ScheduleConfig?.ScheduleExpression)} not understood` };
      let cluster = cfg.MonitoringJobDefinition?.MonitoringResources?.ClusterConfig;
      if (!cluster) {
        const name = cfg.MonitoringJobDefinitionName;
        const def =
          resources[refTarget(name) ?? ''] ??
          Object.values(resources).find((x) => typeof name === 'string' && x.Properties?.JobDefinitionName === name);
        cluster = def?.Properties?.JobResources?.ClusterConfig;
      }
      if (!cluster) return { unpriced: r.Type, reason: 'its job definition is not in the same template' };
      const price = prices.sagemakerProcessingPerHour[cluster.InstanceType];
      if (price === undefined) return { unpriced: `${r.Type} ${String(cluster.InstanceType)}`, reason: 'no processing price for this instance type' };
      const count = typeof cluster.InstanceCount === 'number' ? cluster.InstanceCount : 1;
      return { item: 'AWS::SageMaker::MonitoringSchedule (runs)', monthly: runs * (prices.monitoringRunMinutes / 60) * count * price };
    }
    case 'AWS::WAFv2::WebACL': {
      const acl = prices.perMonth[r.Type];
      if (acl === undefined || prices.wafRulePerMonth === undefined) return { unpriced: r.Type, reason: 'no web ACL or rule price in the table' };
      return { item: r.Type, monthly: acl + (Array.isArray(p.Rules) ? p.Rules.length : 0) * prices.wafRulePerMonth };
    }
    default:
      if (prices.perHour[r.Type] !== undefined) return { item: r.Type, monthly: prices.perHour[r.Type] * hours };
      if (prices.perMonth[r.Type] !== undefined) return { item: r.Type, monthly: prices.perMonth[r.Type] };
      if (prices.zeroWhenIdle.some((z) => matches(z, r.Type))) return { item: '(zero when idle)', monthly: 0 };
      return { unpriced: r.Type, reason: 'not in the price table' };
  }
}

/**
 * Prices every resource of the stacks.
 * @param stacks the stacks of the assembly
 * @param prices the prices of the region
 * @param hoursPerMonth 730
 */
export function estimate(stacks: readonly AssemblyStack[], prices: RegionPrices, hoursPerMonth: number): CostEstimate {
  const out: StackCost[] = [];
  const byOwner: Record<string, number> = {};
  const unpriced: Unpriced[] = [];
  for (const s of stacks) {
    const resources = s.template.Resources ?? {};
    const stackOwner = s.tags[USE_CASE_TAG];
    const owners = new Map<string, Record<string, number>>();
    for (const [logicalId, r] of Object.entries(resources)) {
      const tagged = tagOf(r.Properties) ?? stackOwner;
      // the platform's stacks carry mlops:use-case=platform (no use case may have that name)
      const owner = tagged === undefined || tagged === PLATFORM_TAG_VALUE ? PLATFORM : tagged;
      const priced = priceResource(r, resources, prices, hoursPerMonth);
      if ('unpriced' in priced) {
        unpriced.push({ stack: s.name, logicalId, type: priced.unpriced, reason: priced.reason });
        continue;
      }
      const items = owners.get(owner) ?? {};
      items[priced.item] = (items[priced.item] ?? 0) + priced.monthly;
      owners.set(owner, items);
    }
    if (owners.size === 0) owners.set(stackOwner ?? PLATFORM, {});
    for (const [owner, items] of owners) {
      const monthly = Object.values(items).reduce((a, b) => a + b, 0);
      out.push({ stack: s.name, owner, monthly, items });
      byOwner[owner] = (byOwner[owner] ?? 0) + monthly;
    }
  }
  return { stacks: out, byOwner, unpriced };
}
