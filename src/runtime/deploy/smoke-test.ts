/**
 * `deploy smoke-test`: after a deployment, the endpoint must be InService (bounded wait), capture data
 * (DataCaptureConfig.EnableCapture with a destination and a sampling percentage above 0), serve the pinned
 * model (with `pinnedModelPackageArn`), and answer one sample invocation.
 *
 * The check that capture objects appear under `<destination>/<endpoint>/<variant>/` after the invocation
 * needs an S3 client, which this bundle does not include (`@aws-sdk/client-s3` is not a dependency): the
 * result names the prefix and says that it was not checked.
 */
import {
  DescribeEndpointCommand,
  DescribeEndpointCommandOutput,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
// STS comes from the SDK's own nested clients (installed with, and bundled like, the SageMaker client):
// @aws-sdk/client-sts is not a devDependency of this package. The nested client has no default credential
// chain, so it is given the SageMaker client's.
// eslint-disable-next-line import/no-extraneous-dependencies
import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts';
import { DeployCheckError } from './errors';
import { FailureInfo, REAL_ENVIRONMENT, resolveRetryOptions, RetryEvent, RetryOptions, withRetry } from '../registry/retry';

/** Statuses the endpoint passes through on its way to InService: wait. */
const TRANSIENT_STATUSES = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack']);

/** What to test. */
export interface SmokeTestOptions {
  /** The SageMaker endpoint. */
  readonly endpointName: string;
  /** The request body of the sample invocation. */
  readonly sample: Uint8Array;
  /** Its content type. */
  readonly contentType: string;
  /** How long to wait for InService, in milliseconds. */
  readonly timeoutMs: number;
  /** The time between two DescribeEndpoint requests while waiting, in milliseconds. */
  readonly pollIntervalMs: number;
  /** When set, every production variant's model must use exactly this model package. @default - not checked */
  readonly pinnedModelPackageArn?: string;
}

/** Clock, sleep and progress of the smoke test (injectable for tests). */
export interface SmokeTestEnvironment {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** A progress line (the CLI prints it on stderr). */
  readonly onProgress?: (line: string) => void;
  /** Retry bounds of each request. @default - as the registry client: 5 attempts, 30 s */
  readonly retry?: RetryOptions;
}

/** The SDK clients of the smoke test. */
export interface SmokeTestClients {
  readonly sagemaker: SageMakerClient;
  readonly runtime: SageMakerRuntimeClient;
}

/** What the smoke test found. */
export interface SmokeTestResult {
  readonly endpointName: string;
  readonly endpointConfigName: string;
  /** Always `InService` in a result (anything else throws). */
  readonly endpointStatus: string;
  /** How long the test waited for InService, in milliseconds. */
  readonly waitedMs: number;
  /** The production variants of the endpoint config. */
  readonly variants: string[];
  /** The data capture settings of the endpoint config. */
  readonly dataCapture: {
    readonly destinationS3Uri: string;
    readonly initialSamplingPercentage: number;
    /** Where the capture objects of the invocation are written: `<destination>/<endpoint>/<variant>/`. */
    readonly capturePrefix: string;
    /** Whether a capture object was seen there (false: not checked, see `captureObjectsNote`). */
    readonly captureObjectsChecked: boolean;
    /** Why the capture objects were not checked. */
    readonly captureObjectsNote?: string;
  };
  /** The models of the variants and their model packages (with `pinnedModelPackageArn`). */
  readonly models: { readonly variant: string; readonly modelName: string; readonly modelPackageArns: (string | null)[] }[];
  /** The invocation. */
  readonly invocation: {
    readonly invokedVariant?: string;
    readonly contentType?: string;
    readonly responseBytes: number;
    readonly latencyMs: number;
    readonly at: string;
  };
}

/**
 * Runs the smoke test.
 * @throws DeployCheckError NOT_FOUND (no endpoint), CHECK_FAILED (failed endpoint, timeout, no capture,
 * another model, failed invocation); RegistryRequestError (an AWS request failed)
 */
export async function runSmokeTest(
  options: SmokeTestOptions,
  clients: SmokeTestClients,
  env: Partial<SmokeTestEnvironment> = {},
): Promise<SmokeTestResult> {
  const now = env.now ?? REAL_ENVIRONMENT.now;
  const sleep = env.sleep ?? REAL_ENVIRONMENT.sleep;
  const retry = resolveRetryOptions(env.retry);
  const progress = env.onProgress ?? (() => undefined);
  const name = options.endpointName;
  const target = `endpoint "${name}"`;
  const onRetry = (e: RetryEvent) => progress(`… ${e.operation} for ${e.target}: ${e.statusCode ?? ''} ${e.errorCode ?? ''} on attempt ${e.attempt}/${e.maxAttempts}, retrying in ${e.delayMs} ms`.replace(/\s+/g, ' '));
  const notFound = (what: string) => (error: unknown, info: FailureInfo) =>
    info.code === 'ValidationException' && /could not find|does not exist|not found/i.test(info.message ?? '')
      ? new DeployCheckError('NOT_FOUND', `${what} does not exist (${info.message}); check the name, the account (role) and the region`, { cause: error })
      : undefined;
  const call = <T>(operation: string, what: string, fn: (signal: AbortSignal) => Promise<T>) =>
    withRetry({ operation, target: what }, fn, retry, { onRetry, mapError: notFound(what), env: { now, sleep, random: Math.random } });

  // 1. InService, within the bounded wait.
  const start = now();
  const deadline = start + options.timeoutMs;
  let endpoint: DescribeEndpointCommandOutput;
  for (;;) {
    endpoint = await call('DescribeEndpoint', target, (signal) => clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }), { abortSignal: signal }));
    const status = endpoint.EndpointStatus ?? 'unknown';
    const waited = Math.round((now() - start) / 1000);
    if (status === 'InService') {
      progress(`… ${target} is InService (after ${waited} s)`);
      break;
    }
    if (!TRANSIENT_STATUSES.has(status)) {
      throw new DeployCheckError('CHECK_FAILED', `${target} is ${status}${endpoint.FailureReason ? `: ${endpoint.FailureReason}` : ''}; the deployment did not produce a working endpoint`);
    }
    if (now() + options.pollIntervalMs > deadline) {
      throw new DeployCheckError('CHECK_FAILED', `${target} is still ${status} after ${waited} s; it did not reach InService within the ${Math.round(options.timeoutMs / 1000)} s timeout`);
    }
    progress(`… ${target} is ${status}, waiting for InService (${waited} s of ${Math.round(options.timeoutMs / 1000)} s)`);
    await sleep(options.pollIntervalMs);
  }
  const waitedMs = now() - start;

  // 2. Data capture in the endpoint config.
  const configName = endpoint.EndpointConfigName ?? '';
  const configTarget = `endpoint config "${configName}"`;
  const config = await call('DescribeEndpointConfig', configTarget, (signal) =>
    clients.sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName }), { abortSignal: signal }),
  );
  const capture = config.DataCaptureConfig;
  if (!capture || capture.EnableCapture !== true) {
    throw new DeployCheckError('CHECK_FAILED', `${configTarget} of ${target} does not capture data (DataCaptureConfig.EnableCapture is ${capture ? String(capture.EnableCapture) : 'not set'}); model monitoring needs the captured requests: enable data capture in the serving stack`);
  }
  const destination = (capture.DestinationS3Uri ?? '').replace(/\/+$/, '');
  if (!/^s3:\/\/[^/]+/.test(destination)) {
    throw new DeployCheckError('CHECK_FAILED', `${configTarget} of ${target} captures data without an S3 destination (DataCaptureConfig.DestinationS3Uri is ${JSON.stringify(capture.DestinationS3Uri)})`);
  }
  const sampling = capture.InitialSamplingPercentage ?? 0;
  if (sampling <= 0) {
    throw new DeployCheckError('CHECK_FAILED', `${configTarget} of ${target} enables data capture with a sampling percentage of ${sampling}, so nothing is captured; set it above 0`);
  }
  const variants = (config.ProductionVariants ?? []).map((v) => v.VariantName ?? '');

  // 3. The pinned model behind every variant.
  const models: SmokeTestResult['models'] = [];
  if (options.pinnedModelPackageArn !== undefined) {
    const problems: string[] = [];
    for (const v of config.ProductionVariants ?? []) {
      const modelName = v.ModelName ?? '';
      const model = await call('DescribeModel', `model "${modelName}"`, (signal) => clients.sagemaker.send(new DescribeModelCommand({ ModelName: modelName }), { abortSignal: signal }));
      const containers = [model.PrimaryContainer, ...(model.Containers ?? [])].filter((c) => c !== undefined);
      const arns = containers.map((c) => c?.ModelPackageName ?? null);
      models.push({ variant: v.VariantName ?? '', modelName, modelPackageArns: arns });
      if (arns.length === 0 || arns.some((a) => a !== options.pinnedModelPackageArn)) {
        problems.push(`variant ${v.VariantName} (model ${modelName}) uses ${arns.length === 0 ? 'no container' : arns.map((a) => a ?? 'an image without a model package').join(', ')}`);
      }
    }
    if (problems.length > 0) {
      throw new DeployCheckError('CHECK_FAILED', `${target} does not serve the pinned model ${options.pinnedModelPackageArn}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
  }

  // 4. One sample invocation.
  const invokedAt = new Date(now());
  const before = now();
  let response;
  try {
    response = await withRetry(
      { operation: 'InvokeEndpoint', target },
      (signal) =>
        clients.runtime.send(new InvokeEndpointCommand({ EndpointName: name, Body: options.sample, ContentType: options.contentType }), {
          abortSignal: signal,
        }),
      retry,
      { onRetry, env: { now, sleep, random: Math.random } },
    );
  } catch (e) {
    const cause = (e as { cause?: any }).cause ?? e;
    const status = cause?.$metadata?.httpStatusCode ?? cause?.$response?.statusCode;
    const detail = [cause?.name, status !== undefined ? `HTTP ${status}` : undefined].filter(Boolean).join(', ');
    throw new DeployCheckError('CHECK_FAILED', `the sample invocation of ${target} failed (${detail}): ${cause?.message ?? String(cause)}`, { cause: e });
  }
  const latencyMs = now() - before;
  const invokedVariant = response.InvokedProductionVariant ?? (variants.length === 1 ? variants[0] : undefined);
  progress(`… invoked ${target}: ${response.Body?.length ?? 0} bytes of ${response.ContentType ?? 'unknown content type'} from variant ${invokedVariant ?? '?'} in ${latencyMs} ms`);

  return {
    endpointName: name,
    endpointConfigName: configName,
    endpointStatus: 'InService',
    waitedMs,
    variants,
    dataCapture: {
      destinationS3Uri: destination,
      initialSamplingPercentage: sampling,
      capturePrefix: `${destination}/${name}/${invokedVariant ?? '<variant>'}/`,
      captureObjectsChecked: false,
      captureObjectsNote: 'not checked: this build of the CLI has no S3 client (@aws-sdk/client-s3)',
    },
    models,
    invocation: {
      invokedVariant,
      contentType: response.ContentType,
      responseBytes: response.Body?.length ?? 0,
      latencyMs,
      at: invokedAt.toISOString(),
    },
  };
}

/** Temporary credentials of an assumed role. */
export interface AssumedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration?: Date;
}

/** A role ARN. */
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/**
 * Assumes `roleArn` (sts:AssumeRole) with the default credentials, for a session long enough for the test.
 * @throws RegistryRequestError when STS refuses (e.g. the role does not trust the caller)
 */
export async function assumeRole(
  roleArn: string,
  options: {
    region?: string;
    endpoint?: string;
    sessionName: string;
    durationSeconds: number;
    credentials?: { accessKeyId: string; secretAccessKey: string };
  },
  env: Partial<SmokeTestEnvironment> = {},
): Promise<AssumedCredentials> {
  // the SDK's default credential chain, as the SageMaker client resolves it
  const defaultChain = new SageMakerClient({ region: options.region });
  const credentials = options.credentials ?? defaultChain.config.credentials;
  const sts = new STSClient({ region: options.region, endpoint: options.endpoint, credentials, maxAttempts: 1 });
  try {
    const out = await withRetry(
      { operation: 'AssumeRole', target: `role "${roleArn}"` },
      (signal) =>
        sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: options.sessionName, DurationSeconds: options.durationSeconds }), {
          abortSignal: signal,
        }),
      resolveRetryOptions(env.retry),
      { env: { now: env.now ?? REAL_ENVIRONMENT.now, sleep: env.sleep ?? REAL_ENVIRONMENT.sleep, random: Math.random } },
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
      throw new DeployCheckError('AWS_ERROR', `AssumeRole of ${roleArn} returned no credentials`);
    }
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  } finally {
    sts.destroy();
    defaultChain.destroy();
  }
}
