import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Project, Testing } from 'projen';
import * as YAML from 'yaml';
import { needsOf, parseWorkflow, platformProject, synthInPlace, tempDir, topologicalJobOrder, transitiveNeeds } from './helpers';
import { MlopsPlatform, MlopsPlatformProject, PlatformAccount, PlatformConfig } from '../../../src';

const ALL = ['data', 'exp', 'res', 'dev', 'int', 'prod'];
const ACCOUNT_IDS: Record<string, string> = {
  data: '111111111111',
  exp: '222222222222',
  res: '333333333333',
  dev: '444444444444',
  int: '555555555555',
  prod: '666666666666',
};

describe('MlopsPlatformProject with the options projen new renders', () => {
  const project = platformProject();
  const out = Testing.synth(project);

  test('snapshot of every generated file', () => {
    expect(out).toMatchSnapshot();
  });

  test('the sample files and the managed files', () => {
    // samples: written once, then the user's
    expect(out['platform.json']).toEqual(PlatformConfig.sample().toJson());
    expect(out['src/main.ts']).toContain("const ROOT = path.join(__dirname, '..');");
    expect(out['src/main.ts']).toContain("PlatformConfig.fromFile(path.join(ROOT, 'platform.json'))");
    expect(out['src/main.ts']).toContain("new MlopsPlatform(app, 'Platform', { config })");
    expect(out['test/main.test.ts']).toContain('ComplianceCheck.assertCompliant(app)');
    expect(out['README.md']).toContain('| PROD | 666666666666 | eu-central-1 | `vwml-platform-prod` |');
    // projen's hello-world app is not written
    expect(out['src/main.ts']).not.toContain('MyStack');
    // managed: listed in .projen/files.json (projen rewrites them at every synthesis)
    const managed: string[] = out['.projen/files.json'].files;
    expect(managed).toEqual(expect.arrayContaining(['.github/workflows/deploy.yml', '.github/workflows/build.yml', 'cdk.json', '.projen/tasks.json']));
    for (const sample of ['platform.json', 'src/main.ts', 'test/main.test.ts', 'README.md']) {
      expect(managed).not.toContain(sample);
    }
  });

  test('the samples are the real files of templates/platform, with the configuration path put in', () => {
    const templates = path.join(__dirname, '..', '..', '..', 'templates', 'platform');
    expect(out['src/main.ts']).toBe(fs.readFileSync(path.join(templates, 'src', 'main.ts'), 'utf-8'));
    expect(out['test/main.test.ts']).toBe(fs.readFileSync(path.join(templates, 'test', 'main.test.ts'), 'utf-8'));
  });

  test('dependencies: the library, cdk-nag, and aws-cdk-lib raised from projen\'s default to the library\'s minimum', () => {
    const pkg = out['package.json'];
    expect(pkg.dependencies).toEqual({
      '@vw/mlops-blueprint': '*',
      'aws-cdk-lib': '^2.257.0',
      'cdk-nag': '^3.0.2',
      'constructs': expect.stringMatching(/^\^10\./),
    });
    expect(pkg.devDependencies['@vw/mlops-blueprint']).toBeUndefined();
    expect(pkg.devDependencies.typescript).toBe('~6.0');
    expect(pkg.devDependencies['@types/node']).toBe('^20');
    expect(pkg.engines.node).toBe('>= 20.16.0');
    expect(project.cdkVersion).toBe('^2.257.0');
  });

  test('the workflows set up Node.js 22 (a maintained LTS line)', () => {
    for (const file of ['build.yml', 'deploy.yml']) {
      const workflow = parseWorkflow(out[`.github/workflows/${file}`]);
      for (const job of Object.values(workflow.jobs)) {
        const setup = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
        if (job.steps.some((s) => s.run === 'npm ci' || s.run === 'npm install')) expect(setup?.with?.['node-version']).toBe('22.x');
      }
    }
  });

  test('the bootstrap task runs the bundled CLI on the configuration', () => {
    const task = out['.projen/tasks.json'].tasks.bootstrap;
    expect(task.steps).toEqual([{ exec: 'npx mlops-blueprint bootstrap platform.json --out-dir bootstrap/' }]);
    expect(project.bootstrapTask.name).toBe('bootstrap');
  });

  test('the cost task synthesizes the six stacks, then prices the assembly with the bundled CLI; the README says so', () => {
    const task = out['.projen/tasks.json'].tasks.cost;
    expect(task.steps).toEqual([{ spawn: 'synth:silent' }, { exec: 'npx mlops-blueprint cost --app cdk.out', receiveArgs: true }]);
    expect(out['cdk.json'].output).toBe('cdk.out');
    expect(project.costTask.name).toBe('cost');
    expect(out['README.md']).toContain('| `npx projen cost` | synthesize, then `mlops-blueprint cost --app cdk.out`');
  });

  test('the pull-request workflow installs and builds (synth, tests with cdk-nag, eslint)', () => {
    const build = parseWorkflow(out['.github/workflows/build.yml']);
    expect(Object.keys(build.on)).toContain('pull_request');
    const runs = build.jobs.build.steps.map((s) => s.run).filter(Boolean);
    expect(runs.slice(0, 2)).toEqual(['npm install', 'npx projen build']);
    const tasks = out['.projen/tasks.json'].tasks;
    expect(tasks.build.steps.map((s: any) => s.spawn)).toEqual(expect.arrayContaining(['compile', 'post-compile', 'test']));
    expect(tasks['post-compile'].steps).toEqual([{ spawn: 'synth:silent' }]);
  });
});

