/**
 * The smoke test of an endpoint that serves an inference component and may have scaled to zero
 * (`ScaleToZeroEndpoint`, the default of DEV and INT). Such an endpoint answers a request only while the
 * component has a copy; after idle it has none, and a request fails (SageMaker counts it in
 * `NoCapacityInvocationFailures`, whose alarm makes Application Auto Scaling add a copy, which takes
 * minutes). So the smoke test does not rely on a failing first request: it reads the component
 * (DescribeInferenceComponent), sets its copy count to 1 itself when it has none
 * (UpdateInferenceComponentRuntimeConfig), waits, bounded, until a copy is InService, then checks the pinned
 * model and sends the sample with `InferenceComponentName`. The component's target-tracking policy scales
 * it in to 0 again once there are no invocations. There is no data capture to check on such an endpoint.
 */
import {
  DescribeInferenceComponentCommand,
  DescribeInferenceComponentCommandOutput,
  DescribeModelCommand,
  SageMakerClient,
  UpdateInferenceComponentRuntimeConfigCommand,
} from '@aws-sdk/client-sagemaker';
import { DeployCheckError } from './errors';

/** How long the smoke test waits for a copy of a scaled-in component by default: an instance starts in minutes. */
export const DEFAULT_SCALE_OUT_TIMEOUT_MS = 900_000;

/** Statuses on the component's way to InService: wait. */
const TRANSIENT = new Set(['Creating', 'Updating']);

/** What the inference-component check found. */
export interface InferenceComponentCheck {
  /** The component. */
  readonly name: string;
  /** Its copies when the test found it. */
  readonly copiesBefore: number;
  /** Whether the test set the copy count to 1 (the component had scaled in to 0). */
  readonly scaledOut: boolean;
  /** How long the test waited for a copy, in milliseconds. */
  readonly scaleOutWaitedMs: number;
  /** The model the component serves. */
  readonly modelName: string;
  /** The model packages of the model's containers. */
  readonly modelPackageArns: (string | null)[];
}

/** The arguments of `checkInferenceComponent`. */
export interface InferenceComponentCheckArgs {
  readonly sagemaker: SageMakerClient;
  readonly endpointName: string;
  /** The component; by default, the one named like the endpoint (as `ScaleToZeroEndpoint` names it). */
  readonly inferenceComponentName?: string;
  /** The bound of the wait for a copy. */
  readonly scaleOutTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly pinnedModelPackageArn?: string;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly progress: (line: string) => void;
  /** Runs one request with the smoke test's retries and error mapping. */
  readonly call: <T>(operation: string, what: string, fn: (signal: AbortSignal) => Promise<T>) => Promise<T>;
}

/**
 * Brings a copy of the endpoint's inference component up (when it has none), waits for it within the
 * bound and checks the pinned model.
 * @throws DeployCheckError CHECK_FAILED (failed component, no copy within the bound, another model)
 */
export async function checkInferenceComponent(a: InferenceComponentCheckArgs): Promise<InferenceComponentCheck> {
  const name = a.inferenceComponentName ?? a.endpointName;
  const target = `inference component "${name}" of endpoint "${a.endpointName}"`;
  const describe = () => a.call('DescribeInferenceComponent', target, (signal) =>
    a.sagemaker.send(new DescribeInferenceComponentCommand({ InferenceComponentName: name }), { abortSignal: signal }));
  let ic: DescribeInferenceComponentCommandOutput = await describe();
  if (ic.EndpointName !== undefined && ic.EndpointName !== a.endpointName) {
    throw new DeployCheckError('CHECK_FAILED', `${target} is hosted on endpoint "${ic.EndpointName}"; pass the component of "${a.endpointName}" (--inference-component)`);
  }
  const copies = (x: DescribeInferenceComponentCommandOutput) => x.RuntimeConfig?.CurrentCopyCount ?? 0;
  const copiesBefore = copies(ic);
  let scaledOut = false;
  const start = a.now();
  if (copiesBefore === 0 && (ic.RuntimeConfig?.DesiredCopyCount ?? 0) === 0) {
    a.progress(`… ${target} has scaled in to 0 copies: setting its copy count to 1 (an instance starts; this takes minutes)`);
    const update = new UpdateInferenceComponentRuntimeConfigCommand({ InferenceComponentName: name, DesiredRuntimeConfig: { CopyCount: 1 } });
    await a.call('UpdateInferenceComponentRuntimeConfig', target, (signal) => a.sagemaker.send(update, { abortSignal: signal }));
    scaledOut = true;
    ic = await describe();
  }
  const deadline = start + a.scaleOutTimeoutMs;
  const bound = Math.round(a.scaleOutTimeoutMs / 1000);
  for (;;) {
    const status = ic.InferenceComponentStatus ?? 'unknown';
    const waited = Math.round((a.now() - start) / 1000);
    if (status === 'InService' && copies(ic) >= 1) break;
    if (status !== 'InService' && !TRANSIENT.has(status)) {
      throw new DeployCheckError('CHECK_FAILED', `${target} is ${status}${ic.FailureReason ? `: ${ic.FailureReason}` : ''}; the deployment did not produce a working component`);
    }
    if (a.now() + a.pollIntervalMs > deadline) {
      throw new DeployCheckError('CHECK_FAILED', `${target} has no copy InService after ${waited} s (status ${status}, ${copies(ic)} of ${ic.RuntimeConfig?.DesiredCopyCount ?? 0} copies); it did not scale out within the ${bound} s scale-out timeout (--scale-out-timeout)`);
    }
    a.progress(`… ${target} is ${status} with ${copies(ic)} copies, waiting for one (${waited} s of ${bound} s)`);
    await a.sleep(a.pollIntervalMs);
    ic = await describe();
  }
  const scaleOutWaitedMs = a.now() - start;
  if (scaledOut) a.progress(`… ${target} has a copy InService (after ${Math.round(scaleOutWaitedMs / 1000)} s)`);

  const modelName = ic.Specification?.ModelName ?? '';
  let modelPackageArns: (string | null)[] = [];
  if (a.pinnedModelPackageArn !== undefined) {
    const model = await a.call('DescribeModel', `model "${modelName}"`, (signal) => a.sagemaker.send(new DescribeModelCommand({ ModelName: modelName }), { abortSignal: signal }));
    const containers = [model.PrimaryContainer, ...(model.Containers ?? [])].filter((c) => c !== undefined);
    modelPackageArns = containers.map((c) => c?.ModelPackageName ?? null);
    if (modelPackageArns.length === 0 || modelPackageArns.some((p) => p !== a.pinnedModelPackageArn)) {
      const uses = modelPackageArns.length === 0 ? 'no container' : modelPackageArns.map((p) => p ?? 'an image without a model package').join(', ');
      throw new DeployCheckError('CHECK_FAILED', `${target} does not serve the pinned model ${a.pinnedModelPackageArn}: its model ${modelName} uses ${uses}`);
    }
  }
  return { name, copiesBefore, scaledOut, scaleOutWaitedMs, modelName, modelPackageArns };
}
