import { ArnFormat, Aws, Duration, Stack, Tags, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SageMakerGuardrails } from './guardrails';
import { MANAGED_POLICY_MAX_CHARS, policySize, validateList, WILDCARD_ACKNOWLEDGEMENT } from './policy-utils';
import { skipCheckovChecks } from '../core/checkov';
import { literalPartition } from '../core/iam-findings';
import { acknowledgeWildcards, ReasonedStatement } from '../core/wildcard-acknowledgement';
import { STUDIO_USER_TAG_KEY } from '../studio/execution-policy';

/**
 * The account a set of persona roles lives in, which decides what people may do there.
 */
export enum PersonaEnvironment {
  /** EXP: full personas; data scientists experiment, build pipelines and register models. */
  EXPERIMENTATION = 'EXPERIMENTATION',
  /** DEV: troubleshooting: read, logs and endpoint invocation; no changes. */
  DEV = 'DEV',
  /** INT: read-only for people. */
  INT = 'INT',
  /** PROD: read-only for people. */
  PROD = 'PROD',
}

/**
 * The people who work on the platform, in the spirit of SageMaker Role Manager personas.
 */
export enum Persona {
  /** Experiments, trains, builds pipelines and registers model versions (pending approval). */
  DATA_SCIENTIST = 'DATA_SCIENTIST',
  /** A data scientist who also approves or rejects model versions and cleans up the registry. */
  LEAD_DATA_SCIENTIST = 'LEAD_DATA_SCIENTIST',
  /** Runs the MLOps tooling: pipelines, model monitoring, registry sharing, Service Catalog products. */
  MLOPS_ENGINEER = 'MLOPS_ENGINEER',
  /** Reads configuration and audit trails everywhere; changes nothing and reads no data. */
  AUDITOR = 'AUDITOR',
}

/**
 * The tag key that ties a person's session to the Studio user profiles they may open: the same key
 * `DataScientistProfile` tags its profile with (one key for both sides).
 */
const STUDIO_USER_TAG = STUDIO_USER_TAG_KEY;

/**
 * Who may assume the persona roles. Every variant allows session tags (`sts:TagSession`), through
 * which the identity provider passes the `studio-user` tag that limits Studio access to one's own
 * user profile.
 */
export class PersonaTrust {
  /**
   * People federated through a SAML 2.0 identity provider (for example the corporate IdP) sign in
   * to the AWS console with `sts:AssumeRoleWithSAML`; the assertion must be meant for AWS sign-in
   * (`SAML:aud`). MFA is enforced by the identity provider.
   * @param samlProviderArn the ARN of the IAM SAML provider in this account
   */
  public static samlProvider(samlProviderArn: string): PersonaTrust {
    if (!Token.isUnresolved(samlProviderArn) && !/^arn:aws[a-z-]*:iam::\d{12}:saml-provider\/[\w+=,.@-]+$/.test(samlProviderArn)) {
      throw new Error(`PersonaTrust.samlProvider: ${JSON.stringify(samlProviderArn)} is not a SAML provider ARN; write arn:aws:iam::111122223333:saml-provider/CorporateIdP`);
    }
    const principal = new iam.FederatedPrincipal(samlProviderArn, {
      StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' },
    }, 'sts:AssumeRoleWithSAML').withSessionTags();
    return new PersonaTrust(principal, `SAML federation through ${samlProviderArn}`);
  }

  /**
   * People who signed in through IAM Identity Center in an identity account and assume the persona
   * role from there: only the roles that Identity Center creates for permission sets
   * (`aws-reserved/sso.amazonaws.com/.../AWSReservedSSO_<permission set>_*`) are trusted. MFA is
   * enforced by Identity Center.
   * @param accountId the account where the Identity Center permission set is provisioned
   * @param permissionSetName only this permission set (default: any permission set of that account)
   */
  public static identityCenter(accountId: string, permissionSetName?: string): PersonaTrust {
    validateAccount('PersonaTrust.identityCenter', accountId);
    if (permissionSetName !== undefined && !/^[\w+=,.@-]{1,32}$/.test(permissionSetName)) {
      throw new Error(`PersonaTrust.identityCenter: permissionSetName ${JSON.stringify(permissionSetName)} is not a permission set name; use 1 to 32 of A-Z a-z 0-9 + = , . @ _ -`);
    }
    const principal = new iam.AccountPrincipal(accountId).withConditions({
      ArnLike: {
        'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_${permissionSetName ?? '*'}_*`,
      },
    }).withSessionTags();
    return new PersonaTrust(principal, `IAM Identity Center permission set ${permissionSetName ?? '(any)'} in ${accountId}`);
  }