describe('the deploy workflow', () => {
  const out = Testing.synth(platformProject());
  const workflow = parseWorkflow(out['.github/workflows/deploy.yml']);

  test('deploys on pushes to the default branch and by hand, one run at a time, never cancelled', () => {
    expect(workflow.on).toEqual({ push: { branches: ['main'] }, workflow_dispatch: {} });
    expect(workflow.concurrency).toEqual({ 'group': 'deploy-platform', 'cancel-in-progress': false });
  });

  test('jobs run in dependency order: build, then DATA, EXP, RES, DEV, INT, PROD, each needing the one before', () => {
    expect(topologicalJobOrder(workflow)).toEqual(['build', ...ALL.map((a) => `deploy-${a}`)]);
    const chain = ['build', ...ALL.map((a) => `deploy-${a}`)];
    for (let i = 1; i < chain.length; i++) {
      expect(needsOf(workflow.jobs[chain[i]])).toEqual([chain[i - 1]]);
      // every account waits for every account before it, and for the build
      expect([...transitiveNeeds(workflow, chain[i])].sort()).toEqual(chain.slice(0, i).sort());
    }
    expect(needsOf(workflow.jobs.build)).toEqual([]);
  });

  test('each deploy job assumes its own account\'s deploy role through OIDC and deploys that account\'s stack', () => {
    for (const account of ALL) {
      const job = workflow.jobs[`deploy-${account}`];
      expect(job.permissions).toEqual({ 'contents': 'read', 'id-token': 'write' });
      const credentials = job.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
      expect(credentials?.with).toEqual({
        'role-to-assume': `arn:aws:iam::${ACCOUNT_IDS[account]}:role/vwml-platform-deploy`,
        'role-session-name': `vwml-deploy-${account}`,
        'aws-region': 'eu-central-1',
        'allowed-account-ids': ACCOUNT_IDS[account],
      });
      const runs = job.steps.map((s) => s.run).filter(Boolean);
      // the CDK CLI selects stacks by construct path (Platform/Data), never by stack name
      const selector = `Platform/${account.charAt(0).toUpperCase()}${account.slice(1)}`;
      const platformRun = runs.indexOf(`npx cdk deploy ${selector} --require-approval never`);
      expect(platformRun).toBeGreaterThan(-1);
      // then the use cases' onboarding stacks of the account (the sample lists a use case with dataAccess, so DATA
      // has one too: its data cells filters), after the platform stack
      const onboarding = [`npx cdk deploy 'Platform/UseCase-*/${selector.split('/')[1]}' --require-approval never`];
      expect(runs.slice(platformRun + 1)).toEqual(onboarding);
      expect(job.name).toBe(`Deploy ${account.toUpperCase()} (vwml-platform-${account})`);
      // the credentials come before the deployment, the checkout before everything
      expect(job.steps[0].uses).toMatch(/^actions\/checkout@/);
      expect(job.steps.indexOf(credentials!)).toBeLessThan(job.steps.findIndex((st) => st.run?.startsWith('npx cdk deploy')));
    }
  });

  test('the deploy selectors are the construct paths of the stacks MlopsPlatform creates in the sample app', () => {
    const app = new App();
    // as src/main.ts creates it
    const platform = new MlopsPlatform(app, 'Platform', { config: PlatformConfig.sample() });
    expect(out['src/main.ts']).toContain("new MlopsPlatform(app, 'Platform', { config });");
    for (const account of ALL) {
      const stack = platform.stack(account as PlatformAccount);
      const runs = workflow.jobs[`deploy-${account}`].steps.map((s) => s.run).filter((r): r is string => r?.startsWith('npx cdk deploy') ?? false);
      expect(runs[0]).toBe(`npx cdk deploy ${stack.node.path} --require-approval never`);
      expect(workflow.jobs[`deploy-${account}`].name).toContain(stack.stackName);
      // the onboarding glob selects exactly the use cases' onboarding stacks of the account (as the CDK CLI matches paths)
      const onboardingPaths = platform.useCases.map((u) => u.tryFindStack(account as PlatformAccount)?.node.path).filter(Boolean);
      const glob = runs[1] ? /'(.*)'/.exec(runs[1])![1] : undefined;
      const everyPath = app.node.findAll().filter((c) => c instanceof Stack).map((c) => c.node.path);
      // '*' matches within one path segment, as in the CDK CLI's glob matching
      const pattern = glob && new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
      expect(pattern ? everyPath.filter((p) => pattern.test(p)) : []).toEqual(onboardingPaths);
    }
  });

  test('INT and PROD wait in GitHub environments with required reviewers; the others have none', () => {
    expect(workflow.jobs['deploy-int'].environment).toBe('platform-int');
    expect(workflow.jobs['deploy-prod'].environment).toBe('platform-prod');
    for (const account of ['data', 'exp', 'res', 'dev']) {
      expect(workflow.jobs[`deploy-${account}`].environment).toBeUndefined();
    }
  });

  test('the build job needs no AWS credentials and no OIDC token', () => {
    expect(workflow.jobs.build.permissions).toEqual({ contents: 'read' });
    expect(workflow.jobs.build.steps.map((s) => s.run).filter(Boolean)).toEqual(['npm ci', 'npx projen build']);
  });
});

