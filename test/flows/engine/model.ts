/**
 * The model the flows are evaluated against, read from the synthesized templates of every account:
 * roles (identity policies, boundary, trust, tags), resource policies by resource ARN (bucket, key,
 * repository, model package group, event bus, topic, queue), the KMS key behind each SSE-KMS bucket,
 * security groups with their rules, and the VPC endpoints of each VPC.
 *
 * Values that cross stacks through SSM parameters (`/vwml/platform/*`) resolve to the value the
 * platform stack of the same account writes, so fake names agree across templates. Every policy and
 * security-group rule carries a label (`stack|logicalId|path`) by which the mutation run removes it.
 */
import { createHash } from 'crypto';
import { FlowStack } from './assembly';
import { bootstrapRoles } from './bootstrap';
import { SHARED_ENDPOINTS_METADATA } from '../../../src/blueprint/platform/platform-account-stack';
import { TemplatePolicies, PolicyDocumentJson } from '../../helpers/iam-simulator';

/** A policy document and where it comes from (`stack|logicalId|path`). */
export interface LabeledPolicy {
  /** `stack|logicalId|path`, e.g. `WeldGunTraining|BuildPipelineDataAccessPolicy3786006D|PolicyDocument`. */
  readonly label: string;
  /** The resolved document. */
  readonly doc: PolicyDocumentJson;
}

/** A role read from a template. */
export interface RoleModel {
  /** The role ARN (named roles: their name; others: their logical id as fake name). */
  readonly arn: string;
  /** The stack it is in. */
  readonly stack: string;
  /** Its logical id. */
  readonly logicalId: string;
  /** Its account. */
  readonly account: string;
  /** Identity policies: managed (of any stack of the account) and inline. */
  readonly identity: LabeledPolicy[];
  /** AWS managed policies it has (not simulated). */
  readonly awsManaged: string[];
  /** Its permissions boundary. */
  readonly boundary?: LabeledPolicy;
  /** Its tags, as `aws:PrincipalTag/<key>` context. */
  readonly tags: Record<string, string>;
}

/** One security-group rule. */
export interface SgRule {
  /** `stack|logicalId|path` of the rule. */
  readonly label: string;
  readonly direction: 'ingress' | 'egress';
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidr?: string;
  readonly peerGroupId?: string;
  readonly prefixListId?: string;
}

/** A security group. */
export interface SecurityGroupModel {
  readonly id: string;
  readonly label: string;
  readonly vpcId: string;
  readonly rules: SgRule[];
}

/** A VPC endpoint. */
export interface EndpointModel {
  readonly label: string;
  /** Its (fake) id, the value of `aws:SourceVpce` for calls through it. */
  readonly id: string;
  /** Its endpoint policy, if it has one. */
  readonly policy?: LabeledPolicy;
  readonly vpcId: string;
  /** e.g. `sagemaker.api`, `s3`. */
  readonly service: string;
  readonly type: string;
  readonly privateDns: boolean;
  readonly securityGroupIds: string[];
  readonly routeTableIds: string[];
}

/** Everything the evaluation needs. */
export interface FlowModel {
  readonly stacks: FlowStack[];
  readonly roles: Map<string, RoleModel>;
  /** Resource ARN (bucket, key, repository, group, bus, topic, queue) -> its policy. */
  readonly resourcePolicies: Map<string, LabeledPolicy>;
  /** Bucket name -> the KMS key ARN of its default SSE-KMS encryption. */
  readonly bucketKeys: Map<string, string>;
  /** Key ARN -> its alias names (`kms:ResourceAliases`). */
  readonly keyAliases: Map<string, string[]>;
  /** Resource ARN -> its tags (`aws:ResourceTag/<key>` context), for the resources that flows tag-check. */
  readonly resourceTags: Map<string, Record<string, string>>;
  /** ARNs of the Service Catalog products of the templates. */
  readonly catalogProducts: Set<string>;
  /** Buckets with S3 Bucket Keys on (their KMS encryption context is the bucket ARN, else the object ARN). */
  readonly bucketKeyEnabled: Set<string>;
  /** Bucket name -> the account that owns it. */
  readonly bucketAccounts: Map<string, string>;
  readonly securityGroups: Map<string, SecurityGroupModel>;
  readonly endpoints: EndpointModel[];
  /** VPC id -> CIDR. */
  readonly vpcCidrs: Map<string, string>;
  /** VPCs that reach AWS services through the landing zone's shared interface endpoints (the platform's `sharedEndpoints`). */
  readonly sharedEndpointVpcs: Set<string>;
  /** `account|ssm parameter name` -> value. */
  readonly ssm: Map<string, string>;
  /** Resolves a value of a stack's template. */
  resolve(stack: string, value: unknown): any;
  /** Finds a stack by name (`WeldGunTraining`). */
  stack(name: string): FlowStack;
  /** The logical id in `stack` that starts with `prefix` followed by the 8-character hash. */
  logicalId(stack: string, prefix: string): string;
}