  /**
   * IAM principals of other accounts (for example an identity account) that signed in with MFA
   * (`aws:MultiFactorAuthPresent`, at most one hour ago). Note that AWS does not carry the MFA
   * context into role-chained sessions: use this for IAM users, `identityCenter` for Identity
   * Center users.
   * @param accountIds the trusted accounts
   */
  public static accountsWithMfa(accountIds: string[]): PersonaTrust {
    if (accountIds.length === 0) {
      throw new Error('PersonaTrust.accountsWithMfa: accountIds is empty; name at least one 12-digit account id');
    }
    accountIds.forEach((a) => validateAccount('PersonaTrust.accountsWithMfa', a));
    const principals = accountIds.map((a) => new iam.AccountPrincipal(a).withConditions({
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
      NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' },
    }).withSessionTags());
    return new PersonaTrust(new iam.CompositePrincipal(...principals), `MFA-authenticated principals of ${accountIds.join(', ')}`);
  }

  /** The principal that the persona roles trust. */
  public readonly principal: iam.IPrincipal;
  /** A human-readable summary, used in the role descriptions. */
  public readonly summary: string;

  private constructor(principal: iam.IPrincipal, summary: string) {
    this.principal = principal;
    this.summary = summary;
  }
}

function validateAccount(where: string, accountId: string): void {
  if (!Token.isUnresolved(accountId) && !/^\d{12}$/.test(accountId)) {
    throw new Error(`${where}: ${JSON.stringify(accountId)} is not an account id; write the 12 digits, e.g. 111122223333`);
  }
}

/**
 * Props of `PersonaRoles`.
 */
export interface PersonaRolesProps {
  /** The account kind, which decides what the personas may do. */
  readonly environment: PersonaEnvironment;

  /** Who may assume the roles. */
  readonly trust: PersonaTrust;

  /** The account's guardrails: every role gets their permissions boundary and guardrail policy. */
  readonly guardrails: SageMakerGuardrails;

  /**
   * Prefix of the role names: `<prefix>DataScientist`, `<prefix>LeadDataScientist`,
   * `<prefix>MlopsEngineer`, `<prefix>Auditor` (stable names let the identity provider map groups
   * to roles).
   * @default - names generated by CloudFormation
   */
  readonly roleNamePrefix?: string;

  /**
   * The S3 buckets (ARNs) whose objects data scientists, leads and MLOps engineers may read and write
   * in EXPERIMENTATION. Not allowed in other environments, where people get no data access.
   * @default - no S3 data access
   */
  readonly dataBucketArns?: string[];

  /**
   * The KMS keys (key ARNs) that data scientists, leads and MLOps engineers may use for data and for
   * SageMaker volumes and outputs in EXPERIMENTATION. Not allowed in other environments.
   * @default - no KMS key use
   */
  readonly kmsKeyArns?: string[];

  /**
   * The SageMaker execution roles (ARNs) that data scientists, leads and MLOps engineers may pass to
   * SageMaker (`iam:PassedToService` = `sagemaker.amazonaws.com`) in EXPERIMENTATION. Not allowed in
   * other environments.
   * @default - no role may be passed, so people cannot start SageMaker jobs themselves
   */
  readonly passableRoleArns?: string[];

