import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SecureBucket } from '../../src';
import { acknowledgeRules } from '../../src/constructs/core/acknowledge';

/** What the network and security concerns provide to a SageMaker workload, made plainly for the tests. */
export interface IsolatedNetworkFixture {
  /** A rotating key (`Key`). */
  readonly key: kms.Key;
  /** An isolated VPC (`Vpc`): two AZs, no NAT, no internet gateway. */
  readonly vpc: ec2.Vpc;
  /** The bucket of the VPC's flow logs (`FlowLogs`). */
  readonly flowLogs: SecureBucket;
}

/** A rotating key and an isolated VPC (no NAT) whose flow logs go to a `SecureBucket`. */
export function isolatedNetwork(stack: Stack): IsolatedNetworkFixture {
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    maxAzs: 2,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const flowLogs = new SecureBucket(stack, 'FlowLogs', { encryptionKey: key });
  vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toS3(flowLogs.bucket) });
  return { key, vpc, flowLogs };
}

/**
 * An isolated VPC (`Vpc`, no NAT, no internet gateway, /24 subnets in two AZs) standing in for the
 * `IsolatedNetwork` of the network concern: its flow logs and closed default security group are
 * acknowledged, not made.
 */
export function standInIsolatedVpc(stack: Stack, cidr: string): ec2.Vpc {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(cidr),
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
  return vpc;
}
