import { Duration } from 'aws-cdk-lib';

/** How S3 data is selected (`S3DataType`). */
export enum S3DataType {
  /** `S3Prefix`: every object under the URI prefix. */
  S3_PREFIX = 'S3Prefix',
  /** `ManifestFile`: the objects a manifest file lists. */
  MANIFEST_FILE = 'ManifestFile',
  /** `AugmentedManifestFile`: an augmented manifest (training only). */
  AUGMENTED_MANIFEST_FILE = 'AugmentedManifestFile',
}

/** How S3 data is distributed over the instances (`S3DataDistributionType`). */
export enum S3DataDistributionType {
  /** `FullyReplicated`: every instance gets all data. */
  FULLY_REPLICATED = 'FullyReplicated',
  /** `ShardedByS3Key`: every instance gets a share of the objects. */
  SHARDED_BY_S3_KEY = 'ShardedByS3Key',
}

/** How processing input is made available (`S3InputMode`). */
export enum S3InputMode {
  /** `File`: downloaded before the container starts. */
  FILE = 'File',
  /** `Pipe`: streamed. */
  PIPE = 'Pipe',
}

/** Compression of input data (`S3CompressionType` / `CompressionType`). */
export enum S3CompressionType {
  /** `None` */
  NONE = 'None',
  /** `Gzip` */
  GZIP = 'Gzip',
}

/** When processing output is uploaded (`S3UploadMode`). */
export enum S3UploadMode {
  /** `EndOfJob`: after the job. */
  END_OF_JOB = 'EndOfJob',
  /** `Continuous`: while the job runs. */
  CONTINUOUS = 'Continuous',
}

/** The VPC a job runs in (`VpcConfig`). */
export interface PipelineVpcConfig {
  /** Security group ids (`SecurityGroupIds`). */
  readonly securityGroupIds: string[];
  /** Subnet ids (`Subnets`), private subnets. */
  readonly subnets: string[];
}

/**
 * Step caching (`CacheConfig`): a step whose arguments match a successful earlier execution reuses
 * its results instead of running again.
 */
export interface StepCacheConfig {
  /**
   * Whether caching is on (`Enabled`).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * How old a cached result may be (`ExpireAfter`, rendered as an ISO 8601 duration such as `P30D`).
   * @default - no `ExpireAfter`
   */
  readonly expireAfter?: Duration;
}

/**
 * A JSON file that a processing step writes to one of its outputs and that later steps read with
 * `Std:JsonGet` (`PropertyFiles` on the step).
 */
export interface PropertyFile {
  /** The property file's name (`PropertyFileName`), referenced by `jsonGet`. */
  readonly name: string;
  /** The name of the processing output the file is written to (`OutputName`). */
  readonly outputName: string;
  /** The path of the file inside that output (`FilePath`), e.g. `evaluation.json`. */
  readonly filePath: string;
}

/** Renders a cache config. @internal */
export function renderCache(config: StepCacheConfig | undefined): any {
  if (!config) return undefined;
  const out: { [key: string]: any } = { Enabled: config.enabled ?? true };
  if (config.expireAfter !== undefined) out.ExpireAfter = config.expireAfter.toIsoString();
  return out;
}

/** Renders a VPC config. @internal */
export function renderVpc(vpc: PipelineVpcConfig | undefined): any {
  if (!vpc) return undefined;
  return { SecurityGroupIds: [...vpc.securityGroupIds], Subnets: [...vpc.subnets] };
}

/** Removes undefined members (recursively through plain objects and arrays). @internal */
export function compact(value: any): any {
  if (Array.isArray(value)) return value.map(compact);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: { [key: string]: any } = {};
    for (const [k, x] of Object.entries(value)) if (x !== undefined) out[k] = compact(x);
    return out;
  }
  return value;
}

/**
 * Merges `extra` into `base`: objects are merged key by key, recursively; any other value (array,
 * string, number, boolean) replaces the one in `base`; `null` removes the key. @internal
 */
export function deepMerge(base: any, extra: any): any {
  if (!extra || typeof extra !== 'object' || Array.isArray(extra)) return extra;
  const out: { [key: string]: any } = base && typeof base === 'object' && !Array.isArray(base) ? { ...base } : {};
  for (const [k, x] of Object.entries(extra)) {
    if (x === null) delete out[k];
    else if (x && typeof x === 'object' && !Array.isArray(x)) out[k] = deepMerge(out[k], x);
    else out[k] = x;
  }
  return out;
}