  /**
   * The longest session of a person.
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
}

/** Everything a persona gets: allows (with wildcard reasons) and denies. */
interface PersonaPolicy {
  readonly allows: ReasonedStatement[];
  readonly denies: iam.PolicyStatement[];
}

/** The statement of Service Catalog end-user actions (on "*"). */
const SERVICE_CATALOG_SID = 'ServiceCatalogProducts';

const PERSONA_NAMES: Record<Persona, string> = {
  [Persona.DATA_SCIENTIST]: 'DataScientist',
  [Persona.LEAD_DATA_SCIENTIST]: 'LeadDataScientist',
  [Persona.MLOPS_ENGINEER]: 'MlopsEngineer',
  [Persona.AUDITOR]: 'Auditor',
};

/**
 * Every SageMaker verb that changes something (all actions of the Write, Permissions management and
 * Tagging access levels of the Service Authorization Reference), for the explicit deny on people
 * outside EXPERIMENTATION and on auditors.
 */
const SAGEMAKER_MUTATIONS = ['Create*', 'Delete*', 'Update*', 'Start*', 'Stop*', 'Put*', 'Add*', 'Associate*', 'Disassociate*', 'Attach*',
  'Detach*', 'Register*', 'Deregister*', 'Enable*', 'Disable*', 'Import*', 'Retry*', 'Send*', 'Call*', 'Sample*', 'Complete*', 'Deploy*',
  'Extend*', 'Train*', 'BatchAdd*', 'BatchDelete*', 'BatchPut*', 'BatchReboot*', 'BatchReplace*', 'BatchWrite*'].map((v) => `sagemaker:${v}`);

const SAGEMAKER_INVOKE = ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync', 'sagemaker:InvokeEndpointWithResponseStream'];

/**
 * IAM roles for the people of one account of the platform, in the spirit of SageMaker Role Manager
 * personas: data scientist, lead data scientist, MLOps engineer and auditor.
 *
 * - EXPERIMENTATION: full personas. Data scientists run experiments, jobs, pipelines and endpoints,
 *   open their own Studio user profile only (attribute-based: the profile's tag `studio-user` must
 *   equal the session tag `studio-user` that the identity provider passes; nobody under these roles
 *   may add or remove that tag), and register model versions pending approval; only leads approve or
 *   reject (explicit deny for the others). MLOps engineers add model monitoring, registry sharing
 *   and Service Catalog products. Every SageMaker request is held to the guardrails.
 * - DEV: troubleshooting: SageMaker metadata, metrics, logs and endpoint invocation; every SageMaker
 *   mutation is explicitly denied.
 * - INT and PROD: read-only: SageMaker metadata and metrics (MLOps engineers also logs and
 *   CloudFormation stacks); every SageMaker mutation and invocation is explicitly denied.
 * - Auditors everywhere: configuration and audit trails (SageMaker metadata, CloudTrail, Config,
 *   IAM, Access Analyzer, KMS and S3 settings, VPC), with mutations, invocations and data reads
 *   explicitly denied.
 *
 * Every role gets the guardrails' permissions boundary and guardrail policy, one customer-managed
 * policy of its own (no `*:*`, resources scoped to this account and region), a one-hour session by
 * default, and the tags `mlops:persona` and `mlops:environment`.
 *
 * @example
 * const people = new PersonaRoles(this, 'People', {
 *   environment: PersonaEnvironment.EXPERIMENTATION,
 *   trust: PersonaTrust.samlProvider('arn:aws:iam::111122223333:saml-provider/CorporateIdP'),
 *   guardrails,
 *   dataBucketArns: [dataBucket.bucketArn],
 *   kmsKeyArns: [key.keyArn],
 *   passableRoleArns: [executionRole.roleArn],
 * });
 * people.role(Persona.AUDITOR);
 */
export class PersonaRoles extends Construct {
  /**
   * The tag key that ties a person to a Studio user profile: `DataScientistProfile` tags its profile
   * with it (value: its `owner`, by default the Identity Center user name or else the user profile name),
   * and the identity provider passes the same key, with the same value, as a session tag (an Identity
   * Center permission set attribute or a SAML `PrincipalTag:studio-user` attribute).
   */
  public static readonly STUDIO_USER_TAG_KEY: string = STUDIO_USER_TAG;

  /** The data scientist role. */
  public readonly dataScientistRole: iam.Role;
  /** The lead data scientist role. */
  public readonly leadDataScientistRole: iam.Role;
  /** The MLOps engineer role. */
  public readonly mlopsEngineerRole: iam.Role;
  /** The auditor role. */
  public readonly auditorRole: iam.Role;
  /** The environment the roles were made for. */
  public readonly environment: PersonaEnvironment;

