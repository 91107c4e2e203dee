import * as fs from 'fs';
import * as path from 'path';
import { awscdk, Dependencies, javascript, SampleDir, SampleFile, Task, TaskShell, TextFile } from 'projen';
import * as YAML from 'yaml';
import { mlSampleFiles, packageInfo, templateFile } from './package-info';
import { ResolvedUseCaseOptions, resolveUseCaseOptions } from './resolve-options';
import { settingsFileLines } from './settings-file';
import { MlopsUseCaseProjectOptions } from './usecase-options';
import { UseCaseSample } from './usecase-sample';
import { addPullRequestWorkflow, addTrainingWorkflow, TRAINING_STACK_PATH } from './workflows';
import { PlatformAccount, PlatformConfig } from '../../blueprint/config/platform-config';
import { UseCaseNames } from '../../blueprint/usecase/usecase-names';

/** Where the local pipeline run keeps its definition, steps and registry (git-ignored). */
const LOCAL_DIR = '.mlops-local';
/** Where `ml:data` writes the synthetic raw data (git-ignored). */
const RAW_DATA_DIR = 'data/raw';
/** The cdk-nag range of this library's peer dependency. */
const CDK_NAG_RANGE = '^3.0.2';
/** The constructs version this library is built against (its peer range's minimum). */
const CONSTRUCTS_VERSION = '10.5.1';

/**
 * A use-case repository of the MLOps platform: a CDK app (`src/main.ts`) composing an `MlopsUseCase`
 * (the model-build pipeline and model registry in EXP, the deployment pipeline in RES, the endpoints
 * in DEV, INT and PROD) from the platform configuration file and the options below, the use case's
 * own pipeline definition (`src/pipeline.ts`), ML seed code (`ml/`), tests with cdk-nag, and
 * GitHub Actions workflows (pull requests: build and ML checks; pushes to the default branch: train
 * in EXP through OIDC).
 *
 * Sample files (written once, then yours): `src/main.ts`, `src/pipeline.ts`, `test/main.test.ts`,
 * the platform configuration file, `ml/`, `smoke-test/sample.json`, `README.md`. Generated files
 * (rewritten by every `npx projen`): `src/usecase-settings.ts` (the options), `scripts/render-pipeline.ts`,
 * `scripts/diagram.ts`, `.github/workflows/pull-request.yml` and `train.yml`, the tasks.
 *
 * Tasks beyond projen's: `ml:install` (a venv in `ml/.venv` with the pinned requirements), `ml:test`
 * (ruff, hadolint and pytest), `ml:data` (synthetic raw data in `data/raw`), `pipeline:local` (the pipeline of
 * `src/pipeline.ts` on this machine with `mlops-blueprint pipeline local`), `diagram` (synth, then the
 * accounts and stacks as a Mermaid picture in `docs/architecture.md` and the README), `cost` (synth, then
 * `mlops-blueprint cost`: the idle monthly estimate per stack).
 *
 * `npx projen new --from <this package> mlops-usecase` needs no flags: every option has a
 * default, the use-case name comes from the directory name, and a `cdkVersion` older than the least
 * version this library supports (2.257.0) is raised to it at creation.
 *
 * @pjid mlops-usecase
 * @example
 * const project = new MlopsUseCaseProject({
 *   name: 'weld-gun-pm',
 *   defaultReleaseBranch: 'main',
 *   cdkVersion: '2.257.0',
 *   prodSettings: { minCapacity: 2, inferenceApi: true, modelMonitor: true },
 * });
 * project.synth();
 */
export class MlopsUseCaseProject extends awscdk.AwsCdkTypeScriptApp {
  /** The use-case name. */
  public readonly useCaseName: string;
  /** The platform configuration file, relative to the repository root. */
  public readonly platformConfigFile: string;
  /** The role GitHub Actions assumes in EXP (the option, or the platform's default role). */
  public readonly githubDeployRoleArn: string;
  /** The Python version of the ML code. */
  public readonly mlPythonVersion: string;
  /** The task `cost`: synthesizes the app, then `mlops-blueprint cost --app cdk.out` prints its idle monthly estimate. */
  public readonly costTask: Task;

