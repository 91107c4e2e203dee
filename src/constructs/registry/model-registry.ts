import { Annotations, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { RegistryConsumers, validateRegistryProps } from './validation';
import { acknowledgeRules } from '../core/acknowledge';
import { createDeadLetterQueue } from '../core/dead-letter-queue';
import { flattenForNag, literalPartition } from '../core/iam-findings';
import { allowServiceToUseKey, eventBridgeDeliveryCondition } from '../core/key-grants';

/**
 * Props of a `ModelRegistry`.
 */
export interface ModelRegistryProps {
  /**
   * The model package group name, the use case's name in the registry: 1 to 63 lower-case letters,
   * digits and hyphens, starting and ending with a letter or digit (SageMaker's rule
   * `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$`, in lower case so that every policy matches the group's ARN
   * exactly). Other accounts find the group by this name.
   */
  readonly modelPackageGroupName: string;

  /**
   * The group description (at most 1024 characters).
   * @default - `Model versions of <modelPackageGroupName>`
   */
  readonly description?: string;

  /**
   * Tags of the model package group (at most 50; keys must not start with `aws:`).
   * @default - none besides the tags of the scope
   */
  readonly tags?: { [key: string]: string };

  /**
   * The roles of other accounts that consume the group: the deployment roles of RES, DEV, INT and
   * PROD (describe and list the model versions, create SageMaker models from them) and the execution
   * roles of the DEV, INT and PROD endpoints (read the model artifacts). E.g.
   * `arn:aws:iam::444444444444:role/vwml-model-deployment`. A `*` may stand for the end of a role
   * name that is generated (`role/churn-serving-EndpointRole*`), never for a whole path or name.
   *
   * Each role's account is the principal of the policies and the roles are listed in an `ArnLike`
   * condition on `aws:PrincipalArn`: the policies deploy before the roles exist (a role principal
   * that does not exist makes the policy fail) and keep working when a role is re-created (a role
   * principal would be replaced by the deleted role's unique id). Roles of the registry's own
   * account are refused: same-account access goes through IAM (`grantRead`).
   * @default - no role-scoped consumers
   */
  readonly consumerRoleArns?: string[];

  /**
   * Other accounts admitted as a whole: the fallback when the consuming roles are not known. Every
   * principal of such an account that its own IAM policies allow gets the same access as the roles
   * of `consumerRoleArns`. An account is admitted either by its roles or as a whole, not both.
   * @default - no whole-account consumers
   */
  readonly consumerAccountIds?: string[];

  /**
   * Roles of other accounts that only create SageMaker models from the group's versions, without
   * reading the model artifacts (the model's execution role does that): e.g. the CloudFormation
   * execution role of a serving account (`cdk-<qualifier>-cfn-exec-role-<account>-<region>`), which
   * creates `AWS::SageMaker::Model` from a model package ARN, or the role of a batch workflow. They may
   * describe the group, describe and list its versions and `sagemaker:CreateModel` from them; the
   * artifact key and bucket policies do not name them. Admitted like `consumerRoleArns` (the account
   * as principal, `aws:PrincipalArn` in an `ArnLike` condition), without wildcards.
   * @default - no model-creating roles besides the consumers
   */
  readonly modelCreatorRoleArns?: string[];

  /**
   * The AWS Organizations id (e.g. `o-a1b2c3d4e5`); every consumer statement then also requires
   * `aws:PrincipalOrgID`, so that an account that leaves the organization loses access.
   * Only allowed together with consumers.
   * @default - no organization condition
   */
  readonly organizationId?: string;

  /**
   * Whether consumers may create SageMaker models from the group's model versions
   * (`sagemaker:CreateModel` on the model packages), which a deployment by model package ARN needs.
   * Turn it off when consumers only read the registry and build models from the artifacts.
   * Only allowed together with consumers.
   * @default true
   */
  readonly allowModelCreation?: boolean;

  /**
   * The key that encrypts the model artifacts (in EXP). When it is a `kms.Key` of this app, its key
   * policy gets a statement that lets the consumers decrypt through S3 and SageMaker of the key's
   * region only (`kms:ViaService`); an imported key's policy must be extended by its owner with
   * `artifactKeyPolicyStatements` (a warning says so). Only allowed together with consumers.
   * @default - no key policy change
   */
  readonly artifactKey?: kms.IKey;

  /**
   * The bucket of the model artifacts (in EXP). When it is a bucket of this app, its bucket policy
   * lets the consumers read the artifacts (`s3:GetObject` under `artifactPrefix`, `s3:ListBucket` of
   * that prefix): SageMaker in DEV, INT and PROD reads `ModelDataUrl` with the endpoint's execution
   * role. An imported bucket's policy must be extended by its owner with
   * `artifactBucketPolicyStatements` (a warning says so). Only allowed together with consumers.
   * @default - no bucket policy change
   */
  readonly artifactBucket?: s3.IBucket;

  /**
   * The key prefix of the artifacts in `artifactBucket`, e.g. `models/churn-model/`.
   * @default - the whole bucket
   */
  readonly artifactPrefix?: string;

  /**
   * The ARN of the model event bus in RES that receives the approval events, e.g.
   * `arn:aws:events:eu-central-1:333333333333:event-bus/vwml-model-events`. Its resource policy must
   * let this account put events (the RES event bus construct does).
   */
  readonly modelEventBusArn: string;

  /**
   * The customer-managed key of the dead-letter queue. When it is a `kms.Key` of this app, its policy
   * is extended once to let EventBridge of this account write to queues encrypted with it; an
   * imported key's policy must already allow that (`events.amazonaws.com`: `kms:GenerateDataKey`,
   * `kms:Decrypt`).
   */
  readonly encryptionKey: kms.IKey;

  /**
   * How long EventBridge retries delivering an event to the model event bus before it goes to the
   * dead-letter queue: 60 seconds to 24 hours, whole seconds. (`aws-events-targets.EventBus` offers
   * no retry policy; this construct sets the target's `RetryPolicy` itself.)
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;

  /**
   * How many times EventBridge retries delivering an event to the model event bus before it goes to
   * the dead-letter queue: 0 to 185.
   * @default 185
   */
  readonly retryAttempts?: number;

  /**
   * A fixed name for the role that forwards events to the model event bus, so that the model event
   * bus's policy in RES can admit exactly this role (`aws:PrincipalArn`).
   * @default - a name generated by CloudFormation
   */
  readonly eventForwardingRoleName?: string;

  /**
   * The permissions boundary of the role that forwards events to the model event bus.
   * @default - no permissions boundary
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * What happens to the model package group (and its model versions) and to the dead-letter queue
   * when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** What a consumer may do with the group's model versions. */
const READ_ACTIONS = ['sagemaker:DescribeModelPackageGroup', 'sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages'];
/** Creating a SageMaker model from a model package of another account. */
const CREATE_MODEL_ACTIONS = ['sagemaker:CreateModel'];
/** What consumers may do with the artifact key. */
const DECRYPT_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];

/**
 * The model registry of one use case in EXP: a SageMaker model package group that the deployment
 * pipeline (RES) and the serving accounts (DEV, INT, PROD) read across accounts, and the forwarding
 * of its approval decisions to the model event bus in RES.
 *
 * - **Model package group** `modelPackageGroupName`, retained by default.
 * - **Resource policy** (when consumers are given): consumers may describe the group, describe and
 *   list its model versions (`sagemaker:DescribeModelPackageGroup`, `sagemaker:DescribeModelPackage`,
 *   `sagemaker:ListModelPackages` on the group ARN and on `model-package/<name>/*`) and create
 *   SageMaker models from the versions (`sagemaker:CreateModel` on `model-package/<name>/*`, see
 *   `allowModelCreation`). They may not change approval status: approving stays in EXP.
 *   Consumers are named by role (`consumerRoleArns`): the policy's principals are the roles' accounts
 *   and an `ArnLike` condition on `aws:PrincipalArn` admits only those roles. This pattern, rather
 *   than role principals, lets the policy deploy before the consumer roles exist (SageMaker, like
 *   IAM, refuses a policy whose principal does not exist) and survive a re-created role. Whole
 *   accounts (`consumerAccountIds`) are the documented fallback. Each consumer still needs the same
 *   actions in its own IAM policy.
 * - **Model artifacts**: the consumers may decrypt with `artifactKey` through S3 and SageMaker only,
 *   and read the objects of `artifactBucket` under `artifactPrefix`.
 * - **Approval events**: a rule on the default event bus of this account matches
 *   `SageMaker Model Package State Change` events of this group whose `ModelApprovalStatus` is
 *   `Approved` or `Rejected`, and forwards them to `modelEventBusArn` with a role that may only
 *   `events:PutEvents` on that bus, a retry policy, and a KMS-encrypted, TLS-only dead-letter queue.
 *
 * What other accounts must provide (this construct cannot): the model event bus policy in RES must
 * let this account (or `eventForwardingRoleName`) put events; each consumer role needs the same
 * SageMaker, S3 and KMS actions in its own IAM policy, on this group's ARNs, this bucket and this key.
 *
 * @example
 * const registry = new ModelRegistry(this, 'Registry', {
 *   modelPackageGroupName: 'churn-model',
 *   consumerRoleArns: [
 *     'arn:aws:iam::333333333333:role/vwml-churn-model-deployment',
 *     'arn:aws:iam::444444444444:role/vwml-churn-model-deploy',
 *     'arn:aws:iam::444444444444:role/vwml-churn-model-endpoint',
 *   ],
 *   organizationId: 'o-a1b2c3d4e5',
 *   artifactKey: mlKey,
 *   artifactBucket: artifacts.bucket,
 *   artifactPrefix: 'models/churn-model/',
 *   modelEventBusArn: 'arn:aws:events:eu-central-1:333333333333:event-bus/vwml-model-events',
 *   encryptionKey: platformKey,
 * });
 * registry.grantRegister(pipelineRole);
 */
export class ModelRegistry extends Construct {
  /** The CloudFormation model package group. */
  public readonly modelPackageGroup: sagemaker.CfnModelPackageGroup;
  /** The model package group name. */
  public readonly modelPackageGroupName: string;
  /** The model package group ARN, `arn:<partition>:sagemaker:<region>:<account>:model-package-group/<name>`. */
  public readonly modelPackageGroupArn: string;
  /** The ARN pattern of the group's model versions, `arn:<partition>:sagemaker:<region>:<account>:model-package/<name>/*`. */
  public readonly modelPackageVersionsArn: string;
  /** The group's resource policy, or undefined without consumers. */
  public readonly resourcePolicy?: iam.PolicyDocument;
  /**
   * The statements that let the consumers decrypt the model artifacts: added to `artifactKey`'s
   * policy when it is a key of this app, otherwise for its owner to add. Empty without `artifactKey`.
   */
  public readonly artifactKeyPolicyStatements: iam.PolicyStatement[];
  /**
   * The statements that let the consumers read the model artifacts: added to `artifactBucket`'s
   * policy when it is a bucket of this app, otherwise for its owner to add. Empty without `artifactBucket`.
   */
  public readonly artifactBucketPolicyStatements: iam.PolicyStatement[];
  /** The rule on the default event bus that forwards approval decisions to the model event bus. */
  public readonly rule: events.Rule;
  /** The role EventBridge assumes to put the events on the model event bus. */
  public readonly eventForwardingRole: iam.Role;
  /** The dead-letter queue of events that could not be delivered to the model event bus. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The ARN of the model event bus in RES. */
  public readonly modelEventBusArn: string;

  /**
   * @param scope the construct that contains it
   * @param id the construct id, unique within the scope
   * @param props the group, its consumers and the model event bus; invalid values throw at synth time
   */
  constructor(scope: Construct, id: string, props: ModelRegistryProps) {
    super(scope, id);
    const fail = (message: string): never => {
      throw new Error(`ModelRegistry ${this.node.path}: ${message}`);
    };
    const stack = Stack.of(this);
    const consumers = validateRegistryProps(
      {
        ...props,
        artifactKeyGiven: props.artifactKey !== undefined,
        artifactBucketGiven: props.artifactBucket !== undefined,
      },
      stack.account,
      fail,
    );
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const name = props.modelPackageGroupName;
    const partition = literalPartition(stack);
    this.modelPackageGroupName = name;
    this.modelPackageGroupArn = `arn:${partition}:sagemaker:${stack.region}:${stack.account}:model-package-group/${name}`;
    this.modelPackageVersionsArn = `arn:${partition}:sagemaker:${stack.region}:${stack.account}:model-package/${name}/*`;
    this.modelEventBusArn = props.modelEventBusArn;

    const hasConsumers = consumers.roleArns.length > 0 || consumers.wholeAccounts.length > 0;
    const audiences = consumerAudiences(consumers, partition, props.organizationId);
    const creators = creatorAudiences(consumers, partition, props.organizationId);
    if (hasConsumers || creators.length > 0) {
      const statements: iam.PolicyStatement[] = [];
      for (const a of [...audiences, ...creators]) {
        statements.push(
          new iam.PolicyStatement({
            sid: `${a.sidPrefix}ReadModelVersions`,
            principals: a.principals,
            actions: READ_ACTIONS,
            resources: [this.modelPackageGroupArn, this.modelPackageVersionsArn],
            conditions: a.conditions,
          }),
        );
        if (props.allowModelCreation ?? true) {
          statements.push(
            new iam.PolicyStatement({
              sid: `${a.sidPrefix}CreateModelsFromVersions`,
              principals: a.principals,
              actions: CREATE_MODEL_ACTIONS,
              resources: [this.modelPackageVersionsArn],
              conditions: a.conditions,
            }),
          );
        }
      }
      this.resourcePolicy = new iam.PolicyDocument({ statements });
    }

    this.modelPackageGroup = new sagemaker.CfnModelPackageGroup(this, 'Resource', {
      modelPackageGroupName: name,
      modelPackageGroupDescription: props.description ?? `Model versions of ${name}`,
      modelPackageGroupPolicy: this.resourcePolicy,
      tags: props.tags ? Object.entries(props.tags).map(([key, value]) => ({ key, value })) : undefined,
    });
    this.modelPackageGroup.applyRemovalPolicy(removalPolicy);

    const sidSuffix = pascalCase(name);
    this.artifactKeyPolicyStatements = props.artifactKey ? this.grantArtifactKey(props.artifactKey, audiences, sidSuffix) : [];
    this.artifactBucketPolicyStatements = props.artifactBucket
      ? this.grantArtifactBucket(props.artifactBucket, props.artifactPrefix ?? '', audiences, sidSuffix)
      : [];

    // approval decisions -> model event bus in RES
    allowEventBridgeDeadLetters(props.encryptionKey, this);
    this.deadLetterQueue = createDeadLetterQueue(this, 'DeadLetterQueue', {
      encryptionKey: props.encryptionKey,
      removalPolicy,
      whyNoDeadLetterQueue:
        'This queue is itself the dead-letter queue of the EventBridge target that forwards approval events; a dead-letter queue of a dead-letter queue would have no consumer.',
    });

    this.eventForwardingRole = new iam.Role(this, 'EventForwardingRole', {
      roleName: props.eventForwardingRoleName,
      description: `Lets EventBridge put the approval events of model package group ${name} on the model event bus`,
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      permissionsBoundary: props.permissionsBoundary,
    });
    const putEvents = new iam.ManagedPolicy(this, 'PutEventsPolicy', {
      description: `Put events on the model event bus only (approval events of model package group ${name})`,
      statements: [
        new iam.PolicyStatement({
          sid: 'PutEventsOnModelEventBus',
          actions: ['events:PutEvents'],
          resources: [props.modelEventBusArn],
        }),
      ],
      roles: [this.eventForwardingRole],
    });

    this.rule = new events.Rule(this, 'ApprovalRule', {
      description: `Forwards the approval decisions (Approved, Rejected) of model package group ${name} to the model event bus`,
      eventPattern: {
        source: ['aws.sagemaker'],
        detailType: ['SageMaker Model Package State Change'],
        detail: {
          ModelPackageGroupName: [name],
          ModelApprovalStatus: ['Approved', 'Rejected'],
        },
      },
    });
    this.rule.addTarget(
      new ModelEventBusTarget(
        props.modelEventBusArn,
        this.eventForwardingRole,
        this.deadLetterQueue,
        (props.maxEventAge ?? Duration.hours(24)).toSeconds(),
        props.retryAttempts ?? 185,
      ),
    );
    // the target's role must hold its permission before the rule starts forwarding
    this.rule.node.addDependency(putEvents);
    this.deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowTheApprovalRuleToSendUndeliveredEvents',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': this.rule.ruleArn } },
      }),
    );
  }

  /**
   * Lets a principal of this account describe the group and describe and list its model versions
   * (e.g. the model-build pipeline's evaluation step, data scientists).
   * `sagemaker:ListModelPackages` supports no resource-level permissions and is granted on `*`.
   *
   * For a role, user or group of this app the statements go to one customer-managed policy per
   * registry and grantee, attached to it (no inline policy); other principals get them through
   * their own `addToPrincipalPolicy`.
   * @param grantee the role, user or group
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const target = this.grantTarget(grantee);
    const describe = iam.Grant.addToPrincipal({
      grantee: target,
      actions: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:DescribeModelPackage'],
      resourceArns: [this.modelPackageGroupArn, this.modelPackageVersionsArn],
    });
    const list = iam.Grant.addToPrincipal({ grantee: target, actions: ['sagemaker:ListModelPackages'], resourceArns: ['*'] });
    this.acknowledgeGrantWildcards(target, true);
    return describe.combine(list);
  }

  /**
   * Lets a principal of this account register model versions in this group (the model-build
   * pipeline's role): `sagemaker:CreateModelPackage` into the group, `sagemaker:AddTags` on its
   * versions (tags given at registration) and `sagemaker:DescribeModelPackageGroup`. Attached like
   * `grantRead`.
   * @param grantee the role, user or group
   */
  public grantRegister(grantee: iam.IGrantable): iam.Grant {
    const target = this.grantTarget(grantee);
    const grant = iam.Grant.addToPrincipal({
      grantee: target,
      actions: ['sagemaker:CreateModelPackage', 'sagemaker:AddTags', 'sagemaker:DescribeModelPackageGroup'],
      resourceArns: [this.modelPackageGroupArn, this.modelPackageVersionsArn],
    });
    this.acknowledgeGrantWildcards(target, false);
    return grant;
  }

  /**
   * Lets a principal of this account approve or reject model versions of this group
   * (`sagemaker:UpdateModelPackage`), besides reading them (`grantRead`). Attached like `grantRead`.
   * @param grantee the role, user or group of the approver
   */
  public grantApprove(grantee: iam.IGrantable): iam.Grant {
    const read = this.grantRead(grantee);
    const target = this.grantTarget(grantee);
    const update = iam.Grant.addToPrincipal({
      grantee: target,
      actions: ['sagemaker:UpdateModelPackage'],
      resourceArns: [this.modelPackageVersionsArn],
    });
    this.acknowledgeGrantWildcards(target, false);
    return read.combine(update);
  }

  /**
   * The principal the grants go to: for a role, user or group of this app, a stand-in that adds the
   * statements to a customer-managed policy of this registry attached to it; otherwise the grantee.
   */
  private grantTarget(grantee: iam.IGrantable): iam.IGrantable {
    const principal = grantee.grantPrincipal;
    if (principal instanceof ManagedPolicyPrincipal) return principal;
    if (!isConstruct(principal)) return grantee;
    const attach = attacherOf(principal);
    if (!attach) return grantee;
    const policyId = `ModelRegistryAccess${Names.uniqueId(this)}`;
    let policy = principal.node.tryFindChild(policyId) as iam.ManagedPolicy | undefined;
    if (!policy) {
      policy = new iam.ManagedPolicy(principal, policyId, {
        description: `Access to model package group ${this.modelPackageGroupName}`,
      });
      attach(policy);
    }
    return new ManagedPolicyPrincipal(principal, policy);
  }

  /** Acknowledges exactly the wildcards the registry's own grant policy holds. */
  private acknowledgeGrantWildcards(target: iam.IGrantable, listed: boolean): void {
    const principal = target.grantPrincipal;
    if (!(principal instanceof ManagedPolicyPrincipal)) return;
    const acks: Record<string, string> = {};
    const versions = flattenForNag(Stack.of(principal.policy).resolve(this.modelPackageVersionsArn));
    // an environment-agnostic stack names pseudo parameters (`<AWS::Region>`) that cannot be acknowledged
    if (!versions.includes('::')) {
      acks[`AwsSolutions-IAM5[Resource::${versions}]`] =
        'Model version ARNs end in a version number SageMaker assigns at registration; the wildcard is limited to the versions of this one model package group.';
    }
    if (listed) {
      acks['AwsSolutions-IAM5[Resource::*]'] =
        'sagemaker:ListModelPackages supports no resource-level permissions; it is the only action of this policy on "*" and only lists model version summaries.';
    }
    acknowledgeRules(principal.policy, acks);
  }

  private grantArtifactKey(key: kms.IKey, audiences: Audience[], sidSuffix: string): iam.PolicyStatement[] {
    const region = Stack.of(key).region;
    const statements = audiences.map(
      (a) =>
        new iam.PolicyStatement({
          sid: `${a.sidPrefix}DecryptModelArtifactsOf${sidSuffix}`,
          principals: a.principals,
          actions: DECRYPT_ACTIONS,
          resources: ['*'],
          conditions: {
            ...a.conditions,
            StringEquals: {
              ...(a.conditions?.StringEquals ?? {}),
              'kms:ViaService': [`s3.${region}.amazonaws.com`, `sagemaker.${region}.amazonaws.com`],
            },
          },
        }),
    );
    if (key instanceof kms.Key) {
      for (const s of statements) key.addToResourcePolicy(s);
    } else {
      Annotations.of(this).addWarningV2(
        'vw-mlops:registry-imported-artifact-key',
        'props.artifactKey is imported, so its key policy cannot be changed here: its owner must add ModelRegistry.artifactKeyPolicyStatements, or the consumers cannot decrypt the model artifacts',
      );
    }
    return statements;
  }

  private grantArtifactBucket(bucket: s3.IBucket, prefix: string, audiences: Audience[], sidSuffix: string): iam.PolicyStatement[] {
    const statements: iam.PolicyStatement[] = [];
    for (const a of audiences) {
      statements.push(
        new iam.PolicyStatement({
          sid: `${a.sidPrefix}ReadModelArtifactsOf${sidSuffix}`,
          principals: a.principals,
          actions: ['s3:GetObject'],
          resources: [bucket.arnForObjects(`${prefix}*`)],
          conditions: a.conditions,
        }),
      );
      const listConditions: Record<string, Record<string, unknown>> = { ...(a.conditions ?? {}) };
      if (prefix !== '') listConditions.StringLike = { 's3:prefix': `${prefix}*` };
      statements.push(
        new iam.PolicyStatement({
          sid: `${a.sidPrefix}ListModelArtifactsOf${sidSuffix}`,
          principals: a.principals,
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: Object.keys(listConditions).length > 0 ? listConditions : undefined,
        }),
      );
    }
    let added = true;
    for (const s of statements) added = bucket.addToResourcePolicy(s).statementAdded && added;
    if (!added) {
      Annotations.of(this).addWarningV2(
        'vw-mlops:registry-imported-artifact-bucket',
        'props.artifactBucket is imported, so its bucket policy cannot be changed here: its owner must add ModelRegistry.artifactBucketPolicyStatements, or the consumers cannot read the model artifacts',
      );
    }
    return statements;
  }
}

