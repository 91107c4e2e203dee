import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ComplianceCheck, MlopsUseCase, PlatformConfig, ServingMode, UseCaseStageSettings } from '../../../src';

/**
 * The serving mode of each stage: DEV and INT scale to zero by default (no instance while idle), PROD is
 * always on; settings that need the other mode fail at synth time naming the field and the fix.
 */
const PINNED = 'arn:aws:sagemaker:eu-central-1:222222222222:model-package/vwml-weld-gun-pm/7';

function useCase(stages: { dev?: UseCaseStageSettings; int?: UseCaseStageSettings; prod?: UseCaseStageSettings } = {}) {
  const app = new App();
  const uc = new MlopsUseCase(app, 'WeldGun', { platform: PlatformConfig.sample(), useCaseName: 'weld-gun-pm', pinnedModelPackageArn: PINNED, ...stages });
  return { app, uc };
}

describe('serving modes', () => {
  const { app, uc } = useCase({ dev: { batchInference: true } });

  test('by default DEV and INT scale to zero: an inference component on managed instance scaling from 0 instances, copies from 0', () => {
    for (const serving of [uc.dev, uc.int]) {
      expect(serving.servingMode).toBe(ServingMode.SCALE_TO_ZERO);
      expect(serving.alwaysOnEndpoint).toBeUndefined();
      const t = Template.fromStack(serving);
      const variants = Object.values(t.findResources('AWS::SageMaker::EndpointConfig')).map((r) => r.Properties.ProductionVariants[0]);
      expect(variants).toEqual([expect.objectContaining({ ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 1 } })]);
      t.resourceCountIs('AWS::SageMaker::InferenceComponent', 1);
      t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
        ResourceId: `inference-component/vwml-weld-gun-pm-${serving === uc.dev ? 'dev' : 'int'}`,
        MinCapacity: 0,
      });
    }
  });

  test('PROD stays always on: two instances at least, autoscaling to four, data capture', () => {
    expect(uc.prod.servingMode).toBe(ServingMode.ALWAYS_ON);
    const t = Template.fromStack(uc.prod);
    t.resourceCountIs('AWS::SageMaker::InferenceComponent', 0);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { ScalableDimension: 'sagemaker:variant:DesiredInstanceCount', MinCapacity: 2, MaxCapacity: 4 });
    const config = Object.values(t.findResources('AWS::SageMaker::EndpointConfig'))[0].Properties;
    expect(config.ProductionVariants[0].InitialInstanceCount).toBe(2);
    expect(config.DataCaptureConfig.EnableCapture).toBe(true);
  });

  test('the endpoint role keeps the guardrail policy and the boundary in the scale-to-zero mode', () => {
    const t = Template.fromStack(uc.dev).toJSON();
    const role = Object.values(t.Resources as Record<string, any>).find((r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === 'vwml-weld-gun-pm-dev-endpoint');
    expect(role.Properties.PermissionsBoundary).toBeDefined();
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain('vwml-SageMakerGuardrails');
  });

  test('every stage may choose the other mode: DEV always on, PROD scaling to zero', () => {
    const { uc: other } = useCase({
      dev: { servingMode: ServingMode.ALWAYS_ON, minCapacity: 1 },
      prod: { servingMode: ServingMode.SCALE_TO_ZERO, maxCapacity: 3 },
    });
    Template.fromStack(other.dev).resourceCountIs('AWS::SageMaker::InferenceComponent', 0);
    Template.fromStack(other.dev).hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 2 });
    Template.fromStack(other.prod).hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 0, MaxCapacity: 3 });
  });

  test('zero unacknowledged errors in the three nag packs with the default modes', () => {
    expect(ComplianceCheck.run(app).errors.map((f) => `${f.ruleId} ${f.constructPath}`)).toEqual([]);
  });

  test.each([
    [{ dev: { minCapacity: 1 } }, /dev\.minCapacity: dev\.servingMode is scale-to-zero \(the default outside PROD\).*remove minCapacity \(or write 0\), or set servingMode: ServingMode\.ALWAYS_ON/],
    [{ int: { modelMonitor: true } }, /int\.modelMonitor: .*no data capture for Model Monitor.*remove modelMonitor, or set servingMode: ServingMode\.ALWAYS_ON/],
    [{ int: { inferenceApi: true } }, /int\.inferenceApi: .*remove inferenceApi, or set servingMode: ServingMode\.ALWAYS_ON/],
    [{ dev: { dataCaptureSamplingPercentage: 50 } }, /dev\.dataCaptureSamplingPercentage: .*no data capture.*remove it/],
    [{ prod: { servingMode: ServingMode.SCALE_TO_ZERO, modelMonitor: true } }, /prod\.modelMonitor: prod\.servingMode is scale-to-zero, which/],
    [{ prod: { minCapacity: 0 } }, /prod\.minCapacity: 0 instances needs servingMode: ServingMode\.SCALE_TO_ZERO/],
    [{ dev: { maxCapacity: 0 } }, /dev\.maxCapacity: .*1 or more/],
    [{ dev: { servingMode: 'serverless' as ServingMode } }, /dev\.servingMode: "serverless" is not a serving mode; write "always-on" or "scale-to-zero"/],
  ])('%j fails at synth time naming the field and the fix', (stages, message) => {
    expect(() => useCase(stages)).toThrow(message);
  });
});