const NAME_PROPERTY: Record<string, string> = {
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::Events::EventBus': 'Name',
  'AWS::ECR::Repository': 'RepositoryName',
  'AWS::SageMaker::ModelPackageGroup': 'ModelPackageGroupName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::CodeBuild::Project': 'Name',
  'AWS::CodePipeline::Pipeline': 'Name',
  'AWS::SageMaker::Endpoint': 'EndpointName',
  'AWS::SageMaker::Pipeline': 'PipelineName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::ApiGateway::Stage': 'StageName',
};

const asArray = (v: unknown): any[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Fake names and ARNs for resources whose `Ref`/`GetAtt` the generic resolver gets wrong. */
function references(stack: FlowStack, ssm: Map<string, string>): Record<string, string> {
  const refs: Record<string, string> = {};
  const { account, region } = stack;
  const t = stack.template;
  for (const [name, p] of Object.entries<any>(t.Parameters ?? {})) {
    if (String(p.Type).startsWith('AWS::SSM::Parameter::Value') && ssm.has(`${account}|${p.Default}`)) refs[name] = ssm.get(`${account}|${p.Default}`)!;
  }
  for (const [id, r] of Object.entries<any>(t.Resources ?? {})) {
    const p = r.Properties ?? {};
    const named = NAME_PROPERTY[r.Type];
    const name = named && typeof p[named] === 'string' ? p[named] : id;
    // Generated names and ids are unique per stack (the stage stacks share their logical ids).
    const unique = (prefix: string) => `${prefix}${createHash('sha256').update(`${stack.stackName}/${id}`).digest('hex').slice(0, 17)}`;
    switch (r.Type) {
      case 'AWS::S3::Bucket':
        if (typeof p.BucketName !== 'string') refs[id] = `${stack.stackName}-${id}`.toLowerCase().slice(0, 63);
        break;
      // unnamed roles and managed policies get CloudFormation's `<stack name>-<logical id>-<suffix>`, so
      // that the stage and use-case stacks, which share logical ids, do not share a fake name
      case 'AWS::IAM::ManagedPolicy':
        if (typeof p.ManagedPolicyName !== 'string') refs[id] = `arn:aws:iam::${account}:policy${p.Path ?? '/'}${stack.stackName}-${id}`;
        break;
      case 'AWS::IAM::Role':
        if (typeof p.RoleName !== 'string') {
          refs[id] = generatedRoleName(stack.stackName, id);
          refs[`${id}.Arn`] = `arn:aws:iam::${account}:role${p.Path ?? '/'}${refs[id]}`;
        }
        break;
      case 'AWS::EC2::SecurityGroup':
        refs[id] = unique('sg-');
        refs[`${id}.GroupId`] = refs[id];
        break;
      case 'AWS::EC2::Subnet':
        refs[id] = unique('subnet-');
        break;
      case 'AWS::EC2::RouteTable':
        refs[id] = unique('rtb-');
        break;
      case 'AWS::EC2::VPCEndpoint':
        refs[id] = unique('vpce-');
        break;
      case 'AWS::SNS::Topic':
        refs[id] = `arn:aws:sns:${region}:${account}:${name}`;
        refs[`${id}.TopicArn`] = refs[id];
        break;
      case 'AWS::SQS::Queue':
        refs[id] = `https://sqs.${region}.amazonaws.com/${account}/${name}`;
        refs[`${id}.Arn`] = `arn:aws:sqs:${region}:${account}:${name}`;
        break;
      case 'AWS::Events::EventBus':
        refs[id] = name;
        refs[`${id}.Arn`] = `arn:aws:events:${region}:${account}:event-bus/${name}`;
        break;
      case 'AWS::ECR::Repository':
        refs[id] = name;
        refs[`${id}.Arn`] = `arn:aws:ecr:${region}:${account}:repository/${name}`;
        break;
      case 'AWS::SageMaker::UserProfile': {
        const domain = p.DomainId?.['Fn::GetAtt']?.[0] ?? 'domain';
        refs[`${id}.UserProfileArn`] = `arn:aws:sagemaker:${region}:${account}:user-profile/domainid-${String(domain).toLowerCase()}/${p.UserProfileName}`;
        break;
      }
      case 'AWS::CodeArtifact::Domain':
        refs[`${id}.Name`] = p.DomainName;
        refs[`${id}.Arn`] = `arn:aws:codeartifact:${region}:${account}:domain/${p.DomainName}`;
        break;
      case 'AWS::CodeArtifact::Repository': {
        // DomainName is a GetAtt of the domain in the same template: resolve it through the domain's own name
        const domainId = p.DomainName?.['Fn::GetAtt']?.[0];
        const domain = typeof p.DomainName === 'string' ? p.DomainName : t.Resources?.[domainId]?.Properties?.DomainName;
        refs[`${id}.Name`] = p.RepositoryName;
        refs[`${id}.Arn`] = `arn:aws:codeartifact:${region}:${account}:repository/${domain}/${p.RepositoryName}`;
        break;
      }
      case 'AWS::SageMaker::ModelPackageGroup':
        refs[id] = name;
        refs[`${id}.ModelPackageGroupArn`] = `arn:aws:sagemaker:${region}:${account}:model-package-group/${name}`;
        break;
      case 'AWS::Lambda::Function':
        refs[id] = name;
        refs[`${id}.Arn`] = `arn:aws:lambda:${region}:${account}:function:${name}`;
        break;
      case 'AWS::EC2::VPC':
        refs[id] = unique('vpc-');
        if (typeof p.CidrBlock === 'string') refs[`${id}.CidrBlock`] = p.CidrBlock;
        break;
      default:
        if (named) refs[id] = name;
    }
  }
  // Attributes the generic resolver has no fake for (e.g. a Studio DomainId): a stable fake value.
  const handled = new Set(['AWS::IAM::Role.RoleId', 'AWS::S3::Bucket.DomainName', 'AWS::KMS::Key.KeyId', 'AWS::EC2::SecurityGroup.GroupId']);
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {v.forEach(visit);} else if (v && typeof v === 'object') {
      const getAtt = (v as any)['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && typeof getAtt[1] === 'string') {
        const [id, attr] = getAtt;
        const type = t.Resources?.[id]?.Type;
        if (type && !attr.endsWith('Arn') && !handled.has(`${type}.${attr}`) && refs[`${id}.${attr}`] === undefined) refs[`${id}.${attr}`] = `${attr.toLowerCase()}-${id.toLowerCase()}`;
      }
      Object.values(v).forEach(visit);
    }
  };
  visit(t.Resources);
  return refs;
}

