import { ComplianceCheck, PlatformAccount, PlatformConfig, ServingMode, UseCaseNames } from '@vw/mlops-blueprint';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { addUseCase } from '../src/main';
import { SETTINGS } from '../src/usecase-settings';

const platform = PlatformConfig.fromFile(SETTINGS.platformConfigFile);
const names = new UseCaseNames(platform, SETTINGS.useCaseName);
const app = new App();
const useCase = addUseCase(app);

test('one stack per account: training in EXP, deployment in RES, serving in DEV, INT and PROD', () => {
  const where = (account: PlatformAccount) => `${platform.account(account).accountId}/${platform.account(account).region}`;
  expect(useCase.stacks.map((s) => [s.stackName, `${s.account}/${s.region}`])).toEqual([
    [names.trainingStackName, where(PlatformAccount.EXP)],
    [names.deploymentStackName, where(PlatformAccount.RES)],
    [names.servingStackName(PlatformAccount.DEV), where(PlatformAccount.DEV)],
    [names.servingStackName(PlatformAccount.INT), where(PlatformAccount.INT)],
    [names.servingStackName(PlatformAccount.PROD), where(PlatformAccount.PROD)],
  ]);
});

test('every stack synthesizes and passes cdk-nag (AwsSolutions, NIST 800-53 r5, HIPAA) with zero unacknowledged errors', () => {
  const report = ComplianceCheck.assertCompliant(app);
  expect(report.errors).toEqual([]);
  expect(report.resourceCount).toBeGreaterThan(0);
});

test('the model-build pipeline in EXP is the use case\'s own definition (src/pipeline.ts), with the F1 quality gate', () => {
  const training = Template.fromStack(useCase.training);
  training.hasResourceProperties('AWS::SageMaker::Pipeline', {
    PipelineName: names.pipelineName,
    PipelineDefinition: {
      PipelineDefinitionBody: Match.objectLike({
        'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"Name":"CheckF1"')])],
      }),
    },
  });
  training.hasResourceProperties('AWS::SageMaker::ModelPackageGroup', { ModelPackageGroupName: names.modelPackageGroupName });
});

test('each stage serves its own endpoint: DEV and INT scale to zero by default (copies from 0), PROD keeps two instances at least', () => {
  for (const [stage, settings, defaultMode, min] of [
    [PlatformAccount.DEV, SETTINGS.dev, ServingMode.SCALE_TO_ZERO, 1],
    [PlatformAccount.INT, SETTINGS.int, ServingMode.SCALE_TO_ZERO, 1],
    [PlatformAccount.PROD, SETTINGS.prod, ServingMode.ALWAYS_ON, 2],
  ] as const) {
    const serving = Template.fromStack(useCase.serving(stage));
    serving.hasResourceProperties('AWS::SageMaker::Endpoint', { EndpointName: names.endpointName(stage) });
    if ((settings?.servingMode ?? defaultMode) === ServingMode.SCALE_TO_ZERO) {
      // no instance while idle: the inference component's copies scale from 0
      serving.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
        MinCapacity: 0,
        ResourceId: `inference-component/${names.endpointName(stage)}`,
      });
    } else {
      serving.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
        MinCapacity: settings?.minCapacity ?? min,
        ResourceId: `endpoint/${names.endpointName(stage)}/variant/AllTraffic`,
      });
    }
  }
});