describe('options', () => {
  test('deployAccounts in any order: the jobs still run in dependency order', () => {
    const project = platformProject({ deployAccounts: [PlatformAccount.PROD, PlatformAccount.DATA, PlatformAccount.DEV] });
    const workflow = parseWorkflow(Testing.synth(project)['.github/workflows/deploy.yml']);
    expect(topologicalJobOrder(workflow)).toEqual(['build', 'deploy-data', 'deploy-dev', 'deploy-prod']);
    expect(needsOf(workflow.jobs['deploy-dev'])).toEqual(['deploy-data']);
    expect(needsOf(workflow.jobs['deploy-prod'])).toEqual(['deploy-dev']);
    expect(project.deployAccounts).toEqual(['data', 'dev', 'prod']);
    // only PROD of the default approval accounts is deployed
    expect(workflow.jobs['deploy-prod'].environment).toBe('platform-prod');
    expect(workflow.jobs['deploy-dev'].environment).toBeUndefined();
  });

  test('approvalAccounts, deployRoleName with placeholders and deployBranch', () => {
    const project = platformProject({
      approvalAccounts: [PlatformAccount.DEV, PlatformAccount.PROD],
      deployRoleName: 'gh-{prefix}-{account}-deployer',
      deployBranch: 'release/platform',
    });
    const workflow = parseWorkflow(Testing.synth(project)['.github/workflows/deploy.yml']);
    expect(workflow.on.push).toEqual({ branches: ['release/platform'] });
    expect(workflow.jobs['deploy-dev'].environment).toBe('platform-dev');
    expect(workflow.jobs['deploy-int'].environment).toBeUndefined();
    expect(workflow.jobs['deploy-prod'].environment).toBe('platform-prod');
    const role = workflow.jobs['deploy-exp'].steps.find((s) => s.with?.['role-to-assume'])?.with?.['role-to-assume'];
    expect(role).toBe('arn:aws:iam::222222222222:role/gh-vwml-exp-deployer');
  });

  test('deployWorkflow: false, or no GitHub, writes no deploy workflow', () => {
    const off = platformProject({ deployWorkflow: false });
    expect(Testing.synth(off)['.github/workflows/deploy.yml']).toBeUndefined();
    expect(off.deployWorkflow).toBeUndefined();
    const noGithub = platformProject({ github: false });
    expect(Testing.synth(noGithub)['.github/workflows/deploy.yml']).toBeUndefined();
  });

  test('a YAML configuration in a folder: sample written as YAML, samples point at it', () => {
    const project = platformProject({ platformConfigFile: 'config/platform.yaml', bootstrapOutDir: 'ops/bootstrap' });
    const out = Testing.synth(project);
    expect(out['platform.json']).toBeUndefined();
    const config = PlatformConfig.fromObject(YAML.parse(out['config/platform.yaml']));
    expect(config.toJson()).toEqual(PlatformConfig.sample().toJson());
    expect(out['src/main.ts']).toContain("path.join(ROOT, 'config', 'platform.yaml')");
    expect(out['test/main.test.ts']).toContain("path.join(ROOT, 'config', 'platform.yaml')");
    expect(out['.projen/tasks.json'].tasks.bootstrap.steps).toEqual([
      { exec: 'npx mlops-blueprint bootstrap config/platform.yaml --out-dir ops/bootstrap/' },
    ]);
    expect(project.platformConfigFile).toBe('config/platform.yaml');
  });

  test('an entrypoint in a sub-folder locates the configuration from its own folder', () => {
    const out = Testing.synth(platformProject({ appEntrypoint: 'app/main.ts' }));
    expect(out['src/app/main.ts']).toContain("const ROOT = path.join(__dirname, '..', '..');");
    expect(out['src/app/main.ts']).toContain("path.join(ROOT, 'platform.json')");
  });

  test('sampleCode: false writes the configuration but no code', () => {
    const out = Testing.synth(platformProject({ sampleCode: false }));
    expect(out['platform.json']).toBeDefined();
    expect(out['src/main.ts']).toBeUndefined();
    expect(out['test/main.test.ts']).toBeUndefined();
  });

  test('a newer cdkVersion is kept; the library is not listed twice when given in deps', () => {
    const project = platformProject({ cdkVersion: '2.260.1', deps: ['@vw/mlops-blueprint@^1.2.0', 'cdk-nag@^3.1.0'] });
    const pkg = Testing.synth(project)['package.json'];
    expect(pkg.dependencies['aws-cdk-lib']).toBe('^2.260.1');
    expect(pkg.dependencies['@vw/mlops-blueprint']).toBe('^1.2.0');
    expect(pkg.dependencies['cdk-nag']).toBe('^3.1.0');
  });
});

