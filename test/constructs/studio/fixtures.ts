import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { acknowledgeRules } from '../../../src/constructs/core/acknowledge';
import { standInIsolatedVpc } from '../../helpers/network';

/** What the network and security concerns provide in the platform, made plainly for the tests. */
export interface StudioFixtures {
  readonly vpc: ec2.Vpc;
  readonly key: kms.Key;
  readonly boundary: iam.ManagedPolicy;
  readonly guardrails: iam.ManagedPolicy;
}

/** An isolated VPC (no NAT, no internet gateway), a rotating key, a boundary and a guardrail policy. */
export function studioFixtures(stack: Stack): StudioFixtures {
  const vpc = standInIsolatedVpc(stack, '10.20.0.0/16');
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
