import { ArnFormat, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ReasonedStatement } from '../core/wildcard-acknowledgement';

/*
 * Helpers shared by the SageMaker job constructs of this library (ModelMonitor, BatchInference):
 * network permissions of job roles, security groups, S3 locations in IAM and key policies for the
 * AWS services that deliver to encrypted topics and queues. Nothing here is part of the public API.
 */

/** s3://<bucket>/<key or prefix> */
const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/(.*))?$/;

/**
 * The EC2 permissions a SageMaker job or model role needs to attach network interfaces in the VPC:
 * create them in the given subnets and security groups, manage interfaces of this VPC only, describe.
 * @internal
 */
export function networkInterfaceStatements(
  stack: Stack,
  partition: string,
  vpc: ec2.IVpc,
  subnetIds: string[],
  securityGroups: ec2.ISecurityGroup[],
): ReasonedStatement[] {
  const ec2Arn = (resource: string, name: string) => stack.formatArn({ partition, service: 'ec2', resource, resourceName: name });
  const networkInterfaces = ec2Arn('network-interface', '*');
  return [
    {
      statement: new iam.PolicyStatement({
        sid: 'CreateNetworkInterfacesInTheJobSubnets',
        actions: ['ec2:CreateNetworkInterface'],
        resources: [
          networkInterfaces,
          ...subnetIds.map((s) => ec2Arn('subnet', s)),
          ...securityGroups.map((sg) => ec2Arn('security-group', sg.securityGroupId)),
        ],
      }),
      wildcardReason:
        'CreateNetworkInterface needs the new interface as resource, whose id is not known before; the statement is bounded by the job subnets and security groups it names.',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'ManageNetworkInterfacesOfTheJobVpc',
        actions: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'],
        resources: [networkInterfaces],
        conditions: { ArnEquals: { 'ec2:Vpc': ec2Arn('vpc', vpc.vpcId) } },
      }),
      wildcardReason:
        'The network interfaces SageMaker creates for the job containers get ids at run time; the ec2:Vpc condition limits the statement to interfaces in the job VPC.',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'DescribeTheNetwork',
        actions: ['ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'],
        resources: ['*'],
      }),
      wildcardReason: 'Read-only EC2 Describe actions do not support resource-level permissions; they are the only ones on every resource.',
    },
  ];
}

/**
 * The statements that let a job role write its logs into a SageMaker log group
 * (`/aws/sagemaker/TransformJobs`, `/aws/sagemaker/ProcessingJobs`), and optionally create it.
 * @internal
 */
