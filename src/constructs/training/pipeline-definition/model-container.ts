import { RetryPolicy } from './retry';
import { PipelineStepOptions } from './step';
import { PipelineValue, vmap } from './value';

/** A model container (`PrimaryContainer` of a model, `InferenceSpecification.Containers[]` of a model package). */
export interface ModelContainer {
  /** The inference image (`Image`). */
  readonly image: PipelineValue;
  /**
   * The model artifacts (`ModelDataUrl`), e.g. `trainingStep.modelArtifactsS3Uri()`.
   * @default - none
   */
  readonly modelDataUrl?: PipelineValue;
  /**
   * Environment variables (`Environment`).
   * @default {} (rendered empty, as the SDK does)
   */
  readonly environment?: { [key: string]: PipelineValue };
}

/** Options of the steps that create or register a model. */
export interface ModelStepOptions extends PipelineStepOptions {
  /**
   * Retry policies (`RetryPolicies`); only `RetryPolicy.step` (the service does not support
   * SageMaker-job retry policies on model steps).
   * @default - no retries
   */
  readonly retryPolicies?: RetryPolicy[];
  /**
   * Escape hatch: request fields this builder does not type, merged into the step's `Arguments`
   * after rendering (objects merge recursively, other values replace, `null` removes a field).
   * @default - none
   */
  readonly additionalArguments?: { [key: string]: any };
}

/** Renders a container. @internal */
export function renderContainer(c: ModelContainer): any {
  const out: { [key: string]: any } = { Image: c.image.toJson(), Environment: vmap(c.environment) ?? {} };
  if (c.modelDataUrl) out.ModelDataUrl = c.modelDataUrl.toJson();
  return out;
}

/** Checks that a model step has no SageMaker-job retry policy. @internal */
export function checkModelRetryPolicies(stepName: string, policies: RetryPolicy[] | undefined): void {
  if ((policies ?? []).some((p) => p.forSageMakerJob)) {
    throw new Error(`step "${stepName}": RetryPolicy.sageMakerJob is not allowed on a model step; use RetryPolicy.step`);
  }
}

/** Renders `RetryPolicies` of a model step. @internal */
export function renderModelFields(policies: RetryPolicy[] | undefined): { [key: string]: any } {
  return policies && policies.length > 0 ? { RetryPolicies: policies.map((r) => r.toJson()) } : {};
}
