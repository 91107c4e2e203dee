/*
 * The buildspecs of the model deployment pipeline's CodeBuild projects: what each stage runs. Nothing
 * here is public API; test/constructs/deployment/deployment-commands.test.ts runs these commands with the
 * real tools against a synthesized cloud assembly.
 */

/** The file the Resolve stage writes into the PinnedModel artifact. */
export const PINNED_MODEL_FILE = 'pinned-model.json';
/** The CDK context key the use-case app reads the pinned model package ARN from. */
export const PINNED_MODEL_CONTEXT_KEY = 'pinnedModelPackageArn';

/**
 * A buildspec: Node.js 20, the install commands, one build phase in bash.
 * @internal
 */
export function buildSpec(install: string[], commands: string[], exported: string[], artifacts?: Record<string, unknown>): Record<string, unknown> {
  return {
    version: '0.2',
    env: exported.length > 0 ? { 'shell': 'bash', 'exported-variables': exported } : { shell: 'bash' },
    phases: {
      install: { 'runtime-versions': { nodejs: 20 }, 'commands': install },
      build: { commands },
    },
    ...(artifacts ? { artifacts } : {}),
  };
}

/**
 * How the Deploy and SmokeTest projects install the use-case repository's dependencies: their roles may
 * assume roles in the target accounts, so no code of a dependency runs during the install (`--ignore-scripts`:
 * no preinstall/install/postinstall script), and npm runs without the variables through which CodeBuild hands
 * out the build's credentials (the container credentials endpoint, static keys). What runs afterwards with
 * the credentials is the CDK CLI and this library's CLI, both bundled without dependencies of their own.
 * @internal
 */
export const DEPLOY_INSTALL_COMMAND = 'env -u AWS_CONTAINER_CREDENTIALS_RELATIVE_URI -u AWS_CONTAINER_CREDENTIALS_FULL_URI '
  + '-u AWS_CONTAINER_AUTHORIZATION_TOKEN -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN npm ci --ignore-scripts';

/** Where the PinnedModel artifact's file is, in projects that take it as a secondary input. */
const PINNED = `"$CODEBUILD_SRC_DIR_PinnedModel/${PINNED_MODEL_FILE}"`;
/** Where the cloud assembly is, in projects that take it as a secondary input. */
const ASSEMBLY = '"$CODEBUILD_SRC_DIR_CloudAssembly"';

/** Fails unless the PinnedModel artifact holds a pinned model package ARN; sets PINNED_ARN. */
function readPin(step: string): string[] {
  return [
    `test -s ${PINNED} || { echo "${step} FAILED: no ${PINNED_MODEL_FILE} in the PinnedModel artifact; nothing is deployed without the pinned model"; exit 1; }`,
    `PINNED_ARN=$(node -p "require(process.argv[1]).modelPackageArn" ${PINNED})`,
    `case "$PINNED_ARN" in arn:aws*:sagemaker:*:model-package/*/*) echo "${step}: pinned model package $PINNED_ARN" ;; *) echo "${step} FAILED: ${PINNED_MODEL_FILE} has no model package ARN ($PINNED_ARN)"; exit 1 ;; esac`,
  ];
}

/**
 * Resolve: `deploy resolve` pins the latest approved version; exports MODEL_PACKAGE_ARN and MODEL_PACKAGE_VERSION.
 * @internal
 */
export function resolveCommands(): string[] {
  return [
    [
      `npx mlops-blueprint deploy resolve --group "$MODEL_PACKAGE_GROUP_ARN" --region "$REGISTRY_REGION" --out ${PINNED_MODEL_FILE} || {`,
      '  RC=$?',
      '  if [ "$RC" -eq 2 ]; then echo "Resolve FAILED: the model package group $MODEL_PACKAGE_GROUP_ARN has no approved version (or does not exist): approve a version in the registry first"; fi',
      '  exit "$RC"',
      '}',
    ].join('\n'),
    `MODEL_PACKAGE_ARN=$(node -p "require(process.argv[1]).modelPackageArn" ./${PINNED_MODEL_FILE})`,
    `MODEL_PACKAGE_VERSION=$(node -p "require(process.argv[1]).modelPackageVersion" ./${PINNED_MODEL_FILE})`,
    'case "$MODEL_PACKAGE_ARN" in arn:aws*:sagemaker:*:model-package/*/*) ;; *) echo "Resolve FAILED: no model package ARN in the pinned model ($MODEL_PACKAGE_ARN)"; exit 1 ;; esac',
    'echo "Pinned $MODEL_PACKAGE_ARN (version $MODEL_PACKAGE_VERSION)"',
  ];
}

/**
 * Synth: `cdk synth` of the use-case app with the pinned ARN as context, into `cdk.out`.
 * @internal
 */
export function synthCommands(): string[] {
  return [...readPin('Synth'), `npx cdk synth --quiet -c ${PINNED_MODEL_CONTEXT_KEY}="$PINNED_ARN" --output cdk.out`];
}

/**
 * Deploy: `deploy check-pin`, then `cdk deploy` of exactly the target's stack, both selecting it by its
 * hierarchical id `$TARGET_STACK` (the CDK CLI selects no stack by its CloudFormation name).
 * @internal
 */
export function deployCommands(): string[] {
  return [
    ...readPin('Deploy'),
    `npx mlops-blueprint deploy check-pin --pinned ${PINNED} --assembly ${ASSEMBLY} --stack "$TARGET_STACK"`,
    `npx cdk deploy --app ${ASSEMBLY} "$TARGET_STACK" --exclusively --require-approval never`,
  ];
}

/**
 * SmokeTest: `deploy smoke-test` of the target's endpoint with the sample request.
 * @internal
 */
export function smokeTestCommands(): string[] {
  return [
    ...readPin('SmokeTest'),
    [
      'npx mlops-blueprint deploy smoke-test --endpoint "$ENDPOINT_NAME" --sample "$SMOKE_TEST_SAMPLE" --content-type "$SMOKE_TEST_CONTENT_TYPE"',
      `--timeout "$SMOKE_TEST_TIMEOUT_SECONDS" --role-arn "$SMOKE_TEST_ROLE_ARN" --region "$TARGET_REGION" --pinned ${PINNED}`,
    ].join(' '),
  ];
}