function policyOf(label: string, doc: any): LabeledPolicy {
  return { label, doc: { Version: doc.Version ?? '2012-10-17', Statement: asArray(doc.Statement) } };
}

/** Builds the model of the given stacks (the mutation run passes mutated copies). */
export function buildFlowModel(stacks: FlowStack[]): FlowModel {
  // SSM parameters first: they are the cross-stack references.
  const ssm = new Map<string, string>();
  const resolvers = new Map<string, TemplatePolicies>();
  const resolverOf = (s: FlowStack) => {
    let r = resolvers.get(s.name);
    if (!r) {
      // keys of the same logical id in several stacks (each use case's data and artifact keys) get their own ARN
      r = new TemplatePolicies(s.template, { account: s.account, region: s.region, references: references(s, ssm), fakeIdSeed: `${s.stackName}/` });
      resolvers.set(s.name, r);
    }
    return r;
  };
  const ordered = [...stacks].sort((a, b) => Number(b.name.startsWith('Platform')) - Number(a.name.startsWith('Platform')));
  for (const s of ordered.filter((x) => x.name.startsWith('Platform'))) {
    for (const r of Object.values<any>(s.template.Resources ?? {})) {
      if (r.Type === 'AWS::SSM::Parameter') ssm.set(`${s.account}|${r.Properties.Name}`, String(resolverOf(s).resolve(r.Properties.Value)));
    }
  }
  const managed = new Map<string, LabeledPolicy>();
  const roles = new Map<string, RoleModel>();
  const resourcePolicies = new Map<string, LabeledPolicy>();
  const bucketKeys = new Map<string, string>();
  const bucketAccounts = new Map<string, string>();
  const bucketKeyEnabled = new Set<string>();
  const keyAliases = new Map<string, string[]>();
  const resourceTags = new Map<string, Record<string, string>>();
  const catalogProducts = new Set<string>();
  const securityGroups = new Map<string, SecurityGroupModel>();
  const endpoints: EndpointModel[] = [];
  const vpcCidrs = new Map<string, string>();
  const sharedEndpointVpcs = new Set<string>();
  const looseRules: Array<{ groupId: string; rule: SgRule }> = [];
  const attachments: Array<{ account: string; role: string; policy: LabeledPolicy }> = [];

  for (const s of ordered) {
    const res = resolverOf(s);
    for (const [id, r] of Object.entries<any>(s.template.Resources ?? {})) {
      const p = r.Properties ?? {};
      const label = (path: string) => `${s.name}|${id}|${path}`;
      switch (r.Type) {
        case 'AWS::IAM::ManagedPolicy':
        case 'AWS::IAM::Policy': {
          const policy = policyOf(label('PolicyDocument'), res.resolve(p.PolicyDocument));
          if (r.Type === 'AWS::IAM::ManagedPolicy') managed.set(res.refOf(id), policy);
          for (const role of asArray(p.Roles)) attachments.push({ account: s.account, role: String(res.resolve(role)), policy });
          break;
        }
        case 'AWS::S3::BucketPolicy':
          resourcePolicies.set(`arn:aws:s3:::${res.resolve(p.Bucket)}`, policyOf(label('PolicyDocument'), res.resolve(p.PolicyDocument)));
          break;
        case 'AWS::S3::Bucket': {
          bucketAccounts.set(res.refOf(id), s.account);
          const rule = asArray(p.BucketEncryption?.ServerSideEncryptionConfiguration)[0];
          const sse = rule?.ServerSideEncryptionByDefault;
          if (rule?.BucketKeyEnabled === true) bucketKeyEnabled.add(res.refOf(id));
          if (sse?.SSEAlgorithm === 'aws:kms' && sse.KMSMasterKeyID) bucketKeys.set(res.refOf(id), String(res.resolve(sse.KMSMasterKeyID)));
          break;
        }
        case 'AWS::KMS::Key':
          resourcePolicies.set(res.getAttOf(id, 'Arn'), policyOf(label('KeyPolicy'), res.resolve(p.KeyPolicy)));
          // KMS evaluates aws:ResourceTag on the key's own tags
          if (p.Tags) resourceTags.set(res.getAttOf(id, 'Arn'), Object.fromEntries(asArray(p.Tags).map((t) => [`aws:ResourceTag/${t.Key}`, String(res.resolve(t.Value))])));
          break;
        case 'AWS::KMS::Alias': {
          const key = String(res.resolve(p.TargetKeyId));
          const arn = key.startsWith('arn:') ? key : `arn:aws:kms:${s.region}:${s.account}:key/${key}`;
          keyAliases.set(arn, [...(keyAliases.get(arn) ?? []), p.AliasName]);
          break;
        }
        case 'AWS::SageMaker::UserProfile':
          resourceTags.set(res.getAttOf(id, 'UserProfileArn'), Object.fromEntries(asArray(p.Tags).map((t) => [`aws:ResourceTag/${t.Key}`, String(res.resolve(t.Value))])));
          break;
        case 'AWS::ServiceCatalog::CloudFormationProduct':
          catalogProducts.add(`arn:aws:catalog:${s.region}:${s.account}:product/${res.refOf(id)}`);
          break;
        case 'AWS::CodeArtifact::Domain':
          if (p.PermissionsPolicyDocument) resourcePolicies.set(res.getAttOf(id, 'Arn'), policyOf(label('PermissionsPolicyDocument'), res.resolve(p.PermissionsPolicyDocument)));
          break;
        case 'AWS::CodeArtifact::Repository':
          if (p.PermissionsPolicyDocument) {
            resourcePolicies.set(`arn:aws:codeartifact:${s.region}:${s.account}:repository/${res.resolve(p.DomainName)}/${p.RepositoryName}`,
              policyOf(label('PermissionsPolicyDocument'), res.resolve(p.PermissionsPolicyDocument)));
          }
          break;
        case 'AWS::ECR::Repository':
          if (p.RepositoryPolicyText) resourcePolicies.set(res.getAttOf(id, 'Arn'), policyOf(label('RepositoryPolicyText'), res.resolve(p.RepositoryPolicyText)));
          break;
        case 'AWS::SageMaker::ModelPackageGroup':
          if (p.ModelPackageGroupPolicy) resourcePolicies.set(res.getAttOf(id, 'ModelPackageGroupArn'), policyOf(label('ModelPackageGroupPolicy'), res.resolve(p.ModelPackageGroupPolicy)));
          break;
        case 'AWS::Events::EventBusPolicy': {
          const busArn = `arn:aws:events:${s.region}:${s.account}:event-bus/${res.resolve(p.EventBusName)}`;
          const doc = p.Statement ? { Statement: [res.resolve(p.Statement)] } : res.resolve(p.Policy);
          const prev = resourcePolicies.get(busArn);
          const merged = policyOf(label('Statement'), doc);
          // Several EventBusPolicy resources make one policy; keep each statement's own label through a joined label.
          resourcePolicies.set(busArn, prev ? { label: `${prev.label}+${merged.label}`, doc: { Version: '2012-10-17', Statement: [...asArray(prev.doc.Statement), ...asArray(merged.doc.Statement)] } } : merged);
          break;
        }
        case 'AWS::Lambda::Permission': {
          // Each permission is one statement of the function's resource policy.
          const fn = String(res.resolve(p.FunctionName));
          const arn = fn.startsWith('arn:') ? fn : `arn:aws:lambda:${s.region}:${s.account}:function:${fn}`;
          const principal = String(res.resolve(p.Principal));
          const condition: Record<string, Record<string, string>> = {};
          if (p.SourceArn) condition.ArnLike = { 'aws:SourceArn': String(res.resolve(p.SourceArn)) };
          if (p.SourceAccount) condition.StringEquals = { 'aws:SourceAccount': String(res.resolve(p.SourceAccount)) };
          const statement = {
            Effect: 'Allow',
            Principal: principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
            Action: String(res.resolve(p.Action)),
            Resource: arn,
            ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
          };
          const prev = resourcePolicies.get(arn);
          resourcePolicies.set(arn, prev
            ? { label: `${prev.label}+${label('')}`, doc: { Version: '2012-10-17', Statement: [...asArray(prev.doc.Statement), statement] } }
            : { label: label(''), doc: { Version: '2012-10-17', Statement: [statement] } });
          break;
        }
        case 'AWS::SNS::TopicPolicy':
        case 'AWS::SQS::QueuePolicy': {
          const targets = asArray(r.Type === 'AWS::SNS::TopicPolicy' ? p.Topics : p.Queues).map((x) => String(res.resolve(x)));
          for (const t of targets) {
            const arn = t.startsWith('https://') ? `arn:aws:sqs:${s.region}:${t.split('/')[3]}:${t.split('/')[4]}` : t;
            resourcePolicies.set(arn, policyOf(label('PolicyDocument'), res.resolve(p.PolicyDocument)));
          }
          break;
        }
        case 'AWS::EC2::VPC':
          vpcCidrs.set(res.refOf(id), String(res.resolve(p.CidrBlock)));
          break;
        case 'AWS::EC2::SecurityGroup': {
          const groupId = res.getAttOf(id, 'GroupId');
          const rules: SgRule[] = [];
          asArray(p.SecurityGroupIngress).forEach((x, i) => rules.push(ruleOf(label(`SecurityGroupIngress.${i}`), 'ingress', res.resolve(x))));
          asArray(p.SecurityGroupEgress).forEach((x, i) => rules.push(ruleOf(label(`SecurityGroupEgress.${i}`), 'egress', res.resolve(x))));
          securityGroups.set(groupId, { id: groupId, label: label(''), vpcId: String(res.resolve(p.VpcId)), rules });
          if (r.Metadata?.[SHARED_ENDPOINTS_METADATA] !== undefined) sharedEndpointVpcs.add(String(res.resolve(p.VpcId)));
          break;
        }
        case 'AWS::EC2::SecurityGroupIngress':
        case 'AWS::EC2::SecurityGroupEgress': {
          const x = res.resolve(p);
          looseRules.push({ groupId: String(x.GroupId), rule: ruleOf(label(''), r.Type.endsWith('Ingress') ? 'ingress' : 'egress', x) });
          break;
        }
        case 'AWS::EC2::VPCEndpoint':
          endpoints.push({
            label: label(''),
            id: res.refOf(id),
            policy: p.PolicyDocument ? policyOf(label('PolicyDocument'), res.resolve(p.PolicyDocument)) : undefined,
            vpcId: String(res.resolve(p.VpcId)),
            service: String(res.resolve(p.ServiceName)).replace(/^com\.amazonaws\.[a-z0-9-]+\./, ''),
            type: p.VpcEndpointType ?? 'Gateway',
            privateDns: p.PrivateDnsEnabled === true,
            securityGroupIds: asArray(res.resolve(p.SecurityGroupIds)).map(String),
            routeTableIds: asArray(res.resolve(p.RouteTableIds)).map(String),
          });
          break;
        default:
      }
    }
  }
  for (const { groupId, rule } of looseRules) securityGroups.get(groupId)?.rules.push(rule);

  for (const s of ordered) {
    const res = resolverOf(s);
    for (const [id, r] of Object.entries<any>(s.template.Resources ?? {})) {
      if (r.Type !== 'AWS::IAM::Role') continue;
      const p = r.Properties ?? {};
      const arn = res.getAttOf(id, 'Arn');
      const name = res.refOf(id);
      resourcePolicies.set(arn, policyOf(`${s.name}|${id}|AssumeRolePolicyDocument`, res.resolve(p.AssumeRolePolicyDocument)));
      const identity: LabeledPolicy[] = [];
      const awsManaged: string[] = [];
      for (const m of asArray(p.ManagedPolicyArns)) {
        const a = String(res.resolve(m));
        const doc = managed.get(a);
        if (doc) identity.push(doc);
        else awsManaged.push(a);
      }
      asArray(p.Policies).forEach((x, i) => identity.push(policyOf(`${s.name}|${id}|Policies.${i}.PolicyDocument`, res.resolve(x.PolicyDocument))));
      for (const a of attachments) {
        if (a.account === s.account && (a.role === name || a.role === id) && !identity.includes(a.policy)) identity.push(a.policy);
      }
      const boundary = p.PermissionsBoundary === undefined ? undefined : managed.get(String(res.resolve(p.PermissionsBoundary)));
      if (p.PermissionsBoundary !== undefined && !boundary) throw new Error(`flows: the boundary of ${s.name}/${id} (${JSON.stringify(res.resolve(p.PermissionsBoundary))}) is in no template`);
      const tags: Record<string, string> = {};
      for (const t of asArray(p.Tags)) tags[`aws:PrincipalTag/${t.Key}`] = String(res.resolve(t.Value));
      roles.set(arn, { arn, stack: s.name, logicalId: id, account: s.account, identity, awsManaged, boundary, tags });
    }
  }

  const bootstrap = bootstrapRoles();
  for (const role of bootstrap.roles) if (!roles.has(role.arn)) roles.set(role.arn, role);
  for (const [arn, policy] of bootstrap.trust) if (!resourcePolicies.has(arn)) resourcePolicies.set(arn, policy);

  return {
    stacks,
    roles,
    resourcePolicies,
    bucketKeys,
    bucketAccounts,
    bucketKeyEnabled,
    keyAliases,
    resourceTags,
    catalogProducts,
    securityGroups,
    endpoints,
    vpcCidrs,
    sharedEndpointVpcs,
    ssm,
    resolve: (stack, value) => resolverOf(stacks.find((s) => s.name === stack)!).resolve(value),
    stack: (name) => {
      const s = stacks.find((x) => x.name === name);
      if (!s) throw new Error(`flows: no stack ${name}; stacks: ${stacks.map((x) => x.name).join(', ')}`);
      return s;
    },
    logicalId: (stack, prefix) => {
      const ids = Object.keys(stacks.find((x) => x.name === stack)?.template.Resources ?? {}).filter((id) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
      if (ids.length !== 1) throw new Error(`flows: ${ids.length} resources of ${stack} match ${prefix}<hash>`);
      return ids[0];
    },
  };
}

function ruleOf(label: string, direction: 'ingress' | 'egress', x: any): SgRule {
  return {
    label,
    direction,
    protocol: String(x.IpProtocol),
    fromPort: x.FromPort === undefined ? undefined : Number(x.FromPort),
    toPort: x.ToPort === undefined ? undefined : Number(x.ToPort),
    cidr: x.CidrIp,
    peerGroupId: x.SourceSecurityGroupId ?? x.DestinationSecurityGroupId,
    prefixListId: x.DestinationPrefixListId ?? x.SourcePrefixListId,
  };
}

/**
 * The fake name of a role without `RoleName`: CloudFormation's `<stack name>-<logical id>` (without its
 * random suffix), at most 64 characters.
 * @param stackName the CloudFormation stack name
 * @param logicalId the role's logical id
 */
export function generatedRoleName(stackName: string, logicalId: string): string {
  return `${stackName}-${logicalId}`.slice(0, 64);
}