  /**
   * @param options the project's options; all of the use case's are optional
   */
  constructor(options: MlopsUseCaseProjectOptions) {
    const creating = process.env.PROJEN_CREATE_PROJECT === 'true';
    const resolved = resolveUseCaseOptions(options, creating);
    const self = packageInfo();
    // `projen new --from <spec>` adds <spec> to devDeps: the app needs the library at run time (and
    // `npx mlops-blueprint` in the deployment pipeline), so it moves to deps with that exact spec
    // (a `file:` tarball would otherwise be looked up on the registry).
    const ownDevDep = (options.devDeps ?? []).find((spec) => Dependencies.parseDependency(spec).name === self.name);
    const userDep = (options.deps ?? []).find((spec) => Dependencies.parseDependency(spec).name === self.name);
    const ownSpec = userDep ?? ownDevDep ?? `${self.name}@^${self.version}`;
    if (resolved.cdkVersion !== options.cdkVersion) {
      // also what .projenrc.ts is written with
      const init = (options as any).__new__;
      if (init?.args?.cdkVersion !== undefined) init.args.cdkVersion = resolved.cdkVersion;
    }
    const jestConfig = options.jestOptions?.jestConfig;

    super({
      ...options,
      cdkVersion: resolved.cdkVersion,
      constructsVersion: options.constructsVersion ?? CONSTRUCTS_VERSION,
      sampleCode: false,
      deps: [...(options.deps ?? []).filter((d) => d !== userDep), ownSpec, `cdk-nag@${CDK_NAG_RANGE}`],
      devDeps: (options.devDeps ?? []).filter((d) => d !== ownDevDep),
      // the README is a sample of ours (projen's would be '# replace this')
      readme: options.readme ?? {
        filename: 'README.md',
        contents: templateFile('README.md', {
          useCaseName: resolved.useCaseName,
          platformConfigFile: resolved.platformConfigFile,
          mlSample: resolved.sample === UseCaseSample.XGBOOST ? "XGBoost's `XGBClassifier`" : "scikit-learn's `HistGradientBoostingClassifier`",
        }),
      },
      buildWorkflow: options.buildWorkflow ?? false,
      depsUpgrade: options.depsUpgrade ?? false,
      jestOptions: {
        ...options.jestOptions,
        // CI compares snapshots and never rewrites them (`npx projen test:update` does, on purpose)
        updateSnapshot: options.jestOptions?.updateSnapshot ?? javascript.UpdateSnapshot.NEVER,
        jestConfig: {
          ...jestConfig,
          // synthesizing five stacks and three cdk-nag packs takes longer than Jest's 5 s
          testTimeout: jestConfig?.testTimeout ?? 120_000,
          // the ML venv, the local runs and cdk.out are no test sources
          modulePathIgnorePatterns: jestConfig?.modulePathIgnorePatterns ?? ['<rootDir>/ml/', `<rootDir>/${LOCAL_DIR}/`, '<rootDir>/cdk.out/'],
        },
      },
    });

    this.useCaseName = resolved.useCaseName;
    this.platformConfigFile = resolved.platformConfigFile;
    this.mlPythonVersion = resolved.mlPythonVersion;
    const platform = this.readPlatformConfig(resolved);
    const names = new UseCaseNames(platform, resolved.useCaseName);
    const exp = platform.account(PlatformAccount.EXP);
    // a use case listed in `useCases` has its own GitHub role; the org-wide role is the legacy fallback
    const listed = platform.useCase(resolved.useCaseName) !== undefined;
    const defaultRoleName = listed ? names.githubRoleName : names.platform.githubDeployRoleName;
    this.githubDeployRoleArn = resolved.githubDeployRoleArn ?? names.roleArn(PlatformAccount.EXP, defaultRoleName);
    if (!resolved.githubDeployRoleArn && !platform.github && this.github) {
      this.logger.warn(`${resolved.platformConfigFile} has no "github" section, so the platform creates no ${defaultRoleName} role in EXP for the workflow "train": add it there (and deploy the platform), or set githubDeployRoleArn`);
    }

    this.gitignore.exclude('/ml/.venv/', '__pycache__/', '*.pyc', '.pytest_cache/', '.ruff_cache/', `/${LOCAL_DIR}/`, '/data/');
    this.addManagedFiles(self.name, resolved);
    this.costTask = this.addTasks();
    if (options.sampleCode ?? true) this.addSamples(resolved);
    if (this.github) {
      const props = {
        branch: options.defaultReleaseBranch ?? 'main',
        nodeVersion: options.workflowNodeVersion ?? '20.x',
        pythonVersion: resolved.mlPythonVersion,
        installCommand: this.package.installCommand,
        roleArn: this.githubDeployRoleArn,
        region: exp.region,
        trainingStackPath: TRAINING_STACK_PATH,
        pipelineName: names.pipelineName,
        artifactBucketName: names.artifactBucketName,
        useCaseName: names.useCase,
        deploymentStackName: names.deploymentStackName,
        deploymentSource: resolved.source?.connectionArn
          ? undefined
          : {
            bucketName: names.deploymentSourceBucketName,
            objectKey: resolved.source?.objectKey ?? 'source.zip',
            writerRoleArn: names.roleArn(PlatformAccount.RES, names.deploymentSourceWriterRoleName),
            region: platform.account(PlatformAccount.RES).region,
            imageSourceObjectKey: names.imageSourceObjectKey,
            imagePipelineName: names.imageBuildPipelineName,
            imageRepositoryName: names.imageRepositoryName,
          },
      };
      addPullRequestWorkflow(this.github, props);
      addTrainingWorkflow(this.github, props);
    }
  }

