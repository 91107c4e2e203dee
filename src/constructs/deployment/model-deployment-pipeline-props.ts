import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DeploymentTarget } from './deployment-target';
import { PackageMirrorReference } from '../artifacts/package-mirror-reference';
import { PipelineSource } from '../core/pipeline-source';

/**
 * Props of a `ModelDeploymentPipeline`.
 */
export interface ModelDeploymentPipelineProps {
  /**
   * The customer-managed key for the artifact bucket, the CodeBuild projects and their logs, the approval
   * topic and the trigger's dead-letter queue. When it is a `kms.Key` of this app, its policy is extended
   * for CloudWatch Logs and for EventBridge's dead letters; an imported key's policy must allow them.
   */
  readonly encryptionKey: kms.IKey;

  /** Where the use-case repository (CDK app, package.json, smoke-test sample) comes from. */
  readonly source: PipelineSource;

  /** The name of the use case's model package group in the registry account (EXP). */
  readonly modelPackageGroupName: string;

  /** The 12-digit id of the account that holds the model registry (EXP). */
  readonly registryAccount: string;

  /**
   * The region of the model registry.
   * @default - the pipeline stack's region
   */
  readonly registryRegion?: string;

  /**
   * The name or ARN of the `ModelEventBus` in this account and region that receives the registry's
   * `SageMaker Model Package State Change` events; an approval of a version of this use case's group
   * starts the pipeline.
   */
  readonly modelEventBus: string;

  /**
   * The qualifier the target accounts were CDK-bootstrapped with (`cdk bootstrap --qualifier`); the
   * deploy projects may assume only the bootstrap roles of that qualifier. The use-case app must
   * synthesize with the same qualifier.
   */
  readonly qualifier: string;

  /** The deployment targets, in the order DEV, INT, PROD (validated). */
  readonly targets: DeploymentTarget[];

  /**
   * The sample request the smoke tests send, relative to the root of the use-case repository.
   * @default 'smoke-test/sample.json'
   */
  readonly smokeTestSamplePath?: string;

  /**
   * The content type of the sample request.
   * @default 'application/json'
   */
  readonly smokeTestContentType?: string;

  /**
   * How long a smoke test waits for the endpoint to be InService.
   * @default Duration.minutes(20)
   */
  readonly smokeTestTimeout?: Duration;

  /**
   * The time limit of one deployment (`cdk deploy` of a serving stack).
   * @default Duration.hours(2)
   */
  readonly deployTimeout?: Duration;

  /**
   * The CodeArtifact mirror the projects install npm packages from (the only registry an isolated VPC
   * reaches). Every project role gets the mirror's reader statements (`PackageMirrorReference.grantRead`:
   * the domain token, `sts:GetServiceBearerToken` for CodeArtifact, reading the shared repository), and the
   * default `installCommands` log npm in to it first. The mirror's domain and repository policies must
   * admit this account.
   * @default - no mirror: npm uses its default registry (the projects need internet access)
   */
  readonly packageMirror?: PackageMirrorReference;

  /**
   * The commands that install the use-case repository's dependencies in every CodeBuild project. They
   * must make `npx mlops-blueprint` and `npx cdk` available.
   * @default - with `packageMirror`: `aws codeartifact login --tool npm --domain <domain> --domain-owner
   *   <owner> --repository <repository> --region <region>`, then `npm ci`; without: `npm ci`. In the Deploy
   *   and SmokeTest projects, whose roles may assume roles in the target accounts, the dependencies are
   *   installed without those credentials: `npm ci --ignore-scripts` (no package's install script runs) in
   *   an environment without the build's credential variables (`DEPLOY_INSTALL_COMMAND`)
   */
  readonly installCommands?: string[];

  /**
   * The topic that announces pending approvals (before INT and PROD).
   * @default - a topic encrypted with `encryptionKey`, TLS only
   */
  readonly approvalTopic?: sns.ITopic;

  /**
   * Email addresses subscribed to the approval topic this construct creates.
   * @default - no subscriptions
   */
  readonly approvalEmails?: string[];

  /**
   * The dead-letter queue of the EventBridge rule that starts the pipeline. Its policy must let
   * EventBridge send to it (a queue of this stack gets that statement automatically).
   * @default - a queue encrypted with `encryptionKey`, TLS only, retained
   */
  readonly deadLetterQueue?: sqs.IQueue;

  /**
   * The name of the Resolve project's role. The registry account's model package group policy names this
   * role, so the name is fixed (and `resolveRoleArn` is computed from it).
   * @default - a name derived from the construct path, ending in `-resolve`
   */
  readonly resolveRoleName?: string;

  /**
   * The VPC the CodeBuild projects run in. Without internet it needs these endpoints, each for a flow:
   * S3 (gateway: artifacts, the target accounts' CDK asset buckets), `logs` (build logs), `kms`
   * (artifact and log encryption), `sts` (the Deploy projects assume the targets' CDK bootstrap roles, the
   * SmokeTest projects the smoke-test roles; CodeArtifact's bearer token), `codeartifact.api` and
   * `codeartifact.repositories` (`npm ci` through `packageMirror`), `sagemaker.api` (Resolve reads the
   * registry; `deploy smoke-test` describes the endpoint), `sagemaker.runtime` (the smoke test invokes it),
   * `cloudformation` (`cdk deploy` creates and updates the serving stacks through the bootstrap roles),
   * `ssm` (`cdk deploy` reads the targets' bootstrap version) and `ecr.api`/`ecr.dkr` (image assets).
   * @default - the projects run outside any VPC, in CodeBuild's network
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of the projects, when `vpc` is set.
   * @default - the VPC's private subnets
   */
  readonly subnetSelection?: ec2.SubnetSelection;

  /**
   * The security groups of the projects, when `vpc` is set.
   * @default - one security group with all outbound traffic allowed and no inbound rule
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * A permissions boundary applied to every role this construct creates.
   * @default - no permissions boundary
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * The pipeline name.
   * @default - a name generated by CloudFormation
   */
  readonly pipelineName?: string;
}
