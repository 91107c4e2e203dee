/**
 * The model-registry client: SageMaker model package groups and their versions, written against the AWS
 * SDK for JavaScript v3 (`@aws-sdk/client-sagemaker`). Every request goes through one bounded retry loop
 * (see retry.ts) and every failure is a typed RegistryError (see errors.ts).
 */
// the SDK is a devDependency on purpose: esbuild bundles it into assets/runtime, so it never becomes a
// dependency of the published package (see scripts/bundle-runtime.mjs)
import {
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackagesCommand,
  ModelPackageSummary,
  SageMakerClient,
  UpdateModelPackageCommand,
  DescribeModelPackageCommandOutput,
} from '@aws-sdk/client-sagemaker';
import {
  ModelPackageGroupNotFoundError,
  ModelPackageNotFoundError,
  NoApprovedModelError,
  RegistryError,
  RegistryInputError,
} from './errors';
import { CallContext, FailureInfo, resolveRetryOptions, ResolvedRetryOptions, RetryEnvironment, RetryEvent, RetryOptions, withRetry } from './retry';

/** The approval statuses of a model package. */
export const APPROVAL_STATUSES = ['Approved', 'Rejected', 'PendingManualApproval'] as const;
/** An approval status of a model package. */
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** The largest page ListModelPackages returns (its MaxResults is 1 to 100). */
export const MAX_PAGE_SIZE = 100;
/** ApprovalDescription is at most 1024 characters. */
export const MAX_REASON_LENGTH = 1024;
/** CustomerMetadataProperties keys are 1 to 128 characters of letters, digits, spaces and `_.:/=+-@`. */
const METADATA_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
/** CustomerMetadataProperties values are 1 to 256 characters of the same alphabet. */
const METADATA_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;
/** A SageMaker endpoint name. */
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** A deployment stage name as used in the metadata keys (`deployed.<stage>.at`). */
const STAGE_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
/** A model package group name. */
const GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** The prefix of the metadata keys that record deployments. */
export const DEPLOYMENT_METADATA_PREFIX = 'deployed.';

/** Static AWS credentials (for tests and emulators; otherwise the SDK's default provider chain is used). */
export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A progress event: a retry that waits, or a page of a listing. */
export type ProgressEvent =
  | RetryEvent
  | {
    readonly kind: 'page';
    readonly operation: string;
    readonly target: string;
    /** The page just received (1-based). */
    readonly page: number;
    /** Items received so far, this page included. */
    readonly itemsSoFar: number;
    /** Whether another page follows. */
    readonly more: boolean;
  };

/** Options of the model-registry client. */
export interface ModelRegistryClientOptions {
  /** The AWS region. @default - the SDK's resolution (AWS_REGION, the profile) */
  readonly region?: string;
  /** The SageMaker endpoint URL, e.g. an emulator. @default - the SDK's resolution (AWS_ENDPOINT_URL_SAGEMAKER, the regional endpoint) */
  readonly endpoint?: string;
  /** Static credentials. @default - the SDK's default credential provider chain */
  readonly credentials?: StaticCredentials;
  /** Retry bounds. @default - 5 attempts, 200 ms base backoff, 5 s max backoff, 30 s per request in total */
  readonly retry?: RetryOptions;
  /** The time limit of one HTTP attempt (connection included). @default 10000 */
  readonly requestTimeoutMs?: number;
  /** Called for every retry and every page of a listing (the CLI prints a line to stderr). @default - nothing */
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Use this SDK client instead of creating one (region, endpoint, credentials, requestTimeoutMs are then ignored). @default - a new client */
  readonly sagemaker?: SageMakerClient;
  /** Clock, sleep and randomness of the retry loop (tests). @default - real timers */
  readonly retryEnvironment?: RetryEnvironment;
}

/** One version of a model package group, as ListModelPackages returns it. */
export interface ModelVersion {
  /** The model package ARN. */
  readonly arn: string;
  /** The model package group. */
  readonly group: string;
  /** The version number within the group. */
  readonly version: number;
  /** The approval status. */
  readonly approvalStatus: ApprovalStatus;
  /** The package status (`Completed`, `InProgress`, `Failed`, ...). */
  readonly packageStatus?: string;
  /** When the version was registered. */
  readonly createdAt: Date;
  /** The model package description. */
  readonly description?: string;
}

/** One container of a model package's inference specification. */
export interface ModelContainer {
  /** The inference image URI. */
  readonly image?: string;
  /** The image digest, if SageMaker recorded it. */
  readonly imageDigest?: string;
  /** The S3 URI of the model artifacts. */
  readonly modelDataUrl?: string;
}

