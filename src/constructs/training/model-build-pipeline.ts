import { Annotations, ArnFormat, CfnElement, Duration, Resource, Stack, TimeZone, Token } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import {
  CheckContext, DefinitionNeeds, JobType, PipelineSecurityExemptions, RULES_BY_JOB_TYPE, SecurityExemption, SecurityRule,
  DEFAULT_JOB_NAME_PREFIX, checkDefinition, substitutePlaceholders, unknownDefinitionNeeds,
} from './definition-checks';
import { PipelineDefinitionSource } from './pipeline-definition-source';
import { MIN_REASON_LENGTH, VAGUE_REASON, acknowledgeRules } from '../core/acknowledge';
import { EncryptedLogGroup } from '../core/encrypted-log-group';
import { literalPartition } from '../core/iam-findings';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { checkConnectionSource, ConnectionSourceOptions } from '../core/pipeline-source';
import { SecureBucket } from '../core/secure-bucket';
import { accountScopedServicePrincipal } from '../core/service-trust';
import { acknowledgePolicyWildcards } from '../core/wildcard-acknowledgement';

/** SageMaker's rule for pipeline names. */
const PIPELINE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;
/** SageMaker's rule for model package group names. */
const MODEL_PACKAGE_GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** An ECR repository ARN. */
const REPOSITORY_ARN = /^arn:aws[a-z-]*:ecr:[a-z0-9-]+:\d{12}:repository\/[a-z0-9._/-]+$/;
/** The maximum size of a pipeline definition (`CreatePipeline`). */
const MAX_DEFINITION_LENGTH = 1048576;

/** A job name prefix: SageMaker's rule for job names, with trailing hyphens allowed (`<use case>--`). */
const JOB_NAME_PREFIX = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*-*$/;

/**
 * When the pipeline runs on a schedule (EventBridge Scheduler).
 */
export interface ModelBuildScheduleOptions {
  /**
   * A `cron(minutes hours day-of-month month day-of-week year)` or `rate(value unit)` expression,
   * e.g. `cron(0 3 ? * MON-FRI *)` (03:00 on weekdays) or `rate(7 days)`.
   */
  readonly expression: string;

  /**
   * The time zone of a cron expression.
   * @default TimeZone.ETC_UTC
   */
  readonly timeZone?: TimeZone;

  /**
   * Values of pipeline parameters for the scheduled executions (names must be parameters of the definition).
   * @default - the parameters' default values
   */
  readonly pipelineParameters?: { [name: string]: string };

  /**
   * Whether the schedule is enabled.
   * @default true
   */
  readonly enabled?: boolean;
}

/**
 * Uploads the ML code of the pushed commit to the artifact bucket before the pipeline starts.
 */
export interface CodeUploadOptions {
  /** The directory of the scripts in the repository, e.g. `ml/src`. */
  readonly sourcePath: string;

  /**
   * The key prefix in the artifact bucket: every `*.py` file of `sourcePath` is copied to
   * `s3://<artifact bucket>/<prefix>/`, and the whole directory is packed as
   * `s3://<artifact bucket>/<prefix>/sourcedir.tar.gz` (the SDK's script-mode source archive).
   * @default 'code'
   */
  readonly s3Prefix?: string;
}

/**
 * Starts the pipeline when code is pushed: a CodePipeline (V2) whose source is a CodeConnections
 * repository branch and whose CodeBuild action runs `aws sagemaker start-pipeline-execution`.
 */
export interface CodePushTriggerOptions extends ConnectionSourceOptions {
  /**
   * Values of pipeline parameters for the executions a push starts (names must be parameters of the definition).
   * @default - the parameters' default values
   */
  readonly pipelineParameters?: { [name: string]: string };

  /**
   * Upload the ML code of the commit to the artifact bucket before starting the pipeline.
   * @default - no upload: the pipeline runs the code already in S3
   */
  readonly codeUpload?: CodeUploadOptions;
}

/**
 * Props of a `ModelBuildPipeline`.
 */
export interface ModelBuildPipelineProps {
  /**
   * The pipeline's name: 1 to 256 letters, digits and hyphens, starting and ending with a letter or
   * digit (`^[a-zA-Z0-9](-*[a-zA-Z0-9])*$`). It must be a literal: it names the pipeline in ARNs.
   */
  readonly pipelineName: string;

  /** The definition: `PipelineDefinitionSource.fromDefinition`, `fromJsonFile` or `fromS3`. */
  readonly definitionSource: PipelineDefinitionSource;

  /**
   * The pipeline's description.
   * @default - none
   */
  readonly pipelineDescription?: string;

  /** The guardrails permissions boundary of the execution role (the platform's SageMaker boundary). */
  readonly permissionsBoundary: iam.IManagedPolicy;

  /**
   * The guardrail policy (explicit denies of SageMaker work outside the VPC or without encryption),
   * attached to the execution role.
   * @default - none attached: the boundary and the role's own conditions apply
   */
  readonly guardrailPolicy?: iam.IManagedPolicy;

  /**
   * The customer-managed key of the artifact bucket, the jobs' volumes and outputs, the schedule and
   * the trigger's logs and artifacts. It is the only key the definition may name.
   */
  readonly encryptionKey: kms.IKey;

  /**
   * Keys the jobs may decrypt with (read-only): the keys of the input buckets. A given input bucket's
   * own `encryptionKey`, when known, is added automatically.
   * @default - none besides `encryptionKey`
   */
  readonly decryptionKeys?: kms.IKey[];

  /** The VPC the jobs run in (the isolated EXP VPC with its endpoints). */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the jobs; they must not be public.
   * @default - the VPC's private subnets (with egress if any, else isolated)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups of the jobs (1 to 5).
   * @default - one security group is created: all traffic between the instances of a job, HTTPS out
   * (to the VPC endpoints), nothing in from elsewhere
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The model package group the pipeline registers model versions in (created elsewhere, e.g. by
   * `ModelRegistry`). The execution role may create model packages in this group only, and only as
   * `PendingManualApproval`.
   */
  readonly modelPackageGroupName: string;

  /**
   * Buckets the jobs may read (data from the data lake, say); never written.
   * @default - none: the jobs read and write the artifact bucket only
   */
  readonly inputBuckets?: s3.IBucket[];

  /**
   * ARNs of the ECR repositories the job images come from: the central registry in RES
   * (`arn:aws:ecr:<region>:<RES account>:repository/<name>`, whose repository policy must let this
   * account pull), and/or AWS's regional framework images, e.g.
   * `SageMakerFrameworkImage.sklearn('eu-central-1').repositoryArn`. Literal image URIs of the
   * definition must come from these repositories.
   * @default - none: the jobs can pull no image
   */
  readonly imageRepositoryArns?: string[];

  /**
   * Explicit exemptions of named steps from the security rules, each with a reason.
   * @default - no exemption: every job step runs in the VPC, encrypted, network-isolated
   */
  readonly securityExemptions?: PipelineSecurityExemptions;

