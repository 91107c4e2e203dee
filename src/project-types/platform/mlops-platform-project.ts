import * as path from 'path';
import { awscdk, github, javascript, SampleFile, Task } from 'projen';
import { addDeployWorkflow } from './deploy-workflow';
import {
  CDK_NAG_RANGE,
  DEFAULT_TYPESCRIPT_VERSION,
  DEFAULT_WORKFLOW_NODE_VERSION,
  effectiveCdkVersion,
  MIN_NODE_VERSION,
  ResolvedPlatformOptions,
  resolvePlatformOptions,
  withoutOwnPackage,
} from './platform-options';
import { configSample, readmeSample, typescriptSample } from './platform-samples';
import { PlatformAccount, PlatformConfig } from '../../blueprint/config/platform-config';

/**
 * Options of the `mlops-platform` project type.
 */
export interface MlopsPlatformProjectOptions extends awscdk.AwsCdkTypeScriptAppOptions {
  /**
   * The platform configuration file, relative to the project root (`.json`, `.yaml` or `.yml`). When it
   * does not exist, it is written once from `PlatformConfig.sample()` (six placeholder accounts), and is
   * yours from then on. The deploy workflow and the README are computed from it at every synthesis.
   *
   * @default "platform.json"
   * @featured
   */
  readonly platformConfigFile?: string;

  /**
   * Whether to generate `.github/workflows/deploy.yml`, which deploys the accounts in dependency order
   * on every push to `deployBranch`.
   *
   * @default true
   */
  readonly deployWorkflow?: boolean;

  /**
   * The accounts whose platform stack the deploy workflow deploys, in any order: the jobs always run in
   * dependency order DATA, EXP, RES, DEV, INT, PROD, each waiting for the one before.
   *
   * @default - all six accounts
   * @featured
   */
  readonly deployAccounts?: PlatformAccount[];

  /**
   * The accounts whose deploy job runs in a GitHub environment (`platform-<account>`, e.g. `platform-prod`)
   * so that it waits for a required reviewer (configure the reviewers in the repository settings). Each
   * must be one of `deployAccounts`.
   *
   * @default - INT and PROD (those of them that are deployed)
   */
  readonly approvalAccounts?: PlatformAccount[];

  /**
   * The name of the IAM role each deploy job assumes through GitHub OIDC in its account (one role per
   * account, created by you, see the README). `{prefix}` is replaced by the configuration's prefix and
   * `{account}` by the account (`data`, `exp`, ...). The role ARN is computed from the account id and
   * region of the configuration.
   *
   * @default "{prefix}-platform-deploy" (distinct from `<prefix>-github-deploy`, the narrower role the platform creates in EXP for the use-case repositories)
   * @featured
   */
  readonly deployRoleName?: string;

  /**
   * The branch whose pushes the deploy workflow deploys.
   *
   * @default - the `defaultReleaseBranch` ("main")
   */
  readonly deployBranch?: string;

  /**
   * The folder, relative to the project root, to which the `bootstrap` task writes the execution policy
   * documents and `bootstrap.sh`.
   *
   * @default "bootstrap"
   */
  readonly bootstrapOutDir?: string;
}

/**
 * The platform repository of the six-account MLOps platform: a CDK app with `MlopsPlatform` (one stack per
 * account: DATA, EXP, RES, DEV, INT, PROD) from one validated configuration file.
 *
 * It writes, once (yours to edit afterwards): the configuration (`platform.json`, from
 * `PlatformConfig.sample()`), `src/main.ts`, `test/main.test.ts` (synthesizes the six stacks and runs
 * `ComplianceCheck.assertCompliant`) and a README with the stacks per account and the bootstrap commands.
 *
 * It manages: a `bootstrap` task (`npx mlops-blueprint bootstrap <config> --out-dir bootstrap/`), a `cost`
 * task (synth, then `npx mlops-blueprint cost --app cdk.out`: the idle monthly estimate per stack), the
 * pull-request build workflow (install, build: synth, tests with cdk-nag, eslint) and
 * `.github/workflows/deploy.yml`: a build job, then one job per account in dependency order, each
 * assuming the account's deploy role through GitHub OIDC and running
 * `npx cdk deploy Platform/<Account> --require-approval never` (the CDK CLI selects stacks by construct
 * path, not by stack name), then, in EXP, RES, DEV, INT and PROD with `useCases` listed, the use cases'
 * onboarding stacks of the account (after the platform stack, whose SSM parameters they read); INT and
 * PROD in GitHub environments with required reviewers.
 *
 * Dependencies: this library (with the exact spec `projen new --from <spec>` was given), `cdk-nag`, and
 * `aws-cdk-lib` at `cdkVersion` but never below 2.257.0, the minimum of this library (projen's own
 * default `cdkVersion`, which `projen new` writes into `.projenrc.ts`, is older and is raised).
 * `typescriptVersion` defaults to "~6.0" (ts-node, ts-jest and typescript-eslint do not support TypeScript 7),
 * `minNodeVersion` to "20.16.0" (this library's minimum; it also sets the major version of the Node.js type definitions),
 * `workflowNodeVersion` to "22.x" (a maintained LTS line for the workflows).
 *
 * Create one with `npx projen new --from <this package> mlops-platform` (no other flag needed).
 *
 * @pjid mlops-platform
 *
 * @example
 * const project = new MlopsPlatformProject({
 *   name: 'mlops-platform',
 *   defaultReleaseBranch: 'main',
 *   cdkVersion: '2.257.0',
 *   deployRoleName: '{prefix}-platform-deploy-{account}',
 * });
 * project.synth();
 */