/** Where a model version was deployed, as recorded by `recordDeployment`. */
export interface DeploymentRecord {
  /** The stage (`dev`, `int`, `prod`, ...). */
  readonly stage: string;
  /** When (ISO 8601), if recorded. */
  readonly at?: string;
  /** The endpoint name, if recorded. */
  readonly endpoint?: string;
}

/** One version with everything DescribeModelPackage says about it. */
export interface ModelVersionDetails extends ModelVersion {
  /** The reason given with the last approval decision. */
  readonly approvalDescription?: string;
  /** When the package was last modified (approval decisions and metadata updates modify it). */
  readonly lastModifiedAt?: Date;
  /** The customer metadata properties. */
  readonly customerMetadata: Record<string, string>;
  /** The inference containers. */
  readonly containers: ModelContainer[];
  /** The deployments recorded in the customer metadata. */
  readonly deployments: DeploymentRecord[];
}

/** The model version a deployment pipeline resolved once and pins for every stage. */
export interface PinnedModel {
  /** The format version of this document. */
  readonly schemaVersion: 1;
  /** The model package ARN. */
  readonly modelPackageArn: string;
  /** The model package group. */
  readonly modelPackageGroupName: string;
  /** The version number. */
  readonly modelPackageVersion: number;
  /** Always `Approved`. */
  readonly approvalStatus: 'Approved';
  /**
   * When the package was approved, as far as SageMaker records it: its LastModifiedTime (SageMaker keeps
   * no separate approval time; a later metadata update moves it), or its CreationTime when it was
   * registered approved and never modified.
   */
  readonly approvedAt: string;
  /** The reason given with the approval. */
  readonly approvalDescription?: string;
  /** When the version was registered. */
  readonly createdAt: string;
  /** The inference containers (image, model data). */
  readonly containers: ModelContainer[];
  /** When this document was resolved. */
  readonly resolvedAt: string;
}

/** Options of `listVersions`. */
export interface ListVersionsOptions {
  /** Only versions with this approval status. @default - all */
  readonly status?: ApprovalStatus;
  /** Items per ListModelPackages request (1 to 100). @default 100 */
  readonly pageSize?: number;
}

/** What `recordDeployment` records. */
export interface DeploymentToRecord {
  /** The stage (lowercase letters, digits, hyphens; at most 32). */
  readonly stage: string;
  /** The SageMaker endpoint name. @default - none recorded */
  readonly endpointName?: string;
  /** When. @default - now */
  readonly deployedAt?: Date;
}

/**
 * A client of the SageMaker model registry.
 *
 * @example
 * const registry = new ModelRegistryClient({ region: 'eu-central-1' });
 * const latest = await registry.latestApproved('churn-model');
 * await registry.approve(arn, 'evaluation AUC 0.91 above the 0.85 threshold');
 */
export class ModelRegistryClient {
  /** The underlying SDK client. */
  public readonly sagemaker: SageMakerClient;
  private readonly retry: ResolvedRetryOptions;
  private readonly onProgress?: (event: ProgressEvent) => void;
  private readonly env?: RetryEnvironment;
  private readonly region?: string;

  constructor(options: ModelRegistryClientOptions = {}) {
    this.retry = resolveRetryOptions(options.retry);
    this.onProgress = options.onProgress;
    this.env = options.retryEnvironment;
    this.region = options.region;
    const requestTimeout = options.requestTimeoutMs ?? 10_000;
    this.sagemaker =
      options.sagemaker ??
      new SageMakerClient({
        region: options.region,
        endpoint: options.endpoint,
        credentials: options.credentials,
        // the only retry loop is ours (bounded in attempts and time): see retry.ts
        maxAttempts: 1,
        requestHandler: { requestTimeout, connectionTimeout: requestTimeout, throwOnRequestTimeout: true },
      });
  }