  /** The platform configuration file of the repository if it exists (validated), else the sample it will be. */
  /**
   * The platform configuration file, or, before it exists (the first synth of `projen new`), the sample this
   * synth writes there: both synths derive the same names (e.g. the use case's own GitHub role).
   */
  private readPlatformConfig(resolved: ResolvedUseCaseOptions): PlatformConfig {
    const full = path.join(this.outdir, resolved.platformConfigFile);
    return fs.existsSync(full) ? PlatformConfig.fromFile(full) : PlatformConfig.fromObject(samplePlatformJson(resolved));
  }

  private addManagedFiles(packageName: string, resolved: ResolvedUseCaseOptions): void {
    const settings = new TextFile(this, path.posix.join(this.srcdir, 'usecase-settings.ts'), { marker: true, readonly: true });
    for (const line of settingsFileLines(settings.marker ?? '', packageName, {
      useCaseName: resolved.useCaseName,
      platformConfigFile: resolved.platformConfigFile,
      source: resolved.source,
      dev: resolved.dev,
      int: resolved.int,
      prod: resolved.prod,
      githubDeployRoleArn: this.githubDeployRoleArn,
      mlPythonVersion: resolved.mlPythonVersion,
    })) settings.addLine(line);
    // generated: eslint --fix must never touch it
    this.eslint?.addIgnorePattern(settings.path);

    for (const script of ['render-pipeline.ts', 'diagram.ts']) {
      const file = new TextFile(this, `scripts/${script}`, { marker: true, readonly: true });
      file.addLine(`// ${file.marker}`);
      for (const line of templateFile(`scripts/${script}`).split('\n')) file.addLine(line);
    }
  }

