// the real modules (not namespace copies), so that a spy on fs.existsSync is seen by the construct
import fs from 'fs';
import path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ensureHandlerBundle, inferenceFixtures, userPool } from './fixtures';
import { ComplianceCheck } from '../../../src';
import { InferenceApi, InferenceApiAuth, InferenceApiEndpointType, InferenceApiFirewall, InferenceApiProps } from '../../../src/constructs/inference';
import { testStack } from '../../helpers/stacks';

beforeAll(() => ensureHandlerBundle());

const VPCE_ID = 'vpce-0a1b2c3d4e5f60789';
const WEB_ACL_ARN = 'arn:aws:wafv2:eu-central-1:222222222222:regional/webacl/platform-acl/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';

function apiStack(extra: Partial<InferenceApiProps> = {}) {
  const { app, stack } = testStack();
  const f = inferenceFixtures(stack);
  const api = new InferenceApi(stack, 'Churn', { endpointName: 'churn-prod', encryptionKey: f.key, vpc: f.vpc, ...extra });
  return { app, stack, f, api, t: () => Template.fromStack(stack) };
}

function ref(stack: Stack, c: any): { Ref: string } {
  return { Ref: stack.getLogicalId(c.node.defaultChild ?? c) };
}
function arnOf(stack: Stack, c: any): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [stack.getLogicalId(c.node.defaultChild ?? c), 'Arn'] };
}
function only(t: Template, type: string, props: any = {}): any {
  const found = t.findResources(type, props);
  expect(Object.keys(found)).toHaveLength(1);
  return Object.values(found)[0];
}
function statementsOfAllPolicies(t: Template): any[] {
  return [
    ...Object.values(t.findResources('AWS::IAM::ManagedPolicy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement),
    ...Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement),
  ];
}
function asList(x: any): any[] {
  return Array.isArray(x) ? x : [x];
}

describe('InferenceApi: the method', () => {
  test('POST /invocations with AWS_IAM authorization, an API key, the request validator, the JSON model and a required Content-Type', () => {
    const { t, stack, api } = apiStack();
    const tpl = t();
    tpl.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'invocations', ParentId: { 'Fn::GetAtt': [Match.anyValue(), 'RootResourceId'] } });
    tpl.resourceCountIs('AWS::ApiGateway::Method', 1);
    const validator = only(tpl, 'AWS::ApiGateway::RequestValidator');
    expect(validator.Properties).toMatchObject({ ValidateRequestBody: true, ValidateRequestParameters: true });
    const model = only(tpl, 'AWS::ApiGateway::Model');
    expect(model.Properties.ContentType).toBe('application/json');
    expect(model.Properties.Schema).toMatchObject({ $schema: 'http://json-schema.org/draft-04/schema#', type: ['object', 'array'], minProperties: 1, minItems: 1 });
    tpl.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'AWS_IAM',
      ApiKeyRequired: true,
      RequestValidatorId: { Ref: Object.keys(tpl.findResources('AWS::ApiGateway::RequestValidator'))[0] },
      RequestModels: { 'application/json': { Ref: Object.keys(tpl.findResources('AWS::ApiGateway::Model'))[0] } },
      RequestParameters: { 'method.request.header.Content-Type': true },
      Integration: {
        Type: 'AWS_PROXY',
        IntegrationHttpMethod: 'POST',
        TimeoutInMillis: 29_000,
        Uri: { 'Fn::Join': ['', Match.arrayWith([arnOf(stack, api.handler)])] },
      },
    });
    tpl.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
  });

  test('only the stage may invoke the function (no test-invoke permission)', () => {
    const { t, stack, api } = apiStack();
    const perms = t().findResources('AWS::Lambda::Permission');
    expect(Object.keys(perms)).toHaveLength(1);
    const p = (Object.values(perms)[0] as any).Properties;
    expect(p).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', FunctionName: arnOf(stack, api.handler) });
    expect(JSON.stringify(p.SourceArn)).toContain(`{"Ref":"${stack.getLogicalId(api.stage.node.defaultChild as any)}"},"/POST/invocations"`);
  });

  test('a custom JSON schema replaces the default', () => {
    const schema: apigw.JsonSchema = {
      schema: apigw.JsonSchemaVersion.DRAFT4,
      type: apigw.JsonSchemaType.OBJECT,
      required: ['instances'],
      properties: { instances: { type: apigw.JsonSchemaType.ARRAY, minItems: 1, maxItems: 100 } },
    };
    const { t } = apiStack({ requestSchema: schema });
    t().hasResourceProperties('AWS::ApiGateway::Model', {
      Schema: { type: 'object', required: ['instances'], properties: { instances: { type: 'array', minItems: 1, maxItems: 100 } } },
    });
  });

  test('Cognito: a user pool authorizer with the scopes; access tokens carry them', () => {
    const { app, stack } = testStack();
    const f = inferenceFixtures(stack);
    const pool = userPool(stack);
    new InferenceApi(stack, 'Churn', { endpointName: 'churn-prod', encryptionKey: f.key, vpc: f.vpc, auth: InferenceApiAuth.cognito(pool, ['inference/invoke']) });
    const t = Template.fromStack(stack);
    const authorizers = t.findResources('AWS::ApiGateway::Authorizer');
    expect(Object.keys(authorizers)).toHaveLength(1);
    expect((Object.values(authorizers)[0] as any).Properties).toMatchObject({
      Type: 'COGNITO_USER_POOLS',
      ProviderARNs: [arnOf(stack, pool)],
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
    t.hasResourceProperties('AWS::ApiGateway::Method', {
      AuthorizationType: 'COGNITO_USER_POOLS',
      AuthorizerId: { Ref: Object.keys(authorizers)[0] },
      AuthorizationScopes: ['inference/invoke'],
      ApiKeyRequired: true,
    });
    const report = ComplianceCheck.assertCompliant(app);
    expect(report.acknowledgements.filter((a) => a.constructPath.startsWith('Test/Churn')).map((a) => a.ruleId)).not.toContain('AwsSolutions-COG4');
  });

  test('Cognito without scopes: ID tokens, no AuthorizationScopes', () => {
    const { stack } = testStack();
    const f = inferenceFixtures(stack);
    new InferenceApi(stack, 'Churn', { endpointName: 'churn-prod', encryptionKey: f.key, vpc: f.vpc, auth: InferenceApiAuth.cognito(userPool(stack)) });
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::Method', { AuthorizationType: 'COGNITO_USER_POOLS', AuthorizationScopes: Match.absent() });
  });

  test('gateway errors (4xx, 5xx) answer with the same JSON error shape as the function, not cached', () => {
    const { t } = apiStack();
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      const r = only(t(), 'AWS::ApiGateway::GatewayResponse', { Properties: { ResponseType: type } });
      const template = r.Properties.ResponseTemplates['application/json'];
      // messageString is a quoted JSON string: substitute sample values and the result must parse
      const sample = template.replace('$context.error.responseType', 'THROTTLED').replace('$context.error.messageString', '"Too Many Requests"').replace('$context.requestId', 'r-1');
      expect(JSON.parse(sample)).toEqual({ error: { code: 'THROTTLED', message: 'Too Many Requests', requestId: 'r-1' } });
      expect(r.Properties.ResponseParameters).toEqual({ 'gatewayresponse.header.Cache-Control': "'no-store'", 'gatewayresponse.header.X-Content-Type-Options': "'nosniff'" });
    }
  });

  test('grantInvoke: execute-api:Invoke on POST /invocations of the stage only', () => {
    const { t, stack, api } = apiStack();
    const consumer = new iam.Role(stack, 'Consumer', { assumedBy: new iam.AccountRootPrincipal() });
    api.grantInvoke(consumer);
    const policy = only(t(), 'AWS::IAM::Policy', { Properties: { Roles: [ref(stack, consumer)] } });
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':execute-api:eu-central-1:222222222222:',
              ref(stack, api.api),
              '/',
              ref(stack, api.stage),
              '/POST/invocations',
            ],
          ],
        },
      },
    ]);
  });
});

