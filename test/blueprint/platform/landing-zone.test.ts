/**
 * What a landing zone (Control Tower) provides already: the platform stacks must not create it again
 * (issue 11, defects 2 and 6).
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ComplianceCheck, MlopsPlatform, PlatformAccount, PlatformConfig, PlatformConfigProps } from '../../../src';

function platformWith(change: (props: any) => void): MlopsPlatform {
  const props = PlatformConfig.sample().toJson();
  change(props);
  return new MlopsPlatform(new App(), 'Platform', { config: PlatformConfig.fromObject(props as PlatformConfigProps) });
}

function counts(template: Template): Record<string, number> {
  const n = (type: string, props?: any) => Object.keys(template.findResources(type, props)).length;
  return {
    recorder: n('AWS::Config::ConfigurationRecorder'),
    channel: n('AWS::Config::DeliveryChannel'),
    configRole: n('AWS::IAM::ServiceLinkedRole', { Properties: { AWSServiceName: 'config.amazonaws.com' } }),
    hub: n('AWS::SecurityHub::Hub'),
    standard: n('AWS::SecurityHub::Standard'),
    rules: n('AWS::Config::ConfigRule'),
  };
}

const RULES = 23;

describe('the landing-zone switches of the compliance baseline', () => {
  test('by default every platform stack creates the recorder, its channel and role, Security Hub and the rules', () => {
    const platform = platformWith(() => undefined);
    for (const stack of platform.stacks) {
      expect(counts(Template.fromStack(stack))).toEqual({ recorder: 1, channel: 1, configRole: 1, hub: 1, standard: 1, rules: RULES });
    }
  });

  describe('in a landing zone that records the accounts and runs Security Hub', () => {
    const platform = platformWith((p) => {
      p.landingZone = { createConfigRecorder: false, enableSecurityHub: false };
    });

    test('no stack creates a recorder, a delivery channel, the Config service-linked role or Security Hub; the rules stay', () => {
      for (const stack of platform.stacks) {
        expect(counts(Template.fromStack(stack))).toEqual({ recorder: 0, channel: 0, configRole: 0, hub: 0, standard: 0, rules: RULES });
      }
    });

    test('the rules depend on nothing they would wait for in vain, and no delivery bucket is left behind', () => {
      const template = Template.fromStack(platform.exp).toJSON();
      const rules = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::Config::ConfigRule');
      expect(rules.map((r) => r.DependsOn ?? [])).toEqual(rules.map(() => []));
      expect(platform.exp.complianceBaseline.deliveryBucket).toBeUndefined();
      expect(Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::S3::BucketPolicy'
        && JSON.stringify(r.Properties.PolicyDocument).includes('config.amazonaws.com'))).toEqual([]);
    });

    test('still zero unacknowledged errors in the three nag packs', () => {
      expect(ComplianceCheck.run(platform.node.scope as App).errors).toEqual([]);
    });
  });

  test('an existing Config service-linked role: the recorder is created without it', () => {
    const platform = platformWith((p) => {
      p.landingZone = { createConfigServiceLinkedRole: false };
    });
    const template = Template.fromStack(platform.data);
    expect(counts(template)).toEqual({ recorder: 1, channel: 1, configRole: 0, hub: 1, standard: 1, rules: RULES });
    const recorder = Object.values<any>(template.findResources('AWS::Config::ConfigurationRecorder'))[0];
    expect(recorder.DependsOn).toBeUndefined();
    expect(recorder.Properties.RoleARN).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig']],
    });
  });
});

describe('an existing GitHub OIDC provider (github.oidcProviderArn)', () => {
  const arn = 'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com';

  test('is imported: EXP creates no provider and the use case\'s GitHub role trusts the existing one', () => {
    const platform = platformWith((p) => {
      p.github = { organization: 'vw-mlops', oidcProviderArn: arn };
    });
    Template.fromStack(platform.exp).resourceCountIs('AWS::IAM::OIDCProvider', 0);
    // the sample lists weld-gun-pm: its own role in its EXP onboarding stack, not the legacy org-wide role
    const onboarding = Template.fromStack(platform.useCases[0].tryFindStack(PlatformAccount.EXP)!);
    onboarding.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    const role = Object.values<any>(onboarding.findResources('AWS::IAM::Role', { Properties: { RoleName: 'vwml-weld-gun-pm-github' } }))[0];
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Federated: arn });
  });

  test('must be the GitHub provider of the EXP account', () => {
    const props = PlatformConfig.sample().toJson();
    props.github = { organization: 'vw-mlops', oidcProviderArn: arn.replace('222222222222', '333333333333') };
    expect(() => PlatformConfig.fromObject(props)).toThrow(
      'github.oidcProviderArn: names account 333333333333, but the provider must exist in EXP (222222222222); write "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"',
    );
  });
});
