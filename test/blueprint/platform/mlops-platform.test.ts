import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ComplianceCheck, MlopsPlatform, PlatformAccount, PlatformConfig } from '../../../src';
import { actionsOutsideBoundary } from '../../helpers/boundary';

describe('MlopsPlatform from the sample config', () => {
  const app = new App();
  const platform = new MlopsPlatform(app, 'Platform', { config: PlatformConfig.sample() });
  const assembly = app.synth();

  test('one stack per account, each with its account and region', () => {
    const envs = platform.stacks.map((s) => [s.stackName, s.account, s.region]);
    expect(envs).toEqual([
      ['vwml-platform-data', '111111111111', 'eu-central-1'],
      ['vwml-platform-exp', '222222222222', 'eu-central-1'],
      ['vwml-platform-res', '333333333333', 'eu-central-1'],
      ['vwml-platform-dev', '444444444444', 'eu-central-1'],
      ['vwml-platform-int', '555555555555', 'eu-central-1'],
      ['vwml-platform-prod', '666666666666', 'eu-central-1'],
    ]);
    // plus the onboarding stacks of the sample use case (its data cells filter in DATA, its scoped deploy roles in
    // EXP, DEV, INT and PROD, its approver role in RES)
    expect(assembly.stacks.map((s) => s.environment.account).sort()).toEqual(
      ['111111111111', '111111111111', '222222222222', '222222222222', '333333333333', '333333333333', '444444444444', '444444444444', '555555555555', '555555555555', '666666666666', '666666666666'],
    );
    expect(platform.useCases[0].stacks.map((s) => s.stackName)).toEqual(
      ['data', 'exp', 'res', 'dev', 'int', 'prod'].map((a) => `vwml-weld-gun-pm-onboarding-${a}`),
    );
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });

  test('no cross-stack exports or imports', () => {
    for (const stack of platform.stacks) {
      const json = JSON.stringify(Template.fromStack(stack).toJSON());
      expect(json).not.toContain('Fn::ImportValue');
      expect(json).not.toContain('"Export"');
    }
  });

  test('every stack uses the configured bootstrap qualifier', () => {
    for (const stack of platform.stacks) {
      const json = JSON.stringify(Template.fromStack(stack).toJSON());
      expect(json).toContain('/cdk-bootstrap/vwml/version');
      expect(json).not.toContain('hnb659fds');
    }
  });

  test('zero unacknowledged errors in the three nag packs', () => {
    const report = ComplianceCheck.run(app);
    expect(report.errors.map((f) => `${f.ruleId} ${f.constructPath}`)).toEqual([]);
    expect(report.resourceCount).toBeGreaterThan(300);
  });

  test('no key policy lets a whole other account use the key: cross-account statements name their roles (aws:PrincipalArn)', () => {
    const wholeAccounts: string[] = [];
    for (const stack of platform.stacks) {
      const keys = Template.fromStack(stack).findResources('AWS::KMS::Key');
      for (const [id, key] of Object.entries<any>(keys)) {
        for (const statement of key.Properties.KeyPolicy.Statement) {
          if (statement.Effect !== 'Allow') continue;
          const principals = [statement.Principal?.AWS ?? []].flat();
          const others = principals.filter((p: unknown) => {
            const arn = JSON.stringify(p);
            return !arn.includes(stack.account) && !arn.includes('AWS::AccountId');
          });
          // DATA's catalog key: the consumer account's Glue calls decrypt the shared table definitions (metadata
          // only, through Glue); Lake Formation decides which principal sees which table and which cells
          const catalogMetadata = statement.Sid === 'AllowConsumerAccountGlueCatalogReads'
            && statement.Condition?.StringEquals?.['kms:ViaService'] === 'glue.eu-central-1.amazonaws.com';
          if (others.length > 0 && !catalogMetadata
            && !statement.Condition?.ArnEquals?.['aws:PrincipalArn'] && !statement.Condition?.ArnLike?.['aws:PrincipalArn']) {
            wholeAccounts.push(`${stack.stackName} ${id} ${statement.Sid}: ${JSON.stringify(others)}`);
          }
        }
      }
    }
    expect(wholeAccounts).toEqual([]);
  });

  test('resource counts per stack stay within CloudFormation limits', () => {
    for (const stack of platform.stacks) {
      const resources = Object.keys(Template.fromStack(stack).toJSON().Resources).length;
      expect(resources).toBeLessThan(500);
    }
    expect(platform.stack(PlatformAccount.RES).stackName).toBe('vwml-platform-res');
  });
});

