import { Token } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** A CodeConnections (formerly CodeStar Connections) connection ARN. */
const CONNECTION_ARN = /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]+$/;
/** A repository owner or name: no '/' and no spaces. */
const REPOSITORY_PART = /^[A-Za-z0-9._-]+$/;

/**
 * A branch of a Git repository reached through a CodeConnections connection (`PipelineSource.fromConnection`,
 * the code-push trigger of a `ModelBuildPipeline`).
 */
export interface ConnectionSourceOptions {
  /** The ARN of a CodeConnections connection (`arn:aws:codeconnections:...:connection/...` or the older `codestar-connections` form). */
  readonly connectionArn: string;
  /** The owner of the repository (user or organization), e.g. `vw-mlops`. */
  readonly owner: string;
  /** The repository name, e.g. `inference-image` or `churn-model`. */
  readonly repository: string;
  /**
   * The branch whose pushes start the pipeline (and that it builds or deploys).
   * @default 'main'
   */
  readonly branch?: string;
}

/**
 * Where a CodePipeline of this library (`ImageBuildPipeline`, `ModelDeploymentPipeline`) gets its
 * source from: a zip object in S3, or a Git repository reached through a CodeConnections connection.
 * Each kind becomes the pipeline's `Source` action, whose output artifact is named `Source`.
 */
export abstract class PipelineSource {
  /**
   * A zip object in a versioned S3 bucket. A new version of the object starts the pipeline, event-driven
   * and without a CloudTrail trail: an EventBridge rule on the account's default bus matches S3's
   * `Object Created` event of exactly that key and starts the pipeline (the Source action itself neither
   * polls nor creates CloudTrail-based rules). For a bucket of this app, the pipeline turns the bucket's
   * EventBridge notifications on (`NotificationConfiguration.EventBridgeConfiguration`); an imported
   * bucket must have them on already, or no change is ever detected.
   * @param bucket the bucket (must be versioned, in the pipeline's account and region)
   * @param objectKey the key of the zip, e.g. `images/inference.zip` or `use-cases/churn-model.zip`
   */
  public static fromS3(bucket: s3.IBucket, objectKey: string): PipelineSource {
    if (!Token.isUnresolved(objectKey) && (objectKey.length === 0 || objectKey.startsWith('/'))) {
      throw new Error(`PipelineSource.fromS3: objectKey ${JSON.stringify(objectKey)} is not an S3 key; write the key without a leading '/', e.g. 'use-cases/churn-model.zip'`);
    }
    return new S3PipelineSource(bucket, objectKey);
  }

  /**
   * A branch of a Git repository (GitHub, GitLab, Bitbucket) reached through a CodeConnections
   * connection; pushes to the branch start the pipeline.
   * @param options the connection, repository and branch
   */
  public static fromConnection(options: ConnectionSourceOptions): PipelineSource {
    checkConnectionSource('PipelineSource.fromConnection: ', options);
    return new ConnectionPipelineSource(options);
  }

  /** What the source is, for humans (`s3://bucket/key` or `owner/repository@branch`). */
  public abstract readonly description: string;

  /**
   * Whether `_bindTrigger` creates an EventBridge rule (and so needs an event role).
   * @internal
   */
  public abstract readonly _needsTriggerRule: boolean;

  /**
   * Creates the Source action that writes the source to `output`, run with `role`.
   * @internal
   */
  public abstract _bind(output: codepipeline.Artifact, role: iam.IRole): codepipeline.IAction;

  /**
   * Creates what starts `pipeline` when the source changes, if the Source action does not do that
   * itself; returns the EventBridge rule it created, if any.
   * @internal
   */
  public abstract _bindTrigger(scope: Construct, pipeline: codepipeline.IPipeline, options: SourceTriggerOptions): events.Rule | undefined;
}

/**
 * How a source change starts the pipeline, when an EventBridge rule does it.
 * @internal
 */
export interface SourceTriggerOptions {
  /** The role EventBridge assumes to start the pipeline (a role this construct made, not CDK's inline-policy default). */
  readonly eventRole: iam.IRole;
  /** Where starts that EventBridge could not deliver go, if anywhere. */
  readonly deadLetterQueue?: sqs.IQueue;
}

