import { Annotations, AspectPriority, Aspects, Duration, RemovalPolicy, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { validateAccountIds, validateWholeNumber } from './validation';
import { skipCheckovChecks } from '../core/checkov';

/** ECR repository names: 2-256 characters, lowercase path components separated by `/`, each made of alphanumeric runs joined by `.`, `_` or `-`. */
const ECR_REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** An IAM role ARN (with an optional path). */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;

/** What pulling an image needs on the repository. */
const PULL_ACTIONS = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];
/** What pushing an image needs on the repository. */
const PUSH_ACTIONS = ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'];
/** Why checkov's CKV_AWS_32 (it flags a "*" principal without looking at the effect) does not apply. */
const DENY_ONLY_WILDCARD_PRINCIPAL =
  'The only "*" principal of this repository policy is in a Deny statement that refuses pushes by every principal other than the pusher roles; every Allow names the consumer accounts, the pusher roles, or SageMaker conditioned on aws:SourceAccount.';

/** The default age after which untagged images expire. */
const DEFAULT_UNTAGGED_EXPIRY = Duration.days(14);

/**
 * Props of an `ImageRegistry`.
 */
export interface ImageRegistryProps {
  /** The customer-managed key that encrypts every repository (ECR `KMS` encryption). */
  readonly encryptionKey: kms.IKey;

  /**
   * The repositories to create, by name (ECR rules: 2-256 characters, lowercase letters, digits and
   * `.`, `_`, `-` between alphanumerics, `/` between path components), e.g. `['mlops/training', 'mlops/inference']`.
   */
  readonly repositoryNames: string[];

  /**
   * The accounts that may pull images (the consumers, e.g. EXP, DEV, INT and PROD). They get
   * `ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer` and `ecr:BatchCheckLayerAvailability`; their
   * roles also need `ecr:GetAuthorizationToken` and these actions in their own identity policies
   * (for SageMaker: the execution role of the job, model or endpoint).
   * @default - no other account may pull
   */
  readonly pullAccountIds?: string[];

  /**
   * Admit, of the pull accounts, only these principals (IAM role ARNs, exact): the pull statement names
   * the accounts and is conditioned on `aws:PrincipalArn`. Use it for a repository that belongs to one
   * use case, whose images only that use case's roles may pull; the roles may be created after the
   * repository (a condition, unlike a principal, does not need the role to exist). Every role must be of
   * an account of `pullAccountIds`.
   * @default - every principal of the pull accounts (within its own identity policy)
   */
  readonly pullPrincipalArns?: string[];

  /**
   * Also let the SageMaker service principal pull, on behalf of the pull accounts only (the statement
   * is limited by `aws:SourceAccount` to `pullAccountIds`, against the confused deputy). SageMaker
   * pulls model and training images with the execution role, which the account statement covers; the
   * service-principal statement serves the SageMaker features that pull as the service.
   * @default true (when pullAccountIds is not empty and pullPrincipalArns is not given)
   */
  readonly allowSageMakerPull?: boolean;

  /**
   * The roles that may push images (the RES image builds), as role ARNs of this registry's account.
   * Every other principal is explicitly denied pushing; the push itself is granted by the role's own
   * identity policy (same account), which `grantPush` writes for roles of this app. Roles of this app can be added with `grantPush`
   * or `addPusherRoleArn` (an `ImageBuildPipeline` adds its Promote role itself).
   * @default - only the roles given to `grantPush` and `addPusherRoleArn`; a repository without any
   * pusher denies every push (with a synthesis warning)
   */
  readonly pusherRoleArns?: string[];

  /**
   * How long untagged images are kept (images that lost their tag or were pushed by digest only).
   * Note that the children of a multi-platform image index are untagged: build single-platform images
   * into these repositories, or keep the index's children from expiring by tagging them.
   * @default Duration.days(14)
   */
  readonly untaggedImageExpiry?: Duration;

  /**
   * Keep at most this many tagged images per repository (the oldest expire first). Tagged images are
   * release images that deployed models refer to: by default they never expire.
   * @default - tagged images never expire
   */
  readonly maxTaggedImages?: number;
}

