/**
 * The mlops-usecase project type: what it generates (Testing.synth snapshots of the managed files and
 * precise assertions), option validation, and what a second synthesis changes and keeps.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { javascript, Testing } from 'projen';
import * as YAML from 'yaml';
import { PlatformConfig, ServingMode } from '../../../src';
import { MlopsUseCaseProject, MlopsUseCaseProjectOptions, UseCaseSample } from '../../../src/project-types/usecase';

const REPO = path.resolve(__dirname, '..', '..', '..');
const TEMPLATES = path.join(REPO, 'templates', 'usecase');
const XGBOOST_TEMPLATES = path.join(REPO, 'templates', 'usecase-xgboost');
const VERSION = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf-8')).version;

const created: string[] = [];
function tmpdir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-usecase-'));
  created.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of created) fs.rmSync(d, { recursive: true, force: true });
});

const BASE: MlopsUseCaseProjectOptions = {
  name: 'weld-gun-pm',
  defaultReleaseBranch: 'main',
  cdkVersion: '2.257.0',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
};

function project(options: Partial<MlopsUseCaseProjectOptions> = {}): MlopsUseCaseProject {
  return new MlopsUseCaseProject({ ...BASE, outdir: tmpdir(), ...options });
}

/** The generated files whose content is ours (not copied from a template), for the snapshot. */
const MANAGED = [
  'src/usecase-settings.ts',
  '.github/workflows/pull-request.yml',
  '.github/workflows/train.yml',
  '.gitignore',
];
const OUR_TASKS = ['ml:install', 'ml:test', 'ml:data', 'pipeline:local', 'diagram', 'cost', 'post-compile'];

