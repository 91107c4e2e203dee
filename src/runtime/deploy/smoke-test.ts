/**
 * `deploy smoke-test`: after a deployment, the endpoint must be InService (bounded wait), capture data
 * (DataCaptureConfig.EnableCapture with a destination and a sampling percentage above 0), serve the pinned
 * model (with `pinnedModelPackageArn`), answer the sample invocation, and a data capture object must appear
 * in S3 after the invocation (bounded wait; skipped with `skipCaptureCheck`).
 *
 * SageMaker writes the captured requests of a real-time endpoint to
 * `<DestinationS3Uri>/<endpoint-name>/<variant-name>/yyyy/mm/dd/hh/<file>.jsonl`, by the hour of the
 * invocation, after buffering them for a few minutes ("Capture data from real-time endpoint", SageMaker
 * developer guide). The check lists that prefix with ListObjectsV2, starting at the hour of the invocation,
 * until an object whose LastModified is at or after the invocation (less a clock-skew allowance) appears.
 * Capture samples requests: below 100 %, one invocation is captured only with that probability, so the
 * sample is sent often enough for a 99.9 % chance that at least one is captured (at most 100 times).
 */
import { S3Client } from '@aws-sdk/client-s3';
import {
  DescribeEndpointCommand,
  DescribeEndpointCommandOutput,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, InvokeEndpointCommandOutput, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DeployCheckError } from './errors';
import { CaptureObject, checkCaptureSettings, s3Error, waitForCaptureObject } from './smoke-test-capture';
import { checkInferenceComponent, DEFAULT_SCALE_OUT_TIMEOUT_MS, InferenceComponentCheck } from './smoke-test-inference-component';
import { FailureInfo, REAL_ENVIRONMENT, resolveRetryOptions, RetryEvent, RetryOptions, withRetry } from '../registry/retry';

/** Statuses the endpoint passes through on its way to InService: wait. */
const TRANSIENT_STATUSES = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack']);

/** How long the capture check waits for a capture object by default: SageMaker buffers capture files for minutes. */
export const DEFAULT_CAPTURE_TIMEOUT_MS = 300_000;
/** How much older than the invocation a capture object's LastModified may be (clock skew; S3 keeps whole seconds). */
export const DEFAULT_CAPTURE_CLOCK_SKEW_MS = 30_000;
/** The shortest time between two ListObjectsV2 polls of the capture check. */
export const MIN_CAPTURE_POLL_INTERVAL_MS = 1_000;
/** The most sample invocations sent by default for the capture check (at a low sampling percentage). */
export const MAX_DEFAULT_INVOCATIONS = 100;
/** The probability that at least one of the default number of invocations is captured. */
const CAPTURE_CONFIDENCE = 0.999;

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
  /** The time between two DescribeEndpoint requests while waiting, in milliseconds (and between two capture polls, at least 1 s). */
  readonly pollIntervalMs: number;
  /** When set, every production variant's model must use exactly this model package. @default - not checked */
  readonly pinnedModelPackageArn?: string;
  /** Skip the check that a capture object appears in S3 after the invocation. @default false */
  readonly skipCaptureCheck?: boolean;
  /** How long to wait for a capture object after the invocations, in milliseconds. @default DEFAULT_CAPTURE_TIMEOUT_MS */
  readonly captureTimeoutMs?: number;
  /** How much older than the first invocation a capture object may be and still count. @default DEFAULT_CAPTURE_CLOCK_SKEW_MS */
  readonly captureClockSkewMs?: number;
  /**
   * How many times to send the sample (every answer must succeed).
   * @default - 1 without the capture check; with it, enough for a 99.9 % chance that the endpoint's
   * sampling percentage captures at least one (`invocationsForCapture`), at most 100
   */
  readonly invocations?: number;
  /**
   * The inference component of an endpoint that serves one (its configuration's variants name no model).
   * @default - the component named like the endpoint
   */
  readonly inferenceComponentName?: string;
  /** How long to wait for a copy of a component that has scaled in to 0. @default DEFAULT_SCALE_OUT_TIMEOUT_MS */
  readonly scaleOutTimeoutMs?: number;
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
  /** Lists the capture objects; required unless `skipCaptureCheck`. */
  readonly s3?: S3Client;
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
  /** The data capture settings of the endpoint config, and what the capture check found. */
  readonly dataCapture: {
    readonly destinationS3Uri: string;
    readonly initialSamplingPercentage: number;
    /** Where SageMaker writes the capture files of the invoked variants: `<destination>/<endpoint>/<variant>/`. */
    readonly capturePrefixes: string[];
    /** Whether the capture check ran (false: `skipCaptureCheck`, see `captureObjectsNote`). */
    readonly captureObjectsChecked: boolean;
    /** Why the capture objects were not checked. */
    readonly captureObjectsNote?: string;
    /** The first capture object written at or after `capturedAfter`. */
    readonly captureObject?: CaptureObject;
    /** The earliest LastModified that counts: the first invocation less the clock-skew allowance. */
    readonly capturedAfter?: string;
    /** How long the check waited for the capture object, in milliseconds. */
    readonly captureWaitedMs?: number;
    /** How many times it listed the prefixes. */
    readonly capturePolls?: number;
  };
  /** The models of the variants and their model packages (with `pinnedModelPackageArn`). */
  readonly models: { readonly variant: string; readonly modelName: string; readonly modelPackageArns: (string | null)[] }[];
  /** The inference component, on an endpoint that serves one (scale to zero). */
  readonly inferenceComponent?: InferenceComponentCheck;
  /** The (first) invocation. */
  readonly invocation: {
    readonly invokedVariant?: string;
    readonly contentType?: string;
    readonly responseBytes: number;
    readonly latencyMs: number;
    readonly at: string;
    /** How many times the sample was sent (all answered). */
    readonly count: number;
  };
}

