import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ANALYZER_REPOSITORY } from './analyzer-image';
import { S3Location, jobLogStatements } from './job-support';
import { ModelMonitorProps } from './model-monitor-props';
import { MonitoringBaseline } from './monitoring-baseline';
import { isSameKey } from '../core/key-grants';
import { createWorkloadPolicy, ecrPullStatements, JOB_NETWORK_INTERFACES, networkInterfaceStatements } from '../core/sagemaker-workload';
import { ReasonedStatement } from '../core/wildcard-acknowledgement';
import { ecrRepositoryArn, parseEcrImageUri } from '../deployment/endpoint-model-source';

/** Processing jobs (and so monitoring executions) log here; the group is shared by the account. */
const PROCESSING_LOG_GROUP = '/aws/sagemaker/ProcessingJobs';

/**
 * The least-privilege policy of the monitoring jobs' role: read the endpoint's captured data, the
 * baselines and the ground truth; write the reports; publish the Model Monitor metrics; write logs;
 * attach network interfaces.
 * @internal
 */
export function createMonitoringRolePolicy(
  scope: Construct,
  role: iam.Role,
  props: ModelMonitorProps,
  o: {
    partition: string;
    capturePrefix: string;
    captureKey: kms.IKey;
    outputPrefix: string;
    outputKey: kms.IKey;
    baselines: MonitoringBaseline[];
    groundTruth?: S3Location;
    subnetIds: string[];
    securityGroups: ec2.ISecurityGroup[];
    outputBucket: s3.IBucket;
  },
): iam.ManagedPolicy {
  const stack = Stack.of(scope);
  const statements: ReasonedStatement[] = [];
  const add = (statement: iam.PolicyStatement, wildcardReason?: string) => statements.push({ statement, wildcardReason });
  const viaS3 = { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } };
  const captured = `${o.capturePrefix}/${props.endpointName}`;

  add(
    new iam.PolicyStatement({ sid: 'ReadTheCapturedData', actions: ['s3:GetObject'], resources: [props.dataCaptureBucket.arnForObjects(`${captured}/*`)] }),
    'The endpoint writes captured traffic as new objects per variant and hour below its capture prefix; the statement names only that prefix.',
  );
  add(
    new iam.PolicyStatement({
      sid: 'ListTheCapturedData',
      actions: ['s3:ListBucket'],
      resources: [props.dataCaptureBucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [captured, `${captured}/*`] } },
    }),
  );
  const oneDataKey = isSameKey(scope, o.captureKey, o.outputKey);
  if (!oneDataKey) {
    add(new iam.PolicyStatement({ sid: 'DecryptTheCapturedData', actions: ['kms:Decrypt'], resources: [o.captureKey.keyArn], conditions: viaS3 }));
  }
  add(
    new iam.PolicyStatement({
      sid: 'WriteTheReports',
      actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
      resources: [o.outputBucket.arnForObjects(`${o.outputPrefix}/*`)],
    }),
    'Each monitoring execution writes its reports (and the merged ground truth) below a folder named after the schedule and the execution time; the statement names only the report prefix.',
  );
  add(
    new iam.PolicyStatement({
      sid: 'ListTheReports',
      actions: ['s3:ListBucket'],
      resources: [o.outputBucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [o.outputPrefix, `${o.outputPrefix}/*`] } },
    }),
  );
  // the reports are encrypted (kms:GenerateDataKey, and kms:Decrypt for multipart uploads); when the
  // capture has the same key, this one statement also decrypts the captured data
  add(
    new iam.PolicyStatement({
      sid: oneDataKey ? 'UseTheDataKeyThroughS3' : 'EncryptTheReports',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [o.outputKey.keyArn],
      conditions: viaS3,
    }),
  );

  const baselineObjects = new Set<string>();
  o.baselines.forEach((b, i) => b._readableObjectArns(o.partition, i === 0).forEach((arn) => baselineObjects.add(arn)));
  if (baselineObjects.size > 0) {
    add(
      new iam.PolicyStatement({ sid: 'ReadTheBaselines', actions: ['s3:GetObject'], resources: [...baselineObjects] }),
      'A baselining job writes its statistics and constraints below its output prefix under names it chooses; the statement names only that prefix.',
    );
  }
  if (o.groundTruth) {
    add(
      new iam.PolicyStatement({ sid: 'ReadTheGroundTruth', actions: ['s3:GetObject'], resources: [o.groundTruth.objectsBelowArn(o.partition)] }),
      'The labelling process writes ground truth as new objects per hour below the ground-truth prefix; the statement names only that prefix.',
    );
    const prefix = o.groundTruth.prefix;
    add(
      new iam.PolicyStatement({
        sid: 'ListTheGroundTruth',
        actions: ['s3:ListBucket'],
        resources: [o.groundTruth.bucketArn(o.partition)],
        conditions: prefix ? { StringLike: { 's3:prefix': [prefix, `${prefix}/*`] } } : undefined,
      }),
    );
  }
  add(
    new iam.PolicyStatement({
      sid: 'UseTheJobKey',
      // the S3 data keys come from the kms:ViaService statements above, the volume grants from
      // CreateGrantsForTheJobVolumes; SageMaker checks the output key (ProcessingOutputConfig.KmsKeyId)
      actions: ['kms:Encrypt', 'kms:DescribeKey'],
      resources: [props.encryptionKey.keyArn],
    }),
  );
  add(
    new iam.PolicyStatement({
      sid: 'CreateGrantsForTheJobVolumes',
      actions: ['kms:CreateGrant'],
      resources: [props.encryptionKey.keyArn],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  );
  if ((props.decryptionKeys ?? []).length > 0) {
    add(new iam.PolicyStatement({ sid: 'DecryptTheBaselinesAndGroundTruth', actions: ['kms:Decrypt'], resources: props.decryptionKeys!.map((k) => k.keyArn) }));
  }
  add(
    new iam.PolicyStatement({
      sid: 'PublishModelMonitorMetrics',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringLike: { 'cloudwatch:namespace': ['aws/sagemaker/Endpoints/*', '/aws/sagemaker/Endpoints/*', '/aws/sagemaker/ProcessingJobs'] } },
    }),
    'cloudwatch:PutMetricData has no resource type; the cloudwatch:namespace condition limits it to the Model Monitor and processing job namespaces.',
  );
  // an analyzer image of the customer's registry (an override) is pulled with this role; SageMaker's own is not
  const ecr = props.analyzerImageUri ? parseEcrImageUri(props.analyzerImageUri) : undefined;
  if (ecr && ecr.repositoryName !== ANALYZER_REPOSITORY) {
    statements.push(...ecrPullStatements('PullTheAnalyzerImage', [ecrRepositoryArn(o.partition, ecr)]));
  }
  for (const s of jobLogStatements(stack, o.partition, PROCESSING_LOG_GROUP, props.allowJobLogGroupCreation ?? false)) statements.push(s);
  statements.push(...networkInterfaceStatements(stack, o.partition, props.vpc, o.subnetIds, o.securityGroups, JOB_NETWORK_INTERFACES));

  return createWorkloadPolicy(scope, 'RolePolicy', `Least-privilege permissions of the Model Monitor jobs of the SageMaker endpoint ${props.endpointName}`, role, statements);
}