  /**
   * The latest approved version of a group: exactly one ListModelPackages request (status Approved,
   * sorted by creation time descending, one result), whatever the size of the registry. Only when it
   * finds nothing does a DescribeModelPackageGroup tell a missing group from a group without approvals.
   * @throws NoApprovedModelError, ModelPackageGroupNotFoundError, RegistryRequestError
   */
  public async latestApproved(group: string): Promise<ModelVersion> {
    this.checkGroup('ListModelPackages', group);
    const out = await this.call({ operation: 'ListModelPackages', target: groupTarget(group), group }, (signal) =>
      this.sagemaker.send(
        new ListModelPackagesCommand({
          ModelPackageGroupName: group,
          ModelPackageType: 'Versioned',
          ModelApprovalStatus: 'Approved',
          SortBy: 'CreationTime',
          SortOrder: 'Descending',
          MaxResults: 1,
        }),
        { abortSignal: signal },
      ),
    (error, info) => (isNotFound(info) ? new ModelPackageGroupNotFoundError(group, this.region, { cause: error }) : undefined),
    );
    const first = out.ModelPackageSummaryList?.[0];
    if (!first) {
      await this.assertGroupExists(group);
      throw new NoApprovedModelError(group);
    }
    const version = toVersion(first, group);
    if (version.approvalStatus !== 'Approved') {
      throw new RegistryError(
        'AWS_ERROR',
        `ListModelPackages for ${groupTarget(group)} answered a ${version.approvalStatus} package (${version.arn}) to a request for Approved ones`,
        { operation: 'ListModelPackages', group },
      );
    }
    return version;
  }

  /**
   * Every version of a group (newest first), page by page (NextToken), optionally only one status.
   * @throws ModelPackageGroupNotFoundError (only when nothing is found), RegistryRequestError
   */
  public async listVersions(group: string, options: ListVersionsOptions = {}): Promise<ModelVersion[]> {
    const all: ModelVersion[] = [];
    for await (const page of this.pages(group, options)) all.push(...page);
    if (all.length === 0) await this.assertGroupExists(group);
    return all;
  }