/** One group of consumers that share principals and conditions in every policy. */
interface Audience {
  readonly sidPrefix: string;
  readonly principals: iam.IPrincipal[];
  readonly conditions?: Record<string, Record<string, unknown>>;
}

function consumerAudiences(consumers: RegistryConsumers, partition: string, organizationId: string | undefined): Audience[] {
  const org: Record<string, Record<string, unknown>> = organizationId ? { StringEquals: { 'aws:PrincipalOrgID': organizationId } } : {};
  const root = (account: string) => new iam.ArnPrincipal(`arn:${partition}:iam::${account}:root`);
  const audiences: Audience[] = [];
  if (consumers.roleArns.length > 0) {
    audiences.push({
      sidPrefix: 'ConsumerRoles',
      principals: consumers.roleAccounts.map(root),
      conditions: { ArnLike: { 'aws:PrincipalArn': consumers.roleArns }, ...org },
    });
  }
  if (consumers.wholeAccounts.length > 0) {
    audiences.push({
      sidPrefix: 'ConsumerAccounts',
      principals: consumers.wholeAccounts.map(root),
      conditions: organizationId ? org : undefined,
    });
  }
  return audiences;
}

/** The roles that only create models: in the group policy, never in the artifact key or bucket policy. */
function creatorAudiences(consumers: RegistryConsumers, partition: string, organizationId: string | undefined): Audience[] {
  if (consumers.creatorRoleArns.length === 0) return [];
  const org: Record<string, Record<string, unknown>> = organizationId ? { StringEquals: { 'aws:PrincipalOrgID': organizationId } } : {};
  return [
    {
      sidPrefix: 'ModelCreatorRoles',
      principals: consumers.creatorRoleAccounts.map((account) => new iam.ArnPrincipal(`arn:${partition}:iam::${account}:root`)),
      conditions: { ArnLike: { 'aws:PrincipalArn': consumers.creatorRoleArns }, ...org },
    },
  ];
}