  /**
   * The prefix every processing, training and transform job of the pipeline is named with: each such
   * step must carry a `jobNamePrefix` that starts with it (the SDK: `base_job_name` under
   * `PipelineDefinitionConfig(use_custom_job_prefix=True)`), and the execution role may create,
   * describe and stop only jobs whose names start with it. Their CloudWatch log streams start with
   * the job name, so readers can be given this pipeline's job logs only
   * (`log-group:/aws/sagemaker/TrainingJobs:log-stream:<prefix>*`). End it with a delimiter that no
   * other pipeline's prefix continues with, e.g. `vwml-weld-gun-pm--` when names have single hyphens.
   * @default - no required prefix: the role may create jobs of the steps' own prefixes and, for steps
   * without one, the names SageMaker Pipelines gives (`pipelines-*`, shared by every pipeline of the account)
   */
  readonly jobNamePrefix?: string;

  /**
   * The bucket that receives the server access logs of the artifact buckets.
   * @default - each `SecureBucket` creates its own access-log bucket
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * A fixed name for the artifact bucket, so that other accounts (the endpoints of DEV, INT and PROD)
   * can name it in their policies. It must be a valid S3 bucket name.
   * @default - a name generated by CloudFormation
   */
  readonly artifactBucketName?: string;

  /**
   * A fixed name for the execution role, so that other accounts can name it in their policies (e.g. the
   * repository policy of the image the jobs pull from the central registry).
   * @default - a name generated by CloudFormation
   */
  readonly executionRoleName?: string;

  /**
   * The image that replaces `PipelinePlaceholder.IMAGE_URI` in the definition, e.g. the use case's image
   * of the central registry by digest (`<account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:...`);
   * its repository must be one of `imageRepositoryArns`. A token (e.g. built from a stack parameter) is
   * allowed.
   * @default - the definition may not contain `PipelinePlaceholder.IMAGE_URI`
   */
  readonly imageUri?: string;

  /**
   * Run the pipeline on a schedule.
   * @default - no schedule
   */
  readonly schedule?: ModelBuildScheduleOptions;

  /**
   * Run the pipeline when code is pushed to a branch.
   * @default - no trigger
   */
  readonly codePushTrigger?: CodePushTriggerOptions;
}

/**
 * The model-build pipeline of one use case in EXP: a SageMaker pipeline (`AWS::SageMaker::Pipeline`)
 * whose jobs run in the VPC, encrypted with the use case's key, network-isolated, as a least-privilege
 * execution role bounded by the platform's guardrails.
 *
 * **The definition is checked at synth time** (`fromDefinition`, `fromJsonFile`); an Error names
 * every step and setting that is missing or does not fit the pipeline. Per step type, the settings
 * (paths in the step's `Arguments`) are:
 *
 * | rule (exemption) | Processing | Training | Tuning (`TrainingJobDefinition[s]`) | Transform | Model |
 * |---|---|---|---|---|---|
 * | VPC (`withoutVpc`) | `NetworkConfig.VpcConfig.Subnets`, `.SecurityGroupIds` | `VpcConfig.Subnets`, `.SecurityGroupIds` | same as Training | - (the model's) | `VpcConfig.Subnets`, `.SecurityGroupIds` |
 * | volume key (`withoutVolumeEncryption`) | `ProcessingResources.ClusterConfig.VolumeKmsKeyId` | `ResourceConfig.VolumeKmsKeyId` | same as Training | `TransformResources.VolumeKmsKeyId` | - |
 * | output key (`withoutOutputEncryption`) | `ProcessingOutputConfig.KmsKeyId` (when it has outputs) | `OutputDataConfig.KmsKeyId` | same as Training | `TransformOutput.KmsKeyId` | - |
 * | network isolation (`withoutNetworkIsolation`) | `NetworkConfig.EnableNetworkIsolation` | `EnableNetworkIsolation` | same as Training | - (the model's) | `EnableNetworkIsolation` |
 * | inter-container encryption (`withoutInterContainerEncryption`) | `NetworkConfig.EnableInterContainerTrafficEncryption` | `EnableInterContainerTrafficEncryption` | same as Training | - | - |
 *
 * Flags must be the literal `true`. Besides, the definition must fit what the role may do: the
 * execution role is the pipeline's own (`PipelinePlaceholder.ROLE_ARN`), keys are `encryptionKey`,
 * subnets and security groups are the pipeline's, literal images come from `imageRepositoryArns`,
 * literal outputs go to the artifact bucket and inputs come from it or `inputBuckets`, models are
 * registered in `modelPackageGroupName` and not as approved, and the step types are Processing,
 * Training, Tuning, Transform, Model, RegisterModel, Condition, Fail or Lambda.
 *
 * **The execution role** may only: create processing, training and transform jobs named with the
 * steps' `jobNamePrefix` (or as SageMaker Pipelines names them without one, `pipelines-*`: the
 * pipeline's own name is not part of those names; `jobNamePrefix` makes every step carry one),
 * models named `pipelines-*`, and tuning jobs, each only with the subnets, security groups, keys, network isolation and
 * inter-container encryption above (IAM conditions; an exemption relaxes its condition for the job
 * type of the exempted steps); register model versions in the group as `PendingManualApproval`;
 * pass itself to SageMaker; read and write objects of the artifact bucket (never delete), read the
 * input buckets; use the key; pull from the repositories; write the SageMaker job logs and metrics;
 * manage network interfaces in the job subnets. It is bounded by `permissionsBoundary` and has
 * `guardrailPolicy` attached.
 *
 * **The artifact bucket** is a `SecureBucket` (SSE-KMS with the key, TLS only, versioned, retained),
 * without expiry of model artifacts.
 *
 * @example
 * const pipeline = new ModelBuildPipeline(this, 'Build', {
 *   pipelineName: 'weld-gun-build',
 *   definitionSource: PipelineDefinitionSource.fromDefinition(PredictiveMaintenancePipeline.definition({
 *     pipelineName: 'weld-gun-build', region: 'eu-central-1', modelPackageGroupName: 'weld-gun',
 *     roleArn: PipelinePlaceholder.ROLE_ARN, bucketName: PipelinePlaceholder.ARTIFACT_BUCKET_NAME,
 *     kmsKeyArn: PipelinePlaceholder.KMS_KEY_ARN, subnetIds: [PipelinePlaceholder.SUBNET_IDS],
 *     securityGroupIds: [PipelinePlaceholder.SECURITY_GROUP_IDS],
 *   })),
 *   permissionsBoundary, guardrailPolicy, encryptionKey: key, vpc,
 *   modelPackageGroupName: 'weld-gun',
 *   imageRepositoryArns: [SageMakerFrameworkImage.sklearn('eu-central-1').repositoryArn],
 *   schedule: { expression: 'cron(0 3 ? * MON *)' },
 * });
 */
