import { ArnFormat, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ReasonedStatement } from '../core/wildcard-acknowledgement';

/*
 * Helpers shared by the SageMaker job constructs of this library (ModelMonitor, BatchInference): log
 * permissions of job roles, security groups and S3 locations in IAM (the network checks and statements
 * they share with RealtimeEndpoint are in core/sagemaker-workload.ts). Nothing here is part of the
 * public API.
 */

/** s3://<bucket>/<key or prefix> */
const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/(.*))?$/;

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