/**
 * The rule target that puts events on an event bus (of another account) with a role, a retry policy
 * and a dead-letter queue. (`aws-events-targets.EventBus` offers no retry policy.)
 */
class ModelEventBusTarget implements events.IRuleTarget {
  constructor(
    private readonly busArn: string,
    private readonly role: iam.IRole,
    private readonly queue: sqs.IQueue,
    private readonly maxEventAgeSeconds: number,
    private readonly retryAttempts: number,
  ) {}

  public bind(): events.RuleTargetConfig {
    return {
      arn: this.busArn,
      role: this.role,
      deadLetterConfig: { arn: this.queue.queueArn },
      retryPolicy: { maximumEventAgeInSeconds: this.maxEventAgeSeconds, maximumRetryAttempts: this.retryAttempts },
    };
  }
}

/**
 * Lets EventBridge of the key's account write to SQS queues encrypted with the key (once per key).
 * Does nothing for an imported key, whose policy is managed elsewhere.
 */
function allowEventBridgeDeadLetters(key: kms.IKey, scope: IConstruct): void {
  if (!(key instanceof kms.Key)) {
    Annotations.of(scope).addInfo(
      'props.encryptionKey is imported: its key policy must let events.amazonaws.com use kms:GenerateDataKey and kms:Decrypt (condition aws:SourceAccount), or undelivered events cannot reach the dead-letter queue',
    );
    return;
  }
  allowServiceToUseKey(
    key,
    'vw-mlops-blueprint.registry.eventbridge-dead-letters',
    'AllowEventBridgeOfThisAccountToWriteEncryptedDeadLetters',
    'events.amazonaws.com',
    ['kms:GenerateDataKey', 'kms:Decrypt'],
    eventBridgeDeliveryCondition(key),
  );
}