export class ModelBuildPipeline extends Resource implements sagemaker.IPipeline, ec2.IConnectable {
  /** The pipeline. */
  public readonly pipeline: sagemaker.CfnPipeline;
  /** The pipeline's name. */
  public readonly pipelineName: string;
  /** The pipeline's ARN (SageMaker lower-cases the name in ARNs). */
  public readonly pipelineArn: string;
  /** A reference to the pipeline (`sagemaker.IPipelineRef`). */
  public readonly pipelineRef: sagemaker.PipelineReference;
  /** The execution role of the pipeline and its jobs. */
  public readonly role: iam.IRole;
  /** The SageMaker permissions of the execution role: jobs (with their conditions), model registration, experiments, passing itself. */
  public readonly executionPolicy: iam.ManagedPolicy;
  /** The other permissions of the execution role: the buckets, the keys, the images, the job logs and metrics, the network interfaces. */
  public readonly dataAccessPolicy: iam.ManagedPolicy;
  /** The bucket of the pipeline's data, code and model artifacts (SSE-KMS, versioned, no expiry). */
  public readonly artifactBucket: s3.IBucket;
  /** The security groups of the jobs. */
  public readonly securityGroups: ec2.ISecurityGroup[];
  /** The subnet ids of the jobs. */
  public readonly subnetIds: string[];
  /**
   * The network connections of the jobs: let the VPC endpoints admit them, e.g.
   * `endpointSecurityGroup.connections.allowFrom(pipeline, ec2.Port.tcp(443))`.
   */
  public readonly connections: ec2.Connections;
  /** The schedule, when `schedule` was given. */
  public readonly schedule?: scheduler.Schedule;
  /** The code-push trigger pipeline, when `codePushTrigger` was given. */
  public readonly codePipeline?: codepipeline.Pipeline;
  /** The CodeBuild project that starts the pipeline, when `codePushTrigger` was given. */
  public readonly startProject?: codebuild.IProject;
  /** The parameter names of the definition (empty for a definition in S3). */
  public readonly parameterNames: string[];

  private readonly key: kms.IKey;

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the definition, the guardrails, the key, the network and the triggers
   */
  constructor(scope: Construct, id: string, props: ModelBuildPipelineProps) {
    super(scope, id, { physicalName: props.pipelineName });
    const stack = Stack.of(this);
    validateProps(props);
    this.pipelineName = props.pipelineName;
    this.pipelineRef = { pipelineName: props.pipelineName };
    this.key = props.encryptionKey;
    const partition = literalPartition(stack);
    this.pipelineArn = `arn:${partition}:sagemaker:${stack.region}:${stack.account}:pipeline/${props.pipelineName.toLowerCase()}`;

    // --- network -------------------------------------------------------------------------------
    const selected = props.vpc.selectSubnets(props.vpcSubnets);
    checkPrivateSubnets(props.vpc, selected);
    this.subnetIds = selected.subnetIds;
    this.securityGroups = props.securityGroups ?? [this.createSecurityGroup(props.vpc)];
    this.connections = new ec2.Connections({ securityGroups: this.securityGroups });

    // --- artifact bucket and execution role ------------------------------------------------------
    if (props.artifactBucketName !== undefined && !Token.isUnresolved(props.artifactBucketName)
      && !/^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.artifactBucketName)) {
      throw new Error(`ModelBuildPipeline ${this.node.path}: artifactBucketName ${JSON.stringify(props.artifactBucketName)} is not a valid S3 bucket name; use 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit`);
    }
    const artifacts = new SecureBucket(this, 'Artifacts', {
      encryptionKey: props.encryptionKey,
      accessLogsBucket: props.accessLogsBucket,
      bucketName: props.artifactBucketName,
    });
    this.artifactBucket = artifacts.bucket;
    const role = new iam.Role(this, 'ExecutionRole', {
      roleName: props.executionRoleName,
      assumedBy: accountScopedServicePrincipal(this, 'sagemaker.amazonaws.com'),
      permissionsBoundary: props.permissionsBoundary,
      description: `Execution role of the SageMaker model-build pipeline ${props.pipelineName} and its jobs`,
    });
    if (props.guardrailPolicy) role.addManagedPolicy(props.guardrailPolicy);
    this.role = role;

    // --- the definition --------------------------------------------------------------------------
    const exemptions = props.securityExemptions ?? {};
    const source = props.definitionSource;
    const repositoryArns = props.imageRepositoryArns ?? [];
    const inputBuckets = props.inputBuckets ?? [];
    let needs: DefinitionNeeds;
    let definitionProperty: any;
    const json = source._definitionJson();
    if (json !== undefined) {
      const builtFor = source._builtForPipelineName();
      if (builtFor !== undefined && builtFor !== props.pipelineName) {
        throw new Error(`ModelBuildPipeline ${this.node.path}: the definition was built for pipeline "${builtFor}", but pipelineName is "${props.pipelineName}"; build the definition with pipelineName "${props.pipelineName}"`);
      }
      let rendered: any;
      try {
        rendered = substitutePlaceholders(json, {
          roleArn: role.roleArn,
          bucketName: this.artifactBucket.bucketName,
          keyArn: props.encryptionKey.keyArn,
          subnetIds: this.subnetIds,
          securityGroupIds: this.securityGroups.map((g) => g.securityGroupId),
          imageUri: props.imageUri,
        });
      } catch (e) {
        throw new Error(`ModelBuildPipeline ${this.node.path}: ${source.description}: ${(e as Error).message}`);
      }
      const context: CheckContext = {
        pipelineName: props.pipelineName,
        roleArn: role.roleArn,
        keyArns: [props.encryptionKey.keyArn],
        subnetIds: this.subnetIds,
        securityGroupIds: this.securityGroups.map((g) => g.securityGroupId),
        artifactBucketName: this.artifactBucket.bucketName,
        inputBucketNames: inputBuckets.map((b) => b.bucketName),
        repositoryArns,
        modelPackageGroupName: props.modelPackageGroupName,
        exemptions,
        jobNamePrefix: props.jobNamePrefix,
      };
      const checked = checkDefinition(rendered, context);
      if (checked.problems.length > 0) {
        const n = checked.problems.length;
        throw new Error(
          `ModelBuildPipeline ${this.node.path}: the pipeline definition (${source.description}) is not secure or does not fit the pipeline (${n} problem${n === 1 ? '' : 's'}):\n${checked.problems.map((p) => `- ${p}`).join('\n')}`,
        );
      }
      needs = checked.needs;
      const body = stack.toJsonString(rendered);
      // with tokens the length is an estimate (a token stands for an ARN or id of similar length)
      const length = JSON.stringify(rendered).length;
      if (length > MAX_DEFINITION_LENGTH) {
        throw new Error(`ModelBuildPipeline ${this.node.path}: the definition has about ${length} characters; SageMaker accepts at most ${MAX_DEFINITION_LENGTH}: store it in S3 (PipelineDefinitionSource.fromS3)`);
      }
      definitionProperty = { PipelineDefinitionBody: body };
      const triggers: Array<[string, { [name: string]: string } | undefined]> = [
        ['schedule.pipelineParameters', props.schedule?.pipelineParameters],
        ['codePushTrigger.pipelineParameters', props.codePushTrigger?.pipelineParameters],
      ];
      for (const [prop, given] of triggers) {
        const unknown = Object.keys(given ?? {}).filter((n) => !checked.needs.parameterNames.includes(n));
        if (unknown.length > 0) {
          throw new Error(`ModelBuildPipeline ${this.node.path}: ${prop} sets ${unknown.map((n) => `"${n}"`).join(', ')}, which the definition does not declare; its parameters are ${JSON.stringify(checked.needs.parameterNames)}`);
        }
      }
    } else {
      needs = unknownDefinitionNeeds(exemptions, props.pipelineName);
      definitionProperty = { PipelineDefinitionS3Location: source._s3Location() };
      Annotations.of(this).addWarningV2(
        '@vw/mlops-blueprint:ModelBuildPipeline.uncheckedDefinition',
        `The definition (${source.description}) is read by SageMaker at deployment and was not checked at synth time; the execution role still denies jobs outside the VPC or without encryption`,
      );
    }
    this.parameterNames = needs.parameterNames;
    this.recordExemptions(exemptions);