describe('InferenceApi: throttling, usage plan, API key', () => {
  test('defaults: stage method throttling 50 rps / burst 100; usage plan with 100000 requests a day, one API key', () => {
    const { t, stack, api } = apiStack();
    const tpl = t();
    tpl.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })]),
    });
    const plan = only(tpl, 'AWS::ApiGateway::UsagePlan');
    expect(plan.Properties).toMatchObject({
      Quota: { Limit: 100_000, Period: 'DAY' },
      Throttle: { RateLimit: 50, BurstLimit: 100 },
      ApiStages: [{ ApiId: ref(stack, api.api), Stage: ref(stack, api.stage) }],
    });
    tpl.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
    tpl.hasResourceProperties('AWS::ApiGateway::ApiKey', { Enabled: true });
    tpl.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
      KeyType: 'API_KEY',
      KeyId: { Ref: Object.keys(tpl.findResources('AWS::ApiGateway::ApiKey'))[0] },
      UsagePlanId: { Ref: Object.keys(tpl.findResources('AWS::ApiGateway::UsagePlan'))[0] },
    });
    expect(api.usagePlan).toBeDefined();
    expect(api.apiKey).toBeDefined();
  });

  test('custom throttling and quota', () => {
    const { t } = apiStack({ throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 2_000, period: apigw.Period.WEEK } });
    t().hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 })]),
    });
    t().hasResourceProperties('AWS::ApiGateway::UsagePlan', { Quota: { Limit: 2_000, Period: 'WEEK' }, Throttle: { RateLimit: 5, BurstLimit: 10 } });
  });

  test('apiKeyRequired false: no usage plan, no key, only the stage throttling', () => {
    const { t, api } = apiStack({ apiKeyRequired: false });
    t().hasResourceProperties('AWS::ApiGateway::Method', { ApiKeyRequired: false });
    t().resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
    t().resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    t().hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 50 })]) });
    expect(api.usagePlan).toBeUndefined();
  });
});

