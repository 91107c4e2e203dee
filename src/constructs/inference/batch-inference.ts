import { Annotations, ArnFormat, Duration, Names, Stack, TimeZone, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { createDeadLetterQueue } from '../core/dead-letter-queue';
import { EncryptedLogGroup } from '../core/encrypted-log-group';
import { literalPartition } from '../core/iam-findings';
import { allowLogDeliveryToUseKey, isSameKey } from '../core/key-grants';
import {
  checkPrivateSubnets, checkSecurityGroupCount, createWorkloadPolicy, ecrPullStatements, JOB_NETWORK_INTERFACES, networkInterfaceStatements,
} from '../core/sagemaker-workload';
import { SecureBucket } from '../core/secure-bucket';
import { accountScopedServicePrincipal } from '../core/service-trust';
import { ReasonedStatement } from '../core/wildcard-acknowledgement';
import { EndpointInstanceType } from '../deployment/endpoint-instance-type';
import { EndpointModelSource, EndpointModelSourceKind, ecrRepositoryArn, parseEcrImageUri, s3ObjectArn } from '../deployment/endpoint-model-source';
import { checkInteger } from '../deployment/endpoint-validation';
import { createJobSecurityGroup, jobLogStatements, normalisePrefix } from '../monitoring/job-support';
import { AssembleWith, BatchStrategy, SplitType } from '../training/pipeline-definition/transform-step';

/** Lower-case SageMaker name characters (SageMaker lower-cases names in ARNs, which IAM matches). */
const JOB_NAME_PREFIX = /^[a-z0-9](-*[a-z0-9])*$/;
/** A job name is the prefix, a hyphen and 12 random hexadecimal characters; SageMaker allows 63. */
const RUN_SUFFIX_LENGTH = 13;
const MAX_JOB_NAME_PREFIX = 63 - RUN_SUFFIX_LENGTH;
/** Transform jobs and their models log here; the group is shared by every transform job of the account. */
const TRANSFORM_LOG_GROUP = '/aws/sagemaker/TransformJobs';
/** The EventBridge rule Step Functions manages for `.sync` transform jobs. */
const SYNC_RULE = 'StepFunctionsGetEventsForSageMakerTransformJobsRule';

/**
 * Props of a `BatchInference`.
 */
export interface BatchInferenceProps {
  /**
   * The model: normally the model package version the deployment pipeline pinned
   * (`EndpointModelSource.fromModelPackageArn`), a literal or a token. Every run creates a SageMaker
   * model from it (in the VPC, with network isolation) and deletes the model afterwards.
   */
  readonly modelSource: EndpointModelSource;

  /** The ML compute instance type of the transform job. */
  readonly instanceType: EndpointInstanceType;

  /**
   * The number of instances of the transform job (1 to 100).
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * The customer-managed key of the run: transform output (`TransformOutput.KmsKeyId`, unless the given
   * output bucket has another key), storage volumes (`TransformResources.VolumeKmsKeyId`, unless the
   * instance type has local NVMe storage), the created buckets, the state machine's data, its log
   * group, the failure topic and the schedule's dead-letter queue.
   */
  readonly encryptionKey: kms.IKey;

  /** The VPC the model containers are attached to. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the job's network interfaces; they must not be public.
   * @default - the VPC's private subnets (with egress if any, else isolated)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the job's network interfaces (1 to 5). They must let the job reach the S3
   * gateway endpoint (HTTPS).
   * @default - one group with HTTPS egress only (and traffic between the job's instances when there is more than one)
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The bucket holding the input data. Its key (`encryptionKey` of the bucket, or this construct's
   * `encryptionKey` when the bucket does not expose one) is granted to the model role for decryption.
   * @default - a `SecureBucket` encrypted with `encryptionKey`
   */
  readonly inputBucket?: s3.IBucket;

  /**
   * The key prefix of the input files; every object below it is transformed.
   * @default 'input'
   */
  readonly inputPrefix?: string;

  /**
   * The bucket the results go to, below `<outputPrefix>/<run name>/`. When it is a bucket with a
   * known key (`SecureBucket` denies any other), the results are encrypted with that key.
   * @default - a `SecureBucket` encrypted with `encryptionKey`
   */
  readonly outputBucket?: s3.IBucket;

  /**
   * The key prefix of the results.
   * @default 'output'
   */
  readonly outputPrefix?: string;

  /**
   * The MIME type of the input files (`TransformInput.ContentType`).
   * @default 'text/csv'
   */
  readonly contentType?: string;

  /**
   * How the input files are split into records.
   * @default SplitType.LINE
   */
  readonly splitType?: SplitType;

  /**
   * The MIME type of the results (`TransformOutput.Accept`).
   * @default - the model's default
   */
  readonly accept?: string;

  /**
   * How the results of one input file are assembled.
   * @default AssembleWith.LINE
   */
  readonly assembleWith?: AssembleWith;

  /**
   * Records per request.
   * @default - SageMaker's default (the model's execution parameters, else one record per request)
   */
  readonly batchStrategy?: BatchStrategy;

  /**
   * The largest request payload in MB (0 to 100).
   * @default - SageMaker's default (6 MB)
   */
  readonly maxPayloadInMb?: number;

  /**
   * Requests in parallel per instance (1 to 1000).
   * @default - SageMaker's default (the model's execution parameters, else 1)
   */
  readonly maxConcurrentTransforms?: number;

  /**
   * Environment variables of the transform job's container.
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * The prefix of the names of the state machine, of the models and of the transform jobs of each
   * run (`<prefix>-<12 hexadecimal characters>`): lower-case letters, digits and hyphens, at most 50
   * characters, unique in the account and region. The state machine role may only create, run and
   * delete models and jobs with this prefix.
   * @default - derived from the construct path (with a hash)
   */
  readonly jobNamePrefix?: string;

  /**
   * When to run: an EventBridge Scheduler expression, `cron(minutes hours day-of-month month
   * day-of-week year)` (one of the two day fields must be `?`) or `rate(<n> minute|minutes|hour|hours|day|days)`.
   * @default - no schedule: start executions yourself (or from another pipeline)
   */
  readonly schedule?: string;

  /**
   * The time zone of a `cron` schedule.
   * @default - UTC
   */
  readonly scheduleTimeZone?: TimeZone;

  /**
   * The topic that receives a message when a run fails. Its key must let the state machine role publish.
   * @default - a topic encrypted with `encryptionKey`; subscribe the on-call team to it
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * The permissions boundary of the roles this construct creates (model, state machine, scheduler).
   * @default - none
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * A fixed name for the model role (the execution role of the models and transform jobs, which reads
   * the model artifacts), so that another account's policies (the model registry, the artifact bucket
   * and key in EXP) can admit exactly this role.
   * @default - a name generated by CloudFormation
   */
  readonly modelRoleName?: string;

  /**
   * A fixed name for the state machine's role (which creates the model from the model package), so
   * that the model package group policy of another account can admit exactly this role.
   * @default - a name generated by CloudFormation
   */
  readonly stateMachineRoleName?: string;

  /**
   * The bucket that holds the model artifacts of the model package (whose artifact location is only
   * known at deploy time; the literal artifact URI of an image source is granted anyway).
   * @default - only the literal model artifact of the model source is readable
   */
  readonly modelArtifactsBucket?: s3.IBucket;

  /**
   * The key prefix of the model artifacts in `modelArtifactsBucket`.
   * @default - the whole bucket
   */
  readonly modelArtifactsPrefix?: string;

  /**
   * ARNs of the ECR repositories the inference images are pulled from (the central registry, say).
   * The repository of a literal image URI of an image source is added automatically.
   * @default - only the repository of a literal image URI
   */
  readonly imageRepositoryArns?: string[];

  /**
   * More keys the model role may decrypt with: the keys of the model artifacts, of the image layers,
   * of an input bucket whose key is not known to this app.
   * @default - none
   */
  readonly decryptionKeys?: kms.IKey[];

  /**
   * Let the model role create the account's `/aws/sagemaker/TransformJobs` log group if it is missing.
   * SageMaker would create it without encryption and retention: prefer creating it once per account,
   * encrypted, in the platform's baseline.
   * @default false
   */
  readonly allowJobLogGroupCreation?: boolean;

  /**
   * The longest a transform job may run; Step Functions stops it afterwards and the run fails.
   * @default Duration.hours(12)
   */
  readonly jobTimeout?: Duration;

  /**
   * How long the state machine's logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Scheduled, secure batch inference: a Step Functions state machine that, for each run,
 *
 * 1. names the run `<jobNamePrefix>-<12 random hexadecimal characters>`;
 * 2. creates a SageMaker model from the model package (or image) in the VPC with network isolation;
 * 3. runs a SageMaker batch transform job on every object below the input prefix and waits for it
 *    (`createTransformJob.sync`), with the output and the storage volumes encrypted with the
 *    customer-managed key; results go to `s3://<output bucket>/<outputPrefix>/<run name>/`;
 * 4. deletes the model.
 *
 * SageMaker throttling and service errors are retried with exponential backoff and jitter; any
 * failure (after the retries, including a failed or timed-out transform job) deletes the model,
 * publishes a message to the KMS-encrypted notification topic and fails the execution. The state
 * machine logs everything (level ALL, with execution data) to a KMS-encrypted log group, traces with
 * X-Ray and encrypts its data with the customer-managed key. An optional EventBridge Scheduler
 * schedule starts it (with retries and a KMS-encrypted dead-letter queue).
 *
 * The state machine role may only create, describe, stop and tag transform jobs and create and delete
 * models whose names start with `jobNamePrefix`, pass the model role to SageMaker, manage the
 * `.sync` rule and publish to the topic. The model role may read the input prefix, write the output
 * prefix, use the keys, pull the given images, write its logs and attach network interfaces in the VPC.
 *
 * The VPC needs an S3 gateway endpoint (and, for images from ECR, the ECR endpoints); `IsolatedNetwork`
 * provides them.
 *
 * @example
 * const pinned = new CfnParameter(this, 'ModelPackageArn', { type: 'String' });
 * const batch = new BatchInference(this, 'NightlyScoring', {
 *   modelSource: EndpointModelSource.fromModelPackageArn(pinned.valueAsString),
 *   instanceType: EndpointInstanceType.ML_M5_XLARGE,
 *   encryptionKey: key,
 *   vpc: network.vpc,
 *   vpcSubnets: network.subnetSelection,
 *   jobNamePrefix: 'churn-batch-prod',
 *   schedule: 'cron(0 2 * * ? *)',
 *   scheduleTimeZone: TimeZone.EUROPE_BERLIN,
 *   modelArtifactsBucket: artifacts,
 *   imageRepositoryArns: ['arn:aws:ecr:eu-central-1:333333333333:repository/churn-inference'],
 *   decryptionKeys: [artifactsKey],
 * });
 * batch.inputBucket.grantWrite(featurePipelineRole);
 */
export class BatchInference extends Construct implements ec2.IConnectable {
  /** The state machine that runs one batch inference per execution. */
  public readonly stateMachine: sfn.StateMachine;
  /** The role of the state machine. */
  public readonly stateMachineRole: iam.IRole;
  /** The bucket holding the input data. */
  public readonly inputBucket: s3.IBucket;
  /** The key prefix of the input data (without slashes at either end). */
  public readonly inputPrefix: string;
  /** The bucket receiving the results. */
  public readonly outputBucket: s3.IBucket;
  /** The key prefix of the results (each run writes below `<outputPrefix>/<run name>/`). */
  public readonly outputPrefix: string;
  /** The topic that receives a message for every failed run. */
  public readonly topic: sns.ITopic;
  /** The execution role of the models (and so of the transform jobs). */
  public readonly modelRole: iam.IRole;
  /** The prefix of the names of the state machine, the models and the transform jobs. */
  public readonly jobNamePrefix: string;
  /** The state machine's log group. */
  public readonly logGroup: logs.ILogGroup;
  /** The schedule that starts the state machine, when `schedule` is set. */
  public readonly schedule?: scheduler.Schedule;
  /** The dead-letter queue of the schedule, when `schedule` is set. */
  public readonly scheduleDeadLetterQueue?: sqs.IQueue;
  /** The security groups of the job's network interfaces. */
  public readonly connections: ec2.Connections;
  private readonly encryptionKey: kms.IKey;

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the model, data, network, encryption and schedule of the batch inference
   */
  constructor(scope: Construct, id: string, props: BatchInferenceProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const partition = literalPartition(stack);

    // --- validation --------------------------------------------------------------------------------
    this.jobNamePrefix = resolveJobNamePrefix(this, props.jobNamePrefix);
    const instanceCount = props.instanceCount ?? 1;
    checkInteger('instanceCount', instanceCount, 1, 100, 'the instances of the transform job');
    if (props.maxPayloadInMb !== undefined) checkInteger('maxPayloadInMb', props.maxPayloadInMb, 0, 100, 'the largest request payload in MB');
    if (props.maxConcurrentTransforms !== undefined) {
      checkInteger('maxConcurrentTransforms', props.maxConcurrentTransforms, 1, 1000, 'parallel requests per instance');
    }
    const jobTimeout = props.jobTimeout ?? Duration.hours(12);
    if (jobTimeout.isUnresolved() || jobTimeout.toSeconds() < 60 || jobTimeout.toSeconds() > 86400 * 7) {
      throw new Error(`jobTimeout is ${jobTimeout.toHumanString()}; write a literal duration from 1 minute to 7 days, e.g. Duration.hours(12)`);
    }
    if (props.schedule !== undefined) checkSchedulerExpression('schedule', props.schedule);
    if (props.scheduleTimeZone !== undefined && props.schedule === undefined) {
      throw new Error('scheduleTimeZone is set but schedule is not; add a schedule such as "cron(0 2 * * ? *)" or remove scheduleTimeZone');
    }
    if (props.modelArtifactsPrefix !== undefined && props.modelArtifactsBucket === undefined) {
      throw new Error('modelArtifactsPrefix is set but modelArtifactsBucket is not; give the bucket of the model artifacts too');
    }
    this.inputPrefix = normalisePrefix('inputPrefix', props.inputPrefix ?? 'input', 'scoring/input');
    this.outputPrefix = normalisePrefix('outputPrefix', props.outputPrefix ?? 'output', 'scoring/output');
    const artifactsPrefix = props.modelArtifactsPrefix ? normalisePrefix('modelArtifactsPrefix', props.modelArtifactsPrefix, 'models/churn') : undefined;

    // --- network -----------------------------------------------------------------------------------
    const subnets = props.vpc.selectSubnets(props.vpcSubnets);
    checkPrivateSubnets('vpcSubnets', props.vpc, subnets, 'SageMaker job network interfaces');
    const securityGroups = props.securityGroups ?? [
      createJobSecurityGroup(this, 'SecurityGroup', props.vpc, `Network interfaces of the batch transform jobs ${this.jobNamePrefix}-*`, instanceCount > 1),
    ];
    checkSecurityGroupCount('securityGroups', securityGroups);
    this.connections = new ec2.Connections({ securityGroups });

    // --- buckets and keys -----------------------------------------------------------------------------
    const key = props.encryptionKey;
    this.encryptionKey = key;
    let accessLogs: s3.IBucket | undefined;
    if (props.inputBucket) {
      this.inputBucket = props.inputBucket;
    } else {
      const created = new SecureBucket(this, 'Input', { encryptionKey: key });
      accessLogs = created.accessLogsBucket;
      this.inputBucket = created.bucket;
    }
    this.outputBucket = props.outputBucket ?? new SecureBucket(this, 'Output', { encryptionKey: key, accessLogsBucket: accessLogs }).bucket;
    const inputKey = this.inputBucket.encryptionKey ?? key;
    const outputKey = this.outputBucket.encryptionKey ?? key;

    // --- notification topic --------------------------------------------------------------------------
    this.topic = props.notificationTopic ?? new sns.Topic(this, 'Topic', { masterKey: key, enforceSSL: true, displayName: `Failed batch inference runs ${this.jobNamePrefix}` });

    // --- model role ----------------------------------------------------------------------------------
    for (const prop of ['modelRoleName', 'stateMachineRoleName'] as const) {
      const name = props[prop];
      if (name !== undefined && !Token.isUnresolved(name) && !/^[\w+=,.@-]{1,64}$/.test(name)) {
        throw new Error(`BatchInference ${this.node.path}: ${prop} ${JSON.stringify(name)} is not an IAM role name; use 1 to 64 of letters, digits and + = , . @ _ -`);
      }
    }
    const modelRole = new iam.Role(this, 'ModelRole', {
      roleName: props.modelRoleName,
      assumedBy: accountScopedServicePrincipal(this, 'sagemaker.amazonaws.com'),
      permissionsBoundary: props.permissionsBoundary,
      description: `Execution role of the models and transform jobs ${this.jobNamePrefix}-*`,
    });
    this.modelRole = modelRole;
    const modelPolicy = this.createModelPolicy(modelRole, props, {
      partition,
      subnetIds: subnets.subnetIds,
      securityGroups,
      inputKey,
      outputKey,
      artifactsPrefix,
    });

    // --- state machine -------------------------------------------------------------------------------
    const stateMachineName = this.jobNamePrefix;
    const stateMachineArn = stack.formatArn({ partition, service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const role = new iam.Role(this, 'StateMachineRole', {
      roleName: props.stateMachineRoleName,
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      permissionsBoundary: props.permissionsBoundary,
      description: `Role of the batch inference state machine ${stateMachineName}`,
    });
    this.stateMachineRole = role;
    this.logGroup = new EncryptedLogGroup(this, 'Logs', {
      encryptionKey: key,
      logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
      retention: props.logRetention,
    }).logGroup;
    const statePolicy = this.createStateMachinePolicy(role, props, { partition, stateMachineArn, modelRole });

    const definition = this.createDefinition(props, { instanceCount, jobTimeout, subnetIds: subnets.subnetIds, securityGroups, outputKey });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      // the managed policy above holds every permission: nothing is added to an inline default policy
      role: role.withoutPolicyUpdates(),
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(key),
      comment: `Batch inference ${this.jobNamePrefix}: create the model, run the transform job, delete the model`,
    });
    // an in-app key gets the log delivery statement from sfn.StateMachine; an imported key's owner must add it
    if (!(key instanceof kms.Key)) allowLogDeliveryToUseKey(key, { scope: this, prop: 'encryptionKey' });
    // Step Functions checks the logging permissions when it creates the state machine
    this.stateMachine.node.addDependency(statePolicy, modelPolicy);

    // --- schedule ------------------------------------------------------------------------------------
    if (props.schedule !== undefined) {
      const created = this.createSchedule(props, stateMachineArn);
      this.schedule = created.schedule;
      this.scheduleDeadLetterQueue = created.deadLetterQueue;
    }
  }

  /**
   * Lets a principal start runs (`states:StartExecution` on this state machine).
   * @param grantee the principal (a pipeline's role, an operator's role)
   */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    const start = iam.Grant.addToPrincipal({ grantee, actions: ['states:StartExecution'], resourceArns: [this.stateMachine.stateMachineArn] });
    // the state machine encrypts its data with the customer-managed key: callers encrypt the input with it
    const encrypt = iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:GenerateDataKey'],
      resourceArns: [this.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': this.stateMachine.stateMachineArn } },
    });
    return start.combine(encrypt);
  }

  private createModelPolicy(
    role: iam.Role,
    props: BatchInferenceProps,
    o: {
      partition: string;
      subnetIds: string[];
      securityGroups: ec2.ISecurityGroup[];
      inputKey: kms.IKey;
      outputKey: kms.IKey;
      artifactsPrefix?: string;
    },
  ): iam.ManagedPolicy {
    const stack = Stack.of(this);
    const statements: ReasonedStatement[] = [];
    const add = (statement: iam.PolicyStatement, wildcardReason?: string) => statements.push({ statement, wildcardReason });

    add(
      new iam.PolicyStatement({ sid: 'ReadTheInputData', actions: ['s3:GetObject'], resources: [this.inputBucket.arnForObjects(`${this.inputPrefix}/*`)] }),
      'The input files are written below the input prefix by the data pipelines after this stack is deployed; the statement names only that prefix.',
    );
    add(
      new iam.PolicyStatement({
        sid: 'ListTheInputData',
        actions: ['s3:ListBucket'],
        resources: [this.inputBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [this.inputPrefix, `${this.inputPrefix}/*`] } },
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'WriteTheResults',
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [this.outputBucket.arnForObjects(`${this.outputPrefix}/${this.jobNamePrefix}-*`)],
      }),
      'Each run writes its results below a folder named after the run, which gets a random suffix at run time; the statement names only the run folders of this prefix.',
    );
    // One statement per key the data is encrypted with, through S3 only: the input is decrypted
    // (kms:Decrypt), the results are encrypted (kms:GenerateDataKey, and kms:Decrypt for multipart uploads).
    const viaS3 = { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } };
    if (isSameKey(this, o.inputKey, o.outputKey)) {
      add(new iam.PolicyStatement({ sid: 'UseTheDataKeyThroughS3', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [o.outputKey.keyArn], conditions: viaS3 }));
    } else {
      add(new iam.PolicyStatement({ sid: 'DecryptTheInputData', actions: ['kms:Decrypt'], resources: [o.inputKey.keyArn], conditions: viaS3 }));
      add(new iam.PolicyStatement({ sid: 'EncryptTheResults', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [o.outputKey.keyArn], conditions: viaS3 }));
    }
    // TransformOutput.KmsKeyId: "the SageMaker execution role must include permissions to call
    // kms:Encrypt" (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TransformOutput.html).
    // The data keys of the S3 objects come from the statements above; the storage volumes' grants are
    // created by the state machine role (CreateGrantsForTheJobVolumes).
    add(
      new iam.PolicyStatement({
        sid: 'UseTheJobKey',
        actions: ['kms:Encrypt', 'kms:DescribeKey'],
        resources: [props.encryptionKey.keyArn],
      }),
    );

    // the model artifacts and images
    const artifactObjects = new Set<string>();
    if (props.modelSource.modelDataUrl) artifactObjects.add(s3ObjectArn(o.partition, props.modelSource.modelDataUrl));
    if (props.modelArtifactsBucket) artifactObjects.add(props.modelArtifactsBucket.arnForObjects(o.artifactsPrefix ? `${o.artifactsPrefix}/*` : '*'));
    if (artifactObjects.size > 0) {
      add(
        new iam.PolicyStatement({ sid: 'ReadTheModelArtifacts', actions: ['s3:GetObject'], resources: [...artifactObjects] }),
        'Model artifacts are objects below the given model artifact prefix, written by the model-build pipeline after this stack is deployed.',
      );
    } else {
      Annotations.of(this).addWarningV2(
        '@vw/mlops-blueprint:BatchInference.noModelArtifacts',
        'The model role cannot read any model artifact: pass the artifact URI (EndpointModelSource.fromModelPackageArn(arn, { modelDataUrl })) or set modelArtifactsBucket and modelArtifactsPrefix',
      );
    }
    if ((props.decryptionKeys ?? []).length > 0) {
      add(new iam.PolicyStatement({ sid: 'DecryptTheModelArtifactsAndImages', actions: ['kms:Decrypt'], resources: props.decryptionKeys!.map((k) => k.keyArn) }));
    }
    const repositories = new Set<string>(props.imageRepositoryArns ?? []);
    const ecr = props.modelSource.imageUri ? parseEcrImageUri(props.modelSource.imageUri) : undefined;
    if (ecr) repositories.add(ecrRepositoryArn(o.partition, ecr));
    if (repositories.size > 0) {
      statements.push(...ecrPullStatements('PullTheInferenceImages', [...repositories]));
    } else {
      Annotations.of(this).addWarningV2(
        '@vw/mlops-blueprint:BatchInference.noImageRepositories',
        'The model role cannot pull any inference image: set imageRepositoryArns to the ECR repositories of the model package containers',
      );
    }

    // logs, metrics, network
    for (const s of jobLogStatements(stack, o.partition, TRANSFORM_LOG_GROUP, props.allowJobLogGroupCreation ?? false)) statements.push(s);
    add(
      new iam.PolicyStatement({
        sid: 'PutTransformJobMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/TransformJobs', 'aws/sagemaker/TransformJobs'] } },
      }),
      'cloudwatch:PutMetricData has no resource type; the cloudwatch:namespace condition limits it to the SageMaker transform job namespace.',
    );
    statements.push(...networkInterfaceStatements(stack, o.partition, props.vpc, o.subnetIds, o.securityGroups, JOB_NETWORK_INTERFACES));

    return createWorkloadPolicy(this, 'ModelPolicy', `Least-privilege permissions of the models and transform jobs ${this.jobNamePrefix}-*`, role, statements);
  }

  private createStateMachinePolicy(
    role: iam.Role,
    props: BatchInferenceProps,
    o: { partition: string; stateMachineArn: string; modelRole: iam.IRole },
  ): iam.ManagedPolicy {
    const stack = Stack.of(this);
    const sagemakerArn = (resource: string) => stack.formatArn({ partition: o.partition, service: 'sagemaker', resource, resourceName: `${this.jobNamePrefix}-*` });
    const statements: ReasonedStatement[] = [];
    const add = (statement: iam.PolicyStatement, wildcardReason?: string) => statements.push({ statement, wildcardReason });
    const runNames = 'Models and transform jobs are named per run with a random suffix generated by the state machine; the statement is limited to names with this construct\'s prefix.';

    add(new iam.PolicyStatement({ sid: 'CreateAndDeleteTheRunModels', actions: ['sagemaker:CreateModel', 'sagemaker:DeleteModel'], resources: [sagemakerArn('model')] }), runNames);
    if (props.modelSource.kind === EndpointModelSourceKind.MODEL_PACKAGE) {
      add(new iam.PolicyStatement({ sid: 'ReadTheModelPackage', actions: ['sagemaker:DescribeModelPackage'], resources: [props.modelSource.modelPackageArn!] }));
    }
    add(
      new iam.PolicyStatement({
        sid: 'RunTheTransformJobs',
        actions: ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob', 'sagemaker:AddTags', 'sagemaker:ListTags'],
        resources: [sagemakerArn('transform-job')],
      }),
      runNames,
    );
    add(
      new iam.PolicyStatement({
        sid: 'PassTheModelRole',
        actions: ['iam:PassRole'],
        resources: [o.modelRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'ManageTheTransformJobSyncRule',
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [stack.formatArn({ partition: o.partition, service: 'events', resource: 'rule', resourceName: SYNC_RULE })],
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'CreateGrantsForTheJobVolumes',
        actions: ['kms:CreateGrant', 'kms:DescribeKey'],
        resources: [props.encryptionKey.keyArn],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
    add(new iam.PolicyStatement({ sid: 'PublishFailedRuns', actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    if (this.topic.masterKey) {
      add(new iam.PolicyStatement({ sid: 'EncryptFailureMessages', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.topic.masterKey.keyArn] }));
    }
    // what StateMachine would add to a mutable role: the state machine's data key, log delivery, X-Ray
    add(
      new iam.PolicyStatement({
        sid: 'UseTheStateMachineDataKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': o.stateMachineArn } },
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'EncryptTheStateMachineLogs',
        actions: ['kms:GenerateDataKey'],
        resources: [props.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:EncryptionContext:SourceArn': stack.formatArn({ partition: o.partition, service: 'logs', resource: '*' }) } },
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'DeliverTheStateMachineLogs',
        actions: [
          'logs:CreateLogDelivery',
          'logs:GetLogDelivery',
          'logs:UpdateLogDelivery',
          'logs:DeleteLogDelivery',
          'logs:ListLogDeliveries',
          'logs:PutResourcePolicy',
          'logs:DescribeResourcePolicies',
          'logs:DescribeLogGroups',
        ],
        resources: ['*'],
      }),
      'CloudWatch Logs vended log delivery actions do not support resource-level permissions (Step Functions documents Resource "*").',
    );
    add(
      new iam.PolicyStatement({
        sid: 'WriteXRayTraces',
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
        resources: ['*'],
      }),
      'X-Ray trace and sampling actions do not support resource-level permissions.',
    );
    return createWorkloadPolicy(this, 'StateMachinePolicy', `Least-privilege permissions of the batch inference state machine ${this.jobNamePrefix}`, role, statements);
  }

  private createDefinition(
    props: BatchInferenceProps,
    o: { instanceCount: number; jobTimeout: Duration; subnetIds: string[]; securityGroups: ec2.ISecurityGroup[]; outputKey: kms.IKey },
  ): sfn.IChainable {
    const source = props.modelSource;
    const container: Record<string, unknown> =
      source.kind === EndpointModelSourceKind.MODEL_PACKAGE
        ? { ModelPackageName: source.modelPackageArn }
        : { Image: source.imageUri, ModelDataUrl: source.modelDataUrl, Mode: 'SingleModel' };
    if (source.environment) container.Environment = source.environment;

    const name = new sfn.Pass(this, 'NameTheRun', {
      comment: 'The run name (model and transform job): the prefix and 12 random hexadecimal characters',
      parameters: {
        'name.$': `States.Format('${this.jobNamePrefix}-{}', States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 4))`,
      },
    });

    const createModel = new sfn.CustomState(this, 'CreateModel', {
      stateJson: {
        Type: 'Task',
        Comment: 'Create the model from the model package, in the VPC, with network isolation',
        Resource: `arn:${Stack.of(this).partition}:states:::sagemaker:createModel`,
        Parameters: {
          'ModelName.$': '$.name',
          'ExecutionRoleArn': this.modelRole.roleArn,
          'PrimaryContainer': container,
          'VpcConfig': { SecurityGroupIds: o.securityGroups.map((sg) => sg.securityGroupId), Subnets: o.subnetIds },
          'EnableNetworkIsolation': true,
        },
        ResultPath: null,
      },
    });

    const transformResources: Record<string, unknown> = { InstanceType: props.instanceType.instanceType, InstanceCount: o.instanceCount };
    if (!props.instanceType.hasLocalStorage) transformResources.VolumeKmsKeyId = props.encryptionKey.keyArn;
    const transformOutput: Record<string, unknown> = {
      'S3OutputPath.$': `States.Format('s3://${this.outputBucket.bucketName}/${this.outputPrefix}/{}/', $.name)`,
      'KmsKeyId': o.outputKey.keyArn,
      'AssembleWith': props.assembleWith ?? AssembleWith.LINE,
    };
    if (props.accept) transformOutput.Accept = props.accept;
    const transformParameters: Record<string, unknown> = {
      'TransformJobName.$': '$.name',
      'ModelName.$': '$.name',
      'TransformInput': {
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${this.inputBucket.bucketName}/${this.inputPrefix}/` } },
        ContentType: props.contentType ?? 'text/csv',
        SplitType: props.splitType ?? SplitType.LINE,
        CompressionType: 'None',
      },
      'TransformOutput': transformOutput,
      'TransformResources': transformResources,
    };
    if (props.batchStrategy) transformParameters.BatchStrategy = props.batchStrategy;
    if (props.maxPayloadInMb !== undefined) transformParameters.MaxPayloadInMB = props.maxPayloadInMb;
    if (props.maxConcurrentTransforms !== undefined) transformParameters.MaxConcurrentTransforms = props.maxConcurrentTransforms;
    if (props.environment) transformParameters.Environment = props.environment;
    const transform = new sfn.CustomState(this, 'Transform', {
      stateJson: {
        Type: 'Task',
        Comment: 'Run the batch transform job and wait for it; the job is stopped when the timeout passes',
        Resource: `arn:${Stack.of(this).partition}:states:::sagemaker:createTransformJob.sync`,
        Parameters: transformParameters,
        TimeoutSeconds: o.jobTimeout.toSeconds(),
        ResultSelector: { 'TransformJobArn.$': '$.TransformJobArn', 'S3OutputPath.$': '$.TransformOutput.S3OutputPath' },
        ResultPath: '$.transform',
      },
    });

    const deleteModel = (id: string, comment: string) =>
      new sfn.CustomState(this, id, {
        stateJson: {
          Type: 'Task',
          Comment: comment,
          Resource: `arn:${Stack.of(this).partition}:states:::aws-sdk:sagemaker:deleteModel`,
          Parameters: { 'ModelName.$': '$.name' },
          ResultPath: null,
        },
      });
    const deleteAfterSuccess = deleteModel('DeleteModel', 'Delete the run\'s model');
    const deleteAfterFailure = deleteModel('DeleteModelAfterFailure', 'Delete the run\'s model after a failed transform job');

    const notify = new tasks.SnsPublish(this, 'NotifyFailure', {
      topic: this.topic,
      subject: `Batch inference ${this.jobNamePrefix} failed`,
      message: sfn.TaskInput.fromJsonPathAt(
        'States.Format(\'Batch inference run {} (execution {}) failed: {}: {}\', $.name, $$.Execution.Id, $.failure.Error, $.failure.Cause)',
      ),
      resultPath: sfn.JsonPath.DISCARD,
    });
    notify.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
    const fail = new sfn.Fail(this, 'Failed', { error: 'BatchInferenceFailed', cause: 'The run failed; the notification topic received the error and its cause' });
    notify.next(fail);

    // retries: SageMaker API throttling and service errors, then the account's instance quota
    const retryApi: sfn.RetryProps = {
      errors: ['SageMaker.AmazonSageMakerException', 'SageMaker.ThrottlingException', 'ThrottlingException'],
      interval: Duration.seconds(5),
      maxAttempts: 6,
      backoffRate: 2,
      maxDelay: Duration.minutes(2),
      jitterStrategy: sfn.JitterType.FULL,
    };
    const retryQuota: sfn.RetryProps = {
      errors: ['SageMaker.ResourceLimitExceededException'],
      interval: Duration.minutes(1),
      maxAttempts: 10,
      backoffRate: 2,
      maxDelay: Duration.minutes(15),
      jitterStrategy: sfn.JitterType.FULL,
    };
    const retrySdk: sfn.RetryProps = {
      errors: ['SageMaker.SageMakerException', 'SageMaker.ThrottlingException', 'ThrottlingException'],
      interval: Duration.seconds(5),
      maxAttempts: 6,
      backoffRate: 2,
      maxDelay: Duration.minutes(2),
      jitterStrategy: sfn.JitterType.FULL,
    };
    const catchAll: sfn.CatchProps = { errors: ['States.ALL'], resultPath: '$.failure' };
    createModel.addRetry(retryApi).addRetry(retryQuota).addCatch(notify, catchAll);
    transform.addRetry(retryApi).addRetry(retryQuota).addCatch(deleteAfterFailure, catchAll);
    deleteAfterSuccess.addRetry(retrySdk).addCatch(notify, catchAll);
    // after a failed job the original failure is kept in $.failure: a failed deletion must not replace it
    deleteAfterFailure.addRetry(retrySdk).addCatch(notify, { errors: ['States.ALL'], resultPath: '$.cleanupFailure' });
    deleteAfterFailure.next(notify);

    return name.next(createModel).next(transform).next(deleteAfterSuccess).next(new sfn.Succeed(this, 'Succeeded'));
  }

  private createSchedule(props: BatchInferenceProps, stateMachineArn: string): { schedule: scheduler.Schedule; deadLetterQueue: sqs.IQueue } {
    const key = props.encryptionKey;
    const deadLetterQueue = createDeadLetterQueue(this, 'ScheduleDeadLetterQueue', {
      encryptionKey: key,
      whyNoDeadLetterQueue: 'This queue is the dead-letter queue of the batch inference schedule; a dead-letter queue of a dead-letter queue would never be read.',
    });
    const role = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      permissionsBoundary: props.permissionsBoundary,
      description: `Role of the schedule of the batch inference ${this.jobNamePrefix}`,
    });
    const policy = createWorkloadPolicy(this, 'SchedulerPolicy', `Start the batch inference state machine ${this.jobNamePrefix} on schedule`, role, [
      { statement: new iam.PolicyStatement({ sid: 'StartTheStateMachine', actions: ['states:StartExecution'], resources: [stateMachineArn] }) },
      { statement: new iam.PolicyStatement({ sid: 'SendFailedStartsToTheDeadLetterQueue', actions: ['sqs:SendMessage'], resources: [deadLetterQueue.queueArn] }) },
      { statement: new iam.PolicyStatement({ sid: 'UseTheScheduleKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn] }) },
    ]);
    const schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule: scheduler.ScheduleExpression.expression(props.schedule!, props.scheduleTimeZone),
      description: `Starts the batch inference ${this.jobNamePrefix}`,
      key,
      target: new schedulerTargets.StepFunctionsStartExecution(this.stateMachine, {
        role: role.withoutPolicyUpdates(),
        deadLetterQueue,
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
      }),
    });
    schedule.node.addDependency(policy);
    return { schedule, deadLetterQueue };
  }
}

function resolveJobNamePrefix(scope: Construct, given: string | undefined): string {
  if (given === undefined) {
    const derived = Names.uniqueResourceName(scope, { maxLength: MAX_JOB_NAME_PREFIX, separator: '-' })
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '')
      .replace(/^-+|-+$/g, '')
      .replace(/-{2,}/g, '-');
    return derived;
  }
  if (Token.isUnresolved(given)) {
    throw new Error('jobNamePrefix must be a literal string: the IAM policies and the state machine name are derived from it');
  }
  if (given.length > MAX_JOB_NAME_PREFIX) {
    throw new Error(`jobNamePrefix ${JSON.stringify(given)} has ${given.length} characters; at most ${MAX_JOB_NAME_PREFIX} leave room for the run suffix in SageMaker's 63: shorten it, e.g. "churn-batch-prod"`);
  }
  if (!JOB_NAME_PREFIX.test(given)) {
    throw new Error(`jobNamePrefix ${JSON.stringify(given)} may contain only lower-case letters, digits and hyphens, starting and ending with a letter or digit; e.g. "churn-batch-prod"`);
  }
  return given;
}

const CRON_FIELD = /^[0-9A-Za-z*?,/#LW-]+$/;
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;

/** Checks an EventBridge Scheduler `cron(...)` or `rate(...)` expression. */
function checkSchedulerExpression(prop: string, expression: string): void {
  if (Token.isUnresolved(expression)) {
    throw new Error(`${prop} must be a literal expression such as "cron(0 2 * * ? *)" or "rate(1 day)"`);
  }
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const singular = !rate[2].endsWith('s');
    if (value < 1 || (value === 1) !== singular) {
      throw new Error(`${prop} ${JSON.stringify(expression)}: write a positive number with a singular unit for 1 and a plural unit otherwise, e.g. "rate(1 day)" or "rate(6 hours)"`);
    }
    return;
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) {
    throw new Error(`${prop} ${JSON.stringify(expression)} is neither cron(...) nor rate(...); write e.g. "cron(0 2 * * ? *)" (02:00 every day) or "rate(1 day)"`);
  }
  const fields = cron[1].trim().split(/\s+/);
  const example = 'e.g. "cron(0 2 * * ? *)" (minutes hours day-of-month month day-of-week year)';
  if (fields.length !== 6) {
    throw new Error(`${prop} ${JSON.stringify(expression)} has ${fields.length} fields; EventBridge cron expressions have 6, ${example}`);
  }
  if (!fields.every((f) => CRON_FIELD.test(f))) {
    throw new Error(`${prop} ${JSON.stringify(expression)} contains characters cron does not allow; ${example}`);
  }
  const [minutes, hours, dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new Error(`${prop} ${JSON.stringify(expression)}: exactly one of day-of-month (3rd field) and day-of-week (5th field) must be "?"; ${example}`);
  }
  checkCronNumbers(prop, expression, 'minutes', minutes, 59);
  checkCronNumbers(prop, expression, 'hours', hours, 23);
}

function checkCronNumbers(prop: string, expression: string, field: string, value: string, max: number): void {
  for (const part of value.split(/[,/-]/)) {
    if (part === '*' || part === '') continue;
    if (!/^\d+$/.test(part) || Number(part) > max) {
      throw new Error(`${prop} ${JSON.stringify(expression)}: the ${field} field ${JSON.stringify(value)} must use numbers from 0 to ${max}`);
    }
  }
}