    // --- the execution policy and the pipeline -----------------------------------------------------
    const policies = this.createExecutionPolicies(role, props, needs, repositoryArns, inputBuckets);
    this.executionPolicy = policies.executionPolicy;
    this.dataAccessPolicy = policies.dataAccessPolicy;
    this.pipeline = new sagemaker.CfnPipeline(this, 'Resource', {
      pipelineName: props.pipelineName,
      pipelineDescription: props.pipelineDescription,
      roleArn: role.roleArn,
      pipelineDefinition: definitionProperty,
    });
    this.pipeline.node.addDependency(this.executionPolicy, this.dataAccessPolicy);

    // --- triggers --------------------------------------------------------------------------------
    if (props.schedule) this.schedule = this.createSchedule(props.schedule);
    if (props.codePushTrigger) {
      const trigger = this.createCodePushTrigger(props.codePushTrigger, artifacts.accessLogsBucket);
      this.codePipeline = trigger.pipeline;
      this.startProject = trigger.project;
    }
  }

  /**
   * Lets a principal start executions of this pipeline (`sagemaker:StartPipelineExecution` on this
   * pipeline only).
   * @param grantee the principal (a CI role, a scheduler role)
   */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:StartPipelineExecution'],
      resourceArns: [this.pipelineArn],
    });
  }

  /**
   * Same as `grantStartExecution` (the `sagemaker.IPipeline` method, used by EventBridge Scheduler targets).
   * @param grantee the principal
   */
  public grantStartPipelineExecution(grantee: iam.IGrantable): iam.Grant {
    return this.grantStartExecution(grantee);
  }

  private createSecurityGroup(vpc: ec2.IVpc): ec2.ISecurityGroup {
    const sg = new ec2.SecurityGroup(this, 'JobSecurityGroup', {
      vpc,
      allowAllOutbound: false,
      description: 'SageMaker jobs of a model-build pipeline: traffic between the instances of a job, HTTPS to the VPC endpoints',
    });
    sg.addIngressRule(sg, ec2.Port.allTraffic(), 'Traffic between the instances of one job (distributed training)');
    const selfIngress = sg.node.children.find((c) => c.node.id.startsWith('from ') && c.node.id.endsWith('ALL TRAFFIC'));
    if (selfIngress) {
      const reason = 'The only ingress rule admits the security group itself: instances of one distributed job exchange data on any port, nothing else can reach them.';
      acknowledgeRules(selfIngress, { 'NIST.800.53.R5-EC2RestrictedCommonPorts': reason, 'HIPAA.Security-EC2RestrictedCommonPorts': reason });
    }
    sg.addEgressRule(sg, ec2.Port.allTraffic(), 'Traffic between the instances of one job (distributed training)');
    sg.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS to the interface endpoints of the VPC');
    sg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to S3 through the gateway endpoint (the VPC has no internet route)');
    return sg;
  }

  private recordExemptions(exemptions: PipelineSecurityExemptions): void {
    for (const rule of Object.values(SecurityRule)) {
      const e = (exemptions as any)[rule] as SecurityExemption | undefined;
      if (!e) continue;
      const data = { rule, stepNames: e.stepNames, reason: e.reason };
      this.node.addMetadata('@vw/mlops-blueprint:security-exemption', data);
      Annotations.of(this).addInfo(`securityExemptions.${rule} exempts ${e.stepNames.map((s) => `"${s}"`).join(', ')}: ${e.reason}`);
    }
  }

  private createExecutionPolicies(
    role: iam.Role,
    props: ModelBuildPipelineProps,
    needs: DefinitionNeeds,
    repositoryArns: string[],
    inputBuckets: s3.IBucket[],
  ): { executionPolicy: iam.ManagedPolicy; dataAccessPolicy: iam.ManagedPolicy } {
    const stack = Stack.of(this);
    const partition = literalPartition(stack);
    const arn = (service: string, resource: string) => `arn:${partition}:${service}:${stack.region}:${stack.account}:${resource}`;
    const sm = (resource: string) => arn('sagemaker', resource);
    const keyArns = [props.encryptionKey.keyArn];
    const subnetIds = this.subnetIds;
    const securityGroupIds = this.securityGroups.map((g) => g.securityGroupId);
    // two policies (a managed policy holds at most 6,144 characters): SageMaker actions, and access to
    // the data, keys, images, logs and network
    const control: iam.PolicyStatement[] = [];
    const access: iam.PolicyStatement[] = [];
    let statements = control;
    const reasons: Record<string, string> = {};
    const add = (statement: iam.PolicyStatement, wildcardReason?: string) => {
      statements.push(statement);
      if (wildcardReason) reasons[statement.sid!] = wildcardReason;
    };

    // SageMaker jobs: created only with the secure settings (a relaxed rule still pins the values), and
    // named as the definition names them (its steps' prefixes, or pipelines-* where SageMaker names them)
    const named = (type: JobType, kind: string) => {
      const prefixes = needs.jobNamePrefixes.get(type);
      const names = prefixes !== undefined && prefixes.size > 0 ? [...prefixes] : [props.jobNamePrefix ?? DEFAULT_JOB_NAME_PREFIX];
      return [...new Set(names.map((n) => n.toLowerCase()))].map((n) => sm(`${kind}/${n}*`));
    };
    const jobs: Array<{ type: JobType; sid: string; create: string; manage: string[]; resource: string[]; logGroup?: string }> = [
      { type: JobType.PROCESSING, sid: 'CreateProcessingJobsSecurely', create: 'sagemaker:CreateProcessingJob', manage: ['sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob'], resource: named(JobType.PROCESSING, 'processing-job'), logGroup: '/aws/sagemaker/ProcessingJobs' },
      { type: JobType.TRAINING, sid: 'CreateTrainingJobsSecurely', create: 'sagemaker:CreateTrainingJob', manage: ['sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob'], resource: named(JobType.TRAINING, 'training-job'), logGroup: '/aws/sagemaker/TrainingJobs' },
      { type: JobType.TUNING, sid: 'CreateTuningJobsSecurely', create: 'sagemaker:CreateHyperParameterTuningJob', manage: ['sagemaker:DescribeHyperParameterTuningJob', 'sagemaker:StopHyperParameterTuningJob', 'sagemaker:ListTrainingJobsForHyperParameterTuningJob'], resource: [sm('hyper-parameter-tuning-job/*')], logGroup: '/aws/sagemaker/TrainingJobs' },
      { type: JobType.TRANSFORM, sid: 'CreateTransformJobsSecurely', create: 'sagemaker:CreateTransformJob', manage: ['sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob'], resource: named(JobType.TRANSFORM, 'transform-job'), logGroup: '/aws/sagemaker/TransformJobs' },
      { type: JobType.MODEL, sid: 'CreateModelsSecurely', create: 'sagemaker:CreateModel', manage: ['sagemaker:DescribeModel'], resource: [sm(`model/${DEFAULT_JOB_NAME_PREFIX}*`)] },
    ];
    const used = jobs.filter((j) => needs.jobTypes.has(j.type));
    for (const j of used) {
      add(
        new iam.PolicyStatement({
          sid: j.sid,
          actions: [j.create],
          resources: j.resource,
          conditions: jobConditions(j.type, needs.jobTypes.get(j.type)!, subnetIds, securityGroupIds, keyArns),
        }),
        j.type === JobType.TUNING
          ? 'Tuning job names are generated by SageMaker Pipelines per execution; the conditions pin the VPC, the key, network isolation and inter-container encryption.'
          : 'SageMaker Pipelines names the jobs it starts <job name prefix of the step>-<suffix> (pipelines-<execution id>-<step>-<suffix> without one); the conditions pin the VPC, the key, network isolation and inter-container encryption.',
      );
    }
    if (used.length > 0) {
      add(
        new iam.PolicyStatement({
          sid: 'ManageThePipelineJobs',
          actions: [...used.flatMap((j) => j.manage), 'sagemaker:AddTags'],
          resources: used.flatMap((j) => j.resource),
        }),
        'The jobs SageMaker Pipelines starts get generated names (<job name prefix of the step>-<suffix>, or pipelines-<execution id>-<step>-<suffix>); describing, stopping and tagging is limited to those name patterns.',
      );
    }

    // model registration: one group, never approved by the pipeline itself
    if (needs.registersModels) {
      const group = props.modelPackageGroupName;
      const groups = [...new Set([group, group.toLowerCase()])];
      add(
        new iam.PolicyStatement({
          sid: 'RegisterModelVersionsPendingApproval',
          actions: ['sagemaker:CreateModelPackage'],
          resources: [...groups.map((g) => sm(`model-package/${g}/*`)), ...groups.map((g) => sm(`model-package-group/${g}`))],
          conditions: { StringEqualsIfExists: { 'sagemaker:ModelApprovalStatus': 'PendingManualApproval' } },
        }),
        'Model package versions are numbered by SageMaker; the statement names the one model package group of this use case.',
      );
      add(
        new iam.PolicyStatement({
          sid: 'DescribeTheModelVersions',
          actions: ['sagemaker:DescribeModelPackage', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:AddTags'],
          resources: [...groups.map((g) => sm(`model-package/${g}/*`)), ...groups.map((g) => sm(`model-package-group/${g}`))],
        }),
        'Model package versions are numbered by SageMaker; the statement names the one model package group of this use case.',
      );
    }

    // experiments of the executions
    if (needs.experimentName !== undefined) {
      add(
        new iam.PolicyStatement({
          sid: 'TrackExecutionsInTheExperiment',
          actions: [
            'sagemaker:CreateExperiment',
            'sagemaker:DescribeExperiment',
            'sagemaker:CreateTrial',
            'sagemaker:DescribeTrial',
            'sagemaker:CreateTrialComponent',
            'sagemaker:DescribeTrialComponent',
            'sagemaker:UpdateTrialComponent',
            'sagemaker:AssociateTrialComponent',
            'sagemaker:AddTags',
          ],
          resources: [
            sm(`experiment/${needs.experimentName === '*' ? '*' : needs.experimentName.toLowerCase()}`),
            sm('experiment-trial/*'),
            sm('experiment-trial-component/*'),
          ],
        }),
        'Trials are named after the execution ids and trial components after the jobs, both generated at run time; the experiment is the pipeline\'s own.',
      );
    }

    // Lambda steps
    if (needs.lambdaFunctionArns.length > 0) {
      add(new iam.PolicyStatement({ sid: 'InvokeTheLambdaSteps', actions: ['lambda:InvokeFunction'], resources: [...new Set(needs.lambdaFunctionArns)] }));
    }

    add(
      new iam.PolicyStatement({
        sid: 'PassOnlyThisRoleToSageMaker',
        actions: ['iam:PassRole'],
        resources: [role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      }),
    );

    // data: the artifact bucket read-write (never delete), input buckets read-only
    statements = access;
    add(
      new iam.PolicyStatement({
        sid: 'ReadAndWriteTheArtifacts',
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        resources: [this.artifactBucket.arnForObjects('*')],
      }),
      'Jobs write outputs and models under keys named per execution and job; the statement covers the objects of this pipeline\'s own artifact bucket, which are never deleted.',
    );
    add(
      new iam.PolicyStatement({
        sid: 'ListTheBuckets',
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: [this.artifactBucket.bucketArn, ...inputBuckets.map((b) => b.bucketArn)],
      }),
    );
    if (inputBuckets.length > 0) {
      add(
        new iam.PolicyStatement({
          sid: 'ReadTheInputData',
          actions: ['s3:GetObject'],
          resources: inputBuckets.map((b) => b.arnForObjects('*')),
        }),
        'The jobs read input data under keys chosen by the data owners; read-only, limited to the given input buckets.',
      );
    }

    // keys
    add(
      new iam.PolicyStatement({
        sid: 'UseThePipelineKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: keyArns,
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'LetSageMakerEncryptVolumesWithThePipelineKey',
        actions: ['kms:CreateGrant'],
        resources: keyArns,
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
    const decryptionKeys = new Set<string>((props.decryptionKeys ?? []).map((k) => k.keyArn));
    for (const b of inputBuckets) if (b.encryptionKey) decryptionKeys.add(b.encryptionKey.keyArn);
    decryptionKeys.delete(props.encryptionKey.keyArn);
    if (decryptionKeys.size > 0) {
      add(new iam.PolicyStatement({ sid: 'DecryptTheInputData', actions: ['kms:Decrypt'], resources: [...decryptionKeys] }));
    }

    // images
    if (repositoryArns.length > 0) {
      add(
        new iam.PolicyStatement({ sid: 'AuthenticateToEcr', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
        'ecr:GetAuthorizationToken has no resource type; the token only works with the repository permissions of PullTheJobImages.',
      );
      add(
        new iam.PolicyStatement({
          sid: 'PullTheJobImages',
          actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          resources: [...new Set(repositoryArns)],
        }),
      );
    }

    // logs and metrics of the jobs
    const logGroups = [...new Set(used.map((j) => j.logGroup).filter((g): g is string => g !== undefined))];
    if (logGroups.length > 0) {
      const groupArn = (g: string) => stack.formatArn({ partition, service: 'logs', resource: 'log-group', resourceName: g, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
      // a stream's name starts with its job's: with a required prefix (and no tuning job, whose training
      // jobs SageMaker names), the jobs write to this pipeline's streams only
      const streams = props.jobNamePrefix !== undefined && !needs.jobTypes.has(JobType.TUNING) ? `${props.jobNamePrefix}*` : '*';
      add(
        new iam.PolicyStatement({
          sid: 'WriteTheJobLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: logGroups.map((g) => `${groupArn(g)}:log-stream:${streams}`),
        }),
        'SageMaker names one log stream per job and instance at run time (<job name>/<instance>); the statement is limited to the streams of the SageMaker job log groups (of this pipeline\'s jobs, with jobNamePrefix).',
      );
      add(
        new iam.PolicyStatement({
          sid: 'UseTheJobLogGroups',
          actions: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'],
          resources: logGroups.flatMap((g) => [groupArn(g), `${groupArn(g)}:*`]),
        }),
        'CloudWatch Logs authorises log-group actions on the group ARN with the :* suffix; it names only the SageMaker job log groups.',
      );
    }
    add(
      new iam.PolicyStatement({
        sid: 'PutSageMakerMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } },
      }),
      'cloudwatch:PutMetricData has no resource type; the cloudwatch:namespace condition limits it to the SageMaker namespaces.',
    );

    // network interfaces of the jobs in the VPC
    const ec2Arn = (resource: string) => arn('ec2', resource);
    add(
      new iam.PolicyStatement({
        sid: 'CreateJobNetworkInterfacesInTheSubnets',
        actions: ['ec2:CreateNetworkInterface'],
        resources: [ec2Arn('network-interface/*'), ...subnetIds.map((s) => ec2Arn(`subnet/${s}`)), ...securityGroupIds.map((g) => ec2Arn(`security-group/${g}`))],
      }),
      'CreateNetworkInterface needs the new interface as resource, whose id is not known before; the statement is bounded by the job subnets and security groups it names.',
    );
    add(
      new iam.PolicyStatement({
        sid: 'ManageJobNetworkInterfacesInTheVpc',
        actions: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'],
        resources: [ec2Arn('network-interface/*')],
        conditions: { ArnEquals: { 'ec2:Vpc': ec2Arn(`vpc/${props.vpc.vpcId}`) } },
      }),
      'The network interfaces SageMaker creates for the jobs get ids at run time; the ec2:Vpc condition limits the statement to interfaces in the job VPC.',
    );
    add(
      new iam.PolicyStatement({
        sid: 'DescribeTheNetwork',
        actions: ['ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'],
        resources: ['*'],
      }),
      'Read-only EC2 Describe actions do not support resource-level permissions.',
    );

    const executionPolicy = new iam.ManagedPolicy(this, 'ExecutionPolicy', {
      description: `SageMaker permissions of the model-build pipeline ${props.pipelineName}: secure jobs, its model package group, passing its own role`,
      statements: control,
      roles: [role],
    });
    const dataAccessPolicy = new iam.ManagedPolicy(this, 'DataAccessPolicy', {
      description: `Data, key, image, log and network permissions of the jobs of the model-build pipeline ${props.pipelineName}`,
      statements: access,
      roles: [role],
    });
    acknowledgePolicyWildcards(executionPolicy, { bySid: reasons }, { whenValidated: true });
    acknowledgePolicyWildcards(dataAccessPolicy, { bySid: reasons }, { whenValidated: true });
    return { executionPolicy, dataAccessPolicy };
  }

  private createSchedule(options: ModelBuildScheduleOptions): scheduler.Schedule {
    const stack = Stack.of(this);
    const role = new ManagedPolicyRole(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({ partition: literalPartition(stack), service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
          },
        },
      }),
      description: `Starts scheduled executions of the SageMaker pipeline ${this.pipelineName}`,
    });
    const schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule: scheduler.ScheduleExpression.expression(options.expression, options.timeZone),
      description: `Scheduled executions of the SageMaker model-build pipeline ${this.pipelineName}`,
      enabled: options.enabled ?? true,
      key: this.key,
      target: new schedulerTargets.SageMakerStartPipelineExecution(this, {
        role,
        pipelineParameterList: options.pipelineParameters && Object.keys(options.pipelineParameters).length > 0
          ? Object.entries(options.pipelineParameters).map(([name, value]) => ({ name, value }))
          : undefined,
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
      }),
    });
    return schedule;
  }

  private createCodePushTrigger(
    options: CodePushTriggerOptions,
    accessLogsBucket: s3.IBucket,
  ): { pipeline: codepipeline.Pipeline; project: codebuild.IProject } {
    const stack = Stack.of(this);
    const key = this.key;
    const artifacts = new SecureBucket(this, 'TriggerArtifacts', { encryptionKey: key, accessLogsBucket }).bucket;
    const bucketObjects = `Resource::<${stack.getLogicalId(artifacts.node.defaultChild as CfnElement)}.Arn>/*`;
    const cdkArtifactGrantReasons: Record<string, string> = {
      's3:GetObject*': 'Read access to the objects of the trigger\'s own artifact bucket only (CDK\'s artifact grant); the wildcard spans object and version reads.',
      's3:GetBucket*': 'Bucket metadata reads on the trigger\'s own artifact bucket only, which CodePipeline artifact transfers use.',
      's3:List*': 'Listing the trigger\'s own artifact bucket only, which CodePipeline artifact transfers use.',
      's3:DeleteObject*': 'Artifact writes (CDK\'s grant) on the trigger\'s own artifact bucket only; the bucket is versioned, so nothing is lost.',
      's3:Abort*': 'Aborting multipart uploads of artifacts to the trigger\'s own artifact bucket only.',
      'kms:ReEncrypt*': 'Limited to the one customer-managed key of this pipeline, which encrypts the trigger\'s artifacts and logs.',
      'kms:GenerateDataKey*': 'Limited to the one customer-managed key of this pipeline; SSE-KMS uploads of artifacts generate data keys with it.',
    };
    const objectReason = 'Pipeline artifacts are stored under keys generated per execution, in the trigger\'s own artifact bucket.';
    const wildcardReasons = (extra: Array<[RegExp, string]> = []) => ({
      byAction: cdkArtifactGrantReasons,
      byResource: [[new RegExp(`^${escapeRegExp(bucketObjects.substring('Resource::'.length))}$`), objectReason] as [RegExp, string], ...extra],
    });

    // the CodeBuild project that uploads the code and starts the SageMaker pipeline
    const projectRole = new ManagedPolicyRole(this, 'StartRole', {
      assumedBy: accountScopedServicePrincipal(this, 'codebuild.amazonaws.com'),
      description: `Starts executions of the SageMaker pipeline ${this.pipelineName} on code pushes`,
      dropCodeBuildDefaultLogGroup: true,
    });
    const logs = new EncryptedLogGroup(this, 'StartLogs', { encryptionKey: key });
    const upload = options.codeUpload;
    const prefix = upload ? normalisePrefix('codePushTrigger.codeUpload.s3Prefix', upload.s3Prefix ?? 'code') : undefined;
    const parameters = Object.entries(options.pipelineParameters ?? {}).map(([Name, Value]) => ({ Name, Value }));
    const commands: string[] = [];
    if (upload && prefix) {
      commands.push(
        'test -d "$CODE_SOURCE_PATH" || { echo "codeUpload: $CODE_SOURCE_PATH is not a directory of the repository"; exit 1; }',
        'tar --exclude=__pycache__ -czf /tmp/sourcedir.tar.gz -C "$CODE_SOURCE_PATH" .',
        'aws s3 cp /tmp/sourcedir.tar.gz "s3://$ARTIFACT_BUCKET/$CODE_PREFIX/sourcedir.tar.gz"',
        'aws s3 cp "$CODE_SOURCE_PATH" "s3://$ARTIFACT_BUCKET/$CODE_PREFIX/" --recursive --exclude "*" --include "*.py" --exclude "*/__pycache__/*"',
      );
    }
    commands.push(
      'ARGS=(--pipeline-name "$PIPELINE_NAME" --pipeline-execution-description "Commit $COMMIT_ID of $REPOSITORY")',
      'if [ "$PIPELINE_PARAMETERS" != "[]" ]; then ARGS+=(--pipeline-parameters "$PIPELINE_PARAMETERS"); fi',
      'aws sagemaker start-pipeline-execution "${ARGS[@]}"',
    );
    const project = new codebuild.PipelineProject(this, 'StartProject', {
      description: `Starts the SageMaker pipeline ${this.pipelineName} when ${options.owner}/${options.repository} is pushed`,
      role: projectRole,
      encryptionKey: key,
      environment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.SMALL },
      environmentVariables: {
        PIPELINE_NAME: { value: this.pipelineName },
        PIPELINE_PARAMETERS: { value: JSON.stringify(parameters) },
        REPOSITORY: { value: `${options.owner}/${options.repository}` },
        ...(upload && prefix
          ? {
            ARTIFACT_BUCKET: { value: this.artifactBucket.bucketName },
            CODE_PREFIX: { value: prefix },
            CODE_SOURCE_PATH: { value: upload.sourcePath },
          }
          : {}),
      },
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        env: { shell: 'bash' },
        phases: { build: { commands: ['set -euo pipefail', ...commands] } },
      }),
      timeout: Duration.minutes(15),
      logging: { cloudWatch: { logGroup: logs.logGroup } },
      grantReportGroupPermissions: false,
    });
    acknowledgeRules(project, {
      'HIPAA.Security-CodeBuildProjectSourceRepoUrl':
        'The project has the CODEPIPELINE source type: it receives the commit as an encrypted pipeline artifact and never clones the repository itself, so it holds no repository credential.',
    });
    this.grantStartExecution(projectRole);
    if (upload && prefix) {
      projectRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'UploadTheMlCode',
          actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
          resources: [this.artifactBucket.arnForObjects(`${prefix}/*`)],
        }),
      );
      projectRole.addToPrincipalPolicy(
        new iam.PolicyStatement({ sid: 'EncryptTheMlCode', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }),
      );
    }

    // the pipeline: source (CodeConnections) -> start
    const pipelineRole = new ManagedPolicyRole(this, 'TriggerRole', {
      assumedBy: accountScopedServicePrincipal(this, 'codepipeline.amazonaws.com'),
      description: `Runs the code-push trigger of the SageMaker pipeline ${this.pipelineName}`,
    });
    pipelineRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'UseTheConnection', actions: ['codeconnections:UseConnection'], resources: [options.connectionArn] }),
    );
    const source = new codepipeline.Artifact('Source');
    const sourceAction = new actions.CodeStarConnectionsSourceAction({
      actionName: 'Source',
      connectionArn: options.connectionArn,
      owner: options.owner,
      repo: options.repository,
      branch: options.branch ?? 'main',
      output: source,
      triggerOnPush: true,
      variablesNamespace: 'SourceVariables',
    });
    const pipeline = new codepipeline.Pipeline(this, 'Trigger', {
      role: pipelineRole,
      usePipelineRoleForActions: true,
      pipelineType: codepipeline.PipelineType.V2,
      artifactBucket: artifacts,
      crossAccountKeys: false,
      restartExecutionOnUpdate: false,
      stages: [
        { stageName: 'Source', actions: [sourceAction] },
        {
          stageName: 'StartModelBuild',
          actions: [
            new actions.CodeBuildAction({
              actionName: 'StartPipelineExecution',
              project,
              input: source,
              environmentVariables: { COMMIT_ID: { value: sourceAction.variables.commitId } },
            }),
          ],
        },
      ],
    });
    // the grant policies exist once CDK has added its grants: acknowledge their wildcards then
    for (const r of [projectRole, pipelineRole]) {
      const policy = r.grantsPolicy;
      if (policy) {
        acknowledgePolicyWildcards(policy, wildcardReasons([
          [/:log-group:.*:\*$/, 'CloudWatch Logs authorises log actions on the group ARN with the :* suffix; the statement names only the project\'s own encrypted log group.'],
          [new RegExp(`/${escapeRegExp(prefix ?? '(none)')}/\\*$`), 'The code upload writes the scripts and sourcedir.tar.gz of each commit below the code prefix of the artifact bucket.'],
        ]), { whenValidated: true });
      }
    }
    return { pipeline, project };
  }
}