describe('InferenceApi: logging, tracing, TLS', () => {
  test('JSON access logs to the KMS-encrypted log group; execution logging INFO without bodies; X-Ray; TLS 1.2', () => {
    const { t, stack, f, api } = apiStack();
    const tpl = t();
    const stage = only(tpl, 'AWS::ApiGateway::Stage');
    expect(stage.Properties.AccessLogSetting.DestinationArn).toEqual(arnOf(stack, api.accessLogGroup));
    const format = JSON.parse(stage.Properties.AccessLogSetting.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      sourceIp: '$context.identity.sourceIp',
      userArn: '$context.identity.userArn',
      apiKeyId: '$context.identity.apiKeyId',
      integrationLatency: '$context.integration.latency',
      errorMessage: '$context.error.message',
      xrayTraceId: '$context.xrayTraceId',
    });
    expect(stage.Properties.TracingEnabled).toBe(true);
    expect(stage.Properties.MethodSettings).toEqual([
      expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'INFO', DataTraceEnabled: false, MetricsEnabled: true }),
    ]);
    expect(stage.Properties.MethodSettings[0].CachingEnabled).toBeUndefined();
    tpl.hasResource('AWS::Logs::LogGroup', {
      Properties: { KmsKeyId: arnOf(stack, f.key), RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
    });
    const accessLogs = tpl.findResources('AWS::Logs::LogGroup')[stack.getLogicalId(api.accessLogGroup.node.defaultChild as any)];
    expect(accessLogs.Properties.KmsKeyId).toEqual(arnOf(stack, f.key));
    tpl.hasResourceProperties('AWS::ApiGateway::RestApi', { SecurityPolicy: 'TLS_1_2', EndpointConfiguration: { Types: ['REGIONAL'] } });
    // the account-level CloudWatch role is the platform's, not this construct's
    tpl.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  test('custom log retention applies to every log group', () => {
    const { t } = apiStack({ logRetention: logs.RetentionDays.THREE_MONTHS });
    const groups = Object.values(t().findResources('AWS::Logs::LogGroup')) as any[];
    expect(groups).toHaveLength(3); // access logs, function logs, WAF logs
    for (const g of groups) expect(g.Properties.RetentionInDays).toBe(90);
  });
});

