/**
 * The GitHub deploy role's trust policy lists one subject per repository pattern; IAM caps a trust policy
 * at 2,048 characters, so the configuration refuses more patterns than fit, at synth time.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, PlatformConfig } from '../../../src';

function withRepositories(count: number): any {
  const props = PlatformConfig.sample().toJson();
  delete props.useCases; // the legacy org-wide role exists only without useCases
  for (const user of props.studio.users) delete user.useCase;
  props.github = { organization: 'vw-mlops', repositories: Array.from({ length: count }, (_, i) => `weld-gun-station-${String(i).padStart(2, '0')}`) };
  return props;
}

test('the largest accepted list of repository patterns still fits the trust policy quota, and one more is refused', () => {
  let most = 1;
  while (most < 100 && PlatformConfig.validate(withRepositories(most + 1)).length === 0) most++;
  expect(most).toBeGreaterThan(20);
  expect(most).toBeLessThan(100);
  expect(PlatformConfig.validate(withRepositories(most + 1))).toEqual([
    expect.stringMatching(new RegExp(`^github\\.repositories: lists ${most + 1} patterns: the trust policy of the GitHub deploy role would have \\d+ characters, above IAM's limit of 2048; use fewer, wider patterns`)),
  ]);
  const platform = new MlopsPlatform(new App(), 'Platform', { config: PlatformConfig.fromObject(withRepositories(most)) });
  const template = Template.fromStack(platform.exp);
  const role = Object.values<any>(template.findResources('AWS::IAM::Role', { Properties: { RoleName: 'vwml-github-deploy' } }))[0];
  const trust = role.Properties.AssumeRolePolicyDocument;
  // as deployed: the provider reference becomes the provider's ARN
  const providerId = trust.Statement[0].Principal.Federated.Ref;
  expect(template.toJSON().Resources[providerId].Type).toBe('AWS::IAM::OIDCProvider');
  trust.Statement[0].Principal.Federated = 'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com';
  const size = JSON.stringify(trust).replace(/\s/g, '').length;
  expect(size).toBeLessThanOrEqual(2048);
  // the estimate is exact but for the partition (it assumes the longest): within one subject of the quota
  expect(size).toBeGreaterThan(2048 - 60);
});