/** The IAM conditions of one job type's create statement. */
function jobConditions(
  type: JobType,
  relaxed: Set<SecurityRule>,
  subnetIds: string[],
  securityGroupIds: string[],
  keyArns: string[],
): Record<string, Record<string, unknown>> {
  const rules = RULES_BY_JOB_TYPE[type];
  const c: Record<string, Record<string, unknown>> = {};
  const add = (operator: string, key: string, value: unknown) => {
    c[operator] = { ...(c[operator] ?? {}), [key]: value };
  };
  if (rules.includes(SecurityRule.VPC)) {
    if (!relaxed.has(SecurityRule.VPC)) {
      add('Null', 'sagemaker:VpcSubnets', 'false');
      add('Null', 'sagemaker:VpcSecurityGroupIds', 'false');
    }
    add('ForAllValues:StringEquals', 'sagemaker:VpcSubnets', subnetIds);
    add('ForAllValues:StringEquals', 'sagemaker:VpcSecurityGroupIds', securityGroupIds);
  }
  if (rules.includes(SecurityRule.VOLUME_KMS)) {
    if (!relaxed.has(SecurityRule.VOLUME_KMS)) {
      add('Null', 'sagemaker:VolumeKmsKeyArn', 'false');
      add('ArnEquals', 'sagemaker:VolumeKmsKeyArn', keyArns);
    } else {
      add('ArnEqualsIfExists', 'sagemaker:VolumeKmsKeyArn', keyArns);
    }
  }
  if (rules.includes(SecurityRule.OUTPUT_KMS)) {
    // a processing job without outputs has no output key: the synth-time check covers processing outputs
    if (!relaxed.has(SecurityRule.OUTPUT_KMS) && type !== JobType.PROCESSING) {
      add('Null', 'sagemaker:OutputKmsKeyArn', 'false');
      add('ArnEquals', 'sagemaker:OutputKmsKeyArn', keyArns);
    } else {
      add('ArnEqualsIfExists', 'sagemaker:OutputKmsKeyArn', keyArns);
    }
  }
  if (rules.includes(SecurityRule.NETWORK_ISOLATION) && !relaxed.has(SecurityRule.NETWORK_ISOLATION)) {
    add('Bool', 'sagemaker:NetworkIsolation', 'true');
  }
  if (rules.includes(SecurityRule.INTER_CONTAINER) && !relaxed.has(SecurityRule.INTER_CONTAINER)) {
    add('Bool', 'sagemaker:InterContainerTrafficEncryption', 'true');
  }
  return c;
}