describe('the library as a runtime dependency with the exact spec projen new used', () => {
  test('a file: tarball spec moves from devDeps (where projen new puts it) to deps, unchanged', () => {
    const spec = '@vw/mlops-blueprint@file:/somewhere/mlops-blueprint@0.0.0.jsii.tgz';
    const project = platformProject({ devDeps: [spec, 'esbuild'] });
    const out = Testing.synth(project);
    expect(out['package.json'].dependencies['@vw/mlops-blueprint']).toBe('file:/somewhere/mlops-blueprint@0.0.0.jsii.tgz');
    expect(out['package.json'].devDependencies['@vw/mlops-blueprint']).toBeUndefined();
    expect(out['package.json'].devDependencies.esbuild).toBeDefined();
    const deps = out['.projen/deps.json'].dependencies.filter((d: any) => d.name === '@vw/mlops-blueprint');
    expect(deps).toEqual([{ name: '@vw/mlops-blueprint', version: 'file:/somewhere/mlops-blueprint@0.0.0.jsii.tgz', type: 'runtime' }]);
  });

  test('a registry spec is kept as given', () => {
    const out = Testing.synth(platformProject({ devDeps: ['@vw/mlops-blueprint@^2.1.0'] }));
    expect(out['package.json'].dependencies['@vw/mlops-blueprint']).toBe('^2.1.0');
  });
});

