import { awscdk, DependencyType, javascript } from 'projen';

/** The version of aws-cdk-lib that cdk-nag 3 needs at the very least. */
const CDK_MIN_VERSION = '2.257.0';
/** projen is a peer dependency with a wide range; the devDependency is pinned at its minimum. */
const PROJEN_PEER_RANGE = '>=0.103.0 <1.0.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: '@vw/mlops-blueprint',
  description:
    'One secure, standard path from a notebook to a production SageMaker endpoint across a six-account AWS platform: L3 constructs, a validated blueprint and projen project types.',
  author: 'VW MLOps Platform Team',
  authorAddress: 'mlops-platform@example.com',
  repositoryUrl: 'https://github.com/vw/mlops-blueprint.git',
  license: 'Apache-2.0',
  keywords: ['aws-cdk', 'sagemaker', 'mlops', 'projen', 'cdk-nag', 'multi-account'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.16.0',
  projenrcTs: true,

  // toolchain: jsii and TypeScript pinned to the same minor line (TypeScript 7 breaks jsii).
  jsiiVersion: '~6.0',
  typescriptVersion: '~6.0',
  tsconfigDevFile: 'tsconfig.dev.json',
  cdkVersion: CDK_MIN_VERSION,
  constructsVersion: '10.5.1',

  srcdir: 'src',
  testdir: 'test',
  // runtime code (AWS SDK v3 clients, CLI, Lambda handlers) is bundled with esbuild, never compiled by jsii.
  excludeTypescript: ['src/runtime/**'],

  peerDeps: [`projen@${PROJEN_PEER_RANGE}`, 'cdk-nag@^3.0.2'],
  // every peer also gets a devDependency pinned at the minimum of its range (projen's and jsii's
  // convention): we build and test against the oldest versions we claim to support.
  bundledDeps: ['yaml@^2.8.0'],
  devDeps: [
    // runtime code (src/runtime) is bundled with esbuild; the AWS SDK is never a dependency of the package
    'esbuild@^0.28.0',
    '@aws-sdk/client-sagemaker@^3.1142.0',
    '@aws-sdk/client-sagemaker-runtime@^3.1142.0',
    '@aws-sdk/client-s3@^3.1142.0',
    '@aws-sdk/client-sts@^3.1142.0',
    '@types/aws-lambda@^8.10.0',
    // IAM policy simulation of the guardrails in tests
    '@cloud-copilot/iam-simulate@^0.1.173',
    // the CDK CLI: tests run the deployment pipeline's and the workflows' cdk commands against the synthesized assembly
    'aws-cdk@^2.1149.0',
  ],

  publishToPypi: {
    distName: 'vw-mlops-blueprint',
    module: 'vw_mlops_blueprint',
  },

  // lint src and test against tsconfig.dev.json (the project service only finds tsconfig.json, which covers src/)
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'projenrc', '.projenrc.ts'], projectService: false, tsconfigPath: './tsconfig.dev.json' },

  docgen: true,
  github: false,
  release: false,
  sampleCode: false,

  jestOptions: {
    // CI compares snapshots, it never rewrites them; `npx projen test:update` is the explicit way to update.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      setupFilesAfterEnv: ['<rootDir>/test/setup/collect-templates.ts'],
      testTimeout: 120_000,
      // every core: the suites are CPU-bound synths and parallel-safe (shared assemblies are locked, moto ports are free
      // ports per file); Jest's default leaves one core of two idle
      maxWorkers: '100%',
      // coverage instrumentation (v8) costs about 40% more CPU per suite, and nothing in CI reads the report:
      // `npx projen test:coverage` collects it on demand
      collectCoverage: false,
    },
  },

  bin: { 'mlops-blueprint': 'bin/mlops-blueprint' },

  gitignore: ['/assets/runtime/', '/.venv/', '/.cfn-templates/', '/.tmp/', '__pycache__/', '*.pyc', '.pytest_cache/'],
});

// .projenrc.ts is a dot-file, which the `**/*.ts` include of tsconfig.dev.json does not match
project.tsconfigDev.addInclude('.projenrc.ts');
// the project types' sample files import the published package name; they are type-checked by their own tests
project.tsconfigDev.addExclude('templates/**');
// the CDK construct-library component drops a devDependency on constructs; pin it like aws-cdk-lib.
project.deps.addDependency('constructs@10.5.1', DependencyType.BUILD);
project.addTask('test:coverage', {
  description: 'Run the Jest suite with coverage (v8), written to coverage/ (the build runs it without)',
  exec: 'jest --passWithNoTests --ci --coverage',
  receiveArgs: true,
});
// runtime bundles (AWS SDK v3 inside) are built after jsii and shipped in the package
const bundle = project.addTask('bundle:runtime', {
  description: 'Bundle src/runtime (CLI, Lambda handlers) with esbuild into assets/runtime and print their sizes',
  exec: 'node scripts/bundle-runtime.mjs',
});
project.postCompileTask.spawn(bundle);
project.npmignore?.include('/assets/', '/bin/', '/templates/');
// the build prints the npm tarball's size next to the runtime bundles' sizes
project.tasks.tryFind('package:js')?.exec('node scripts/report-package-size.mjs');
project.npmignore?.exclude('__pycache__/', '.pytest_cache/', '.ruff_cache/', '.venv/');
// src/runtime is bundled by esbuild: it may import devDependencies (the AWS SDK v3), which end up inside the bundle
project.eslint?.addOverride({
  files: ['src/runtime/**/*.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true, optionalDependencies: false, peerDependencies: true }] },
});
project.npmignore?.exclude('/.ci/', '/scripts/', '/bench/', '/.cfn-templates/', '/.venv/', '/.tmp/', '/requirements-*.txt');

project.synth();