describe('roles of the platform', () => {
  const app = new App();
  const platform = new MlopsPlatform(app, 'Platform', { config: PlatformConfig.sample() });

  test('every role carries the permissions boundary, except the Service Catalog launch roles (EXP: Model Building, RES: Model Deployment), which carry their own', () => {
    const unbounded: string[] = [];
    const launchBoundaries: string[] = [];
    let roles = 0;
    for (const stack of platform.stacks) {
      const boundaryName = 'vwml-PermissionsBoundary';
      const template = Template.fromStack(stack).toJSON();
      for (const [id, r] of Object.entries(template.Resources) as Array<[string, any]>) {
        if (r.Type !== 'AWS::IAM::Role') continue;
        roles++;
        const boundary = JSON.stringify(r.Properties.PermissionsBoundary ?? '');
        if (r.Properties.RoleName === 'vwml-catalog-launch') {
          // its own boundary: the managed policy vwml-catalog-launch-boundary of the same stack
          const ref = r.Properties.PermissionsBoundary?.Ref;
          launchBoundaries.push(`${stack.stackName}/${template.Resources[ref]?.Properties.ManagedPolicyName}`);
        } else if (!boundary.includes(boundaryName) && !boundary.includes('GuardrailsPermissionsBoundary')) {
          unbounded.push(`${stack.stackName}/${id}:${r.Properties.RoleName ?? ''}`);
        }
      }
    }
    expect(roles).toBeGreaterThan(30);
    expect(unbounded).toEqual([]);
    expect(launchBoundaries.sort()).toEqual(['vwml-platform-exp/vwml-catalog-launch-boundary', 'vwml-platform-res/vwml-catalog-launch-boundary']);
  });

  test('the RES execution policy admits the launch role without the workload boundary only with its own boundary (old code: with none)', () => {
    const res = MlopsPlatform.bootstrapCommands(PlatformConfig.sample()).find((b) => b.account === PlatformAccount.RES)!;
    const stmt = res.executionPolicyDocument.Statement.find((s: any) => s.Sid === 'CreateTheCatalogLaunchRole');
    expect(stmt.Resource).toBe('arn:aws:iam::333333333333:role/vwml-catalog-launch');
    expect(stmt.Condition).toEqual({ StringEquals: { 'iam:PermissionsBoundary': 'arn:aws:iam::333333333333:policy/vwml-catalog-launch-boundary' } });
    const dev = MlopsPlatform.bootstrapCommands(PlatformConfig.sample()).find((b) => b.account === PlatformAccount.DEV)!;
    expect(dev.executionPolicyDocument.Statement.find((s: any) => s.Sid === 'CreateTheCatalogLaunchRole')).toBeUndefined();
  });
});

describe('an invalid configuration', () => {
  test('synthesizes no stack', () => {
    const app = new App();
    const props = PlatformConfig.sample().toJson();
    props.accounts.int.accountId = '12345';
    expect(() => new MlopsPlatform(app, 'Platform', { config: PlatformConfig.fromObject(props) })).toThrow(/accounts\.int\.accountId/);
    expect(app.synth().stacks).toHaveLength(0);
  });
});

describe('the permissions boundary and what the roles are granted', () => {
  test('no role of the platform is granted an action its boundary blocks', () => {
    const app = new App();
    const platform = new MlopsPlatform(app, 'Platform', { config: PlatformConfig.sample() });
    const problems: Record<string, string[]> = {};
    for (const stack of platform.stacks) {
      const template = Template.fromStack(stack).toJSON();
      const boundary = stack.resolve(stack.guardrails.permissionsBoundary.document);
      for (const [role, actions] of Object.entries(actionsOutsideBoundary(template, boundary))) problems[`${stack.stackName}/${role}`] = actions;
    }
    expect(problems).toEqual({});
  });
});

describe('the GitHub deploy role in EXP', () => {
  test('without useCases (legacy): trusts the main branch of the configured repositories through the GitHub OIDC provider, with a warning', () => {
    const props = PlatformConfig.sample().toJson();
    props.github = { organization: 'vw-mlops', repositories: ['weld-gun-*'] };
    delete props.useCases;
    for (const user of props.studio.users) delete user.useCase;
    const app = new App();
    const platform = new MlopsPlatform(app, 'Platform', { config: PlatformConfig.fromObject(props) });
    const t = Template.fromStack(platform.exp);
    t.hasResourceProperties('AWS::IAM::OIDCProvider', { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] });
    const role = Object.values(t.findResources('AWS::IAM::Role', { Properties: { RoleName: 'vwml-github-deploy' } }))[0] as any;
    const trust = role.Properties.AssumeRolePolicyDocument.Statement[0];
    expect(trust.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(trust.Condition).toEqual({
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      StringLike: { 'token.actions.githubusercontent.com:sub': ['repo:vw-mlops/weld-gun-*:ref:refs/heads/main'] },
    });
    expect(platform.names.githubDeployRoleArn).toBe('arn:aws:iam::222222222222:role/vwml-github-deploy');
    const policy = JSON.stringify(Object.values(t.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('^Deploy use-case training stacks') } }))[0]);
    expect(policy).toContain('arn:aws:iam::222222222222:role/cdk-vwml-deploy-role-222222222222-eu-central-1');
    expect(policy).not.toContain('hnb659fds');
    expect(ComplianceCheck.run(app).errors).toEqual([]);
    Annotations.fromStack(platform.exp).hasWarning('*', Match.stringLikeRegexp('List the use cases in "useCases"'));
  });

  test('with useCases: the provider stays in EXP, the org-wide role goes away', () => {
    const platform = new MlopsPlatform(new App(), 'Platform', { config: PlatformConfig.sample() });
    const t = Template.fromStack(platform.exp);
    t.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    expect(platform.exp.githubDeployRole).toBeUndefined();
    expect(t.findResources('AWS::IAM::Role', { Properties: { RoleName: 'vwml-github-deploy' } })).toEqual({});
    Annotations.fromStack(platform.exp).hasNoWarning('*', Match.stringLikeRegexp('useCases'));
  });

  test('without github in the config there is no provider and no deploy role', () => {
    const props = PlatformConfig.sample().toJson();
    delete props.github;
    const platform = new MlopsPlatform(new App(), 'Platform', { config: PlatformConfig.fromObject(props) });
    Template.fromStack(platform.exp).resourceCountIs('AWS::IAM::OIDCProvider', 0);
    expect(platform.exp.githubDeployRole).toBeUndefined();
  });
});
