import * as fs from 'fs';
import * as path from 'path';
import { ComplianceCheck, MlopsPlatform, PlatformAccount, PlatformConfig, PlatformNames } from '@vw/mlops-blueprint';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** The project root, from this file's folder. */
const ROOT = path.join(__dirname, '..');

const ACCOUNTS = [
  PlatformAccount.DATA,
  PlatformAccount.EXP,
  PlatformAccount.RES,
  PlatformAccount.DEV,
  PlatformAccount.INT,
  PlatformAccount.PROD,
];

describe('the platform', () => {
  const config = PlatformConfig.fromFile(path.join(ROOT, 'platform.json'));
  const names = new PlatformNames(config);
  const app = new App();
  const platform = new MlopsPlatform(app, 'Platform', { config });
  const assembly = app.synth();

  test('synthesizes one stack per account, in its account and region', () => {
    expect(platform.stacks.map((s) => s.stackName)).toEqual(ACCOUNTS.map((a) => names.platformStackName(a)));
    for (const account of ACCOUNTS) {
      const stack = platform.stack(account);
      expect(stack.account).toBe(config.account(account).accountId);
      expect(stack.region).toBe(config.account(account).region);
      const template = assembly.getStackByName(stack.stackName).template;
      expect(Object.keys(template.Resources ?? {}).length).toBeGreaterThan(0);
    }
    // nothing to look up in an AWS account: the synthesis needs no credentials
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });

  test('the stacks wire to each other through names, never through CloudFormation exports', () => {
    for (const stack of platform.stacks) {
      const json = JSON.stringify(Template.fromStack(stack).toJSON());
      expect(json).not.toContain('Fn::ImportValue');
    }
  });

  test('every stack the deploy workflow deploys is a stack of this app', () => {
    const workflow = path.join(ROOT, '.github', 'workflows', 'deploy.yml');
    // no deploy workflow (deployWorkflow: false in .projenrc.ts): nothing to check
    const text = fs.existsSync(workflow) ? fs.readFileSync(workflow, 'utf-8') : '';
    // a selector is a construct path, or a quoted glob for the use cases' onboarding stacks ('Platform/UseCase-*/Exp')
    const selected = [...text.matchAll(/npx cdk deploy (\S+)/g)].map((m) => m[1].replace(/^'(.*)'$/, '$1'));
    const stacks = assembly.stacks.map((s) => s.hierarchicalId);
    for (const selector of selected) {
      if (!selector.includes('*')) {
        expect(stacks).toContain(selector);
        continue;
      }
      const pattern = new RegExp(`^${selector.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
      expect(stacks.filter((s) => pattern.test(s))).not.toEqual([]);
    }
  });

  test('no unacknowledged cdk-nag error (AwsSolutions, NIST 800-53 rev 5, HIPAA Security)', () => {
    const report = ComplianceCheck.assertCompliant(app);
    expect(report.resourceCount).toBeGreaterThan(0);
  }, 300_000);
});