describe('InferenceApi: the function', () => {
  test('Node.js 22 in the isolated subnets with its own HTTPS-only security group, KMS-encrypted environment, X-Ray, its own log group', () => {
    const { t, stack, f, api } = apiStack();
    const tpl = t();
    const fn = only(tpl, 'AWS::Lambda::Function').Properties;
    expect(fn).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 25,
      KmsKeyArn: arnOf(stack, f.key),
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: ref(stack, api.handlerLogGroup), ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' },
      Environment: { Variables: { ENDPOINT_NAME: 'churn-prod', MAX_ATTEMPTS: '2', DEADLINE_MARGIN_MS: '1000', CONTENT_TYPES: 'application/json,text/csv' } },
      VpcConfig: {
        SubnetIds: f.vpc.isolatedSubnets.map((s) => ref(stack, s)),
        SecurityGroupIds: [{ 'Fn::GetAtt': [stack.getLogicalId(api.securityGroups[0].node.defaultChild as any), 'GroupId'] }],
      },
    });
    expect(fn.ReservedConcurrentExecutions).toBeUndefined();
    const sg = only(tpl, 'AWS::EC2::SecurityGroup').Properties;
    expect(sg.SecurityGroupEgress).toEqual([
      { CidrIp: { 'Fn::GetAtt': [stack.getLogicalId(f.vpc.node.defaultChild as any), 'CidrBlock'] }, FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: expect.any(String) },
    ]);
    expect(sg.SecurityGroupIngress).toBeUndefined();
    const handlerLogs = tpl.findResources('AWS::Logs::LogGroup')[stack.getLogicalId(api.handlerLogGroup.node.defaultChild as any)];
    expect(handlerLogs.Properties.KmsKeyId).toEqual(arnOf(stack, f.key));
  });

  test('the code is the bundled handler asset (a zip in the asset bucket)', () => {
    const { t } = apiStack();
    const fn = only(t(), 'AWS::Lambda::Function').Properties;
    expect(fn.Code.S3Bucket).toEqual('cdk-hnb659fds-assets-222222222222-eu-central-1');
    expect(fn.Code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
  });

  test('given subnets, security groups, memory, attempts and reserved concurrency', () => {
    const { stack } = testStack();
    const f = inferenceFixtures(stack);
    const sg = new ec2.SecurityGroup(stack, 'Given', { vpc: f.vpc, allowAllOutbound: false });
    new InferenceApi(stack, 'Churn', {
      endpointName: 'churn-prod',
      encryptionKey: f.key,
      vpc: f.vpc,
      vpcSubnets: { subnets: [f.vpc.isolatedSubnets[0]] },
      securityGroups: [sg],
      memorySize: 1024,
      maxAttempts: 3,
      reservedConcurrentExecutions: 20,
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      ReservedConcurrentExecutions: 20,
      Environment: { Variables: Match.objectLike({ MAX_ATTEMPTS: '3' }) },
      VpcConfig: { SubnetIds: [ref(stack, f.vpc.isolatedSubnets[0])], SecurityGroupIds: [{ 'Fn::GetAtt': [stack.getLogicalId(sg.node.defaultChild as any), 'GroupId'] }] },
    });
    t.resourceCountIs('AWS::EC2::SecurityGroup', 1);
  });

  test('least privilege: sagemaker:InvokeEndpoint on the one endpoint ARN, nothing else of SageMaker; no inline policies', () => {
    const { t, stack, api } = apiStack();
    const tpl = t();
    const statements = statementsOfAllPolicies(tpl);
    const sagemaker = statements.filter((s) => asList(s.Action).some((a: string) => a.startsWith('sagemaker:')));
    expect(sagemaker).toEqual([
      {
        Sid: 'InvokeTheEndpoint',
        Effect: 'Allow',
        Action: 'sagemaker:InvokeEndpoint',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:eu-central-1:222222222222:endpoint/churn-prod']] },
      },
    ]);
    // both policies of the role are customer-managed; the role has no inline policy and there is no default policy
    const role = only(tpl, 'AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'lambda.amazonaws.com' } }] } } });
    expect(role.Properties.Policies).toBeUndefined();
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    tpl.resourceCountIs('AWS::IAM::Policy', 0);
    const roleId = Object.keys(tpl.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'lambda.amazonaws.com' } }] } } }))[0];
    const policies = Object.values(tpl.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: roleId }] } })) as any[];
    expect(policies).toHaveLength(2);
    const logsStatement = statements.find((s) => s.Sid === 'WriteItsLogGroup');
    expect(logsStatement).toEqual({ Sid: 'WriteItsLogGroup', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arnOf(stack, api.handlerLogGroup) });
    // the wildcard statements are only the ENI and X-Ray actions that have no resource-level permissions
    const wildcard = statements.filter((s) => asList(s.Resource).includes('*'));
    expect(wildcard.flatMap((s) => asList(s.Action)).sort()).toEqual(
      [
        'ec2:AssignPrivateIpAddresses',
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:UnassignPrivateIpAddresses',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    // the function is created only after its permissions exist
    const fn = only(tpl, 'AWS::Lambda::Function');
    for (const id of Object.keys(tpl.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: roleId }] } }))) expect(fn.DependsOn).toContain(id);
  });

  test('the endpoint ARN uses the lower-case name, as SageMaker writes it; an explicit endpointArn wins', () => {
    const upper = apiStack({ endpointName: 'Churn-Prod' });
    expect(statementsOfAllPolicies(upper.t()).find((s) => s.Sid === 'InvokeTheEndpoint').Resource['Fn::Join'][1][2]).toBe(':sagemaker:eu-central-1:222222222222:endpoint/churn-prod');
    upper.t().hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ENDPOINT_NAME: 'Churn-Prod' }) } });

    const arn = 'arn:aws:sagemaker:eu-central-1:222222222222:endpoint/churn-prod';
    const given = apiStack({ endpointArn: arn });
    expect(statementsOfAllPolicies(given.t()).find((s) => s.Sid === 'InvokeTheEndpoint').Resource).toBe(arn);
  });

  test('timeouts: the function timeout is below the integration timeout (defaults 25 s < 29 s; custom 10 s < 15 s)', () => {
    const d = apiStack();
    const fn = only(d.t(), 'AWS::Lambda::Function').Properties;
    const method = only(d.t(), 'AWS::ApiGateway::Method').Properties;
    expect(fn.Timeout * 1000).toBeLessThan(method.Integration.TimeoutInMillis);
    expect([fn.Timeout, method.Integration.TimeoutInMillis]).toEqual([25, 29_000]);

    const c = apiStack({ handlerTimeout: Duration.seconds(10), integrationTimeout: Duration.seconds(15) });
    expect(only(c.t(), 'AWS::Lambda::Function').Properties.Timeout).toBe(10);
    expect(only(c.t(), 'AWS::ApiGateway::Method').Properties.Integration.TimeoutInMillis).toBe(15_000);
  });

  test('a function timeout less than 1 s below the integration timeout is allowed, with a warning', () => {
    const { stack } = apiStack({ handlerTimeout: Duration.seconds(28), integrationTimeout: Duration.millis(28_500) });
    Annotations.fromStack(stack).hasWarning('/Test/Churn', Match.stringLikeRegexp('leaves less than 1 s before the integration timeout'));
  });
});