/**
 * How many invocations give a `confidence` chance that data capture at `samplingPercentage` captures at
 * least one (1 at 100 %), at most `max`.
 */
export function invocationsForCapture(samplingPercentage: number, max = MAX_DEFAULT_INVOCATIONS, confidence = CAPTURE_CONFIDENCE): number {
  if (samplingPercentage >= 100) return 1;
  if (samplingPercentage <= 0) return max;
  const n = Math.ceil(Math.log(1 - confidence) / Math.log(1 - samplingPercentage / 100));
  return Math.max(1, Math.min(max, n));
}

/**
 * Runs the smoke test.
 * @throws DeployCheckError NOT_FOUND (no endpoint), CHECK_FAILED (failed endpoint, timeout, no capture,
 * another model, failed invocation, no capture object in time); RegistryRequestError (an AWS request failed)
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
  const checkCapture = options.skipCaptureCheck !== true;
  if (checkCapture && !clients.s3) throw new Error('runSmokeTest: the capture check needs clients.s3 (or skipCaptureCheck)');
  const onRetry = (e: RetryEvent) => progress(`… ${e.operation} for ${e.target}: ${e.statusCode ?? ''} ${e.errorCode ?? ''} on attempt ${e.attempt}/${e.maxAttempts}, retrying in ${e.delayMs} ms`.replace(/\s+/g, ' '));
  const notFound = (what: string) => (error: unknown, info: FailureInfo) =>
    info.code === 'ValidationException' && /could not find|does not exist|not found/i.test(info.message ?? '')
      ? new DeployCheckError('NOT_FOUND', `${what} does not exist (${info.message}); check the name, the account (role) and the region`, { cause: error })
      : undefined;
  const retryEnv = { now, sleep, random: Math.random };
  const call = <T>(operation: string, what: string, fn: (signal: AbortSignal) => Promise<T>) =>
    withRetry({ operation, target: what }, fn, retry, { onRetry, mapError: notFound(what), env: retryEnv });

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

  // 2. Data capture in the endpoint config (and, when SageMaker reports it, on the endpoint itself).
  const configName = endpoint.EndpointConfigName ?? '';
  const configTarget = `endpoint config "${configName}"`;
  const config = await call('DescribeEndpointConfig', configTarget, (signal) =>
    clients.sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName }), { abortSignal: signal }),
  );
  // an endpoint for inference components: its variants name no model; no data capture to check
  const variantsOfConfig = config.ProductionVariants ?? [];
  let component: InferenceComponentCheck | undefined;
  if (variantsOfConfig.length > 0 && variantsOfConfig.every((v) => !v.ModelName)) {
    component = await checkInferenceComponent({
      sagemaker: clients.sagemaker,
      endpointName: name,
      inferenceComponentName: options.inferenceComponentName,
      scaleOutTimeoutMs: options.scaleOutTimeoutMs ?? DEFAULT_SCALE_OUT_TIMEOUT_MS,
      pollIntervalMs: options.pollIntervalMs,
      pinnedModelPackageArn: options.pinnedModelPackageArn,
      now,
      sleep,
      progress,
      call,
    });
  }
  const captured = component ? undefined : checkCaptureSettings(config, endpoint, configTarget, target);
  // no capture (an inference component): sampling plays no part
  const liveSampling = captured?.liveSampling ?? 100;
  const variants = (config.ProductionVariants ?? []).map((v) => v.VariantName ?? '');
  // the variants the endpoint runs, from its description (the config's when the description has none)
  const endpointVariants = (endpoint.ProductionVariants ?? []).map((v) => v.VariantName ?? '').filter((v) => v !== '');
  const runningVariants = endpointVariants.length > 0 ? endpointVariants : variants;

  // 3. The pinned model behind every variant.
  const models: SmokeTestResult['models'] = component
    ? [{ variant: variantsOfConfig[0].VariantName ?? '', modelName: component.modelName, modelPackageArns: component.modelPackageArns }]
    : [];
  if (options.pinnedModelPackageArn !== undefined && !component) {
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

  // 4. The sample invocation(s): with the capture check, enough that the sampling captures one.
  const count = options.invocations ?? (checkCapture && captured ? invocationsForCapture(liveSampling) : 1);
  if (!Number.isInteger(count) || count < 1 || count > 1000) throw new RangeError(`invocations must be a whole number from 1 to 1000, got ${count}`);
  const invokedAt = new Date(now());
  const firstStart = now();
  let first: InvokeEndpointCommandOutput | undefined;
  let latencyMs = 0;
  const invokedVariants = new Set<string>();
  for (let i = 1; i <= count; i++) {
    const before = now();
    let response: InvokeEndpointCommandOutput;
    try {
      response = await withRetry(
        { operation: 'InvokeEndpoint', target },
        (signal) =>
          clients.runtime.send(new InvokeEndpointCommand({
            EndpointName: name,
            InferenceComponentName: component?.name,
            Body: options.sample,
            ContentType: options.contentType,
          }), {
            abortSignal: signal,
          }),
        retry,
        { onRetry, env: retryEnv },
      );
    } catch (e) {
      const cause = (e as { cause?: any }).cause ?? e;
      const status = cause?.$metadata?.httpStatusCode ?? cause?.$response?.statusCode;
      const detail = [cause?.name, status !== undefined ? `HTTP ${status}` : undefined].filter(Boolean).join(', ');
      const which = count > 1 ? ` (${i} of ${count})` : '';
      throw new DeployCheckError('CHECK_FAILED', `the sample invocation${which} of ${target} failed (${detail}): ${cause?.message ?? String(cause)}`, { cause: e });
    }
    if (response.InvokedProductionVariant) invokedVariants.add(response.InvokedProductionVariant);
    if (i === 1) {
      first = response;
      latencyMs = now() - before;
      const variant = response.InvokedProductionVariant ?? (variants.length === 1 ? variants[0] : undefined);
      progress(`… invoked ${target}: ${response.Body?.length ?? 0} bytes of ${response.ContentType ?? 'unknown content type'} from variant ${variant ?? '?'} in ${latencyMs} ms`);
    }
  }
  if (count > 1) {
    const miss = (1 - Math.min(100, liveSampling) / 100) ** count;
    const chance = checkCapture && captured ? ` (sampling ${liveSampling} %: the chance that none is captured is ${formatPercent(miss)})` : '';
    progress(`… sent the sample ${count} times, every answer succeeded${chance}`);
    if (checkCapture && captured && miss > 1 - CAPTURE_CONFIDENCE + 1e-12) {
      progress(`… warning: at ${liveSampling} % sampling, ${count} invocations leave a ${formatPercent(miss)} chance that none is captured; raise --invocations or the sampling percentage`);
    }
  }
  const invokedVariant = first?.InvokedProductionVariant ?? (variants.length === 1 ? variants[0] : undefined);
  const invocation = {
    invokedVariant,
    contentType: first?.ContentType,
    responseBytes: first?.Body?.length ?? 0,
    latencyMs,
    at: invokedAt.toISOString(),
    count,
  };
  const common = { endpointName: name, endpointConfigName: configName, endpointStatus: 'InService', waitedMs, variants, models, invocation };
  if (!captured) {
    const note = 'the endpoint serves an inference component (scale to zero), which captures no data';
    return { ...common, inferenceComponent: component, dataCapture: { destinationS3Uri: '', initialSamplingPercentage: 0, capturePrefixes: [], captureObjectsChecked: false, captureObjectsNote: note } };
  }
  const { destination, destinationMatch, sampling } = captured;

  // 5. A capture object of the invocation(s) in S3.
  const bucket = destinationMatch[1];
  const keyBase = destinationMatch[2] ? `${destinationMatch[2]}/` : '';
  // the prefixes of the variants that answered; all running variants when the answers did not name one of them
  const answered = runningVariants.filter((v) => invokedVariants.has(v));
  const checkedVariants = answered.length > 0 ? answered : runningVariants;
  const keyPrefixes = checkedVariants.map((v) => `${keyBase}${name}/${v}/`);
  const capturePrefixes = keyPrefixes.map((p) => `s3://${bucket}/${p}`);
  const dataCapture = { destinationS3Uri: destination, initialSamplingPercentage: sampling, capturePrefixes };
  if (!checkCapture) {
    return { ...common, dataCapture: { ...dataCapture, captureObjectsChecked: false, captureObjectsNote: 'not checked (--no-capture-check)' } };
  }
  const found = await waitForCaptureObject({
    s3: clients.s3!,
    bucket,
    keyPrefixes,
    threshold: firstStart - (options.captureClockSkewMs ?? DEFAULT_CAPTURE_CLOCK_SKEW_MS),
    timeoutMs: options.captureTimeoutMs ?? DEFAULT_CAPTURE_TIMEOUT_MS,
    intervalMs: Math.max(MIN_CAPTURE_POLL_INTERVAL_MS, options.pollIntervalMs),
    count,
    sampling: liveSampling,
    now,
    sleep,
    progress,
    retry: (operation, what, fn) =>
      withRetry({ operation, target: what }, fn, retry, { onRetry, mapError: s3Error(bucket, what), env: retryEnv }),
  });
  return { ...common, dataCapture: { ...dataCapture, captureObjectsChecked: true, ...found } };
}

function formatPercent(p: number): string {
  const percent = p * 100;
  return `${percent >= 1 ? percent.toFixed(1) : percent.toPrecision(2)} %`;
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
 * Assumes `roleArn` (sts:AssumeRole) with the given or the default credentials, for a session long enough
 * for the test.
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
  // without credentials, the STS client resolves the SDK's default credential chain
  const sts = new STSClient({ region: options.region, endpoint: options.endpoint, credentials: options.credentials, maxAttempts: 1 });
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
  }
}