  private readonly policies = new Map<Persona, iam.ManagedPolicy>();

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props environment, trust, guardrails and what the personas may reach
   */
  constructor(scope: Construct, id: string, props: PersonaRolesProps) {
    super(scope, id);
    const name = 'PersonaRoles';
    const exp = props.environment === PersonaEnvironment.EXPERIMENTATION;
    for (const prop of ['dataBucketArns', 'kmsKeyArns', 'passableRoleArns'] as const) {
      if (props[prop] !== undefined && !exp) {
        throw new Error(`${name}: ${prop} is only allowed in PersonaEnvironment.EXPERIMENTATION (people get no data access and start no jobs in ${props.environment}); remove it`);
      }
    }
    validateList(name, 'dataBucketArns', props.dataBucketArns, /^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a bucket ARN such as arn:aws:s3:::my-data-bucket (no object path, no wildcard)');
    validateList(name, 'kmsKeyArns', props.kmsKeyArns, /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, 'a KMS key ARN such as arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    validateList(name, 'passableRoleArns', props.passableRoleArns, /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'a role ARN such as arn:aws:iam::111122223333:role/SageMakerExecution (no wildcard)');
    if (props.roleNamePrefix !== undefined && !/^[\w+=,.@-]{1,40}$/.test(props.roleNamePrefix)) {
      throw new Error(`${name}: roleNamePrefix ${JSON.stringify(props.roleNamePrefix)} is not valid; use 1 to 40 of the characters A-Z a-z 0-9 + = , . @ _ -`);
    }
    const maxSession = props.maxSessionDuration ?? Duration.hours(1);
    if (!maxSession.isUnresolved() && (maxSession.toSeconds() < 3600 || maxSession.toSeconds() > 43200)) {
      throw new Error(`${name}: maxSessionDuration must be between 1 and 12 hours; it is ${maxSession.toHumanString()}`);
    }
    this.environment = props.environment;

    const statements = new PersonaStatements(Stack.of(this), props);
    const make = (persona: Persona): iam.Role => {
      const personaName = PERSONA_NAMES[persona];
      const policy = statements.forPersona(persona);
      const document = new iam.PolicyDocument({ statements: [...policy.allows.map((a) => a.statement), ...policy.denies] });
      const managed = new iam.ManagedPolicy(this, `${personaName}Policy`, {
        description: `${personaName} permissions in ${props.environment}`,
        document,
      });
      acknowledgeWildcards(managed, policy.allows, WILDCARD_ACKNOWLEDGEMENT);
      if (policy.allows.some((a) => a.statement.sid === SERVICE_CATALOG_SID)) {
        skipCheckovChecks(managed, {
          CKV_AWS_111:
            'The only write action on "*" is servicecatalog:ProvisionProduct: Service Catalog lets the role launch only products of the portfolios it is associated with (their product ids are assigned when the shared portfolio is deployed), and the launch-constraint role, not the engineer, creates the resources.',
        });
      }
      const size = policySize(managed, document);
      if (size > MANAGED_POLICY_MAX_CHARS) {
        throw new Error(`${name}: the ${personaName} policy would have ${size} characters, above IAM's limit of ${MANAGED_POLICY_MAX_CHARS}; pass fewer dataBucketArns, kmsKeyArns or passableRoleArns`);
      }
      this.policies.set(persona, managed);
      const role = new iam.Role(this, personaName, {
        roleName: props.roleNamePrefix ? `${props.roleNamePrefix}${personaName}` : undefined,
        description: `${personaName} persona in ${props.environment}; trusted: ${props.trust.summary}`,
        assumedBy: props.trust.principal,
        maxSessionDuration: maxSession,
        permissionsBoundary: props.guardrails.permissionsBoundary,
        managedPolicies: [props.guardrails.guardrailPolicy, managed],
      });
      Tags.of(role).add('mlops:persona', personaName);
      Tags.of(role).add('mlops:environment', props.environment);
      return role;
    };
    this.dataScientistRole = make(Persona.DATA_SCIENTIST);
    this.leadDataScientistRole = make(Persona.LEAD_DATA_SCIENTIST);
    this.mlopsEngineerRole = make(Persona.MLOPS_ENGINEER);
    this.auditorRole = make(Persona.AUDITOR);
  }

  /**
   * The role of a persona.
   * @param persona which persona
   */
  public role(persona: Persona): iam.Role {
    switch (persona) {
      case Persona.DATA_SCIENTIST: return this.dataScientistRole;
      case Persona.LEAD_DATA_SCIENTIST: return this.leadDataScientistRole;
      case Persona.MLOPS_ENGINEER: return this.mlopsEngineerRole;
      case Persona.AUDITOR: return this.auditorRole;
      default: throw new Error(`PersonaRoles.role: unknown persona ${persona}`);
    }
  }

  /**
   * The customer-managed policy with a persona's own permissions (besides the guardrail policy).
   * @param persona which persona
   */
  public permissionsPolicy(persona: Persona): iam.ManagedPolicy {
    const policy = this.policies.get(persona);
    if (!policy) throw new Error(`PersonaRoles.permissionsPolicy: unknown persona ${persona}`);
    return policy;
  }
}

/**
 * The ARN pattern of every object of a bucket. A literal `arn:aws:s3:::name` becomes
 * `arn:aws:s3:*:*:name/*` (the empty region and account match `*`): the `:::` of S3 ARNs would put a
 * second `::` into the cdk-nag finding id, which aws-cdk-lib refuses to acknowledge.
 */
function objectsArn(bucketArn: string): string {
  const literal = Token.isUnresolved(bucketArn) ? undefined : /^arn:([a-z-]+):s3:::(.+)$/.exec(bucketArn);
  return literal ? `arn:${literal[1]}:s3:*:*:${literal[2]}/*` : `${bucketArn}/*`;
}

/** Builds the statements of each persona for one environment. */
class PersonaStatements {
  private readonly sagemakerArn: string;
  private readonly partition: string;
  constructor(private readonly stack: Stack, private readonly props: PersonaRolesProps) {
    this.partition = literalPartition(stack);
    this.sagemakerArn = this.arn('sagemaker', '*');
  }

  public forPersona(persona: Persona): PersonaPolicy {
    const env = this.props.environment;
    if (persona === Persona.AUDITOR) {
      return {
        allows: [this.sageMakerRead(), this.metricsRead(), ...this.auditRead()],
        denies: [this.denyMutations(true), this.denyDataReads()],
      };
    }
    const mlops = persona === Persona.MLOPS_ENGINEER;
    switch (env) {
      case PersonaEnvironment.EXPERIMENTATION:
        return {
          allows: [
            this.sageMakerRead(), this.metricsRead(), this.logsRead(false), ...this.logsQuery(),
            this.experimentation(), this.studioAccess(), ...this.registry(persona === Persona.LEAD_DATA_SCIENTIST),
            ...(mlops ? this.mlopsTooling() : []), ...this.dataAccess(),
          ],
          denies: [this.denyStudioUserTagChanges(), ...(persona === Persona.LEAD_DATA_SCIENTIST ? [] : [this.denyModelApproval()])],
        };
      case PersonaEnvironment.DEV:
        return {
          allows: [this.sageMakerRead(), this.metricsRead(), this.logsRead(mlops), ...this.logsQuery(), this.invokeEndpoints(),
            ...(mlops ? [this.stacksRead()] : [])],
          denies: [this.denyMutations(false)],
        };
      default:
        return {
          allows: [this.sageMakerRead(), this.metricsRead(), ...(mlops ? [this.logsRead(true), ...this.logsQuery(), this.stacksRead()] : [])],
          denies: [this.denyMutations(true)],
        };
    }
  }

  private arn(service: string, resource: string, resourceName?: string, arnFormat?: ArnFormat): string {
    return this.stack.formatArn({ partition: this.partition, service, resource, resourceName, arnFormat });
  }

  private sageMakerRead(): ReasonedStatement {
    return {
      statement: new iam.PolicyStatement({
        sid: 'SageMakerRead',
        actions: ['sagemaker:Describe*', 'sagemaker:List*', 'sagemaker:Search', 'sagemaker:GetSearchSuggestions',
          'sagemaker:BatchDescribeModelPackage', 'sagemaker:GetModelPackageGroupPolicy', 'sagemaker:BatchGetMetrics'],
        resources: ['*'],
      }),
      wildcardReason: 'SageMaker metadata reads: the List and Search actions support no resource-level permissions, and Describe covers the read-only describe calls of every SageMaker resource type',
    };
  }

  private metricsRead(): ReasonedStatement {
    return {
      statement: new iam.PolicyStatement({
        sid: 'MetricsRead',
        actions: ['cloudwatch:GetMetricData', 'cloudwatch:GetMetricStatistics', 'cloudwatch:ListMetrics', 'cloudwatch:DescribeAlarms',
          'cloudwatch:DescribeAlarmHistory'],
        resources: ['*'],
      }),
      wildcardReason: 'CloudWatch metric reads support no resource-level permissions; alarms are read-only here',
    };
  }

  /** Reads of SageMaker log groups (and, with `pipelines`, CodeBuild and Lambda logs of the deployment tooling). */
  private logsRead(pipelines: boolean): ReasonedStatement {
    const groups = ['/aws/sagemaker/*', ...(pipelines ? ['/aws/codebuild/*', '/aws/lambda/*'] : [])];
    return {
      statement: new iam.PolicyStatement({
        sid: 'LogsRead',
        actions: ['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery'],
        resources: groups.map((g) => this.arn('logs', 'log-group', `${g}`, ArnFormat.COLON_RESOURCE_NAME)),
      }),
      wildcardReason: 'Log reads limited to the log groups that SageMaker (and the deployment tooling) create, whose names carry job and endpoint names chosen at run time',
    };
  }

  private logsQuery(): ReasonedStatement[] {
    return [{
      statement: new iam.PolicyStatement({
        sid: 'LogsQuery',
        actions: ['logs:DescribeLogGroups', 'logs:GetQueryResults', 'logs:StopQuery', 'logs:DescribeQueries'],
        resources: ['*'],
      }),
      wildcardReason: 'Listing log groups and reading Logs Insights query results support no resource-level permissions; the data is limited by the log groups StartQuery may use',
    }];
  }

  private invokeEndpoints(): ReasonedStatement {
    return {
      statement: new iam.PolicyStatement({
        sid: 'InvokeEndpoints',
        actions: SAGEMAKER_INVOKE,
        resources: [this.arn('sagemaker', 'endpoint', '*'), this.arn('sagemaker', 'inference-component', '*')],
      }),
      wildcardReason: 'Troubleshooting invokes the endpoints of this account and region, whose names the deployment pipelines choose',
    };
  }

  private stacksRead(): ReasonedStatement {
    return {
      statement: new iam.PolicyStatement({
        sid: 'StacksRead',
        actions: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStackResources',
          'cloudformation:GetTemplate', 'cloudformation:ListStackResources'],
        resources: [this.arn('cloudformation', 'stack', '*')],
      }),
      wildcardReason: 'MLOps engineers read the deployment stacks of this account and region, whose names come from the use cases',
    };
  }

  /** Experiments, jobs, models, endpoints and pipelines in EXP; the guardrail policy denies every non-compliant request. */
  private experimentation(): ReasonedStatement {
    return {
      statement: new iam.PolicyStatement({
        sid: 'Experimentation',
        actions: [
          'CreateTrainingJob', 'StopTrainingJob', 'CreateProcessingJob', 'StopProcessingJob', 'CreateHyperParameterTuningJob',
          'StopHyperParameterTuningJob', 'CreateTransformJob', 'StopTransformJob', 'CreateAutoMLJob', 'CreateAutoMLJobV2', 'StopAutoMLJob',
          'CreateModel', 'DeleteModel', 'CreateEndpointConfig', 'DeleteEndpointConfig', 'CreateEndpoint', 'UpdateEndpoint', 'DeleteEndpoint',
          'InvokeEndpoint', 'InvokeEndpointAsync', 'CreateExperiment', 'UpdateExperiment', 'DeleteExperiment', 'CreateTrial', 'UpdateTrial',
          'DeleteTrial', 'CreateTrialComponent', 'UpdateTrialComponent', 'DeleteTrialComponent', 'AssociateTrialComponent',
          'DisassociateTrialComponent', 'BatchPutMetrics', 'CreatePipeline', 'UpdatePipeline', 'StartPipelineExecution',
          'StopPipelineExecution', 'RetryPipelineExecution', 'SendPipelineExecutionStepSuccess', 'SendPipelineExecutionStepFailure',
          'CreateModelPackageGroup', 'AddTags',
        ].map((a) => `sagemaker:${a}`),
        resources: [this.sagemakerArn],
      }),
      wildcardReason: 'The actions are enumerated and each applies only to its own resource type; the ARN pins this account and region because job, model and endpoint names are chosen at run time',
    };
  }

  /** Studio: only one's own user profile (resource tag `studio-user` = session tag `studio-user`). */
  private studioAccess(): ReasonedStatement {
    return {
      statement: new iam.PolicyStatement({
        sid: 'OwnStudioUserProfile',
        actions: ['sagemaker:CreatePresignedDomainUrl'],
        resources: [this.arn('sagemaker', 'user-profile', '*')],
        conditions: { StringEquals: { [`aws:ResourceTag/${STUDIO_USER_TAG}`]: `\${aws:PrincipalTag/${STUDIO_USER_TAG}}` } },
      }),
      wildcardReason: 'Studio user profiles of this account and region, restricted by the condition to the profile tagged with the caller\'s own studio-user session tag',
    };
  }

  /** Model registry: everybody registers versions pending approval; leads also approve, reject and delete. */
  private registry(lead: boolean): ReasonedStatement[] {
    const reason = 'Model package ARNs carry group names and version numbers chosen when models are registered; the ARN pins this account and region';
    const statements: ReasonedStatement[] = [{
      statement: new iam.PolicyStatement({
        sid: 'RegisterModels',
        actions: ['sagemaker:CreateModelPackage'],
        resources: [this.arn('sagemaker', 'model-package', '*')],
        conditions: { StringEqualsIfExists: { 'sagemaker:ModelApprovalStatus': 'PendingManualApproval' } },
      }),
      wildcardReason: reason,
    }];
    if (lead) {
      statements.push({
        statement: new iam.PolicyStatement({
          sid: 'ApproveModels',
          actions: ['sagemaker:UpdateModelPackage', 'sagemaker:DeleteModelPackage', 'sagemaker:DeleteModelPackageGroup'],
          resources: [this.arn('sagemaker', 'model-package', '*'), this.arn('sagemaker', 'model-package-group', '*')],
        }),
        wildcardReason: reason,
      });
    } else {
      statements.push({
        statement: new iam.PolicyStatement({
          sid: 'UpdateModelVersionMetadata',
          actions: ['sagemaker:UpdateModelPackage'],
          resources: [this.arn('sagemaker', 'model-package', '*')],
          conditions: { Null: { 'sagemaker:ModelApprovalStatus': 'true' } },
        }),
        wildcardReason: reason,
      });
    }
    return statements;
  }

  /** The `studio-user` tag decides whose Studio profile one may open: nobody may set or remove it. */
  private denyStudioUserTagChanges(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'NoStudioUserTagChanges',
      effect: iam.Effect.DENY,
      actions: ['sagemaker:AddTags', 'sagemaker:DeleteTags'],
      resources: ['*'],
      conditions: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [STUDIO_USER_TAG] } },
    });
  }

  private denyModelApproval(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'OnlyLeadsApproveModels',
      effect: iam.Effect.DENY,
      actions: ['sagemaker:CreateModelPackage', 'sagemaker:UpdateModelPackage'],
      resources: ['*'],
      conditions: { StringEquals: { 'sagemaker:ModelApprovalStatus': ['Approved', 'Rejected'] } },
    });
  }

  private mlopsTooling(): ReasonedStatement[] {
    return [{
      statement: new iam.PolicyStatement({
        sid: 'MlopsTooling',
        actions: [
          'CreateMonitoringSchedule', 'UpdateMonitoringSchedule', 'DeleteMonitoringSchedule', 'StartMonitoringSchedule',
          'StopMonitoringSchedule', 'CreateDataQualityJobDefinition', 'CreateModelQualityJobDefinition', 'CreateModelBiasJobDefinition',
          'CreateModelExplainabilityJobDefinition', 'DeleteDataQualityJobDefinition', 'DeleteModelQualityJobDefinition',
          'DeleteModelBiasJobDefinition', 'DeleteModelExplainabilityJobDefinition', 'PutModelPackageGroupPolicy',
          'DeleteModelPackageGroupPolicy', 'DeletePipeline', 'CreateProject', 'UpdateProject', 'DeleteProject',
        ].map((a) => `sagemaker:${a}`),
        resources: [this.sagemakerArn],
      }),
      wildcardReason: 'The actions are enumerated and each applies only to its own resource type; the ARN pins this account and region because schedule, definition and project names are chosen at run time',
    }, {
      statement: new iam.PolicyStatement({
        sid: SERVICE_CATALOG_SID,
        actions: ['servicecatalog:SearchProducts', 'servicecatalog:DescribeProduct', 'servicecatalog:DescribeProductView',
          'servicecatalog:DescribeProvisioningParameters', 'servicecatalog:ListLaunchPaths', 'servicecatalog:ProvisionProduct',
          'servicecatalog:UpdateProvisionedProduct', 'servicecatalog:TerminateProvisionedProduct', 'servicecatalog:DescribeRecord',
          'servicecatalog:SearchProvisionedProducts', 'servicecatalog:DescribeProvisionedProduct'],
        resources: ['*'],
      }),
      wildcardReason: 'Service Catalog end-user actions support no resource-level permissions; the launch constraint role, not the engineer, creates the resources',
    }];
  }

  private dataAccess(): ReasonedStatement[] {
    const statements: ReasonedStatement[] = [];
    const buckets = this.props.dataBucketArns ?? [];
    if (buckets.length > 0) {
      statements.push({
        statement: new iam.PolicyStatement({ sid: 'DataBuckets', actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: buckets }),
      }, {
        statement: new iam.PolicyStatement({
          sid: 'DataObjects',
          actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
          resources: buckets.map(objectsArn),
        }),
        wildcardReason: 'Objects of the named experimentation buckets, whose keys are chosen by the data scientists',
      });
    }
    const keys = this.props.kmsKeyArns ?? [];
    if (keys.length > 0) {
      statements.push({
        statement: new iam.PolicyStatement({
          sid: 'UseKeys',
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:DescribeKey'],
          resources: keys,
        }),
      }, {
        statement: new iam.PolicyStatement({
          sid: 'GrantKeysToSageMaker',
          actions: ['kms:CreateGrant'],
          resources: keys,
          conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
      });
    }
    const roles = this.props.passableRoleArns ?? [];
    if (roles.length > 0) {
      statements.push({
        statement: new iam.PolicyStatement({
          sid: 'PassExecutionRoles',
          actions: ['iam:PassRole'],
          resources: roles,
          conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
        }),
      });
    }
    return statements;
  }

  private auditRead(): ReasonedStatement[] {
    return [{
      statement: new iam.PolicyStatement({
        sid: 'AuditRead',
        actions: [
          'cloudtrail:LookupEvents', 'cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors',
          'config:Describe*', 'config:Get*', 'config:List*', 'iam:Get*', 'iam:List*', 'iam:GenerateCredentialReport',
          'access-analyzer:List*', 'access-analyzer:Get*', 'kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus',
          'kms:ListKeys', 'kms:ListAliases', 'kms:ListResourceTags', 's3:ListAllMyBuckets', 's3:GetBucketPolicy',
          's3:GetEncryptionConfiguration', 's3:GetBucketPublicAccessBlock', 's3:GetBucketVersioning', 's3:GetBucketLogging',
          'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcEndpoints', 'logs:DescribeLogGroups',
        ],
        resources: ['*'],
      }),
      wildcardReason: 'An auditor reviews the configuration of every resource of the account: these read-only configuration and audit-trail actions apply to all resources by design',
    }];
  }

  /** People outside EXP and auditors change nothing in SageMaker (and, with `invoke`, invoke no endpoint). */
  private denyMutations(invoke: boolean): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: invoke ? 'ReadOnlySageMaker' : 'NoSageMakerChanges',
      effect: iam.Effect.DENY,
      actions: [...SAGEMAKER_MUTATIONS, ...(invoke ? SAGEMAKER_INVOKE : [])],
      resources: ['*'],
    });
  }

  private denyDataReads(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'NoDataReads',
      effect: iam.Effect.DENY,
      actions: ['s3:GetObject', 's3:GetObjectVersion', 'sagemaker:GetRecord', 'sagemaker:BatchGetRecord', 'logs:GetLogEvents',
        'logs:FilterLogEvents', 'logs:StartQuery'],
      resources: ['*'],
    });
  }
}