/**
 * The central ECR registry of the platform (RES): repositories with immutable tags, scan on push,
 * customer-managed KMS encryption, lifecycle rules and a repository policy per repository:
 *
 * - pull (`ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer`, `ecr:BatchCheckLayerAvailability`) by
 *   the consumer accounts, and by the SageMaker service principal on behalf of those accounts only;
 * - push only by the pusher roles: an explicit deny stops every other principal, including
 *   administrators of this account (a repository without pushers denies every push);
 * - repositories are retained when they leave the stack.
 *
 * Scanning: `scanOnPush` turns on basic scanning per repository. Enhanced scanning (Amazon Inspector,
 * continuous) is a registry-level setting (`AWS::ECR::RegistryScanningConfiguration`, one per account
 * and region); when it is on, it replaces the repository setting. It is the platform account's choice,
 * not this construct's.
 *
 * @example
 * const registry = new ImageRegistry(this, 'Registry', {
 *   encryptionKey: key,
 *   repositoryNames: ['mlops/inference'],
 *   pullAccountIds: ['111111111111', '444444444444', '555555555555', '666666666666'],
 * });
 * registry.grantPush(buildRole, 'mlops/inference');
 * const uri = registry.repository('mlops/inference').repositoryUri;
 */
export class ImageRegistry extends Construct {
  /** The ARNs of every repository, in the order of `repositoryNames`. */
  public readonly repositoryArns: string[];
  /** The repository names, as given. */
  public readonly repositoryNames: string[];
  private readonly repositories = new Map<string, ecr.Repository>();
  private readonly pushers = new Map<string, string[]>();
  private pushPoliciesRendered = false;

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the repositories, the key and who may pull and push
   */
  constructor(scope: Construct, id: string, props: ImageRegistryProps) {
    super(scope, id);
    validateRegistryProps(this, props);
    const pullAccounts = props.pullAccountIds ?? [];
    const untaggedExpiry = props.untaggedImageExpiry ?? DEFAULT_UNTAGGED_EXPIRY;

    const lifecycleRules: ecr.LifecycleRule[] = [
      {
        rulePriority: 1,
        description: `Expire untagged images ${untaggedExpiry.toDays()} days after push`,
        tagStatus: ecr.TagStatus.UNTAGGED,
        maxImageAge: untaggedExpiry,
      },
    ];
    if (props.maxTaggedImages !== undefined) {
      lifecycleRules.push({
        rulePriority: 2,
        description: `Keep the ${props.maxTaggedImages} most recent tagged images`,
        tagStatus: ecr.TagStatus.TAGGED,
        tagPatternList: ['*'],
        maxImageCount: props.maxTaggedImages,
      });
    }

    for (const name of props.repositoryNames) {
      const repository = new ecr.Repository(this, `Repository:${name.split('/').join('+')}`, {
        repositoryName: name,
        imageTagMutability: ecr.TagMutability.IMMUTABLE,
        imageScanOnPush: true,
        encryption: ecr.RepositoryEncryption.KMS,
        encryptionKey: props.encryptionKey,
        lifecycleRules,
        removalPolicy: RemovalPolicy.RETAIN,
        emptyOnDelete: false,
      });
      this.repositories.set(name, repository);
      this.pushers.set(name, [...(props.pusherRoleArns ?? [])]);

      if (pullAccounts.length > 0) {
        const pullPrincipals = props.pullPrincipalArns;
        repository.addToResourcePolicy(
          new iam.PolicyStatement({
            sid: pullPrincipals ? 'AllowPullByConsumerRoles' : 'AllowPullByConsumerAccounts',
            principals: pullAccounts.map((a) => new iam.AccountPrincipal(a)),
            actions: PULL_ACTIONS,
            conditions: pullPrincipals ? { ArnEquals: { 'aws:PrincipalArn': [...pullPrincipals] } } : undefined,
          }),
        );
        if (props.allowSageMakerPull ?? !pullPrincipals) {
          repository.addToResourcePolicy(
            new iam.PolicyStatement({
              sid: 'AllowPullBySageMakerForConsumerAccounts',
              principals: [new iam.ServicePrincipal('sagemaker.amazonaws.com')],
              actions: PULL_ACTIONS,
              conditions: { StringEquals: { 'aws:SourceAccount': pullAccounts } },
            }),
          );
        }
      }

    }
    this.repositoryNames = [...props.repositoryNames];
    this.repositoryArns = props.repositoryNames.map((n) => this.repository(n).repositoryArn);

    // The push statements are rendered once every pusher is known (grantPush may come from constructs
    // created after this one): an aspect on this construct renders them at synthesis.
    Aspects.of(this).add({ visit: (node) => (node === this ? this.renderPushPolicies() : undefined) }, { priority: AspectPriority.MUTATING });
  }

