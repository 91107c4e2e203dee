import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  ComplianceCheck,
  DeploymentSource,
  DeploymentStage,
  DeploymentTarget,
  ModelDeploymentPipeline,
  ModelDeploymentPipelineProps,
} from '../../../src';
import { testStack } from '../../helpers/stacks';

export const CONNECTION = 'arn:aws:codeconnections:eu-central-1:222222222222:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
export const DEV = '444444444444';
export const INT = '555555555555';
export const PROD = '666666666666';
export const EXP = '111111111111';

export function targets(): DeploymentTarget[] {
  return [
    { stage: DeploymentStage.DEV, account: DEV, stackName: 'ChurnServingDev', endpointName: 'churn-dev', smokeTestRoleArn: `arn:aws:iam::${DEV}:role/mlops-smoke-test`, requiresApprovalBefore: false },
    { stage: DeploymentStage.INT, account: INT, stackName: 'ChurnServingInt', endpointName: 'churn-int', smokeTestRoleArn: `arn:aws:iam::${INT}:role/mlops-smoke-test`, requiresApprovalBefore: true },
    { stage: DeploymentStage.PROD, account: PROD, stackName: 'ChurnServingProd', endpointName: 'churn-prod', requiresApprovalBefore: true },
  ];
}

export function deploymentPipeline(overrides: Partial<ModelDeploymentPipelineProps> = {}, stack?: Stack) {
  const t = stack ? { app: stack.node.root, stack } : testStack();
  const key = new kms.Key(t.stack, 'Key', { enableKeyRotation: true });
  const p = new ModelDeploymentPipeline(t.stack, 'Deploy', {
    encryptionKey: key,
    source: DeploymentSource.fromConnection({ connectionArn: CONNECTION, owner: 'vw-mlops', repository: 'churn-model' }),
    modelPackageGroupName: 'churn-model',
    registryAccount: EXP,
    modelEventBus: 'mlops-model-events',
    qualifier: 'mlops',
    targets: targets(),
    ...overrides,
  });
  return { ...t, key, pipeline: p };
}

describe('ModelDeploymentPipeline', () => {
  test('dump', () => {
    const { app, stack } = deploymentPipeline();
    const t = Template.fromStack(stack);
    require('fs').writeFileSync('/tmp/deploy-template.json', JSON.stringify(t.toJSON(), undefined, 2));
    ComplianceCheck.assertCompliant(app);
  });
});