describe('InferenceApi: web ACL', () => {
  test('REGIONAL default: a created web ACL with AWS managed rules (body size only counted) and a rate limit, logged with credentials redacted', () => {
    const { t, stack, f, api } = apiStack();
    const tpl = t();
    const acl = only(tpl, 'AWS::WAFv2::WebACL');
    expect(acl.Properties).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    const rules = acl.Properties.Rules;
    expect(rules.map((r: any) => r.Name)).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'RateLimitPerClientIp',
    ]);
    expect(rules.map((r: any) => r.Priority)).toEqual([0, 1, 2, 3]);
    expect(rules[1].Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
    expect(rules[3]).toMatchObject({ Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } } });

    const association = only(tpl, 'AWS::WAFv2::WebACLAssociation').Properties;
    expect(association.WebACLArn).toEqual({ 'Fn::GetAtt': [Object.keys(tpl.findResources('AWS::WAFv2::WebACL'))[0], 'Arn'] });
    expect(association.ResourceArn).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:eu-central-1::/restapis/', ref(stack, api.api), '/stages/', ref(stack, api.stage)]],
    });

    const logging = only(tpl, 'AWS::WAFv2::LoggingConfiguration').Properties;
    expect(logging.ResourceArn).toEqual({ 'Fn::GetAtt': [Object.keys(tpl.findResources('AWS::WAFv2::WebACL'))[0], 'Arn'] });
    expect(logging.RedactedFields).toEqual([{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'x-api-key' } }, { SingleHeader: { Name: 'x-amz-security-token' } }]);
    const destination = JSON.stringify(logging.LogDestinationConfigs);
    const wafGroup = only(tpl, 'AWS::Logs::LogGroup', { Properties: { LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-') } });
    expect(destination).toContain(`:log-group:${wafGroup.Properties.LogGroupName}"`);
    expect(destination).not.toContain(':*');
    expect(wafGroup.Properties.KmsKeyId).toEqual(arnOf(stack, f.key));
  });

  test('a given web ACL ARN is associated; no web ACL is created', () => {
    const { t, stack, api } = apiStack({ firewall: InferenceApiFirewall.fromWebAclArn(WEB_ACL_ARN) });
    t().resourceCountIs('AWS::WAFv2::WebACL', 0);
    t().hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: WEB_ACL_ARN, ResourceArn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([ref(stack, api.stage)])] }) });
    expect(api.webAclArn).toBe(WEB_ACL_ARN);
  });

  test('a custom rate limit', () => {
    const { t } = apiStack({ firewall: InferenceApiFirewall.managedRules({ rateLimitPerIp: 300 }) });
    const rules = only(t(), 'AWS::WAFv2::WebACL').Properties.Rules;
    expect(rules[3].Statement.RateBasedStatement.Limit).toBe(300);
  });

  test('none(reason): no association; the reason is the acknowledgement of the WAF rules on the stage', () => {
    const reason = 'Reached only from the fraud batch network through a NAT allow-list at the edge firewall.';
    const { t, app } = apiStack({ firewall: InferenceApiFirewall.none(reason) });
    t().resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    t().resourceCountIs('AWS::WAFv2::WebACL', 0);
    const report = ComplianceCheck.assertCompliant(app);
    const waf = report.acknowledgements.filter((a) => a.ruleId === 'AwsSolutions-APIG3' || a.ruleId === 'NIST.800.53.R5-APIGWAssociatedWithWAF');
    expect(waf.map((a) => [a.constructPath, a.reason])).toEqual([
      ['Test/Churn/Api/DeploymentStage.v1', reason],
      ['Test/Churn/Api/DeploymentStage.v1', reason],
    ]);
  });
});