function validateProps(props: ModelBuildPipelineProps): void {
  const name = props.pipelineName;
  if (Token.isUnresolved(name)) {
    throw new Error('ModelBuildPipeline: pipelineName must be a literal string (it names the pipeline in ARNs and permissions), not a token');
  }
  if (name.length === 0 || name.length > 256 || !PIPELINE_NAME.test(name)) {
    throw new Error(
      `ModelBuildPipeline: pipelineName ${JSON.stringify(name)} is not a SageMaker pipeline name; write 1 to 256 letters, digits and hyphens, starting and ending with a letter or digit (^[a-zA-Z0-9](-*[a-zA-Z0-9])*$), e.g. "weld-gun-build"`,
    );
  }
  const group = props.modelPackageGroupName;
  if (Token.isUnresolved(group) || !MODEL_PACKAGE_GROUP_NAME.test(group)) {
    throw new Error(
      `ModelBuildPipeline: modelPackageGroupName ${JSON.stringify(group)} is not a literal model package group name; write 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit, e.g. "weld-gun"`,
    );
  }
  const jobNamePrefix = props.jobNamePrefix;
  if (jobNamePrefix !== undefined && (Token.isUnresolved(jobNamePrefix) || jobNamePrefix.length > 40 || !JOB_NAME_PREFIX.test(jobNamePrefix))) {
    throw new Error(
      `ModelBuildPipeline: jobNamePrefix ${JSON.stringify(jobNamePrefix)} is not a literal job name prefix; write 1 to 40 letters, digits and hyphens, starting with a letter or digit, e.g. "weld-gun-pm--" (job names have at most 63 characters and SageMaker appends a suffix)`,
    );
  }
  if (props.pipelineDescription !== undefined && props.pipelineDescription.length > 3072) {
    throw new Error(`ModelBuildPipeline: pipelineDescription has ${props.pipelineDescription.length} characters; SageMaker allows at most 3072`);
  }
  if (props.securityGroups !== undefined && (props.securityGroups.length === 0 || props.securityGroups.length > 5)) {
    throw new Error(`ModelBuildPipeline: securityGroups has ${props.securityGroups.length} groups; SageMaker takes 1 to 5: pass 1 to 5, or omit it to get one created`);
  }
  for (const [i, r] of (props.imageRepositoryArns ?? []).entries()) {
    if (!Token.isUnresolved(r) && !REPOSITORY_ARN.test(r)) {
      throw new Error(
        `ModelBuildPipeline: imageRepositoryArns[${i}] ${JSON.stringify(r)} is not an ECR repository ARN; write arn:aws:ecr:<region>:<account>:repository/<name>, e.g. SageMakerFrameworkImage.sklearn('eu-central-1').repositoryArn`,
      );
    }
  }
  for (const [rule, e] of Object.entries(props.securityExemptions ?? {}) as Array<[string, SecurityExemption | undefined]>) {
    if (!e) continue;
    if (!Object.values(SecurityRule).includes(rule as SecurityRule)) {
      throw new Error(`ModelBuildPipeline: securityExemptions.${rule} is not a rule; use ${Object.values(SecurityRule).join(', ')}`);
    }
    if (e.stepNames.length === 0) {
      throw new Error(`ModelBuildPipeline: securityExemptions.${rule}.stepNames is empty; name the steps the exemption is for, or remove the exemption`);
    }
    const reason = e.reason.trim();
    if (reason.length < MIN_REASON_LENGTH || VAGUE_REASON.test(reason)) {
      throw new Error(
        `ModelBuildPipeline: securityExemptions.${rule}.reason ${JSON.stringify(reason)} is not specific; say in at least ${MIN_REASON_LENGTH} characters why the rule cannot apply to ${e.stepNames.join(', ')}`,
      );
    }
  }
  if (props.schedule) validateSchedule(props.schedule);
  if (props.codePushTrigger) validateTrigger(props.codePushTrigger);
}

