import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, MlopsUseCase, PlatformAccount, PlatformConfig, ServingMode, StageAccountStack } from '../../../src';
import { logicalIdOf, simulate, TemplatePolicies } from '../../helpers/iam-simulator';

const config = PlatformConfig.sample();
const platform = new MlopsPlatform(new App(), 'Platform', { config });
const STAGES = [PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD];

describe('API Gateway can write the inference API logs in a fresh stage account (defect 5)', () => {
  test.each(STAGES)('the %s platform stack sets the account-wide CloudWatch role of API Gateway once', async (stage) => {
    const stack = platform.stack(stage);
    const t = Template.fromStack(stack);
    const accounts = Object.values(t.findResources('AWS::ApiGateway::Account')) as any[];
    expect(accounts).toHaveLength(1);
    const roleId: string = accounts[0].Properties.CloudWatchRoleArn['Fn::GetAtt'][0];
    expect(accounts[0].Properties).toEqual({ CloudWatchRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } });
    expect(logicalIdOf((stack as StageAccountStack).apiGatewayCloudWatchRole!)).toBe(roleId);
    // after the role's policy: API Gateway checks the role when the setting is written
    expect(accounts[0].DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^ApiGatewayCloudWatchPolicy/)]));

    const role = t.toJSON().Resources[roleId];
    expect(role.Properties.RoleName).toBe('vwml-apigateway-cloudwatch');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } },
    ]);
    expect(role.Properties.PermissionsBoundary).toEqual({ Ref: logicalIdOf(stack.guardrails.permissionsBoundary as any) });

    // identity policy within the boundary: execution logs (named by API Gateway) and access logs of this account
    const policies = TemplatePolicies.fromStack(stack).rolePolicies(roleId);
    const account = stack.account;
    for (const [action, resource] of [
      ['logs:CreateLogGroup', `arn:aws:logs:eu-central-1:${account}:log-group:API-Gateway-Execution-Logs_a1b2c3d4e5/prod`],
      ['logs:DescribeLogGroups', '*'],
      ['logs:PutLogEvents', `arn:aws:logs:eu-central-1:${account}:log-group:API-Gateway-Execution-Logs_a1b2c3d4e5/prod:log-stream:abc`],
      ['logs:PutLogEvents', `arn:aws:logs:eu-central-1:${account}:log-group:vwml-weld-gun-pm-serving-dev-InferenceApiAccessLogs:log-stream:abc`],
    ]) {
      expect([action, resource, await simulate({ ...policies, principal: `arn:aws:iam::${account}:role/vwml-apigateway-cloudwatch`, action, resource })]).toEqual([action, resource, 'Allowed']);
    }
    // not the log groups of another account
    expect(
      await simulate({
        ...policies,
        principal: `arn:aws:iam::${account}:role/vwml-apigateway-cloudwatch`,
        action: 'logs:PutLogEvents',
        resource: 'arn:aws:logs:eu-central-1:999999999999:log-group:API-Gateway-Execution-Logs_a1b2c3d4e5/prod:log-stream:abc',
      }),
    ).toBe('ImplicitlyDenied');
  });

  test.each(STAGES)('the %s CloudFormation execution role may write the setting and pass the role', async (stage) => {
    const bootstrap = MlopsPlatform.bootstrapCommands(config).find((b) => b.account === stage)!;
    const account = config.account(stage).accountId;
    const request = { principal: `arn:aws:iam::${account}:role/cdk-vwml-cfn-exec-role-${account}-eu-central-1`, identityPolicies: [bootstrap.executionPolicyDocument] };
    expect(await simulate({ ...request, action: 'apigateway:PATCH', resource: 'arn:aws:apigateway:eu-central-1::/account' })).toBe('Allowed');
    expect(
      await simulate({
        ...request,
        action: 'iam:PassRole',
        resource: `arn:aws:iam::${account}:role/vwml-apigateway-cloudwatch`,
        context: { 'iam:PassedToService': 'apigateway.amazonaws.com' },
      }),
    ).toBe('Allowed');
  });

  test('only the stage accounts get it, and no use-case stack sets it (it is account-wide)', () => {
    for (const account of [PlatformAccount.DATA, PlatformAccount.EXP, PlatformAccount.RES]) {
      Template.fromStack(platform.stack(account)).resourceCountIs('AWS::ApiGateway::Account', 0);
    }
    const all = { servingMode: ServingMode.ALWAYS_ON, inferenceApi: true, batchInference: true, modelMonitor: true };
    const useCase = new MlopsUseCase(new App(), 'WeldGun', { platform: config, useCaseName: 'weld-gun-pm', dev: all, int: all, prod: all });
    for (const stack of useCase.stacks) Template.fromStack(stack).resourceCountIs('AWS::ApiGateway::Account', 0);
    // the stage of the inference API logs execution: it relies on the platform's setting
    Template.fromStack(useCase.dev).hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [{ DataTraceEnabled: false, HttpMethod: '*', LoggingLevel: 'INFO', MetricsEnabled: true, ResourcePath: '/*' }],
    });
  });

  test('manageApiGatewayAccount: false leaves the setting to the landing zone', () => {
    const own = new MlopsPlatform(new App(), 'Platform', { config, manageApiGatewayAccount: false });
    for (const stack of own.stacks) {
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::ApiGateway::Account', 0);
      expect(Object.values(t.findResources('AWS::IAM::Role')).map((r: any) => r.Properties.RoleName)).not.toContain('vwml-apigateway-cloudwatch');
    }
    expect(own.dev.apiGatewayCloudWatchRole).toBeUndefined();
  });

  test('landingZone.manageApiGatewayAccount: false in the configuration does the same; the prop, when given, wins', () => {
    const props = PlatformConfig.sample().toJson();
    props.landingZone = { manageApiGatewayAccount: false };
    const landingZone = PlatformConfig.fromObject(props);
    const fromConfig = new MlopsPlatform(new App(), 'Platform', { config: landingZone });
    for (const stage of STAGES) Template.fromStack(fromConfig.stack(stage)).resourceCountIs('AWS::ApiGateway::Account', 0);
    const overridden = new MlopsPlatform(new App(), 'Platform', { config: landingZone, manageApiGatewayAccount: true });
    Template.fromStack(overridden.prod).resourceCountIs('AWS::ApiGateway::Account', 1);
    props.landingZone = { manageApiGatewayAccount: 'no' };
    expect(PlatformConfig.validate(props)).toEqual(['landingZone.manageApiGatewayAccount: must be true or false, not "no"; write false where the landing zone provides it already']);
  });
});