describe('InferenceApi: PRIVATE', () => {
  function privateStack(auth?: InferenceApiAuth) {
    const { app, stack } = testStack();
    const f = inferenceFixtures(stack);
    const vpce = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'ExecuteApiEndpoint', { vpcEndpointId: VPCE_ID, port: 443 });
    const api = new InferenceApi(stack, 'Churn', {
      endpointName: 'churn-prod',
      encryptionKey: f.key,
      vpc: f.vpc,
      endpointType: InferenceApiEndpointType.PRIVATE,
      vpcEndpoints: [vpce],
      auth: auth ?? InferenceApiAuth.iam(),
    });
    return { app, stack, api, t: Template.fromStack(stack) };
  }

  test('IAM: the resource policy allows this account and denies every request not from the VPC endpoints', () => {
    const { t } = privateStack();
    const restApi = only(t, 'AWS::ApiGateway::RestApi').Properties;
    expect(restApi.EndpointConfiguration).toEqual({ Types: ['PRIVATE'], VpcEndpointIds: [VPCE_ID] });
    expect(restApi.Policy.Statement).toEqual([
      {
        Sid: 'AllowInvoke',
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] } },
        Resource: 'execute-api:/*',
      },
      {
        Sid: 'DenyOutsideTheVpcEndpoints',
        Effect: 'Deny',
        Action: 'execute-api:Invoke',
        Principal: { AWS: '*' },
        Resource: 'execute-api:/*',
        Condition: { StringNotEquals: { 'aws:SourceVpce': [VPCE_ID] } },
      },
    ]);
    // no web ACL by default: not reachable from the internet
    t.resourceCountIs('AWS::WAFv2::WebACL', 0);
    t.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });

  test('Cognito: the Allow is for any principal (the token decides), the VPC endpoint Deny stays', () => {
    const { stack } = testStack();
    const f = inferenceFixtures(stack);
    const vpce = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'ExecuteApiEndpoint', { vpcEndpointId: VPCE_ID, port: 443 });
    new InferenceApi(stack, 'Churn', {
      endpointName: 'churn-prod',
      encryptionKey: f.key,
      vpc: f.vpc,
      endpointType: InferenceApiEndpointType.PRIVATE,
      vpcEndpoints: [vpce],
      auth: InferenceApiAuth.cognito(userPool(stack), ['inference/invoke']),
    });
    const statements = only(Template.fromStack(stack), 'AWS::ApiGateway::RestApi').Properties.Policy.Statement;
    expect(statements[0]).toMatchObject({ Sid: 'AllowInvoke', Effect: 'Allow', Principal: { AWS: '*' } });
    expect(statements[1]).toMatchObject({ Effect: 'Deny', Condition: { StringNotEquals: { 'aws:SourceVpce': [VPCE_ID] } } });
  });

  test('compliant, with the default PRIVATE reason for having no web ACL', () => {
    const { app } = privateStack();
    const report = ComplianceCheck.assertCompliant(app);
    expect(report.acknowledgements.find((a) => a.ruleId === 'AwsSolutions-APIG3')?.reason).toMatch(/PRIVATE endpoint: reachable only through the listed execute-api VPC endpoints/);
  });
});

