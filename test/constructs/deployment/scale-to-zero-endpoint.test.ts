import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  ComplianceCheck, EndpointInstanceType, EndpointModelSource, ScaleToZeroEndpoint, ScaleToZeroEndpointProps,
} from '../../../src';
import { isolatedNetwork } from '../../helpers/network';
import { testStack } from '../../helpers/stacks';

const PACKAGE_ARN = 'arn:aws:sagemaker:eu-central-1:111111111111:model-package/churn/3';

interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly key: kms.Key;
  readonly endpoint: ScaleToZeroEndpoint;
  /** The template (synthesized when read). */
  readonly t: Template;
}

function fixture(props: Partial<ScaleToZeroEndpointProps> = {}): Fixture {
  const { app, stack } = testStack('Test');
  const { key, vpc } = isolatedNetwork(stack);
  const endpoint = new ScaleToZeroEndpoint(stack, 'Endpoint', {
    endpointName: 'churn-dev',
    modelSource: EndpointModelSource.fromModelPackageArn(PACKAGE_ARN),
    instanceType: EndpointInstanceType.of('ml.m5.large'),
    vpc,
    encryptionKey: key,
    ...props,
  });
  return { app, stack, vpc, key, endpoint, get t() { return Template.fromStack(stack); } };
}

describe('ScaleToZeroEndpoint', () => {
  test('an endpoint config for inference components: managed instance scaling down to 0 instances, VPC, network isolation, the key, the execution role', () => {
    const f = fixture({ maxInstanceCount: 3 });
    const { stack, endpoint } = f;
    const t = f.t;
    const config = Object.values(t.findResources('AWS::SageMaker::EndpointConfig'))[0].Properties;
    expect(config.ProductionVariants).toEqual([{
      VariantName: 'AllTraffic',
      InstanceType: 'ml.m5.large',
      InitialInstanceCount: 1,
      ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 3 },
      RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
    }]);
    expect(config.EnableNetworkIsolation).toBe(true);
    expect(config.DataCaptureConfig).toBeUndefined();
    expect(stack.resolve(config.ExecutionRoleArn)).toEqual(stack.resolve(endpoint.role.roleArn));
    expect(config.KmsKeyId).toBeDefined();
    expect(config.VpcConfig.Subnets).toHaveLength(2);
    const groups = endpoint.connections.securityGroups.map((g) => g.securityGroupId);
    expect(stack.resolve(config.VpcConfig.SecurityGroupIds)).toEqual(stack.resolve(groups));
    t.hasResourceProperties('AWS::SageMaker::Model', { EnableNetworkIsolation: true, VpcConfig: Match.objectLike({ Subnets: Match.anyValue() }), PrimaryContainer: { ModelPackageName: PACKAGE_ARN } });
    // the containers' security group: HTTPS out only (the isolated subnets route to the VPC endpoints only)
    const sgId = stack.resolve(endpoint.connections.securityGroups[0].securityGroupId)['Fn::GetAtt'][0];
    const egress = t.toJSON().Resources[sgId].Properties.SecurityGroupEgress;
    expect(egress).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
  });

  test('the inference component serves the model on the endpoint with one copy at creation, named like the endpoint by default', () => {
    const { t, stack, endpoint } = fixture();
    const ic = Object.values(t.findResources('AWS::SageMaker::InferenceComponent'))[0].Properties;
    expect(ic.InferenceComponentName).toBe('churn-dev');
    expect(ic.VariantName).toBe('AllTraffic');
    expect(ic.RuntimeConfig).toEqual({ CopyCount: 1 });
    expect(ic.Specification.ComputeResourceRequirements).toEqual({ MinMemoryRequiredInMb: 1024, NumberOfCpuCoresRequired: 1 });
    expect(stack.resolve(ic.Specification.ModelName)).toEqual(stack.resolve(endpoint.model.attrModelName));
    expect(stack.resolve(ic.EndpointName)).toEqual(stack.resolve(endpoint.endpoint.attrEndpointName));
    expect(endpoint.inferenceComponentArn).toContain(':inference-component/churn-dev');
  });

  test('Application Auto Scaling: copies from 0, target tracking on invocations per copy, and a step scale-out on NoCapacityInvocationFailures', () => {
    const { t } = fixture({ maxInstanceCount: 2, inferenceComponentName: 'churn-dev-ic' });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'sagemaker',
      ResourceId: 'inference-component/churn-dev-ic',
      ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
      MinCapacity: 0,
      MaxCapacity: 2,
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerInferenceComponentInvocationsPerCopy' },
        TargetValue: 100,
      }),
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: Match.objectLike({ AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] }),
    });
    const alarm = Object.values(t.findResources('AWS::CloudWatch::Alarm'))[0].Properties;
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SageMaker',
      MetricName: 'NoCapacityInvocationFailures',
      Dimensions: [{ Name: 'InferenceComponentName', Value: 'churn-dev-ic' }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.AlarmActions).toHaveLength(1);
  });

  test('grantScaleOut gives describe and copy count of this component only', () => {
    const { stack, endpoint } = fixture();
    const role = new iam.Role(stack, 'Smoke', { assumedBy: new iam.AccountRootPrincipal() });
    endpoint.grantScaleOut(role);
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument;
    expect(stack.resolve(policy.Statement)).toEqual([expect.objectContaining({
      Action: ['sagemaker:DescribeInferenceComponent', 'sagemaker:UpdateInferenceComponentRuntimeConfig'],
      Resource: stack.resolve(endpoint.inferenceComponentArn),
    })]);
  });

  test('bad input names the field', () => {
    expect(() => fixture({ maxInstanceCount: 0 })).toThrow(/maxInstanceCount/);
    expect(() => fixture({ copyMemoryMiB: 12 })).toThrow(/copyMemoryMiB/);
    expect(() => fixture({ targetInvocationsPerCopy: 0 })).toThrow(/targetInvocationsPerCopy/);
    expect(() => fixture({ inferenceComponentName: 'no_underscores' })).toThrow(/inferenceComponentName/);
  });

  test('the cdk-nag packs are clean', () => {
    const { app } = fixture();
    expect(() => ComplianceCheck.assertCompliant(app)).not.toThrow();
  });
});