const RATE_UNITS = ['minute', 'minutes', 'hour', 'hours', 'day', 'days'];

/**
 * Checks a literal `rate(...)` or `cron(...)` expression of EventBridge Scheduler.
 * @internal
 */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const rate = /^rate\((\d+) ([a-z]+)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2];
    if (!RATE_UNITS.includes(unit)) return `the unit ${JSON.stringify(unit)} is not minute(s), hour(s) or day(s)`;
    if (value < 1) return 'the rate must be at least 1';
    if (value === 1 && unit.endsWith('s')) return `write rate(1 ${unit.slice(0, -1)}) (singular for 1)`;
    if (value > 1 && !unit.endsWith('s')) return `write rate(${value} ${unit}s) (plural above 1)`;
    return undefined;
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) {
    const fields = cron[1].trim().split(/\s+/);
    if (fields.length !== 6) return `a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), this one has ${fields.length}`;
    const [minutes, hours, dom, month, dow, year] = fields;
    const valid = (f: string, re: RegExp) => f.split(',').every((p) => re.test(p));
    if (!valid(minutes, /^(\*|[0-5]?\d)([-/]\d+)?$|^\*\/\d+$/)) return `minutes ${JSON.stringify(minutes)} is not 0-59, a range, a list, * or a step`;
    if (!valid(hours, /^(\*|[01]?\d|2[0-3])([-/]\d+)?$|^\*\/\d+$/)) return `hours ${JSON.stringify(hours)} is not 0-23, a range, a list, * or a step`;
    if (!valid(dom, /^(\?|\*|L|LW|([1-9]|[12]\d|3[01])W?)([-/]\d+)?$|^\*\/\d+$/)) return `day-of-month ${JSON.stringify(dom)} is not 1-31, L, W, ?, * or a range`;
    if (!valid(month, /^(\*|[1-9]|1[0-2]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)([-/](\d+|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC))?$|^\*\/\d+$/i)) return `month ${JSON.stringify(month)} is not 1-12, JAN-DEC, * or a range`;
    if (!valid(dow, /^(\?|\*|[1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)([-#/]([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT|\d))?L?$|^\*\/\d+$/i)) return `day-of-week ${JSON.stringify(dow)} is not 1-7, SUN-SAT, ?, * or a range`;
    if (!valid(year, /^(\*|(19[7-9]\d|2[01]\d\d))([-/]\d+)?$|^\*\/\d+$/)) return `year ${JSON.stringify(year)} is not 1970-2199, * or a range`;
    if ((dom === '?') === (dow === '?')) return 'exactly one of day-of-month and day-of-week must be ? (e.g. cron(0 3 ? * MON *) or cron(0 3 1 * ? *))';
    return undefined;
  }
  return 'write cron(minutes hours day-of-month month day-of-week year) or rate(value unit)';
}

function validateSchedule(s: ModelBuildScheduleOptions): void {
  if (Token.isUnresolved(s.expression)) {
    throw new Error('ModelBuildPipeline: schedule.expression must be a literal cron(...) or rate(...) expression, not a token');
  }
  const problem = scheduleExpressionProblem(s.expression);
  if (problem) {
    throw new Error(`ModelBuildPipeline: schedule.expression ${JSON.stringify(s.expression)} is not a valid schedule: ${problem}; e.g. 'cron(0 3 ? * MON-FRI *)' or 'rate(7 days)'`);
  }
}

function validateTrigger(t: CodePushTriggerOptions): void {
  checkConnectionSource('ModelBuildPipeline: codePushTrigger.', t);
  const src = t.codeUpload?.sourcePath;
  if (src !== undefined && (src.length === 0 || src.startsWith('/') || src.split('/').includes('..'))) {
    throw new Error(`ModelBuildPipeline: codePushTrigger.codeUpload.sourcePath ${JSON.stringify(src)} must be a directory inside the repository, relative to its root, without '..', e.g. 'ml/src'`);
  }
}

function normalisePrefix(name: string, prefix: string): string {
  const p = prefix.replace(/^\/+|\/+$/g, '');
  if (Token.isUnresolved(prefix) || p.length === 0 || /[*?\s]/.test(p)) {
    throw new Error(`${name} is ${JSON.stringify(prefix)}; write a literal S3 key prefix without wildcards or spaces, e.g. 'code'`);
  }
  return p;
}

function checkPrivateSubnets(vpc: ec2.IVpc, selected: ec2.SelectedSubnets): void {
  if (selected.subnetIds.length === 0) {
    throw new Error('ModelBuildPipeline: vpcSubnets selects no subnet; select the private or isolated subnets of the VPC');
  }
  const publicIds = new Set(vpc.publicSubnets.map((s) => s.subnetId));
  if (selected.subnetIds.some((s) => publicIds.has(s))) {
    throw new Error('ModelBuildPipeline: vpcSubnets selects public subnets; the jobs belong in private or isolated subnets: select { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }');
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