export function jobLogStatements(stack: Stack, partition: string, logGroupName: string, allowCreation: boolean): ReasonedStatement[] {
  const logGroupArn = stack.formatArn({
    partition,
    service: 'logs',
    resource: 'log-group',
    resourceName: logGroupName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  return [
    {
      statement: new iam.PolicyStatement({
        sid: 'WriteTheJobLogStreams',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroupArn}:log-stream:*`],
      }),
      wildcardReason: `SageMaker names a log stream per job and instance at run time; the statement is limited to the streams of ${logGroupName}.`,
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'UseTheJobLogGroup',
        actions: allowCreation ? ['logs:CreateLogGroup', 'logs:DescribeLogStreams'] : ['logs:DescribeLogStreams'],
        resources: [logGroupArn, `${logGroupArn}:*`],
      }),
      wildcardReason: `CloudWatch Logs authorises log-group actions on the group ARN with the :* suffix; it names only ${logGroupName}.`,
    },
  ];
}

/**
 * A security group for the network interfaces of SageMaker jobs: HTTPS out (to the S3 gateway and
 * the interface endpoints of an isolated VPC), and traffic between the job's own instances when it
 * runs on more than one.
 * @internal
 */
export function createJobSecurityGroup(scope: Construct, id: string, vpc: ec2.IVpc, description: string, distributed: boolean): ec2.SecurityGroup {
  const sg = new ec2.SecurityGroup(scope, id, { vpc, allowAllOutbound: false, description });
  sg.addEgressRule(
    ec2.Peer.anyIpv4(),
    ec2.Port.tcp(443),
    'HTTPS to the S3 gateway endpoint and the VPC interface endpoints (the VPC has no route to the internet)',
  );
  if (distributed) {
    sg.connections.allowInternally(ec2.Port.allTcp(), 'Traffic between the instances of one distributed job');
  }
  return sg;
}

/**
 * Checks that the selected subnets exist and none is public.
 * @internal
 */
export function checkPrivateSubnets(prop: string, vpc: ec2.IVpc, selected: ec2.SelectedSubnets): void {
  if (selected.subnetIds.length === 0) {
    throw new Error(`${prop} selects no subnet; select the private or isolated subnets of the VPC`);
  }
  const publicIds = new Set(vpc.publicSubnets.map((s) => s.subnetId).filter((s) => !Token.isUnresolved(s)));
  const publicSelected = selected.subnetIds.filter((s) => !Token.isUnresolved(s) && publicIds.has(s));
  if (publicSelected.length > 0 || (selected.subnets.length > 0 && selected.subnets.every((s) => vpc.publicSubnets.includes(s)))) {
    throw new Error(`${prop} selects public subnets; SageMaker job network interfaces belong in private or isolated subnets: select { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }`);
  }
}

/**
 * Checks the number of security groups SageMaker accepts (1 to 5).
 * @internal
 */
export function checkSecurityGroupCount(prop: string, groups: ec2.ISecurityGroup[]): void {
  if (groups.length === 0 || groups.length > 5) {
    throw new Error(`${prop} has ${groups.length} groups; SageMaker takes 1 to 5: pass 1 to 5 groups, or omit it to get one created`);
  }
}

/**
 * A key prefix without leading or trailing slashes; literal prefixes are checked (no wildcards,
 * spaces, quotes or braces, which would break IAM patterns and Step Functions intrinsic functions).
 * @internal
 */
export function normalisePrefix(prop: string, prefix: string, example: string): string {
  if (Token.isUnresolved(prefix)) return prefix;
  const p = prefix.replace(/^\/+|\/+$/g, '');
  if (p.length === 0 || /[*?\s'"{}\\]/.test(p)) {
    throw new Error(`${prop} is ${JSON.stringify(prefix)}; write an S3 key prefix without wildcards, spaces, quotes or braces, e.g. ${JSON.stringify(example)}`);
  }
  return p;
}

/**
 * An S3 location given as `s3://bucket/key-or-prefix`, as the ARNs IAM needs. Literal URIs are
 * checked; tokens (a `CfnParameter`) are split with CloudFormation functions.
 * @internal
 */
export class S3Location {
  /**
   * Parses a URI.
   * @param prop the prop name for error messages
   * @param uri the `s3://` URI
   * @param needsKey whether a key or prefix after the bucket is required
   */
  public static parse(prop: string, uri: string, needsKey: boolean): S3Location {
    if (Token.isUnresolved(uri)) return new S3Location(uri, undefined, undefined);
    const m = S3_URI.exec(uri);
    const key = m?.[3]?.replace(/\/+$/, '');
    if (!m || (needsKey && !key)) {
      throw new Error(`${prop} ${JSON.stringify(uri)} is not an S3 URI; write s3://<bucket>/<key>, e.g. "s3://mlops-artifacts/churn/baselines/constraints.json"`);
    }
    return new S3Location(uri, m[1], key);
  }

  private constructor(
    /** The URI as given. */
    public readonly uri: string,
    private readonly bucket: string | undefined,
    private readonly key: string | undefined,
  ) {}

  /** The bucket ARN. */
  public bucketArn(partition: string): string {
    if (this.bucket) return `arn:${partition}:s3:::${this.bucket}`;
    return Fn.join('', [`arn:${partition}:s3:::`, Fn.select(0, Fn.split('/', Fn.select(1, Fn.split('s3://', this.uri))))]);
  }

  /** The object ARN of the URI itself (an object). */
  public objectArn(partition: string): string {
    if (this.bucket) return `arn:${partition}:s3:::${this.bucket}/${this.key}`;
    return Fn.join('', [`arn:${partition}:s3:::`, Fn.select(1, Fn.split('s3://', this.uri))]);
  }

  /** The ARN of every object below the URI (a prefix). */
  public objectsBelowArn(partition: string): string {
    if (this.bucket) return `arn:${partition}:s3:::${this.bucket}/${this.key ? `${this.key}/` : ''}*`;
    return Fn.join('', [`arn:${partition}:s3:::`, Fn.select(1, Fn.split('s3://', this.uri)), '/*']);
  }

  /** The key prefix (literal URIs only), for `s3:prefix` conditions. */
  public get prefix(): string | undefined {
    return this.key;
  }
}

/**
 * Adds a statement to the policy of a key of this app (once per key and purpose) that lets an AWS
 * service principal use the key; imported keys are left alone (their policy is managed elsewhere).
 * @internal
 */
export function allowServiceToUseKey(
  key: kms.IKey,
  marker: string,
  sid: string,
  service: string,
  actions: string[],
  conditions?: Record<string, any>,
): void {
  const symbol = Symbol.for(marker);
  if (!(key instanceof kms.Key) || (key as any)[symbol]) return;
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid,
      principals: [new iam.ServicePrincipal(service)],
      actions,
      resources: ['*'],
      conditions,
    }),
  );
  (key as any)[symbol] = true;
}

/**
 * Lets CloudWatch alarms publish to topics encrypted with this key. The marker is the one
 * `RealtimeEndpoint` uses, so that a key shared by both gets the statement once.
 * @internal
 */
export function allowCloudWatchAlarmsToUseKey(key: kms.IKey): void {
  allowServiceToUseKey(key, 'vw-mlops-blueprint.cloudwatch-alarms-granted', 'AllowCloudWatchAlarmsToPublishToEncryptedTopics', 'cloudwatch.amazonaws.com', [
    'kms:Decrypt',
    'kms:GenerateDataKey*',
  ]);
}

/**
 * Lets EventBridge rules of this account deliver to topics and queues encrypted with this key.
 * @internal
 */
export function allowEventBridgeToUseKey(key: kms.IKey): void {
  const account = Stack.of(key).account;
  allowServiceToUseKey(
    key,
    'vw-mlops-blueprint.eventbridge-granted',
    'AllowEventBridgeRulesOfThisAccountToDeliverToEncryptedTargets',
    'events.amazonaws.com',
    ['kms:Decrypt', 'kms:GenerateDataKey*'],
    { StringEquals: { 'aws:SourceAccount': account } },
  );
}
