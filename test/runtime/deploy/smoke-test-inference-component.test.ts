/**
 * `deploy smoke-test` of an endpoint that serves an inference component and scales to zero (DEV and INT by
 * default). moto has no inference components, so the SDK clients here are fakes that answer the commands the
 * way SageMaker documents them (DescribeInferenceComponent's RuntimeConfig.CurrentCopyCount and
 * InferenceComponentStatus, UpdateInferenceComponentRuntimeConfig's DesiredRuntimeConfig.CopyCount) and
 * record every request; the clock moves only with the test's sleeps.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { DeployCheckError, runSmokeTest, SmokeTestOptions } from '../../../src/runtime/deploy';

const PINNED = 'arn:aws:sagemaker:eu-central-1:222222222222:model-package/vwml-weld-gun-pm/7';
const ENDPOINT = 'vwml-weld-gun-pm-dev';

interface Component {
  status: string;
  current: number;
  desired: number;
  /** Copies after this many more DescribeInferenceComponent requests once the copy count is set. */
  readyAfter: number;
  modelPackage?: string;
  failureReason?: string;
}

function harness(component: Component) {
  const requests: Array<{ command: string; input: any }> = [];
  let clock = 0;
  let countdown = Infinity;
  const sagemaker = {
    send: async (command: any) => {
      const name = command.constructor.name;
      requests.push({ command: name, input: command.input });
      switch (name) {
        case 'DescribeEndpointCommand':
          return { EndpointName: ENDPOINT, EndpointStatus: 'InService', EndpointConfigName: `${ENDPOINT}-config` };
        case 'DescribeEndpointConfigCommand':
          // an endpoint for inference components: the variant names no model, there is no data capture
          return { EndpointConfigName: `${ENDPOINT}-config`, ProductionVariants: [{ VariantName: 'AllTraffic', InstanceType: 'ml.m5.large' }] };
        case 'DescribeInferenceComponentCommand':
          if (countdown-- <= 0) {
            component.status = 'InService';
            component.current = component.desired;
          }
          return {
            InferenceComponentName: command.input.InferenceComponentName,
            EndpointName: ENDPOINT,
            InferenceComponentStatus: component.status,
            FailureReason: component.failureReason,
            RuntimeConfig: { CurrentCopyCount: component.current, DesiredCopyCount: component.desired },
            Specification: { ModelName: 'model-abc' },
          };
        case 'UpdateInferenceComponentRuntimeConfigCommand':
          component.desired = command.input.DesiredRuntimeConfig.CopyCount;
          component.status = 'Updating';
          countdown = component.readyAfter;
          return { InferenceComponentArn: `arn:aws:sagemaker:eu-central-1:444444444444:inference-component/${command.input.InferenceComponentName}` };
        case 'DescribeModelCommand':
          return { ModelName: 'model-abc', PrimaryContainer: { ModelPackageName: component.modelPackage ?? PINNED } };
        default:
          throw new Error(`unexpected SageMaker request ${name}`);
      }
    },
  } as unknown as SageMakerClient;
  const runtime = {
    send: async (command: any) => {
      requests.push({ command: command.constructor.name, input: command.input });
      if (component.current < 1) {
        const error = new Error('Inference Component has no capacity to process this request.');
        throw Object.assign(error, { name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
      }
      return { Body: new TextEncoder().encode('[0.12]'), ContentType: 'application/json' };
    },
  } as unknown as SageMakerRuntimeClient;
  const s3 = { send: async () => { throw new Error('an inference component captures no data: no S3 request expected'); } } as unknown as S3Client;
  const sleeps: number[] = [];
  const progress: string[] = [];
  const env = {
    now: () => clock,
    sleep: async (ms: number) => { sleeps.push(ms); clock += ms; },
    onProgress: (line: string) => progress.push(line),
    retry: { maxAttempts: 1, totalTimeoutMs: 60_000 },
  };
  const options: SmokeTestOptions = {
    endpointName: ENDPOINT,
    sample: new TextEncoder().encode('{"features":[1,2,3]}'),
    contentType: 'application/json',
    timeoutMs: 60_000,
    pollIntervalMs: 10_000,
    pinnedModelPackageArn: PINNED,
    scaleOutTimeoutMs: 600_000,
  };
  const run = (o: Partial<SmokeTestOptions> = {}) => runSmokeTest({ ...options, ...o }, { sagemaker, runtime, s3 }, env);
  return { requests, sleeps, progress, run };
}

describe('deploy smoke-test of a scale-to-zero endpoint (inference component)', () => {
  test('after idle (0 copies) it sets the copy count to 1, waits for the copy, then invokes the component: the first request succeeds', async () => {
    const h = harness({ status: 'InService', current: 0, desired: 0, readyAfter: 3 });
    const r = await h.run();
    const commands = h.requests.map((x) => x.command);
    const update = h.requests.find((x) => x.command === 'UpdateInferenceComponentRuntimeConfigCommand')!;
    expect(update.input).toEqual({ InferenceComponentName: ENDPOINT, DesiredRuntimeConfig: { CopyCount: 1 } });
    // the invocation comes after the copy is InService, never before (no failed first request)
    const invokes = h.requests.filter((x) => x.command === 'InvokeEndpointCommand');
    expect(invokes).toHaveLength(1);
    expect(invokes[0].input).toMatchObject({ EndpointName: ENDPOINT, InferenceComponentName: ENDPOINT, ContentType: 'application/json' });
    expect(commands.indexOf('InvokeEndpointCommand')).toBeGreaterThan(commands.indexOf('UpdateInferenceComponentRuntimeConfigCommand'));
    expect(r.inferenceComponent).toMatchObject({ name: ENDPOINT, copiesBefore: 0, scaledOut: true, modelName: 'model-abc', modelPackageArns: [PINNED] });
    expect(r.inferenceComponent!.scaleOutWaitedMs).toBe(h.sleeps.reduce((a, b) => a + b, 0));
    expect(h.sleeps.length).toBeGreaterThan(0);
    expect(r.dataCapture).toMatchObject({ captureObjectsChecked: false, captureObjectsNote: expect.stringContaining('captures no data') });
    expect(r.models).toEqual([{ variant: 'AllTraffic', modelName: 'model-abc', modelPackageArns: [PINNED] }]);
    expect(r.invocation.count).toBe(1);
    expect(h.progress.join('\n')).toMatch(/has scaled in to 0 copies: setting its copy count to 1/);
  });

  test('a component with a copy is invoked at once: no copy-count change, no wait', async () => {
    const h = harness({ status: 'InService', current: 1, desired: 1, readyAfter: 0 });
    const r = await h.run({ inferenceComponentName: 'custom-ic' });
    expect(h.requests.map((x) => x.command)).not.toContain('UpdateInferenceComponentRuntimeConfigCommand');
    expect(h.sleeps).toEqual([]);
    expect(r.inferenceComponent).toMatchObject({ name: 'custom-ic', scaledOut: false, copiesBefore: 1 });
    expect(h.requests.find((x) => x.command === 'InvokeEndpointCommand')!.input.InferenceComponentName).toBe('custom-ic');
  });

  test('no copy within the scale-out timeout fails the check with the bound and the option to raise it', async () => {
    const h = harness({ status: 'InService', current: 0, desired: 0, readyAfter: Infinity });
    const error = await h.run({ scaleOutTimeoutMs: 60_000 }).catch((e) => e);
    expect(error).toBeInstanceOf(DeployCheckError);
    expect(error.code).toBe('CHECK_FAILED');
    expect(error.message).toMatch(/has no copy InService after \d+ s .*did not scale out within the 60 s scale-out timeout \(--scale-out-timeout\)/);
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60_000);
    expect(h.requests.map((x) => x.command)).not.toContain('InvokeEndpointCommand');
  });

  test('a failed component and another model fail the check', async () => {
    const failed = harness({ status: 'Failed', current: 0, desired: 1, readyAfter: 0, failureReason: 'image pull denied' });
    await expect(failed.run()).rejects.toThrow(/is Failed: image pull denied/);
    const other = harness({ status: 'InService', current: 1, desired: 1, readyAfter: 0, modelPackage: `${PINNED.slice(0, -1)}6` });
    await expect(other.run()).rejects.toThrow(/does not serve the pinned model .*\/7: its model model-abc uses .*\/6/);
    expect(other.requests.map((x) => x.command)).not.toContain('InvokeEndpointCommand');
  });
});