describe('re-synthesis', () => {
  test('a changed option updates the managed files; the edited samples are kept', () => {
    const outdir = tempDir();
    synthInPlace(platformProject({}, outdir));

    // the user edits the samples: a real account id for PROD, a new prefix, a line in main.ts
    const configFile = path.join(outdir, 'platform.json');
    const edited = JSON.parse(fs.readFileSync(configFile, 'utf-8'));
    edited.prefix = 'acme';
    edited.qualifier = 'acme';
    edited.accounts.prod.accountId = '777777777777';
    fs.writeFileSync(configFile, JSON.stringify(edited, undefined, 2));
    const mainFile = path.join(outdir, 'src', 'main.ts');
    const main = `${fs.readFileSync(mainFile, 'utf-8')}// my own line\n`;
    fs.writeFileSync(mainFile, main);
    const readme = fs.readFileSync(path.join(outdir, 'README.md'), 'utf-8');

    // ... and changes an option in .projenrc.ts, then runs projen again
    const project = platformProject({ deployRoleName: 'platform-deployer', approvalAccounts: [PlatformAccount.PROD] }, outdir);
    const out = Testing.synth(project);

    // the samples are untouched
    expect(out['platform.json']).toEqual(edited);
    expect(out['src/main.ts']).toBe(main);
    expect(out['README.md']).toBe(readme);
    // the managed workflow follows both the new option and the edited configuration
    const workflow = parseWorkflow(out['.github/workflows/deploy.yml']);
    const prod = workflow.jobs['deploy-prod'];
    expect(prod.steps.find((s) => s.with?.['role-to-assume'])?.with).toEqual(
      expect.objectContaining({ 'role-to-assume': 'arn:aws:iam::777777777777:role/platform-deployer', 'allowed-account-ids': '777777777777' }),
    );
    expect(prod.name).toBe('Deploy PROD (acme-platform-prod)');
    expect(workflow.jobs['deploy-int'].environment).toBeUndefined();
    expect(project.platformConfig.prefix).toBe('acme');
  });

  test('a subproject reads its configuration from its own folder below the parent', () => {
    const root = tempDir();
    const config = { ...PlatformConfig.sample().toJson(), prefix: 'sub', qualifier: 'sub' };
    fs.mkdirSync(path.join(root, 'platform'));
    fs.writeFileSync(path.join(root, 'platform', 'platform.json'), JSON.stringify(config));
    const parent = new Project({ name: 'root', outdir: root });
    const project = platformProject({ parent, outdir: 'platform' }, 'platform');
    expect(project.platformConfig.prefix).toBe('sub');
  });

  test('a deleted sample is written again; an invalid configuration fails the synthesis naming the file', () => {
    const outdir = tempDir();
    synthInPlace(platformProject({}, outdir));
    fs.unlinkSync(path.join(outdir, 'test', 'main.test.ts'));
    synthInPlace(platformProject({}, outdir));
    expect(fs.readFileSync(path.join(outdir, 'test', 'main.test.ts'), 'utf-8')).toContain('assertCompliant');

    fs.writeFileSync(path.join(outdir, 'platform.json'), JSON.stringify({ ...PlatformConfig.sample().toJson(), prefix: 'Not Valid' }));
    expect(() => platformProject({}, outdir)).toThrow(/the platform configuration "platform.json" \(option "platformConfigFile"\) is not valid:\n[\s\S]*prefix/);
  });
});