  /**
   * The versions of a group one page at a time (newest first).
   */
  public async *pages(group: string, options: ListVersionsOptions = {}): AsyncGenerator<ModelVersion[]> {
    const operation = 'ListModelPackages';
    this.checkGroup(operation, group);
    const pageSize = options.pageSize ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new RegistryInputError(operation, `the page size must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`, { group });
    }
    if (options.status !== undefined && !APPROVAL_STATUSES.includes(options.status)) {
      throw new RegistryInputError(operation, `unknown approval status "${options.status}"; use one of ${APPROVAL_STATUSES.join(', ')}`, { group });
    }
    const seen = new Set<string>();
    let token: string | undefined;
    let page = 0;
    let items = 0;
    do {
      const out = await this.call({ operation, target: groupTarget(group), group }, (signal) =>
        this.sagemaker.send(
          new ListModelPackagesCommand({
            ModelPackageGroupName: group,
            ModelPackageType: 'Versioned',
            ModelApprovalStatus: options.status,
            SortBy: 'CreationTime',
            SortOrder: 'Descending',
            MaxResults: pageSize,
            NextToken: token,
          }),
          { abortSignal: signal },
        ),
      (error, info) => (isNotFound(info) ? new ModelPackageGroupNotFoundError(group, this.region, { cause: error }) : undefined),
      );
      const list = (out.ModelPackageSummaryList ?? []).map((s) => toVersion(s, group));
      page++;
      items += list.length;
      token = out.NextToken || undefined;
      if (token !== undefined) {
        if (seen.has(token)) {
          throw new RegistryError('AWS_ERROR', `${operation} for ${groupTarget(group)} returned the same NextToken twice (page ${page})`, { operation, group });
        }
        seen.add(token);
      }
      this.onProgress?.({ kind: 'page', operation, target: groupTarget(group), page, itemsSoFar: items, more: token !== undefined });
      yield list;
    } while (token !== undefined);
  }

  /**
   * Everything DescribeModelPackage says about a version.
   * @throws ModelPackageNotFoundError, RegistryRequestError
   */
  public async describe(modelPackageArn: string): Promise<ModelVersionDetails> {
    const operation = 'DescribeModelPackage';
    this.checkArn(operation, modelPackageArn);
    const out = await this.call(
      { operation, target: packageTarget(modelPackageArn), modelPackageArn },
      (signal) => this.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: modelPackageArn }), { abortSignal: signal }),
      (error, info) => (isNotFound(info) ? new ModelPackageNotFoundError(operation, modelPackageArn, { cause: error }) : undefined),
    );
    return toDetails(out);
  }

  /**
   * Approves a version, with the reason recorded as its ApprovalDescription.
   * @throws RegistryInputError (empty or over-long reason), ModelPackageNotFoundError, RegistryRequestError
   */
  public async approve(modelPackageArn: string, reason: string): Promise<void> {
    await this.decide(modelPackageArn, 'Approved', reason);
  }

  /**
   * Rejects a version, with the reason recorded as its ApprovalDescription.
   * @throws RegistryInputError, ModelPackageNotFoundError, RegistryRequestError
   */
  public async reject(modelPackageArn: string, reason: string): Promise<void> {
    await this.decide(modelPackageArn, 'Rejected', reason);
  }

  /**
   * Records that a version is deployed to a stage: sets the customer metadata properties
   * `deployed.<stage>.at` (ISO 8601) and, with an endpoint, `deployed.<stage>.endpoint`. Nothing else is
   * sent, so (per the UpdateModelPackage contract) the approval status and other properties stay.
   * @throws RegistryInputError, ModelPackageNotFoundError, RegistryRequestError
   */
  public async recordDeployment(modelPackageArn: string, deployment: DeploymentToRecord): Promise<Record<string, string>> {
    const operation = 'UpdateModelPackage';
    this.checkArn(operation, modelPackageArn);
    if (!STAGE_NAME.test(deployment.stage)) {
      throw new RegistryInputError(operation, `stage "${deployment.stage}" must be 1 to 32 lowercase letters, digits and hyphens (e.g. "prod")`, {
        modelPackageArn,
      });
    }
    if (deployment.endpointName !== undefined && !ENDPOINT_NAME.test(deployment.endpointName)) {
      throw new RegistryInputError(operation, `endpoint name "${deployment.endpointName}" is not a SageMaker endpoint name (1 to 63 letters, digits, hyphens)`, {
        modelPackageArn,
      });
    }
    const at = (deployment.deployedAt ?? new Date()).toISOString();
    const properties: Record<string, string> = { [`${DEPLOYMENT_METADATA_PREFIX}${deployment.stage}.at`]: at };
    if (deployment.endpointName) properties[`${DEPLOYMENT_METADATA_PREFIX}${deployment.stage}.endpoint`] = deployment.endpointName;
    for (const [k, v] of Object.entries(properties)) {
      if (!METADATA_KEY.test(k) || !METADATA_VALUE.test(v)) {
        throw new RegistryInputError(operation, `customer metadata ${k}=${v} is outside what SageMaker accepts`, { modelPackageArn });
      }
    }
    await this.call(
      { operation, target: packageTarget(modelPackageArn), modelPackageArn },
      (signal) =>
        this.sagemaker.send(new UpdateModelPackageCommand({ ModelPackageArn: modelPackageArn, CustomerMetadataProperties: properties }), {
          abortSignal: signal,
        }),
      (error, info) => (isNotFound(info) ? new ModelPackageNotFoundError(operation, modelPackageArn, { cause: error }) : undefined),
    );
    return properties;
  }

  /**
   * Resolves the latest approved version ONCE and describes it: the document a deployment pipeline pins
   * and deploys to every stage (one ListModelPackages and one DescribeModelPackage request).
   * @param now the resolution time
   */
  public async pinLatestApproved(group: string, now: Date = new Date()): Promise<PinnedModel> {
    const latest = await this.latestApproved(group);
    const details = await this.describe(latest.arn);
    if (details.approvalStatus !== 'Approved') {
      throw new RegistryError('AWS_ERROR', `model package ${latest.arn} was ${details.approvalStatus} by the time it was described; resolve again`, {
        operation: 'DescribeModelPackage',
        group,
        modelPackageArn: latest.arn,
      });
    }
    return {
      schemaVersion: 1,
      modelPackageArn: details.arn,
      modelPackageGroupName: group,
      modelPackageVersion: details.version,
      approvalStatus: 'Approved',
      approvedAt: (details.lastModifiedAt ?? details.createdAt).toISOString(),
      approvalDescription: details.approvalDescription,
      createdAt: details.createdAt.toISOString(),
      containers: details.containers,
      resolvedAt: now.toISOString(),
    };
  }

  private async decide(modelPackageArn: string, status: 'Approved' | 'Rejected', reason: string): Promise<void> {
    const operation = 'UpdateModelPackage';
    this.checkArn(operation, modelPackageArn);
    const trimmed = (reason ?? '').trim();
    if (trimmed.length === 0) {
      throw new RegistryInputError(operation, `a reason is required to set ${modelPackageArn} to ${status} (it is recorded as the ApprovalDescription)`, {
        modelPackageArn,
      });
    }
    if (trimmed.length > MAX_REASON_LENGTH) {
      throw new RegistryInputError(operation, `the reason is ${trimmed.length} characters; SageMaker accepts at most ${MAX_REASON_LENGTH}`, {
        modelPackageArn,
      });
    }
    await this.call(
      { operation, target: packageTarget(modelPackageArn), modelPackageArn },
      (signal) =>
        this.sagemaker.send(
          new UpdateModelPackageCommand({ ModelPackageArn: modelPackageArn, ModelApprovalStatus: status, ApprovalDescription: trimmed }),
          { abortSignal: signal },
        ),
      (error, info) => (isNotFound(info) ? new ModelPackageNotFoundError(operation, modelPackageArn, { cause: error }) : undefined),
    );
  }

  private async assertGroupExists(group: string): Promise<void> {
    const operation = 'DescribeModelPackageGroup';
    await this.call(
      { operation, target: groupTarget(group), group },
      (signal) => this.sagemaker.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: group }), { abortSignal: signal }),
      (error, info) => (isNotFound(info) ? new ModelPackageGroupNotFoundError(group, this.region, { cause: error }) : undefined),
    );
  }

  private call<T>(
    context: CallContext,
    fn: (signal: AbortSignal) => Promise<T>,
    mapError?: (error: unknown, info: FailureInfo) => Error | undefined,
  ): Promise<T> {
    return withRetry(context, fn, this.retry, { onRetry: this.onProgress, mapError, env: this.env });
  }

  private checkGroup(operation: string, group: string): void {
    // a group may also be given by ARN
    const name = typeof group === 'string' && group.startsWith('arn:') ? group.split('/').pop() ?? '' : group;
    if (typeof name !== 'string' || !GROUP_NAME.test(name)) {
      throw new RegistryInputError(operation, `"${group}" is not a model package group name (1 to 63 letters, digits and hyphens) or ARN`, { group });
    }
  }

  private checkArn(operation: string, arn: string): void {
    if (typeof arn !== 'string' || !/^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[^/]+\/\d+$/.test(arn)) {
      throw new RegistryInputError(
        operation,
        `"${arn}" is not the ARN of a versioned model package (arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>)`,
        { modelPackageArn: arn },
      );
    }
  }
}