  private addTasks(): Task {
    const venvPython = 'ml/.venv/bin/python';
    // POSIX sh: the ML tasks use `||`, `test` and `${VAR:-default}`, which projen's own task shell lacks
    const shell = TaskShell.sh();
    const mlInstall = this.addTask('ml:install', {
      description: `A Python venv in ml/.venv with the pinned requirements of the ML code (Python ${this.mlPythonVersion}+; MLOPS_PYTHON picks the interpreter)`,
      shell,
      steps: [
        { exec: `test -x ${venvPython} || \${MLOPS_PYTHON:-python3} -m venv ml/.venv` },
        {
          exec: `${venvPython} -c "import sys; v = tuple(map(int, '${this.mlPythonVersion}'.split('.'))); sys.exit(0 if sys.version_info[:2] >= v else 'ml/.venv has Python %d.%d; the ML code needs ${this.mlPythonVersion} or later: remove ml/.venv and run again with MLOPS_PYTHON=python${this.mlPythonVersion}' % sys.version_info[:2])"`,
        },
        {
          exec: `${venvPython} -m pip install --quiet --disable-pip-version-check -r ml/requirements.txt -r ml/requirements-dev.txt && touch ml/.venv/.installed`,
          // only when the requirements changed since the last install
          condition: '! { [ ml/.venv/.installed -nt ml/requirements.txt ] && [ ml/.venv/.installed -nt ml/requirements-dev.txt ]; }',
        },
      ],
    });
    const mlTest = this.addTask('ml:test', {
      description: 'Lints (ruff, hadolint) and tests (pytest) the ML code and its image',
      shell,
      env: { OMP_NUM_THREADS: '1' },
    });
    mlTest.spawn(mlInstall);
    mlTest.exec('.venv/bin/ruff check .', { cwd: 'ml' });
    mlTest.exec('.venv/bin/ruff format --check .', { cwd: 'ml' });
    mlTest.exec('.venv/bin/hadolint Dockerfile', { cwd: 'ml' });
    mlTest.exec('.venv/bin/python -m pytest -q -p no:cacheprovider', { cwd: 'ml' });

    const mlData = this.addTask('ml:data', {
      description: `Writes the synthetic raw data (welding-gun readings) to ${RAW_DATA_DIR}/welds.csv`,
      shell,
    });
    mlData.spawn(mlInstall);
    mlData.exec(`${venvPython} ml/src/generate_data.py --output ${RAW_DATA_DIR}/welds.csv`);

    const definition = `${LOCAL_DIR}/pipeline.json`;
    const local = this.addTask('pipeline:local', {
      description: 'Runs the pipeline of src/pipeline.ts on this machine (mlops-blueprint pipeline local): the ML code on the data in data/raw, /opt/ml mapped into .mlops-local/run, the registration in .mlops-local/registry.json',
      env: { OMP_NUM_THREADS: '1' },
      shell,
    });
    local.spawn(mlInstall);
    local.spawn(mlData, { condition: `[ ! -d ${RAW_DATA_DIR} ]` });
    local.exec(`ts-node --prefer-ts-exts -P ${this.tsconfigDev.fileName} scripts/render-pipeline.ts ${definition}`);
    local.exec([
      'mlops-blueprint pipeline local',
      `--definition ${definition}`,
      `--workdir ${LOCAL_DIR}/run`,
      `--registry ${LOCAL_DIR}/registry.json`,
      `--python ${venvPython}`,
      '--code-dir ml',
      // parity with the use case's image: its base Python minor and exactly its requirements
      '--dockerfile ml/Dockerfile',
      '--requirements ml/requirements.txt',
      '--data-dir data',
      `--param InputDataUri=${RAW_DATA_DIR}`,
    ].join(' '), { receiveArgs: true });

    const render = `ts-node --prefer-ts-exts -P ${this.tsconfigDev.fileName} scripts/diagram.ts ${this.cdkConfig.cdkout} docs/architecture.md`;
    const diagram = this.addTask('diagram', {
      description: 'Synthesizes the app and draws its accounts and stacks (Mermaid) into docs/architecture.md and the README',
    });
    diagram.spawn(this.cdkTasks.synthSilent);
    diagram.exec(render);
    // the build synthesizes anyway: keep the picture current
    this.postCompileTask.exec(render);

    const cost = this.addTask('cost', {
      description:
        'Synthesizes the app and prints its idle monthly cost per stack and for the use case (mlops-blueprint cost, ' +
        'with the dated price table of @vw/mlops-blueprint; pass -- --prices FILE for your own prices)',
    });
    cost.spawn(this.cdkTasks.synthSilent);
    cost.exec(`mlops-blueprint cost --app ${this.cdkConfig.cdkout}`, { receiveArgs: true });
    return cost;
  }

  private addSamples(resolved: ResolvedUseCaseOptions): void {
    const src = this.srcdir;
    new SampleFile(this, path.posix.join(src, 'main.ts'), { contents: templateFile('src/main.ts') });
    new SampleFile(this, path.posix.join(src, 'pipeline.ts'), { contents: templateFile('src/pipeline.ts') });
    new SampleFile(this, path.posix.join(this.testdir, 'main.test.ts'), { contents: templateFile('test/main.test.ts') });
    new SampleFile(this, 'smoke-test/sample.json', { contents: templateFile('smoke-test/sample.json') });
    const sample = samplePlatformJson(resolved);
    new SampleFile(this, resolved.platformConfigFile, {
      contents: /\.ya?ml$/i.test(resolved.platformConfigFile) ? YAML.stringify(sample) : `${JSON.stringify(sample, undefined, 2)}\n`,
    });
    new SampleDir(this, 'ml', { files: mlSampleFiles(resolved.sample) });
  }
}

/** The sample platform configuration of a new repository, listing its use case as the platform team would onboard it. */
function samplePlatformJson(resolved: ResolvedUseCaseOptions): any {
  const sample = PlatformConfig.sample().toJson();
  // MlopsUseCase accepts only listed use cases
  if (!sample.useCases.some((u: { name: string }) => u.name === resolved.useCaseName)) {
    const owner = resolved.source?.owner ?? sample.github.organization;
    const repository = resolved.source?.repository ?? resolved.useCaseName;
    sample.useCases = [{ name: resolved.useCaseName, team: `mlops-${resolved.useCaseName}`, repository: `${owner}/${repository}` }];
    // the sample's data scientists work on the use case the platform lists
    for (const user of sample.studio?.users ?? []) user.useCase = resolved.useCaseName;
  }
  return sample;
}
