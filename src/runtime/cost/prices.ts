/**
 * The price table of `mlops-blueprint cost`: approximate on-demand list prices per region, shipped in the
 * package (price-table.json, dated) and replaceable by the user's own file (`--prices <file>`).
 */
import * as fs from 'fs';

/** The prices of one region. */
export interface RegionPrices {
  /** What the prices are, e.g. "list prices, eu-central-1". */
  readonly note?: string;
  /** SageMaker real-time hosting, USD per instance-hour, by instance type. */
  readonly sagemakerHostingPerHour: Readonly<Record<string, number>>;
  /** SageMaker processing (model monitor runs), USD per instance-hour, by instance type. */
  readonly sagemakerProcessingPerHour: Readonly<Record<string, number>>;
  /** The assumed length of one monitoring run, in minutes. */
  readonly monitoringRunMinutes: number;
  /** USD per hour for each resource of a type. */
  readonly perHour: Readonly<Record<string, number>>;
  /** USD per AZ-hour of an interface VPC endpoint. */
  readonly interfaceEndpointPerAzHour: number;
  /** USD per rule-month of a WAF web ACL (the ACL itself is in perMonth). @default - web ACLs have no price */
  readonly wafRulePerMonth?: number;
  /** USD per month for each resource of a type. */
  readonly perMonth: Readonly<Record<string, number>>;
  /** Resource types (a trailing `*` matches a prefix) that cost nothing while idle. */
  readonly zeroWhenIdle: readonly string[];
  /** Why a zero-when-idle type is zero, by type. */
  readonly zeroWhenIdleNotes?: Readonly<Record<string, string>>;
}

/** A price table. */
export interface PriceTable {
  /** Where the prices come from. */
  readonly description: string;
  /** The date the prices were written down (YYYY-MM-DD). */
  readonly date: string;
  /** The currency, USD. */
  readonly currency: string;
  /** The hours of a month, 730. */
  readonly hoursPerMonth: number;
  /** The prices by region. */
  readonly regions: Readonly<Record<string, RegionPrices>>;
}

/** A mistake in a price table or in the choice of region. */
export class PriceTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PriceTableError';
  }
}

/** The price table shipped in the package. */
export function defaultPriceTable(): PriceTable {
  // bundled by esbuild; read as JSON by ts-jest
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./price-table.json') as PriceTable;
}

/**
 * Reads a price table file; it must have the shape of the shipped one (see price-table.json).
 * @param file the JSON file
 */
export function loadPriceTable(file: string): PriceTable {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (e) {
    throw new PriceTableError(`--prices ${file}: cannot read it as JSON (${(e as Error).message})`);
  }
  return checkPriceTable(raw, `--prices ${file}`);
}

/**
 * Checks the shape of a price table and returns it.
 * @param raw the parsed JSON
 * @param where how to name it in errors
 */
export function checkPriceTable(raw: unknown, where: string): PriceTable {
  const problems: string[] = [];
  const t = raw as Record<string, unknown>;
  if (typeof t !== 'object' || t === null) throw new PriceTableError(`${where}: not a JSON object; copy the shipped price-table.json and edit it`);
  if (typeof t.date !== 'string') problems.push('date: missing; write the date of the prices, e.g. "2026-12-06"');
  if (typeof t.hoursPerMonth !== 'number' || t.hoursPerMonth <= 0) problems.push('hoursPerMonth: missing; write 730');
  const regions = t.regions as Record<string, Record<string, unknown>> | undefined;
  if (typeof regions !== 'object' || regions === null || Object.keys(regions).length === 0) {
    problems.push('regions: missing; write { "<region>": { ...prices } }');
  } else {
    for (const [name, r] of Object.entries(regions)) {
      for (const key of ['sagemakerHostingPerHour', 'sagemakerProcessingPerHour', 'perHour', 'perMonth']) {
        const m = r[key] as Record<string, unknown> | undefined;
        if (typeof m !== 'object' || m === null) {
          problems.push(`regions.${name}.${key}: missing; write an object of prices (may be {})`);
          continue;
        }
        for (const [k, v] of Object.entries(m)) {
          if (typeof v !== 'number' || !(v >= 0)) problems.push(`regions.${name}.${key}.${k}: ${JSON.stringify(v)} is not a price; write a number >= 0`);
        }
      }
      for (const key of ['monitoringRunMinutes', 'interfaceEndpointPerAzHour']) {
        if (typeof r[key] !== 'number' || !((r[key] as number) >= 0)) problems.push(`regions.${name}.${key}: missing; write a number >= 0`);
      }
      if (!Array.isArray(r.zeroWhenIdle)) problems.push(`regions.${name}.zeroWhenIdle: missing; write a list of resource types (may be [])`);
    }
  }
  if (problems.length > 0) throw new PriceTableError(`${where} is not a price table:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return { description: '', currency: 'USD', ...(t as object) } as PriceTable;
}

/**
 * The prices of a region; an unknown region is an error naming the regions the table has.
 * @param table the price table
 * @param region the region
 * @param source how the region was chosen (e.g. "--region")
 */
export function regionPrices(table: PriceTable, region: string, source: string): RegionPrices {
  const r = table.regions[region];
  if (!r) {
    throw new PriceTableError(
      `${source} ${region}: the price table (${table.date}) has no prices for it; it has ${Object.keys(table.regions).join(', ')}. ` +
        'Give --region one of them, or --prices <file> with prices for that region (same shape as the shipped price-table.json).',
    );
  }
  return r;
}
