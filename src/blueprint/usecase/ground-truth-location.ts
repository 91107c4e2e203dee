import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SecureBucket } from '../../constructs/core';
import { acknowledgeRules } from '../../constructs/core/acknowledge';

/** The prefix below which the labelling process writes the ground truth. */
export const GROUND_TRUTH_PREFIX = 'labels';

/**
 * Props of a `GroundTruthLocation`.
 */
export interface GroundTruthLocationProps {
  /** The bucket name (fixed: the labelling process and other accounts compute it). */
  readonly bucketName: string;
  /** The name of the role the labelling process assumes. */
  readonly writerRoleName: string;
  /** The key of the labels (the stage's ML key: the monitoring job decrypts with it). */
  readonly encryptionKey: kms.IKey;
  /** The permissions boundary of the writer role. */
  readonly permissionsBoundary: iam.IManagedPolicy;
}

/**
 * Where the ground-truth labels of one use case and stage live, for model-quality monitoring: a bucket
 * (SSE-KMS with the given key, TLS only, versioned, retained) and the role the plant's labelling process
 * assumes to write JSON Lines label records below `labels/`. The role is trusted by its own account (an
 * identity there needs `sts:AssumeRole` on it) and may only put objects below that prefix.
 */
export class GroundTruthLocation extends Construct {
  /** The bucket. */
  public readonly bucket: s3.IBucket;
  /** The role the labelling process assumes. */
  public readonly writerRole: iam.Role;
  /** `s3://<bucket>/labels/`: what the model-quality monitor reads. */
  public readonly s3Uri: string;

  /**
   * @param scope the serving stack
   * @param id the construct id
   * @param props the names, key and boundary
   */
  constructor(scope: Construct, id: string, props: GroundTruthLocationProps) {
    super(scope, id);
    this.bucket = new SecureBucket(this, 'Bucket', { encryptionKey: props.encryptionKey, bucketName: props.bucketName }).bucket;
    this.s3Uri = `s3://${props.bucketName}/${GROUND_TRUTH_PREFIX}/`;
    const region = Stack.of(this).region;
    this.writerRole = new iam.Role(this, 'WriterRole', {
      roleName: props.writerRoleName,
      description: `The labelling process writes ground-truth labels below s3://${props.bucketName}/${GROUND_TRUTH_PREFIX}/`,
      assumedBy: new iam.AccountRootPrincipal(),
      maxSessionDuration: Duration.hours(1),
      permissionsBoundary: props.permissionsBoundary,
    });
    const policy = new iam.ManagedPolicy(this, 'WriterPolicy', {
      description: `Put ground-truth labels below ${GROUND_TRUTH_PREFIX}/ of ${props.bucketName}`,
      roles: [this.writerRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'PutLabels',
          actions: ['s3:PutObject'],
          resources: [this.bucket.arnForObjects(`${GROUND_TRUTH_PREFIX}/*`)],
        }),
        new iam.PolicyStatement({
          sid: 'EncryptLabels',
          actions: ['kms:GenerateDataKey'],
          resources: [props.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
        }),
      ],
    });
    acknowledgeRules(policy, {
      [`AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/${GROUND_TRUTH_PREFIX}/*]`]:
        'The labelling process writes one object per labelled batch below the labels/ prefix of this bucket only (objects are named by hour, as the captured data).',
    });
  }
}