describe('InferenceApi: compliance', () => {
  test('cdk-nag (AwsSolutions, NIST 800-53 r5, HIPAA): no findings, and exactly these acknowledgements on the construct', () => {
    const { app } = apiStack();
    const report = ComplianceCheck.assertCompliant(app);
    const mine = report.acknowledgements.filter((a) => a.constructPath.startsWith('Test/Churn')).map((a) => `${a.constructPath} ${a.ruleId}`);
    expect(mine.sort()).toEqual(
      [
        'Test/Churn/VpcAndTracingPolicy AwsSolutions-IAM5[Resource::*]',
        'Test/Churn/Handler AwsSolutions-L1',
        'Test/Churn/Handler NIST.800.53.R5-LambdaDLQ',
        'Test/Churn/Handler HIPAA.Security-LambdaDLQ',
        'Test/Churn/Handler NIST.800.53.R5-LambdaConcurrency',
        'Test/Churn/Handler HIPAA.Security-LambdaConcurrency',
        'Test/Churn/Api/DeploymentStage.v1 NIST.800.53.R5-APIGWCacheEnabledAndEncrypted',
        'Test/Churn/Api/DeploymentStage.v1 HIPAA.Security-APIGWCacheEnabledAndEncrypted',
        'Test/Churn/Api/DeploymentStage.v1 NIST.800.53.R5-APIGWSSLEnabled',
        'Test/Churn/Api/DeploymentStage.v1 HIPAA.Security-APIGWSSLEnabled',
        'Test/Churn/Api/Default/invocations/POST AwsSolutions-COG4',
      ].sort(),
    );
  });

  test('with reserved concurrency there is no concurrency acknowledgement', () => {
    const { app } = apiStack({ reservedConcurrentExecutions: 10 });
    const report = ComplianceCheck.assertCompliant(app);
    expect(report.acknowledgements.map((a) => a.ruleId)).not.toContain('NIST.800.53.R5-LambdaConcurrency');
  });
});

