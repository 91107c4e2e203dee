import { Annotations, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { buildSpec, DEPLOY_INSTALL_COMMAND, deployCommands, PINNED_MODEL_CONTEXT_KEY, PINNED_MODEL_FILE, resolveCommands, smokeTestCommands, synthCommands } from './deployment-buildspecs';
import { DeploymentStage } from './deployment-target';
import { stageLabel } from './deployment-target-validation';
import { ModelDeploymentPipelineProps } from './model-deployment-pipeline-props';
import { EVENT_BUS_ARN_PATTERN, validateProps } from './model-deployment-pipeline-validation';
import { PackageManager } from '../artifacts/package-mirror';
import { acknowledgeRules } from '../core/acknowledge';
import { createDeadLetterQueue } from '../core/dead-letter-queue';
import { literalPartition, partitionOfRegion } from '../core/iam-findings';
import { allowServiceToUseKey } from '../core/key-grants';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { artifactGrantAcknowledgements, createPipelineProject, PipelineProjectSettings } from '../core/pipeline-project';
import { SecureBucket } from '../core/secure-bucket';
import { accountScopedServicePrincipal } from '../core/service-trust';


/** Why the projects may call sts:GetServiceBearerToken on every resource. */
const MIRROR_BEARER_TOKEN_REASON =
  'sts:GetServiceBearerToken (the STS bearer token behind the CodeArtifact login of the install phase) has no resource-level permissions; the sts:AWSServiceName condition limits it to CodeArtifact.';

/** The four roles `cdk bootstrap` creates in every account, by the part of their name after the qualifier. */
const BOOTSTRAP_ROLES = ['deploy-role', 'file-publishing-role', 'image-publishing-role', 'lookup-role'];


/**
 * The per-use-case model-deployment pipeline in the RES account: it resolves the latest approved model
 * version ONCE, pins it, and deploys exactly that version through DEV, INT and PROD.
 *
 * A CodePipeline (V2) with these stages, in order:
 * 1. **Source**: the use-case repository (`PipelineSource`), artifact `Source`.
 * 2. **Resolve**: `npx mlops-blueprint deploy resolve` against the registry account's model package group
 *    (cross-account read; the group's resource policy must allow `resolveRoleArn`); fails when there is no
 *    approved version (CLI exit code 2). Output artifact `PinnedModel` (`pinned-model.json`); variables
 *    `#{Resolve.MODEL_PACKAGE_ARN}` and `#{Resolve.MODEL_PACKAGE_VERSION}`.
 * 3. **Synth**: `npx cdk synth -c pinnedModelPackageArn=<the pinned ARN>`; output artifact `CloudAssembly`.
 * 4. **DeployDev**, **SmokeTestDev**, **ApproveInt**, **DeployInt**, **SmokeTestInt**, **ApproveProd**,
 *    **DeployProd** (and **SmokeTestProd** when the PROD target has a smoke-test role). Every Deploy first
 *    runs `deploy check-pin` (the stack's template must use exactly the pinned ARN), then
 *    `cdk deploy --app <CloudAssembly> <stack> --exclusively`, both selecting the stack by the target's
 *    `stackPath` (its hierarchical id, as the CDK CLI selects stacks); every Deploy and SmokeTest action takes `PinnedModel` as
 *    input. The approvals notify the approval topic with the pinned ARN in their custom data.
 *
 * The pipeline also starts when the RES `ModelEventBus` receives an approval (`ModelApprovalStatus:
 * Approved`) of this use case's group from the registry account; undeliverable starts go to a dead-letter
 * queue.
 *
 * Cross-account design: no pipeline action runs in another account, so the artifacts never leave RES and
 * the artifact key needs no cross-account grant (`crossAccountKeys: false`, and the bucket denies every
 * principal outside this account). The Deploy projects run the CDK CLI in RES, which assumes the roles
 * of the target's `deployRoleArns` (the scoped roles of the serving stack's synthesizer) or, by default,
 * the target account's CDK bootstrap roles of the configured `qualifier` (and only those: deploy,
 * file-publishing, image-publishing, lookup; fine for a single-tenant account, but the bootstrap roles
 * may change every stack of the account); the CLI reads the cloud assembly locally and publishes its
 * assets to the target's own bootstrap bucket and repository. Each Deploy project has its own role, limited to its own
 * target account. The SmokeTest projects assume only their target's smoke-test role.
 *
 * @example
 * new ModelDeploymentPipeline(this, 'ChurnDeployment', {
 *   encryptionKey: key,
 *   source: PipelineSource.fromConnection({
 *     connectionArn: 'arn:aws:codeconnections:eu-central-1:333333333333:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
 *     owner: 'vw-mlops', repository: 'churn-model',
 *   }),
 *   modelPackageGroupName: 'churn-model',
 *   registryAccount: '222222222222',
 *   modelEventBus: 'mlops-model-events',
 *   qualifier: 'mlops',
 *   targets: [
 *     { stage: DeploymentStage.DEV, account: '444444444444', stackPath: 'Churn/ServingDev', endpointName: 'churn-dev',
 *       smokeTestRoleArn: 'arn:aws:iam::444444444444:role/mlops-smoke-test', requiresApprovalBefore: false },
 *     { stage: DeploymentStage.INT, account: '555555555555', stackPath: 'Churn/ServingInt', endpointName: 'churn-int',
 *       smokeTestRoleArn: 'arn:aws:iam::555555555555:role/mlops-smoke-test', requiresApprovalBefore: true },
 *     { stage: DeploymentStage.PROD, account: '666666666666', stackPath: 'Churn/ServingProd', endpointName: 'churn-prod',
 *       requiresApprovalBefore: true },
 *   ],
 * });
 */
export class ModelDeploymentPipeline extends Construct {
  /** The file the Resolve stage writes into the PinnedModel artifact (the `deploy resolve` document). */
  public static readonly PINNED_MODEL_FILE = PINNED_MODEL_FILE;
  /** The CDK context key the use-case app reads the pinned model package ARN from (`-c pinnedModelPackageArn=...`). */
  public static readonly PINNED_MODEL_CONTEXT_KEY = PINNED_MODEL_CONTEXT_KEY;
  /** The name of the manual approval action in each approval stage (`codepipeline put-approval-result --action-name`). */
  public static readonly APPROVAL_ACTION_NAME = 'Approve';

  /**
   * The name of the stage whose manual approval precedes the deployment to a target stage (`Approve<stage>`,
   * e.g. `ApproveInt`), for targets with `requiresApprovalBefore`.
   * @param stage the target stage
   */
  public static approvalStageName(stage: DeploymentStage): string {
    return `Approve${stage}`;
  }

  /** The pipeline. */
  public readonly pipeline: codepipeline.Pipeline;
  /** The pipeline's artifact bucket (KMS-encrypted with the given key; only principals of this account). */
  public readonly artifactBucket: s3.IBucket;
  /** The Resolve project. */
  public readonly resolveProject: codebuild.IProject;
  /** The role of the Resolve project: the principal the registry's model package group policy must allow. */
  public readonly resolveRole: iam.IRole;
  /** The ARN of the Resolve role, computed from its fixed name (usable in another account's policy). */
  public readonly resolveRoleArn: string;
  /** The Synth project. */
  public readonly synthProject: codebuild.IProject;
  /** The Deploy projects, in target order. */
  public readonly deployProjects: codebuild.IProject[];
  /** The roles of the Deploy projects, in target order; each may assume only its target's `deployRoleArns` (default: bootstrap roles). */
  public readonly deployRoles: iam.IRole[];
  /** The SmokeTest projects, in target order (targets without a smoke-test role have none). */
  public readonly smokeTestProjects: codebuild.IProject[];
  /** The roles of the SmokeTest projects; the target accounts' smoke-test roles must trust them. */
  public readonly smokeTestRoles: iam.IRole[];
  /** The topic that announces pending approvals. */
  public readonly approvalTopic: sns.ITopic;
  /** The EventBridge rule on the model event bus that starts the pipeline on an approval. */
  public readonly triggerRule: events.Rule;
  /**
   * The EventBridge rule that starts the pipeline when a new version of the S3 source object is written
   * (`PipelineSource.fromS3`); a CodeConnections source starts it on pushes and has none.
   */
  public readonly sourceTriggerRule?: events.Rule;
  /** The dead-letter queue of the trigger rules. */
  public readonly deadLetterQueue: sqs.IQueue;
  /** The output artifact of Resolve (`pinned-model.json`), an input of every later action. */
  public readonly pinnedModelArtifact: codepipeline.Artifact;
  /** The output artifact of Synth (the cloud assembly, `cdk.out`). */
  public readonly cloudAssemblyArtifact: codepipeline.Artifact;
  /** The pinned model package ARN as a pipeline variable (`#{Resolve.MODEL_PACKAGE_ARN}`). */
  public readonly pinnedModelPackageArnVariable: string;
  /** The bootstrap-role ARNs the Deploy projects may assume, all targets together (none for targets with `deployRoleArns`). */
  public readonly bootstrapRoleArns: string[];
  /** Every role ARN the Deploy projects may assume, all targets together (`deployRoleArns`, else the bootstrap roles). */
  public readonly assumableRoleArns: string[];

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the source, registry, event bus, qualifier and targets
   */
  constructor(scope: Construct, id: string, props: ModelDeploymentPipelineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    validateProps(props, stack);
    const key = props.encryptionKey;
    const partition = literalPartition(stack);
    const registryRegion = props.registryRegion ?? stack.region;
    const groupArn = `arn:${partitionOfRegion(registryRegion, partition)}:sagemaker:${registryRegion}:${props.registryAccount}:model-package-group/${props.modelPackageGroupName}`;
    const packagesArn = `arn:${partitionOfRegion(registryRegion, partition)}:sagemaker:${registryRegion}:${props.registryAccount}:model-package/${props.modelPackageGroupName}/*`;

    // The artifact bucket: the customer-managed key, and nobody outside this account (the artifacts never
    // leave RES: cross-account work happens inside CodeBuild through the CDK bootstrap roles).
    const bucket = new SecureBucket(this, 'Artifacts', { encryptionKey: key });
    this.artifactBucket = bucket.bucket;
    bucket.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyPrincipalsOutsideThisAccount',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:*'],
        resources: [bucket.bucket.bucketArn, bucket.bucket.arnForObjects('*')],
        conditions: {
          StringNotEquals: { 'aws:PrincipalAccount': stack.account },
          BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );

    const mirror = props.packageMirror;
    const login = mirror ? [mirror.loginCommand(PackageManager.NPM)] : [];
    const install = props.installCommands ?? [...login, 'npm ci'];
    // the projects whose roles reach the target accounts install without running dependency code or exposing credentials
    const credentialedInstall = props.installCommands ?? [...login, DEPLOY_INSTALL_COMMAND];
    if (props.vpc && !mirror && !props.installCommands) {
      Annotations.of(this).addWarningV2(
        '@vw/mlops-blueprint:npmWithoutMirror',
        'ModelDeploymentPipeline: the projects run in a VPC, but without packageMirror or installCommands they run a plain npm ci against the public registry, which a VPC without internet cannot reach: set packageMirror (a CodeArtifact mirror) or installCommands',
      );
    }
    const projectSettings: PipelineProjectSettings = {
      encryptionKey: key,
      artifactBucket: this.artifactBucket,
      network: props,
      sourceRepoUrlReason:
        'The project has the CODEPIPELINE source type: it receives the use-case repository as an encrypted pipeline artifact and never clones a repository, so there is no repository credential to hold.',
    };
    const project = (name: string, options: ProjectOptions): codebuild.PipelineProject =>
      createPipelineProject(this, name, projectSettings, {
        description: options.description,
        role: options.role,
        computeType: options.computeType,
        timeout: options.timeout,
        variables: options.variables,
        writesArtifacts: options.writesArtifacts,
        buildSpec: buildSpec(options.assumesTargetRoles ? credentialedInstall : install, options.commands, options.exported ?? [], options.artifacts),
      });

    // Resolve: the latest approved version, once, from the registry account (cross-account read).
    const resolveRoleName = props.resolveRoleName ?? `${Names.uniqueResourceName(this, { maxLength: 56, separator: '-' })}-resolve`;
    this.resolveRole = new ManagedPolicyRole(this, 'ResolveRole', {
      roleName: resolveRoleName,
      assumedBy: accountScopedServicePrincipal(this, 'codebuild.amazonaws.com'),
      description: `Resolves and pins the latest approved version of ${props.modelPackageGroupName} from the registry account`,
      dropCodeBuildDefaultLogGroup: true,
    });
    this.resolveRoleArn = `arn:${partition}:iam::${stack.account}:role/${resolveRoleName}`;
    const resolve = project('Resolve', {
      description: `Pins the latest approved version of the model package group ${props.modelPackageGroupName} (registry account ${props.registryAccount})`,
      role: this.resolveRole,
      timeout: Duration.minutes(30),
      writesArtifacts: true,
      variables: { MODEL_PACKAGE_GROUP_ARN: groupArn, REGISTRY_REGION: registryRegion },
      exported: ['MODEL_PACKAGE_ARN', 'MODEL_PACKAGE_VERSION'],
      artifacts: { files: [PINNED_MODEL_FILE] },
      commands: resolveCommands(),
    });
    this.resolveRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'ReadTheModelPackageGroup', actions: ['sagemaker:DescribeModelPackageGroup'], resources: [groupArn] }),
    );
    this.resolveRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'ReadTheVersionsOfTheGroup', actions: ['sagemaker:DescribeModelPackage'], resources: [packagesArn] }),
    );
    this.resolveRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'ListTheVersionsOfTheGroup', actions: ['sagemaker:ListModelPackages'], resources: ['*'] }),
    );
    acknowledgeRules(this.resolveRole, {
      [`AwsSolutions-IAM5[Resource::${packagesArn}]`]:
        'DescribeModelPackage on the versions of this one model package group in the registry account; versions are created by the model-build pipeline, so their numbers are not known in advance.',
      'AwsSolutions-IAM5[Resource::*]':
        'sagemaker:ListModelPackages has no resource-level permission; which group is listed is decided by the registry account\'s model package group policy, which allows only this role.' +
        (mirror ? ` ${MIRROR_BEARER_TOKEN_REASON}` : ''),
    });
    this.resolveProject = resolve;

    // Synth: the use-case app with the pinned ARN as context.
    const synth = project('Synth', {
      description: `Synthesizes the serving stacks of ${props.modelPackageGroupName} with the pinned model package ARN`,
      timeout: Duration.minutes(30),
      computeType: codebuild.ComputeType.MEDIUM,
      writesArtifacts: true,
      variables: {},
      artifacts: { 'base-directory': 'cdk.out', 'files': ['**/*'] },
      commands: synthCommands(),
    });
    this.synthProject = synth;

    // Deploy and SmokeTest, one project and role per target.
    const deployTimeout = props.deployTimeout ?? Duration.hours(2);
    const smokeTimeout = props.smokeTestTimeout ?? Duration.minutes(20);
    const samplePath = props.smokeTestSamplePath ?? 'smoke-test/sample.json';
    const contentType = props.smokeTestContentType ?? 'application/json';
    this.deployProjects = [];
    this.deployRoles = [];
    this.smokeTestProjects = [];
    this.smokeTestRoles = [];
    this.bootstrapRoleArns = [];
    this.assumableRoleArns = [];
    const deployProjectsByStage = new Map<DeploymentStage, codebuild.PipelineProject>();
    const smokeProjectsByStage = new Map<DeploymentStage, codebuild.PipelineProject>();
    for (const target of props.targets) {
      const label = target.stage as string;
      const region = target.region ?? stack.region;
      const targetPartition = partitionOfRegion(region, partition);
      const bootstrapRoles = BOOTSTRAP_ROLES.map((r) => `arn:${targetPartition}:iam::${target.account}:role/cdk-${props.qualifier}-${r}-${target.account}-${region}`);
      const roleArns = target.deployRoleArns ?? bootstrapRoles;
      if (target.deployRoleArns === undefined) this.bootstrapRoleArns.push(...roleArns);
      this.assumableRoleArns.push(...roleArns);
      const deployDescription = `Deploys ${target.stackPath} to ${stageLabel(target.stage)} (${target.account}/${region}) with the pinned model package`;
      const deployRole = target.deployCallerRoleName === undefined ? undefined : new ManagedPolicyRole(this, `Deploy${label}Role`, {
        roleName: target.deployCallerRoleName,
        assumedBy: accountScopedServicePrincipal(this, 'codebuild.amazonaws.com'),
        description: deployDescription,
        dropCodeBuildDefaultLogGroup: true,
      });
      const deploy = project(`Deploy${label}`, {
        role: deployRole,
        description: deployDescription,
        timeout: deployTimeout,
        writesArtifacts: false,
        assumesTargetRoles: true,
        variables: { TARGET_STACK: target.stackPath, TARGET_ACCOUNT: target.account, TARGET_REGION: region },
        commands: deployCommands(),
      });
      deploy.addToRolePolicy(
        new iam.PolicyStatement({ sid: target.deployRoleArns ? 'AssumeTheTargetsDeployRoles' : 'AssumeTheTargetsCdkBootstrapRoles', actions: ['sts:AssumeRole'], resources: roleArns }),
      );
      this.deployProjects.push(deploy);
      this.deployRoles.push(deploy.role!);
      deployProjectsByStage.set(target.stage, deploy);

      if (target.smokeTestRoleArn !== undefined) {
        const smokeDescription = `Smoke-tests the endpoint ${target.endpointName} in ${stageLabel(target.stage)} (${target.account}/${region})`;
        const smokeRole = target.smokeTestCallerRoleName === undefined ? undefined : new ManagedPolicyRole(this, `SmokeTest${label}Role`, {
          roleName: target.smokeTestCallerRoleName,
          assumedBy: accountScopedServicePrincipal(this, 'codebuild.amazonaws.com'),
          description: smokeDescription,
          dropCodeBuildDefaultLogGroup: true,
        });
        const smoke = project(`SmokeTest${label}`, {
          role: smokeRole,
          description: `Smoke-tests the endpoint ${target.endpointName} in ${stageLabel(target.stage)} (${target.account}/${region})`,
          timeout: smokeTimeout.plus(Duration.minutes(15)),
          writesArtifacts: false,
          assumesTargetRoles: true,
          variables: {
            ENDPOINT_NAME: target.endpointName,
            TARGET_REGION: region,
            SMOKE_TEST_ROLE_ARN: target.smokeTestRoleArn,
            SMOKE_TEST_SAMPLE: samplePath,
            SMOKE_TEST_CONTENT_TYPE: contentType,
            SMOKE_TEST_TIMEOUT_SECONDS: String(smokeTimeout.toSeconds()),
          },
          commands: smokeTestCommands(),
        });
        smoke.addToRolePolicy(new iam.PolicyStatement({ sid: 'AssumeTheTargetsSmokeTestRole', actions: ['sts:AssumeRole'], resources: [target.smokeTestRoleArn] }));
        this.smokeTestProjects.push(smoke);
        this.smokeTestRoles.push(smoke.role!);
        smokeProjectsByStage.set(target.stage, smoke);
      }
    }

    // Every project installs the use-case repository's npm packages through the mirror.
    if (mirror) {
      for (const p of [resolve, synth, ...this.deployProjects, ...this.smokeTestProjects]) {
        mirror.grantRead(p);
        if (p.role !== this.resolveRole) acknowledgeRules(p.role!, { 'AwsSolutions-IAM5[Resource::*]': MIRROR_BEARER_TOKEN_REASON });
      }
    }

    // The approval topic.
    if (props.approvalTopic) {
      if (props.approvalEmails && props.approvalEmails.length > 0) {
        throw new Error('ModelDeploymentPipeline: approvalEmails is set together with approvalTopic; subscribe the addresses to your own topic, or omit approvalTopic');
      }
      this.approvalTopic = props.approvalTopic;
    } else {
      const topic = new sns.Topic(this, 'ApprovalTopic', {
        displayName: `Model deployment approvals of ${props.modelPackageGroupName}`,
        masterKey: key,
        enforceSSL: true,
      });
      for (const email of props.approvalEmails ?? []) topic.addSubscription(new subscriptions.EmailSubscription(email));
      this.approvalTopic = topic;
    }

    // The pipeline.
    const sourceArtifact = new codepipeline.Artifact('Source');
    this.pinnedModelArtifact = new codepipeline.Artifact('PinnedModel');
    this.cloudAssemblyArtifact = new codepipeline.Artifact('CloudAssembly');
    const resolveAction = new actions.CodeBuildAction({
      actionName: 'Resolve',
      project: resolve,
      input: sourceArtifact,
      outputs: [this.pinnedModelArtifact],
      variablesNamespace: 'Resolve',
    });
    this.pinnedModelPackageArnVariable = resolveAction.variable('MODEL_PACKAGE_ARN');
    const pinnedVersion = resolveAction.variable('MODEL_PACKAGE_VERSION');

    const pipelineRole = new ManagedPolicyRole(this, 'PipelineRole', {
      assumedBy: accountScopedServicePrincipal(this, 'codepipeline.amazonaws.com'),
      description: `Runs the model deployment pipeline of ${props.modelPackageGroupName}: source, artifact transfers, CodeBuild projects, approvals`,
    });
    acknowledgeRules(pipelineRole, artifactGrantAcknowledgements(this.artifactBucket, true));

    const stages: codepipeline.StageProps[] = [
      { stageName: 'Source', actions: [props.source._bind(sourceArtifact, pipelineRole)] },
      { stageName: 'Resolve', actions: [resolveAction] },
      {
        stageName: 'Synth',
        actions: [
          new actions.CodeBuildAction({
            actionName: 'Synth',
            project: synth,
            input: sourceArtifact,
            extraInputs: [this.pinnedModelArtifact],
            outputs: [this.cloudAssemblyArtifact],
          }),
        ],
      },
    ];
    for (const target of props.targets) {
      const label = target.stage as string;
      if (target.requiresApprovalBefore) {
        stages.push({
          stageName: ModelDeploymentPipeline.approvalStageName(target.stage),
          actions: [
            new actions.ManualApprovalAction({
              actionName: ModelDeploymentPipeline.APPROVAL_ACTION_NAME,
              notificationTopic: this.approvalTopic,
              additionalInformation:
                `Deploy model package ${this.pinnedModelPackageArnVariable} (version ${pinnedVersion}) to ${stageLabel(target.stage)}: ` +
                `stack ${target.stackPath}, endpoint ${target.endpointName}, account ${target.account}.`,
            }),
          ],
        });
      }
      stages.push({
        stageName: `Deploy${label}`,
        actions: [
          new actions.CodeBuildAction({
            actionName: 'Deploy',
            project: deployProjectsByStage.get(target.stage)!,
            input: sourceArtifact,
            extraInputs: [this.pinnedModelArtifact, this.cloudAssemblyArtifact],
          }),
        ],
      });
      const smoke = smokeProjectsByStage.get(target.stage);
      if (smoke) {
        stages.push({
          stageName: `SmokeTest${label}`,
          actions: [new actions.CodeBuildAction({ actionName: 'SmokeTest', project: smoke, input: sourceArtifact, extraInputs: [this.pinnedModelArtifact] })],
        });
      }
    }

    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: props.pipelineName,
      role: pipelineRole,
      usePipelineRoleForActions: true,
      pipelineType: codepipeline.PipelineType.V2,
      artifactBucket: this.artifactBucket,
      // No action runs in another account: the artifacts stay in RES, so the key needs no cross-account grant.
      crossAccountKeys: false,
      restartExecutionOnUpdate: false,
      stages,
    });

    // The trigger: an approval of this use case's group in the registry account, on the RES model event bus.
    this.deadLetterQueue = props.deadLetterQueue ?? this.createDeadLetterQueue(key);
    const bus = EVENT_BUS_ARN_PATTERN.test(props.modelEventBus)
      ? events.EventBus.fromEventBusArn(this, 'ModelEventBus', props.modelEventBus)
      : events.EventBus.fromEventBusName(this, 'ModelEventBus', props.modelEventBus);
    const triggerRole = new ManagedPolicyRole(this, 'TriggerRole', {
      assumedBy: accountScopedServicePrincipal(this, 'events.amazonaws.com'),
      description: `Starts the model deployment pipeline of ${props.modelPackageGroupName} when a version is approved or the source changes`,
    });
    this.triggerRule = new events.Rule(this, 'OnModelApproved', {
      eventBus: bus,
      description: `Starts the deployment of ${props.modelPackageGroupName} when a version is approved in ${props.registryAccount}`,
      eventPattern: {
        source: ['aws.sagemaker'],
        detailType: ['SageMaker Model Package State Change'],
        account: [props.registryAccount],
        detail: {
          ModelPackageGroupName: [props.modelPackageGroupName],
          ModelApprovalStatus: ['Approved'],
        },
      },
      targets: [
        new targets.CodePipeline(this.pipeline, {
          eventRole: triggerRole,
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(4),
        }),
      ],
    });

    // A new version of an S3 source object starts the pipeline too (an EventBridge rule, no polling).
    this.sourceTriggerRule = props.source._bindTrigger(this, this.pipeline, { eventRole: triggerRole, deadLetterQueue: this.deadLetterQueue });

    // EventBridge sends the starts it could not deliver to the queue (for these rules only); CodePipeline
    // targets do not add this statement themselves. A queue imported from elsewhere keeps its own policy.
    this.deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowDeadLettersOfTheDeploymentTrigger',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': this.sourceTriggerRule ? [this.triggerRule.ruleArn, this.sourceTriggerRule.ruleArn] : this.triggerRule.ruleArn },
        },
      }),
    );

    if (props.permissionsBoundary) {
      iam.PermissionsBoundary.of(this).apply(props.permissionsBoundary);
    }
  }

  private createDeadLetterQueue(key: kms.IKey): sqs.IQueue {
    const queue = createDeadLetterQueue(this, 'TriggerDeadLetterQueue', {
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
      whyNoDeadLetterQueue: 'This queue is itself the dead-letter queue of the pipeline trigger; a queue for its own dead letters would never receive any.',
    });
    allowEventBridgeDeadLetters(key);
    return queue;
  }
}

interface ProjectOptions {
  readonly description: string;
  readonly timeout: Duration;
  readonly variables: Record<string, string>;
  readonly commands: string[];
  readonly writesArtifacts: boolean;
  readonly exported?: string[];
  readonly artifacts?: Record<string, unknown>;
  readonly role?: iam.IRole;
  readonly computeType?: codebuild.ComputeType;
  /** The project's role may assume roles in the target accounts (Deploy, SmokeTest): it installs without credentials. */
  readonly assumesTargetRoles?: boolean;
}

/** Lets EventBridge send dead letters to SQS queues encrypted with this key (once per key; imported keys are left alone). */
function allowEventBridgeDeadLetters(key: kms.IKey): void {
  allowServiceToUseKey(
    key,
    'vw-mlops-blueprint.deployment-trigger-dead-letters-granted',
    'AllowEventBridgeDeadLettersOfDeploymentTriggers',
    'events.amazonaws.com',
    ['kms:Decrypt', 'kms:GenerateDataKey'],
    { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(key).region}.amazonaws.com` } },
  );
}