describe('option validation', () => {
  const cases: Array<[string, () => MlopsPlatformProject, RegExp]> = [
    ['platformConfigFile absolute', () => platformProject({ platformConfigFile: '/etc/platform.json' }), /option "platformConfigFile": "\/etc\/platform.json" must be a path relative to the project root/],
    ['platformConfigFile outside', () => platformProject({ platformConfigFile: '../platform.json' }), /option "platformConfigFile": "..\/platform.json" must stay inside the project/],
    ['platformConfigFile extension', () => platformProject({ platformConfigFile: 'platform.toml' }), /option "platformConfigFile": "platform.toml" must end with .json, .yaml or .yml/],
    ['platformConfigFile empty', () => platformProject({ platformConfigFile: '' }), /option "platformConfigFile": must be a non-empty path/],
    ['deployAccounts unknown', () => platformProject({ deployAccounts: ['qa' as PlatformAccount] }), /option "deployAccounts": "qa" is not a platform account; use PlatformAccount.DATA/],
    ['deployAccounts duplicate', () => platformProject({ deployAccounts: [PlatformAccount.DEV, PlatformAccount.DEV] }), /option "deployAccounts": "dev" is listed twice/],
    ['deployAccounts empty', () => platformProject({ deployAccounts: [] }), /option "deployAccounts": is empty; .*"deployWorkflow: false"/],
    [
      'approvalAccounts not deployed',
      () => platformProject({ deployAccounts: [PlatformAccount.DATA], approvalAccounts: [PlatformAccount.PROD] }),
      /option "approvalAccounts": "prod" is not deployed by the workflow \(option "deployAccounts"\)/,
    ],
    ['deployRoleName characters', () => platformProject({ deployRoleName: 'deploy role' }), /option "deployRoleName": "deploy role" gives the role name "deploy role" for DATA, which is not a valid IAM role name/],
    ['deployRoleName too long', () => platformProject({ deployRoleName: `{prefix}-${'x'.repeat(60)}` }), /option "deployRoleName": .* is not a valid IAM role name: use 1 to 64/],
    ['deployRoleName placeholder', () => platformProject({ deployRoleName: '{prefix}-{stage}-deploy' }), /option "deployRoleName": .* uses the unknown placeholder \{stage\}; only \{prefix\} and \{account\}/],
    ['deployBranch', () => platformProject({ deployBranch: 'my branch' }), /option "deployBranch": "my branch" is not a branch name/],
    ['bootstrapOutDir', () => platformProject({ bootstrapOutDir: '../out' }), /option "bootstrapOutDir": "..\/out" must stay inside the project/],
    ['cdkVersion not exact', () => platformProject({ cdkVersion: '^2.257.0' }), /option "cdkVersion": "\^2.257.0" is not an exact aws-cdk-lib version; write one such as "2.257.0"/],
  ];
  test.each(cases)('%s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('errors name the project type', () => {
    expect(() => platformProject({ deployBranch: '' })).toThrow(/^MlopsPlatformProject: option "deployBranch"/);
  });
});