describe('InferenceApi: bad input fails at synth time', () => {
  const cases: Array<[string, Partial<InferenceApiProps>, RegExp]> = [
    ['an empty endpoint name', { endpointName: '' }, /endpointName "" is not a SageMaker endpoint name/],
    ['an endpoint name with underscores', { endpointName: 'churn_prod' }, /endpointName "churn_prod"/],
    ['an endpoint name over 63 characters', { endpointName: 'a'.repeat(64) }, /endpointName/],
    ['a malformed endpoint ARN', { endpointArn: 'arn:aws:sagemaker:eu-central-1:222222222222:model/x' }, /endpointArn .* is not a SageMaker endpoint ARN/],
    ['handlerTimeout equal to the integration timeout (29 s)', { handlerTimeout: Duration.seconds(29) }, /handlerTimeout \(29 seconds\) must be below integrationTimeout \(29 seconds\)/],
    ['handlerTimeout above the integration timeout', { handlerTimeout: Duration.seconds(20), integrationTimeout: Duration.seconds(10) }, /handlerTimeout \(20 seconds\) must be below integrationTimeout \(10 seconds\)/],
    ['integrationTimeout above 29 s', { integrationTimeout: Duration.seconds(30) }, /integrationTimeout must be from 50 ms to 29 s/],
    ['handlerTimeout in fractions of a second', { handlerTimeout: Duration.millis(2_500) }, /handlerTimeout must be whole seconds and at least 2 s/],
    ['handlerTimeout of 1 s', { handlerTimeout: Duration.seconds(1) }, /handlerTimeout must be whole seconds and at least 2 s/],
    ['PRIVATE without VPC endpoints', { endpointType: InferenceApiEndpointType.PRIVATE }, /a PRIVATE API needs vpcEndpoints/],
    ['a quota without API keys', { apiKeyRequired: false, quota: { limit: 10, period: apigw.Period.DAY } }, /quota needs apiKeyRequired/],
    ['a quota without a limit', { quota: { period: apigw.Period.DAY } }, /quota.limit must be a positive integer/],
    ['a quota without a period', { quota: { limit: 5 } }, /quota.period is required/],
    ['a zero rate limit', { throttle: { rateLimit: 0, burstLimit: 10 } }, /throttle.rateLimit must be above 0/],
    ['a fractional burst', { throttle: { rateLimit: 10, burstLimit: 2.5 } }, /throttle.burstLimit must be an integer from 1 to 5000/],
    ['memory below 128 MiB', { memorySize: 64 }, /memorySize must be an integer from 128 to 10240/],
    ['maxAttempts 0', { maxAttempts: 0 }, /maxAttempts must be 1, 2 or 3/],
    ['maxAttempts 4', { maxAttempts: 4 }, /maxAttempts must be 1, 2 or 3/],
    ['reserved concurrency 0', { reservedConcurrentExecutions: 0 }, /reservedConcurrentExecutions must be a positive integer/],
    ['a stage name with a hyphen', { stageName: 'prod-1' }, /stageName "prod-1" must be 1 to 128 letters, digits or underscores/],
  ];
  test.each(cases)('%s', (_name, extra, message) => {
    expect(() => apiStack(extra)).toThrow(message);
  });

  test('VPC endpoints on a REGIONAL API', () => {
    const { stack } = testStack();
    const f = inferenceFixtures(stack);
    const vpce = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'E', { vpcEndpointId: VPCE_ID, port: 443 });
    expect(() => new InferenceApi(stack, 'Churn', { endpointName: 'churn-prod', encryptionKey: f.key, vpc: f.vpc, vpcEndpoints: [vpce] })).toThrow(
      /vpcEndpoints are only for endpointType PRIVATE/,
    );
  });

  test('firewall and auth factories refuse bad values', () => {
    expect(() => InferenceApiFirewall.fromWebAclArn('arn:aws:wafv2:eu-central-1:222222222222:global/webacl/x/y')).toThrow(/not the ARN of a regional WAFv2 web ACL/);
    expect(() => InferenceApiFirewall.none('not needed')).toThrow(/at least 30 characters/);
    expect(() => InferenceApiFirewall.managedRules({ rateLimitPerIp: 5 })).toThrow(/rateLimitPerIp must be an integer from 10 to 2000000000/);
    const { stack } = testStack();
    const pool = userPool(stack);
    expect(() => InferenceApiAuth.cognito(pool, [])).toThrow(/scopes is empty/);
    expect(() => InferenceApiAuth.cognito(pool, ['inference invoke'])).toThrow(/is not an OAuth scope/);
  });

  test('a missing handler bundle: a clear error naming the bundle command', () => {
    const original = fs.existsSync;
    const bundle = `invoke-endpoint${path.sep}index.js`;
    const spy = jest.spyOn(fs, 'existsSync').mockImplementation((p: fs.PathLike) => (String(p).endsWith(bundle) ? false : original(p)));
    try {
      expect(() => apiStack()).toThrow(/the bundled handler .*invoke-endpoint.index\.js is missing: run "npx projen bundle:runtime"/);
    } finally {
      spy.mockRestore();
    }
  });
});