  /**
   * The repository with this name.
   * @param repositoryName one of `repositoryNames`
   */
  public repository(repositoryName: string): ecr.IRepository {
    const repository = this.repositories.get(repositoryName);
    if (!repository) {
      throw new Error(`ImageRegistry: there is no repository ${JSON.stringify(repositoryName)}; the registry has ${[...this.repositories.keys()].join(', ')}`);
    }
    return repository;
  }

  /**
   * Adds the push statement to every repository policy: deny everyone but the pushers (whose identity
   * policies allow the push).
   * A repository without pushers denies every push (and the construct warns).
   */
  private renderPushPolicies(): void {
    if (this.pushPoliciesRendered) return;
    this.pushPoliciesRendered = true;
    for (const [name, repository] of this.repositories) {
      const pusherArns = this.pushers.get(name)!;
      if (pusherArns.length === 0) {
        repository.addToResourcePolicy(
          new iam.PolicyStatement({ sid: 'DenyPushByAnyone', effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: PUSH_ACTIONS }),
        );
        skipCheckovChecks(repository, { CKV_AWS_32: DENY_ONLY_WILDCARD_PRINCIPAL });
        Annotations.of(repository).addWarningV2(
          '@vw/mlops-blueprint:imageRegistryNoPusher',
          `No role may push to ${name}: pushes are denied to every principal. Pass pusherRoleArns or call grantPush(role, '${name}') to let an image build push.`,
        );
        continue;
      }
      // No Allow for the pushers: they are roles of this account, whose identity policy grants the push
      // (grantPush); the repository policy is the control that denies every other principal.
      repository.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'DenyPushByAnyoneElse',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: PUSH_ACTIONS,
          conditions: { ArnNotEquals: { 'aws:PrincipalArn': [...pusherArns] } },
        }),
      );
      skipCheckovChecks(repository, { CKV_AWS_32: DENY_ONLY_WILDCARD_PRINCIPAL });
    }
  }

  /**
   * Lets a role of this registry's account push to one repository, or to all of them: adds the push
   * actions (and `ecr:GetAuthorizationToken`) to the role's identity policy and the role to the
   * repository's pusher list (the only principals the repository policy does not deny pushing).
   * @param role the role that pushes (e.g. a CodeBuild project role)
   * @param repositoryName the repository; every repository of the registry when omitted
   */
  public grantPush(role: iam.IRole, repositoryName?: string): iam.Grant {
    const names = repositoryName === undefined ? this.repositoryNames : [repositoryName];
    let grant: iam.Grant | undefined;
    for (const name of names) {
      const repository = this.repository(name);
      this.addPusherRoleArn(role.roleArn, name);
      const g = iam.Grant.addToPrincipal({ grantee: role, actions: [...PUSH_ACTIONS, ...PULL_ACTIONS], resourceArns: [repository.repositoryArn] });
      grant = grant ? grant.combine(g) : g;
    }
    iam.Grant.addToPrincipal({ grantee: role, actions: ['ecr:GetAuthorizationToken'], resourceArns: ['*'] });
    return grant!;
  }

  /**
   * Adds a role, by ARN, to the pushers of one repository or of all of them, without changing the
   * role's own policies (for roles defined in other stacks, apps or by name). The role must belong to
   * this registry's account and needs the push actions in its identity policy.
   * @param roleArn the role's ARN, e.g. `arn:aws:iam::222222222222:role/image-build`
   * @param repositoryName the repository; every repository of the registry when omitted
   */
  public addPusherRoleArn(roleArn: string, repositoryName?: string): void {
    if (this.pushPoliciesRendered) {
      throw new Error('ImageRegistry: addPusherRoleArn was called after synthesis started; add pushers while the app is being built');
    }
    validateRoleArn(this, 'addPusherRoleArn(roleArn)', roleArn);
    const names = repositoryName === undefined ? this.repositoryNames : [repositoryName];
    for (const name of names) {
      this.repository(name);
      const list = this.pushers.get(name)!;
      if (!list.includes(roleArn)) list.push(roleArn);
    }
  }

  /**
   * Lets a principal pull from one repository, or from all of them (identity policy, plus
   * `ecr:GetAuthorizationToken`). A principal of another account must also be in `pullAccountIds`.
   * @param grantee the principal that pulls
   * @param repositoryName the repository; every repository of the registry when omitted
   */
  public grantPull(grantee: iam.IGrantable, repositoryName?: string): iam.Grant {
    const names = repositoryName === undefined ? this.repositoryNames : [repositoryName];
    const grant = iam.Grant.addToPrincipal({ grantee, actions: PULL_ACTIONS, resourceArns: names.map((n) => this.repository(n).repositoryArn) });
    iam.Grant.addToPrincipal({ grantee, actions: ['ecr:GetAuthorizationToken'], resourceArns: ['*'] });
    return grant;
  }
}