/**
 * A stand-in for a grantee whose grants of a `ModelRegistry` go to a customer-managed policy of that
 * registry attached to the grantee, instead of the grantee's inline default policy.
 */
class ManagedPolicyPrincipal implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;

  constructor(
    private readonly inner: iam.IPrincipal,
    public readonly policy: iam.ManagedPolicy,
  ) {}

  public get assumeRoleAction(): string {
    return this.inner.assumeRoleAction;
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.inner.policyFragment;
  }

  public get principalAccount(): string | undefined {
    return this.inner.principalAccount;
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}

/** How to attach a managed policy to a role, user or group, or undefined for other principals. */
function attacherOf(principal: IConstruct): ((policy: iam.ManagedPolicy) => void) | undefined {
  const p = principal as any;
  if (typeof p.roleName === 'string' && typeof p.roleArn === 'string') return (policy) => policy.attachToRole(p as iam.IRole);
  if (typeof p.userName === 'string' && typeof p.userArn === 'string') return (policy) => policy.attachToUser(p as iam.IUser);
  if (typeof p.groupName === 'string' && typeof p.groupArn === 'string') return (policy) => policy.attachToGroup(p as iam.IGroup);
  return undefined;
}

function isConstruct(x: unknown): x is IConstruct {
  return typeof x === 'object' && x !== null && 'node' in x && typeof (x as any).node?.tryFindChild === 'function';
}

function pascalCase(name: string): string {
  return name
    .split('-')
    .filter((part) => part !== '')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}