/**
 * Checks the literal parts of a connection source: the connection ARN, the repository owner and name,
 * and the branch.
 * @param where what the error messages start with, e.g. `PipelineSource.fromConnection: `
 * @param options the connection source
 * @internal
 */
export function checkConnectionSource(where: string, options: ConnectionSourceOptions): void {
  if (!Token.isUnresolved(options.connectionArn) && !CONNECTION_ARN.test(options.connectionArn)) {
    throw new Error(
      `${where}connectionArn ${JSON.stringify(options.connectionArn)} is not a connection ARN; write e.g. 'arn:aws:codeconnections:eu-central-1:222222222222:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789'`,
    );
  }
  for (const [prop, value] of [['owner', options.owner], ['repository', options.repository]] as const) {
    if (!Token.isUnresolved(value) && !REPOSITORY_PART.test(value ?? '')) {
      throw new Error(`${where}${prop} ${JSON.stringify(value)} is not a repository ${prop} name; write it without '/' or spaces, e.g. 'vw-mlops'`);
    }
  }
  if (options.branch !== undefined && !Token.isUnresolved(options.branch) && (options.branch.trim().length === 0 || /\s/.test(options.branch))) {
    throw new Error(`${where}branch ${JSON.stringify(options.branch)} is not a branch name; write e.g. 'main'`);
  }
}

class S3PipelineSource extends PipelineSource {
  public readonly description: string;
  public readonly _needsTriggerRule = true;
  constructor(private readonly bucket: s3.IBucket, private readonly objectKey: string) {
    super();
    this.description = `s3://${bucket.bucketName}/${objectKey}`;
  }
  public _bind(output: codepipeline.Artifact, _role: iam.IRole): codepipeline.IAction {
    return new actions.S3SourceAction({
      actionName: 'Source',
      bucket: this.bucket,
      bucketKey: this.objectKey,
      output,
      // neither polling nor CDK's EVENTS trigger (which needs a CloudTrail trail): _bindTrigger's rule starts the pipeline
      trigger: actions.S3Trigger.NONE,
    });
  }

  public _bindTrigger(scope: Construct, pipeline: codepipeline.IPipeline, options: SourceTriggerOptions): events.Rule {
    // S3 sends its events to EventBridge only when the bucket says so; CloudFormation's own property, not
    // CDK's notification custom resource (a Lambda function in every stack with a source bucket)
    const cfnBucket = this.bucket.node.defaultChild;
    if (cfnBucket instanceof s3.CfnBucket) {
      const current = cfnBucket.notificationConfiguration as s3.CfnBucket.NotificationConfigurationProperty | undefined;
      cfnBucket.notificationConfiguration = { ...current, eventBridgeConfiguration: { eventBridgeEnabled: true } };
    }
    return new events.Rule(scope, 'SourceChanged', {
      description: `Starts the pipeline when a new version of s3://${this.bucket.bucketName}/${this.objectKey} is written`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [this.bucket.bucketName] }, object: { key: [this.objectKey] } },
      },
      targets: [
        new targets.CodePipeline(pipeline, {
          eventRole: options.eventRole,
          deadLetterQueue: options.deadLetterQueue,
          retryAttempts: 8,
        }),
      ],
    });
  }
}

class ConnectionPipelineSource extends PipelineSource {
  public readonly description: string;
  public readonly _needsTriggerRule = false;
  constructor(private readonly options: ConnectionSourceOptions) {
    super();
    this.description = `${options.owner}/${options.repository}@${options.branch ?? 'main'}`;
  }
  public _bind(output: codepipeline.Artifact, role: iam.IRole): codepipeline.IAction {
    // CDK grants codestar-connections:UseConnection; connections created since the rename to
    // CodeConnections are also authorized under the new service prefix.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['codeconnections:UseConnection'], resources: [this.options.connectionArn] }));
    return new actions.CodeStarConnectionsSourceAction({
      actionName: 'Source',
      connectionArn: this.options.connectionArn,
      owner: this.options.owner,
      repo: this.options.repository,
      branch: this.options.branch ?? 'main',
      output,
      triggerOnPush: true,
    });
  }

  public _bindTrigger(): undefined {
    // the connection's push trigger starts the pipeline
    return undefined;
  }
}