function validateRegistryProps(scope: Construct, props: ImageRegistryProps): void {
  if (props.repositoryNames.length === 0) {
    throw new Error('ImageRegistry: repositoryNames is empty; name at least one repository, e.g. [\'mlops/inference\']');
  }
  const seen = new Set<string>();
  for (const name of props.repositoryNames) {
    if (Token.isUnresolved(name)) {
      throw new Error('ImageRegistry: repositoryNames must be literal strings (the names key the repositories); write the names out');
    }
    if (name.length < 2 || name.length > 256 || !ECR_REPOSITORY_NAME.test(name)) {
      throw new Error(
        `ImageRegistry: repositoryNames contains ${JSON.stringify(name)}, which is not a valid ECR repository name; use 2-256 characters of lowercase letters and digits, separated by single '.', '_' or '-', with '/' between path components, e.g. 'mlops/inference'`,
      );
    }
    if (seen.has(name)) {
      throw new Error(`ImageRegistry: repositoryNames contains ${JSON.stringify(name)} twice; list each repository once`);
    }
    seen.add(name);
  }
  validateAccountIds('ImageRegistry', 'pullAccountIds', props.pullAccountIds ?? []);
  for (const [i, arn] of (props.pullPrincipalArns ?? []).entries()) {
    if (Token.isUnresolved(arn)) continue;
    const match = ROLE_ARN.exec(arn);
    if (!match) {
      throw new Error(`ImageRegistry: pullPrincipalArns[${i}] ${JSON.stringify(arn)} is not an IAM role ARN; write e.g. 'arn:aws:iam::111111111111:role/weld-gun-pm-endpoint'`);
    }
    if (!(props.pullAccountIds ?? []).includes(match[1])) {
      throw new Error(`ImageRegistry: pullPrincipalArns[${i}] is a role of account ${match[1]}, which is not in pullAccountIds (${JSON.stringify(props.pullAccountIds ?? [])}); add the account to pullAccountIds`);
    }
  }
  if (props.pullPrincipalArns !== undefined && props.pullPrincipalArns.length === 0) {
    throw new Error('ImageRegistry: pullPrincipalArns is empty; name the roles that may pull, or leave it out to admit the pull accounts');
  }
  for (const arn of props.pusherRoleArns ?? []) validateRoleArn(scope, 'pusherRoleArns', arn);
  if (props.untaggedImageExpiry !== undefined) {
    validateWholeNumber('ImageRegistry', 'untaggedImageExpiry (in days)', props.untaggedImageExpiry.toDays({ integral: false }), 1);
  }
  if (props.maxTaggedImages !== undefined) {
    validateWholeNumber('ImageRegistry', 'maxTaggedImages', props.maxTaggedImages, 1);
  }
}

function validateRoleArn(scope: Construct, prop: string, arn: string): void {
  if (Token.isUnresolved(arn)) return;
  const match = ROLE_ARN.exec(arn);
  if (!match) {
    throw new Error(`ImageRegistry: ${prop} contains ${JSON.stringify(arn)}, which is not an IAM role ARN; write e.g. 'arn:aws:iam::222222222222:role/image-build'`);
  }
  const account = Stack.of(scope).account;
  if (Token.compareStrings(account, match[1]) === TokenComparison.DIFFERENT) {
    throw new Error(
      `ImageRegistry: ${prop} contains a role of account ${match[1]}, but the registry is in account ${account}; pushers must be roles of the registry's account (the RES image builds)`,
    );
  }
}