export class MlopsPlatformProject extends awscdk.AwsCdkTypeScriptApp {
  /** The platform configuration file, relative to the project root. */
  public readonly platformConfigFile: string;

  /**
   * The platform configuration the workflows and the README are computed from: the configuration file
   * when it exists, else the sample that is written to it.
   */
  public readonly platformConfig: PlatformConfig;

  /** The accounts the deploy workflow deploys, in dependency order. */
  public readonly deployAccounts: PlatformAccount[];

  /** The deploy workflow (`.github/workflows/deploy.yml`), unless turned off or GitHub is disabled. */
  public readonly deployWorkflow?: github.GithubWorkflow;

  /** The `bootstrap` task: prints the bootstrap commands and writes the policy documents. */
  public readonly bootstrapTask: Task;

  /** The `cost` task: synthesizes the app, then `mlops-blueprint cost --app cdk.out` prints its idle monthly estimate. */
  public readonly costTask: Task;

  /**
   * @param options the options of the project
   */
  constructor(options: MlopsPlatformProjectOptions) {
    // where projen will write the project (a subproject's outdir is relative to its parent's)
    const baseDir = options.parent ? path.resolve(options.parent.outdir, options.outdir ?? '.') : path.resolve(options.outdir ?? '.');
    const resolved: ResolvedPlatformOptions = resolvePlatformOptions(options, baseDir);
    const ownDeps = withoutOwnPackage(options.deps) ?? [];
    const hasNag = ownDeps.some((d) => d === 'cdk-nag' || d.startsWith('cdk-nag@'));
    super({
      ...options,
      cdkVersion: effectiveCdkVersion(options.cdkVersion),
      typescriptVersion: options.typescriptVersion ?? DEFAULT_TYPESCRIPT_VERSION,
      minNodeVersion: options.minNodeVersion ?? MIN_NODE_VERSION,
      workflowNodeVersion: options.workflowNodeVersion ?? DEFAULT_WORKFLOW_NODE_VERSION,
      // the platform's own samples replace projen's "hello world" app
      sampleCode: false,
      readme: options.readme ?? { contents: readmeSample(options.name, resolved) },
      deps: [...ownDeps, resolved.ownSpec, ...(hasNag ? [] : [`cdk-nag@${CDK_NAG_RANGE}`])],
      devDeps: withoutOwnPackage(options.devDeps),
      // CI compares snapshots and never rewrites them (`npx projen test:update` does, on purpose)
      jestOptions: { ...options.jestOptions, updateSnapshot: options.jestOptions?.updateSnapshot ?? javascript.UpdateSnapshot.NEVER },
    });

    this.platformConfigFile = resolved.configFile;
    this.platformConfig = resolved.config;
    this.deployAccounts = resolved.deployAccounts;

    new SampleFile(this, resolved.configFile, { contents: configSample(resolved.configFile) });
    if (options.sampleCode ?? true) {
      const main = path.posix.join(this.srcdir, this.appEntrypoint);
      new SampleFile(this, main, { contents: typescriptSample('src/main.ts', main, resolved.configFile) });
      const test = path.posix.join(this.testdir, 'main.test.ts');
      new SampleFile(this, test, { contents: typescriptSample('test/main.test.ts', test, resolved.configFile) });
    }

    this.bootstrapTask = this.addTask('bootstrap', {
      description:
        'Print the commands that create the least-privilege CloudFormation execution policies and CDK-bootstrap the six accounts; ' +
        `write the policy documents and bootstrap.sh to ${resolved.bootstrapOutDir}/`,
      exec: `npx mlops-blueprint bootstrap ${resolved.configFile} --out-dir ${resolved.bootstrapOutDir}/`,
    });

    this.costTask = this.addTask('cost', {
      description:
        'Synthesizes the app and prints the idle monthly cost of the six platform stacks (mlops-blueprint cost, ' +
        'with the dated price table of @vw/mlops-blueprint; pass -- --prices FILE for your own prices)',
    });
    this.costTask.spawn(this.cdkTasks.synthSilent);
    this.costTask.exec(`npx mlops-blueprint cost --app ${this.cdkConfig.cdkout}`, { receiveArgs: true });

    this.deployWorkflow = addDeployWorkflow(this, resolved);
  }
}
