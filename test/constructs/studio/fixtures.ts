import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { acknowledgeRules } from '../../../src/constructs/core/acknowledge';

/** What the network and security concerns provide in the platform, made plainly for the tests. */
export interface StudioFixtures {
  readonly vpc: ec2.Vpc;
  readonly key: kms.Key;
  readonly boundary: iam.ManagedPolicy;
  readonly guardrails: iam.ManagedPolicy;
}

/** An isolated VPC (no NAT, no internet gateway), a rotating key, a boundary and a guardrail policy. */
export function studioFixtures(stack: Stack): StudioFixtures {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.20.0.0/16'),
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  acknowledgeRules(vpc, {
    'AwsSolutions-VPC7': 'Test stand-in for the IsolatedNetwork construct of the network concern, which owns the flow logs.',
    'NIST.800.53.R5-VPCFlowLogsEnabled': 'Test stand-in for the IsolatedNetwork construct of the network concern, which owns the flow logs.',
    'HIPAA.Security-VPCFlowLogsEnabled': 'Test stand-in for the IsolatedNetwork construct of the network concern, which owns the flow logs.',
    'NIST.800.53.R5-VPCDefaultSecurityGroupClosed':
      'Test stand-in for the IsolatedNetwork construct of the network concern, which closes the default security group.',
    'HIPAA.Security-VPCDefaultSecurityGroupClosed':
      'Test stand-in for the IsolatedNetwork construct of the network concern, which closes the default security group.',
  });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
  const boundary = new iam.ManagedPolicy(stack, 'Boundary', {
    description: 'Test permissions boundary',
    statements: [
      new iam.PolicyStatement({
        actions: ['sagemaker:*', 's3:*', 'kms:*', 'logs:*', 'ecr:*', 'ec2:*', 'cloudwatch:PutMetricData', 'iam:PassRole'],
        resources: ['*'],
      }),
    ],
  });
  acknowledgeRules(boundary, {
    'AwsSolutions-IAM5[Action::sagemaker:*]': 'Test stand-in for the permissions boundary of the security concern; a boundary grants nothing by itself.',
    'AwsSolutions-IAM5[Action::s3:*]': 'Test stand-in for the permissions boundary of the security concern; a boundary grants nothing by itself.',
    'AwsSolutions-IAM5[Action::kms:*]': 'Test stand-in for the permissions boundary of the security concern; a boundary grants nothing by itself.',
    'AwsSolutions-IAM5[Action::logs:*]': 'Test stand-in for the permissions boundary of the security concern; a boundary grants nothing by itself.',
    'AwsSolutions-IAM5[Action::ecr:*]': 'Test stand-in for the permissions boundary of the security concern; a boundary grants nothing by itself.',
    'AwsSolutions-IAM5[Action::ec2:*]': 'Test stand-in for the permissions boundary of the security concern; a boundary grants nothing by itself.',
    'AwsSolutions-IAM5[Resource::*]': 'Test stand-in for the permissions boundary of the security concern; a boundary grants nothing by itself.',
    'NIST.800.53.R5-IAMPolicyNoStatementsWithFullAccess':
      'Test stand-in for the permissions boundary of the security concern; a boundary grants nothing by itself.',
    'HIPAA.Security-IAMPolicyNoStatementsWithFullAccess':
      'Test stand-in for the permissions boundary of the security concern; a boundary grants nothing by itself.',
  });
  const guardrails = new iam.ManagedPolicy(stack, 'Guardrails', {
    description: 'Test guardrail policy',
    statements: [
      new iam.PolicyStatement({
        sid: 'DenyTrainingOutsideTheVpc',
        effect: iam.Effect.DENY,
        actions: ['sagemaker:CreateTrainingJob'],
        resources: ['*'],
        conditions: { Null: { 'sagemaker:VpcSubnets': 'true' } },
      }),
    ],
  });
  return { vpc, key, boundary, guardrails };
}