describe('the default project (no use-case options)', () => {
  const p = project();
  const out = Testing.synth(p);

  test('snapshot: the file list, the managed files, our tasks and the dependencies', () => {
    const pkg = out['package.json'];
    const stable = (deps: Record<string, string>) => JSON.parse(JSON.stringify(deps).split(`^${VERSION}"`).join('^<version>"'));
    expect({
      files: Object.keys(out).sort(),
      managed: Object.fromEntries(MANAGED.map((f) => [f, out[f]])),
      tasks: Object.fromEntries(OUR_TASKS.map((t) => [t, out['.projen/tasks.json'].tasks[t]])),
      dependencies: stable(pkg.dependencies),
      devDependencies: stable(pkg.devDependencies),
      jest: { testTimeout: pkg.jest.testTimeout, modulePathIgnorePatterns: pkg.jest.modulePathIgnorePatterns },
    }).toMatchSnapshot();
  });

  test('the cost task synthesizes, then prices the synthesized assembly with the bundled CLI; the README says so', () => {
    const task = out['.projen/tasks.json'].tasks.cost;
    expect(task.steps).toEqual([{ spawn: 'synth:silent' }, { exec: 'mlops-blueprint cost --app cdk.out', receiveArgs: true }]);
    expect(out['cdk.json'].output).toBe('cdk.out');
    expect(p.costTask.name).toBe('cost');
    expect(out['README.md']).toContain('npx projen cost             # synth, then the idle monthly cost of each stack (mlops-blueprint cost --app cdk.out)');
    expect(out['README.md']).toContain('runs hourly in PROD and daily in DEV and INT unless a stage\'s `monitoringSchedule` says');
  });

  test('sample files are the templates, verbatim (ml/ without caches); README with the use-case name', () => {
    for (const file of ['src/main.ts', 'src/pipeline.ts', 'test/main.test.ts']) {
      expect(out[file]).toBe(fs.readFileSync(path.join(TEMPLATES, file), 'utf-8'));
    }
    expect(out['smoke-test/sample.json']).toEqual(JSON.parse(fs.readFileSync(path.join(TEMPLATES, 'smoke-test/sample.json'), 'utf-8')));
    const mlFiles = Object.keys(out).filter((f) => f.startsWith('ml/')).sort();
    expect(mlFiles).toContain('ml/src/train.py');
    expect(mlFiles).toContain('ml/requirements.txt');
    expect(mlFiles.filter((f) => /__pycache__|\.pyc$|\.venv|_cache/.test(f))).toEqual([]);
    for (const f of mlFiles) expect(out[f]).toBe(fs.readFileSync(path.join(TEMPLATES, f), 'utf-8'));
    expect(out['README.md']).toMatch(/^# weld-gun-pm\n/);
    expect(out['README.md']).toContain('<!-- mlops:architecture:start -->');
    expect(out['README.md']).not.toMatch(/\{\{\w+\}\}/);
  });

  test('the sample platform.json is PlatformConfig.sample() and validates', () => {
    expect(out['platform.json']).toEqual(PlatformConfig.sample().toJson());
    expect(PlatformConfig.validate(out['platform.json'])).toEqual([]);
  });

  test('managed files are marked generated (read-only, in .projen/files.json); samples are not', () => {
    const generated: string[] = out['.projen/files.json'].files;
    for (const f of ['src/usecase-settings.ts', 'scripts/render-pipeline.ts', 'scripts/diagram.ts', '.github/workflows/pull-request.yml', '.github/workflows/train.yml']) {
      expect(generated).toContain(f);
    }
    for (const f of ['src/main.ts', 'src/pipeline.ts', 'test/main.test.ts', 'platform.json', 'README.md', 'ml/src/train.py', 'smoke-test/sample.json']) {
      expect(generated).not.toContain(f);
    }
    expect(out['src/usecase-settings.ts']).toMatch(/^\/\/ ~~ Generated by projen\. To modify, edit \.projenrc\.ts and run "npx projen"\.\n/);
    expect(out['scripts/diagram.ts']).toBe(`// ~~ Generated by projen. To modify, edit .projenrc.ts and run "npx projen".\n${fs.readFileSync(path.join(TEMPLATES, 'scripts/diagram.ts'), 'utf-8')}`);
  });

  test('the settings: use-case name from the project name, the platform role of EXP for GitHub', () => {
    const settings = out['src/usecase-settings.ts'];
    expect(settings).toContain("  useCaseName: 'weld-gun-pm',\n");
    expect(settings).toContain("  githubDeployRoleArn: 'arn:aws:iam::222222222222:role/vwml-weld-gun-pm-github',\n");
    expect(p.githubDeployRoleArn).toBe('arn:aws:iam::222222222222:role/vwml-weld-gun-pm-github');
    expect(p.useCaseName).toBe('weld-gun-pm');
  });

  test('the library is a runtime dependency (with cdk-nag and aws-cdk-lib >= 2.257.0), not a devDependency', () => {
    const pkg = out['package.json'];
    expect(pkg.dependencies).toMatchObject({ '@vw/mlops-blueprint': `^${VERSION}`, 'cdk-nag': '^3.0.2', 'aws-cdk-lib': '^2.257.0', 'constructs': '^10.5.1' });
    expect(pkg.devDependencies['@vw/mlops-blueprint']).toBeUndefined();
  });

  test('train.yml: on pushes to main, OIDC into EXP, deploy the training stack only, start the SageMaker pipeline', () => {
    const train = YAML.parse(out['.github/workflows/train.yml']);
    expect(train.on.push).toEqual({ branches: ['main'] });
    const job = train.jobs.train;
    expect(job.permissions).toEqual({ 'id-token': 'write', 'contents': 'read' });
    expect(job.env).toEqual({
      AWS_REGION: 'eu-central-1',
      // the hierarchical id: cdk deploy selects no stack by its CloudFormation name (vwml-weld-gun-pm-training)
      TRAINING_STACK: 'UseCase/Training',
      PIPELINE_NAME: 'vwml-weld-gun-pm-build',
      ARTIFACT_BUCKET: 'vwml-weld-gun-pm-artifacts-222222222222',
    });
    const creds = job.steps.find((s: any) => String(s.uses).startsWith('aws-actions/configure-aws-credentials@'));
    expect(creds.with).toMatchObject({ 'role-to-assume': 'arn:aws:iam::222222222222:role/vwml-weld-gun-pm-github', 'aws-region': 'eu-central-1' });
    const runs = job.steps.map((s: any) => s.run ?? '').join('\n');
    expect(runs).toContain('npx cdk deploy --app cdk.out --require-approval never --exclusively "$TRAINING_STACK"');
    expect(runs).toContain('aws sagemaker start-pipeline-execution --pipeline-name "$PIPELINE_NAME"');
    expect(runs).not.toMatch(/serving|cdk deploy --all/);
    // the deploy role of the platform may write code/ only; the pipeline starts when the raw data is there
    expect(runs).not.toMatch(/^\s*aws s3 (cp|sync) [^\n]*\/data\//m);
    const start = job.steps.find((s: any) => String(s.run).includes('start-pipeline-execution'));
    expect(start.if).toBe("steps.data.outputs.present == 'true'");
    // last: the repository to the deployment pipeline's S3 source in RES, through the source writer role
    const [assumeWriter, upload] = job.steps.slice(-2);
    expect(assumeWriter.with).toEqual({
      'role-to-assume': 'arn:aws:iam::333333333333:role/vwml-weld-gun-pm-source-writer',
      'aws-region': 'eu-central-1',
      'role-chaining': true,
      'role-session-name': 'github-weld-gun-pm-source',
    });
    expect(upload.env).toEqual({ DEPLOYMENT_SOURCE_BUCKET: 'vwml-weld-gun-pm-source-333333333333', DEPLOYMENT_SOURCE_KEY: 'source.zip' });
    expect(upload.run).toContain('git archive --format=zip --output source.zip HEAD\naws s3 cp source.zip "s3://$DEPLOYMENT_SOURCE_BUCKET/$DEPLOYMENT_SOURCE_KEY"');
  });

  test('pull-request.yml: build (synth, tests, nag) and the ML checks, read-only', () => {
    const pr = YAML.parse(out['.github/workflows/pull-request.yml']);
    expect(Object.keys(pr.on).sort()).toEqual(['pull_request', 'workflow_dispatch']);
    expect(pr.jobs.build.permissions).toEqual({ contents: 'read' });
    expect(pr.jobs.build.steps.map((s: any) => s.run).filter(Boolean)).toEqual(expect.arrayContaining(['npm ci', 'npx projen build']));
    expect(pr.jobs.ml.steps.map((s: any) => s.run).filter(Boolean)).toEqual(expect.arrayContaining(['npx projen ml:test', 'npx projen pipeline:local']));
    expect(pr.jobs.ml.steps.find((s: any) => s.uses === 'actions/setup-python@v5').with['python-version']).toBe('3.11');
    // projen's own build workflow is replaced by this one
    expect(out['.github/workflows/build.yml']).toBeUndefined();
  });
});

describe('the ML sample', () => {
  const mlFiles = (out: Record<string, any>) => Object.keys(out).filter((f) => f.startsWith('ml/')).sort();

  test('scikit-learn by default: HistGradientBoostingClassifier, no XGBoost', () => {
    const out = Testing.synth(project());
    expect(out['ml/src/estimator.py']).toContain('from sklearn.ensemble import HistGradientBoostingClassifier');
    expect(out['ml/requirements.txt']).toMatch(/^scikit-learn==\d+\.\d+\.\d+$/m);
    expect(out['ml/requirements.txt']).not.toMatch(/xgboost/i);
    expect(out['README.md']).toContain("the model: scikit-learn's `HistGradientBoostingClassifier` in `ml/src/estimator.py`");
    expect(mlFiles(Testing.synth(project({ sample: UseCaseSample.SKLEARN })))).toEqual(mlFiles(out));
  });

  test('XGBoost: the files of templates/usecase-xgboost/ml over those of templates/usecase/ml', () => {
    const out = Testing.synth(project({ sample: UseCaseSample.XGBOOST }));
    // the CPU-only wheel, pinned; `xgboost` itself would pull the CUDA libraries
    expect(out['ml/requirements.txt']).toMatch(/^xgboost-cpu==3\.2\.0$/m);
    expect(out['ml/requirements.txt']).not.toMatch(/^xgboost==/m);
    for (const line of out['ml/requirements.txt'].split('\n').filter((l: string) => l && !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-z0-9-]+==\d+(\.\d+)*$/);
    }
    expect(out['ml/src/estimator.py']).toContain('from xgboost import XGBClassifier');
    expect(out['README.md']).toContain("the model: XGBoost's `XGBClassifier` in `ml/src/estimator.py`");
    // the same files as the scikit-learn sample, each the overlay's where it has one, else the template's
    const files = mlFiles(out);
    expect(files).toEqual(mlFiles(Testing.synth(project())));
    const overlaid = files.filter((f) => fs.existsSync(path.join(XGBOOST_TEMPLATES, f)));
    expect(overlaid).toEqual(['ml/requirements.txt', 'ml/src/estimator.py', 'ml/tests/test_estimator.py']);
    for (const f of files) {
      const template = overlaid.includes(f) ? XGBOOST_TEMPLATES : TEMPLATES;
      expect(out[f]).toBe(fs.readFileSync(path.join(template, f), 'utf-8'));
    }
    // the sample is chosen once: the settings file and the tasks do not depend on it
    expect(out['src/usecase-settings.ts']).toBe(Testing.synth(project())['src/usecase-settings.ts']);
  });
});

describe('options', () => {
  test('stage settings, a GitHub source, a model family and a Python version reach the settings file', () => {
    const out = Testing.synth(project({
      useCaseName: 'paint-shop',
      prodSettings: { minCapacity: 3, maxCapacity: 6, inferenceApi: true, modelMonitor: true, groundTruthS3Uri: 's3://labels-bucket/paint/' },
      devSettings: { batchInference: true, batchSchedule: 'rate(1 day)' },
      intSettings: { servingMode: ServingMode.ALWAYS_ON, minCapacity: 1 },
      deploymentSource: { connectionArn: 'arn:aws:codeconnections:eu-central-1:333333333333:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789', owner: 'vw-mlops', repository: 'paint-shop', branch: 'main' },
      githubDeployRoleArn: 'arn:aws:iam::222222222222:role/custom-deployer',
      mlPythonVersion: '3.12',
    }));
    const settings = out['src/usecase-settings.ts'];
    expect(settings).toContain("  useCaseName: 'paint-shop',\n");
    expect(settings).toContain("  prod: {\n    minCapacity: 3,\n    maxCapacity: 6,\n    inferenceApi: true,\n    modelMonitor: true,\n    groundTruthS3Uri: 's3://labels-bucket/paint/',\n  },\n");
    expect(settings).toContain("  dev: {\n    batchInference: true,\n    batchSchedule: 'rate(1 day)',\n  },\n");
    // a serving mode is written as the enum member (the settings file type-checks against UseCaseStageSettings)
    expect(settings).toContain('  int: {\n    servingMode: ServingMode.ALWAYS_ON,\n    minCapacity: 1,\n  },\n');
    expect(settings).toContain('import { ServingMode, UseCaseSourceProps, UseCaseStageSettings } from ');
    expect(settings).toContain("    owner: 'vw-mlops',\n    repository: 'paint-shop',\n");
    expect(settings).toContain("  githubDeployRoleArn: 'arn:aws:iam::222222222222:role/custom-deployer',\n");
    expect(settings).toContain("  mlPythonVersion: '3.12',\n");
    const train = YAML.parse(out['.github/workflows/train.yml']);
    expect(train.jobs.train.env.TRAINING_STACK).toBe('UseCase/Training');
    // a CodeConnections source: the pipeline follows the repository itself, nothing is uploaded
    expect(JSON.stringify(train.jobs.train.steps)).not.toContain('source-writer');
    const ml = YAML.parse(out['.github/workflows/pull-request.yml']).jobs.ml;
    expect(ml.steps.find((s: any) => s.uses === 'actions/setup-python@v5').with['python-version']).toBe('3.12');
  });

  test('the use-case name comes from the project name: scope dropped, lowercase, hyphens, at most 20 characters', () => {
    expect(project({ name: '@acme/Weld_Gun PM' }).useCaseName).toBe('weld-gun-pm');
    expect(project({ name: 'predictive-maintenance-of-welding-guns' }).useCaseName).toBe('predictive-maintenan');
    expect(project({ name: '2024 Paint shop--' }).useCaseName).toBe('paint-shop');
  });

  test('a YAML platform configuration file is written as YAML and validates', () => {
    const out = Testing.synth(project({ platformConfigFile: 'config/platform.yaml' }));
    expect(PlatformConfig.validate(YAML.parse(out['config/platform.yaml']))).toEqual([]);
    expect(out['src/usecase-settings.ts']).toContain("  platformConfigFile: 'config/platform.yaml',\n");
  });

  test('a platform configuration without useCases keeps the legacy org-wide GitHub role', () => {
    const dir = tmpdir();
    const config = PlatformConfig.sample().toJson();
    delete config.useCases;
    delete config.studio;
    fs.writeFileSync(path.join(dir, 'platform.json'), JSON.stringify(config));
    const p = new MlopsUseCaseProject({ ...BASE, outdir: dir });
    expect(p.githubDeployRoleArn).toBe('arn:aws:iam::222222222222:role/vwml-github-deploy');
  });

  test('an existing platform configuration decides the deploy role, region and bucket of the workflow', () => {
    const dir = tmpdir();
    const config = PlatformConfig.sample().toJson();
    config.prefix = 'acme';
    config.qualifier = 'acme';
    config.accounts.exp = { ...config.accounts.exp, accountId: '777777777777', region: 'eu-west-1' };
    fs.writeFileSync(path.join(dir, 'platform.json'), JSON.stringify(config));
    const p = new MlopsUseCaseProject({ ...BASE, outdir: dir });
    const out = Testing.synth(p);
    // the use case is listed in useCases: its own role
    expect(p.githubDeployRoleArn).toBe('arn:aws:iam::777777777777:role/acme-weld-gun-pm-github');
    const job = YAML.parse(out['.github/workflows/train.yml']).jobs.train;
    expect(job.env).toMatchObject({ AWS_REGION: 'eu-west-1', ARTIFACT_BUCKET: 'acme-weld-gun-pm-artifacts-777777777777' });
    // the existing file is the user's: not rewritten
    expect(out['platform.json'].prefix).toBe('acme');
  });

  test('an invalid platform configuration fails the synthesis, naming the file and the field', () => {
    const dir = tmpdir();
    const config = PlatformConfig.sample().toJson();
    config.accounts.int.accountId = '12345';
    fs.writeFileSync(path.join(dir, 'platform.json'), JSON.stringify(config));
    expect(() => new MlopsUseCaseProject({ ...BASE, outdir: dir })).toThrow(/Invalid platform\.json \(1 problem\):\naccounts\.int\.accountId: "12345" is not a 12-digit AWS account id/);
  });

  test('sampleCode: false writes no samples, but the managed files', () => {
    const out = Testing.synth(project({ sampleCode: false }));
    for (const f of ['src/main.ts', 'src/pipeline.ts', 'test/main.test.ts', 'ml/src/train.py', 'platform.json']) expect(out[f]).toBeUndefined();
    expect(out['src/usecase-settings.ts']).toBeDefined();
  });

  test('github: false writes no workflows', () => {
    const out = Testing.synth(project({ github: false }));
    expect(Object.keys(out).filter((f) => f.startsWith('.github/'))).toEqual([]);
  });
});

describe('the own dependency', () => {
  test('projen new --from <spec> puts <spec> in devDeps: it becomes the runtime dependency with that exact spec', () => {
    const spec = '@vw/mlops-blueprint@file:/somewhere/dist/js/mlops-blueprint@0.0.0.jsii.tgz';
    const pkg = Testing.synth(project({ devDeps: [spec, 'left-pad@^1.3.0'] }))['package.json'];
    expect(pkg.dependencies['@vw/mlops-blueprint']).toBe('file:/somewhere/dist/js/mlops-blueprint@0.0.0.jsii.tgz');
    expect(pkg.devDependencies['@vw/mlops-blueprint']).toBeUndefined();
    expect(pkg.devDependencies['left-pad']).toBe('^1.3.0');
  });

  test('a spec in deps wins', () => {
    const pkg = Testing.synth(project({ deps: ['@vw/mlops-blueprint@^2.1.0'], devDeps: ['@vw/mlops-blueprint@file:/x.tgz'] }))['package.json'];
    expect(pkg.dependencies['@vw/mlops-blueprint']).toBe('^2.1.0');
    expect(pkg.devDependencies['@vw/mlops-blueprint']).toBeUndefined();
  });
});

describe('cdkVersion', () => {
  test('older than 2.257.0 fails, naming the option and the fix', () => {
    expect(() => project({ cdkVersion: '2.189.1' })).toThrow("cdkVersion: \"2.189.1\" is older than 2.257.0, the least aws-cdk-lib version @vw/mlops-blueprint supports; write cdkVersion: '2.257.0' (or later)");
  });

  test('projen new (PROJEN_CREATE_PROJECT) raises projen\'s default to 2.257.0, also in what .projenrc.ts is written from', () => {
    const before = process.env.PROJEN_CREATE_PROJECT;
    process.env.PROJEN_CREATE_PROJECT = 'true';
    try {
      // (the fqn only has to resolve here; projen new passes ours)
      const init = { fqn: 'projen.awscdk.AwsCdkTypeScriptApp', args: { cdkVersion: '2.189.1', name: 'weld-gun-pm' }, comments: 'none', synth: false, post: false };
      const p = new MlopsUseCaseProject({ ...BASE, outdir: tmpdir(), cdkVersion: '2.189.1', __new__: init } as any);
      expect(p.cdkVersion).toBe('^2.257.0');
      expect(init.args.cdkVersion).toBe('2.257.0');
    } finally {
      if (before === undefined) delete process.env.PROJEN_CREATE_PROJECT;
      else process.env.PROJEN_CREATE_PROJECT = before;
    }
  });

  test('2.257.0 and later are kept', () => {
    expect(project({ cdkVersion: '2.300.1' }).cdkVersion).toBe('^2.300.1');
  });
});

describe('invalid options fail at construction with the option and the fix', () => {
  const cases: Array<[string, Partial<MlopsUseCaseProjectOptions>, string]> = [
    ['useCaseName', { useCaseName: 'Weld_Gun' }, 'useCaseName: "Weld_Gun" may only contain lowercase letters, digits and single hyphens, starting with a letter; for example "weld-gun"'],
    ['useCaseName (too long)', { useCaseName: 'predictive-maintenance-guns' }, 'useCaseName: "predictive-maintenance-guns" must have 2 to 20 characters'],
    ['useCaseName (from the project name)', { name: '42' }, 'useCaseName: cannot be derived from the project name "42"; set useCaseName, for example "weld-gun-pm"'],
    ['platformConfigFile', { platformConfigFile: '../platform.json' }, 'platformConfigFile: "../platform.json" must be a .json, .yaml or .yml file inside the repository'],
    ['platformConfigFile (extension)', { platformConfigFile: 'platform.txt' }, 'platformConfigFile: "platform.txt" must be a .json, .yaml or .yml file'],
    ['instanceType', { prodSettings: { instanceType: 'm5.large' } }, 'prodSettings.instanceType: "m5.large" is not a SageMaker instance type; write e.g. "ml.m5.large"'],
    ['capacity', { intSettings: { servingMode: ServingMode.ALWAYS_ON, minCapacity: 3, maxCapacity: 2 } }, 'intSettings.maxCapacity: 2 is below minCapacity 3; write a maxCapacity of 3 or more'],
    ['capacity (whole)', { devSettings: { servingMode: ServingMode.ALWAYS_ON, minCapacity: 0.5 } }, 'devSettings.minCapacity: 0.5 must be a whole number of instances, 1 or more'],
    ['sampling', { devSettings: { servingMode: ServingMode.ALWAYS_ON, dataCaptureSamplingPercentage: 120 } }, 'devSettings.dataCaptureSamplingPercentage: 120 must be a whole percentage from 0 to 100'],
    ['scale to zero (minCapacity)', { devSettings: { minCapacity: 1 } }, 'devSettings.minCapacity: 1: the stage scales to zero (no instance while idle); remove minCapacity, or set servingMode: ServingMode.ALWAYS_ON'],
    ['scale to zero (modelMonitor)', { intSettings: { modelMonitor: true } }, 'intSettings.modelMonitor: the stage scales to zero, which has no data capture for Model Monitor; remove modelMonitor, or set servingMode: ServingMode.ALWAYS_ON'],
    ['scale to zero (inferenceApi)', { prodSettings: { servingMode: ServingMode.SCALE_TO_ZERO, inferenceApi: true } }, 'prodSettings.inferenceApi: the stage scales to zero'],
    ['servingMode', { devSettings: { servingMode: 'serverless' as ServingMode } }, 'devSettings.servingMode: "serverless" is not a serving mode; write ServingMode.ALWAYS_ON ("always-on") or ServingMode.SCALE_TO_ZERO ("scale-to-zero")'],
    ['batchSchedule', { devSettings: { batchSchedule: 'rate(1 day)' } }, 'devSettings.batchSchedule: is set but batchInference is not; add batchInference: true, or remove batchSchedule'],
    ['batchSchedule (format)', { devSettings: { batchInference: true, batchSchedule: 'daily' } }, 'devSettings.batchSchedule: "daily" is not a schedule expression'],
    ['groundTruthS3Uri', { prodSettings: { groundTruthS3Uri: 's3://labels/x' } }, 'prodSettings.groundTruthS3Uri: is set but modelMonitor is not; add modelMonitor: true, or remove groundTruthS3Uri'],
    ['monitoringSchedule without modelMonitor', { devSettings: { monitoringSchedule: 'off' } }, 'devSettings.monitoringSchedule: is set but modelMonitor is not; add modelMonitor: true, or remove monitoringSchedule'],
    ['monitoringSchedule (format)', { intSettings: { modelMonitor: true, monitoringSchedule: 'rate(1 day)' } }, 'intSettings.monitoringSchedule: "rate(1 day)" is not a Model Monitor schedule; SageMaker accepts "cron(0 * ? * * *)" (hourly)'],
    ['monitoringInstanceType', { prodSettings: { modelMonitor: true, monitoringInstanceType: 'large' } }, 'prodSettings.monitoringInstanceType: "large" is not a SageMaker instance type; write e.g. "ml.m5.large"'],
    ['connectionArn', { deploymentSource: { connectionArn: 'arn:aws:codestar:eu-central-1:1:x', owner: 'o', repository: 'r' } }, 'deploymentSource.connectionArn: "arn:aws:codestar:eu-central-1:1:x" is not a CodeConnections connection ARN'],
    ['owner', { deploymentSource: { connectionArn: 'arn:aws:codeconnections:eu-central-1:333333333333:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789', repository: 'r' } }, 'deploymentSource.owner: is required with connectionArn: give the GitHub owner of this repository'],
    ['repository without connection', { deploymentSource: { repository: 'r' } }, 'deploymentSource.repository: is set without connectionArn; add the CodeConnections connectionArn, or remove it for an S3 source'],
    ['objectKey with connection', { deploymentSource: { connectionArn: 'arn:aws:codeconnections:eu-central-1:333333333333:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789', owner: 'o', repository: 'r', objectKey: 'x.zip' } }, 'deploymentSource.objectKey: belongs to an S3 source, not to a GitHub connection'],
    ['githubDeployRoleArn', { githubDeployRoleArn: 'vwml-github-deploy' }, 'githubDeployRoleArn: "vwml-github-deploy" is not an IAM role ARN; write e.g. "arn:aws:iam::222222222222:role/vwml-weld-gun-pm-github"'],
    ['mlPythonVersion', { mlPythonVersion: '3.9' }, 'mlPythonVersion: "3.9" must be a Python version 3.11 or later, written major.minor, e.g. "3.11"'],
    ['sample', { sample: 'lightgbm' as UseCaseSample }, 'sample: "lightgbm" is not an ML sample; write UseCaseSample.SKLEARN ("sklearn") or UseCaseSample.XGBOOST ("xgboost"), or leave it out for scikit-learn'],
  ];
  test.each(cases)('%s', (_, options, message) => {
    expect(() => project(options)).toThrow(message);
  });

  test('every problem at once, one per line', () => {
    expect(() => project({ useCaseName: 'X', mlPythonVersion: '2.7', githubDeployRoleArn: 'x' })).toThrow(
      /^Invalid MlopsUseCaseProject options \(3 problems\):\nuseCaseName: .*\ngithubDeployRoleArn: .*\nmlPythonVersion: .*$/,
    );
  });
});

describe('synthesizing again', () => {
  test('a new repository of a use case the sample platform does not list: the second synth changes no managed file (its own GitHub role from the first)', () => {
    const before = process.env.PROJEN_DISABLE_POST;
    process.env.PROJEN_DISABLE_POST = 'true';
    try {
      const dir = tmpdir();
      // as `projen new` in an empty directory: no platform.json yet; the first synth writes one that lists the use case
      new MlopsUseCaseProject({ ...BASE, name: 'paint-defect', outdir: dir }).synth();
      const read = () => Object.fromEntries(MANAGED.map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf-8')]));
      const first = read();
      expect(first['src/usecase-settings.ts']).toContain("githubDeployRoleArn: 'arn:aws:iam::222222222222:role/vwml-paint-defect-github',");
      expect(first['.github/workflows/train.yml']).toContain('role-to-assume: arn:aws:iam::222222222222:role/vwml-paint-defect-github');
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'platform.json'), 'utf-8')).useCases.map((u: any) => u.name)).toEqual(['paint-defect']);
      new MlopsUseCaseProject({ ...BASE, name: 'paint-defect', outdir: dir }).synth();
      expect(read()).toEqual(first);
    } finally {
      if (before === undefined) delete process.env.PROJEN_DISABLE_POST;
      else process.env.PROJEN_DISABLE_POST = before;
    }
  });

  test('an option changed in .projenrc updates the managed settings file; edited sample files stay as they are', () => {
    const before = process.env.PROJEN_DISABLE_POST;
    process.env.PROJEN_DISABLE_POST = 'true';
    try {
      const dir = tmpdir();
      new MlopsUseCaseProject({ ...BASE, outdir: dir }).synth();
      const settingsFile = path.join(dir, 'src', 'usecase-settings.ts');
      const first = fs.readFileSync(settingsFile, 'utf-8');
      expect(first).toContain('  prod: {},\n');
      // the user edits sample files
      const main = path.join(dir, 'src', 'main.ts');
      fs.writeFileSync(main, `${fs.readFileSync(main, 'utf-8')}// my change\n`);
      fs.writeFileSync(path.join(dir, 'README.md'), '# my use case\n');
      fs.rmSync(path.join(dir, 'ml', 'src', 'generate_data.py'));

      new MlopsUseCaseProject({ ...BASE, outdir: dir, prodSettings: { minCapacity: 3 } }).synth();
      const second = fs.readFileSync(settingsFile, 'utf-8');
      expect(second).not.toBe(first);
      expect(second).toContain('  prod: {\n    minCapacity: 3,\n  },\n');
      expect(fs.readFileSync(main, 'utf-8')).toMatch(/\/\/ my change\n$/);
      expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf-8')).toBe('# my use case\n');
      // ml/ is a sample folder: once there, it is the user's (a deleted file is not brought back)
      expect(fs.existsSync(path.join(dir, 'ml', 'src', 'generate_data.py'))).toBe(false);
    } finally {
      if (before === undefined) delete process.env.PROJEN_DISABLE_POST;
      else process.env.PROJEN_DISABLE_POST = before;
    }
  });
});