function groupTarget(group: string): string {
  return `model package group "${group}"`;
}

function packageTarget(arn: string): string {
  return `model package "${arn}"`;
}

function isNotFound(info: FailureInfo): boolean {
  if (info.code === 'ResourceNotFound' || info.code === 'ResourceNotFoundException') return true;
  return info.code === 'ValidationException' && /does not exist|not found|cannot be found|could not find/i.test(info.message ?? '');
}

function toVersion(s: ModelPackageSummary, group: string): ModelVersion {
  return {
    arn: s.ModelPackageArn ?? '',
    group: s.ModelPackageGroupName ?? group,
    version: s.ModelPackageVersion ?? Number((s.ModelPackageArn ?? '').split('/').pop()),
    approvalStatus: (s.ModelApprovalStatus ?? 'PendingManualApproval') as ApprovalStatus,
    packageStatus: s.ModelPackageStatus,
    createdAt: s.CreationTime ?? new Date(0),
    description: s.ModelPackageDescription,
  };
}

function toDetails(d: DescribeModelPackageCommandOutput): ModelVersionDetails {
  const metadata = { ...(d.CustomerMetadataProperties ?? {}) };
  return {
    arn: d.ModelPackageArn ?? '',
    group: d.ModelPackageGroupName ?? '',
    version: d.ModelPackageVersion ?? Number((d.ModelPackageArn ?? '').split('/').pop()),
    approvalStatus: (d.ModelApprovalStatus ?? 'PendingManualApproval') as ApprovalStatus,
    packageStatus: d.ModelPackageStatus,
    createdAt: d.CreationTime ?? new Date(0),
    description: d.ModelPackageDescription,
    approvalDescription: d.ApprovalDescription,
    lastModifiedAt: d.LastModifiedTime,
    customerMetadata: metadata,
    containers: (d.InferenceSpecification?.Containers ?? []).map((c) => ({
      image: c.Image,
      imageDigest: c.ImageDigest,
      modelDataUrl: c.ModelDataUrl,
    })),
    deployments: deploymentsOf(metadata),
  };
}

/** The deployments recorded in a package's customer metadata (`deployed.<stage>.at|endpoint`). */
export function deploymentsOf(metadata: Record<string, string>): DeploymentRecord[] {
  const stages = new Map<string, { at?: string; endpoint?: string }>();
  for (const [key, value] of Object.entries(metadata)) {
    const m = /^deployed\.([a-z0-9-]+)\.(at|endpoint)$/.exec(key);
    if (!m) continue;
    const entry = stages.get(m[1]) ?? {};
    entry[m[2] as 'at' | 'endpoint'] = value;
    stages.set(m[1], entry);
  }
  return [...stages.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([stage, e]) => ({ stage, ...e }));
}
