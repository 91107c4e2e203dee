import { github } from 'projen';

const JobPermission = github.workflows.JobPermission;
type JobStep = github.workflows.JobStep;

/**
 * The construct id of the `MlopsUseCase` in the generated app (`src/main.ts`: `new MlopsUseCase(app,
 * 'UseCase', ...)`); the stacks' hierarchical ids, which `cdk deploy` selects them by, start with it.
 * @internal
 */
export const USE_CASE_CONSTRUCT_ID = 'UseCase';

/**
 * The hierarchical id of the training stack in the generated app's cloud assembly (what `cdk deploy`
 * selects it by; its CloudFormation name selects nothing).
 * @internal
 */
export const TRAINING_STACK_PATH = `${USE_CASE_CONSTRUCT_ID}/Training`;

/** What the workflows need to know. @internal */
export interface UseCaseWorkflowProps {
  /** The branch whose pushes train (the project's default release branch). */
  readonly branch: string;
  /** The Node.js version of the jobs. */
  readonly nodeVersion: string;
  /** The Python version of the ML code. */
  readonly pythonVersion: string;
  /** `npm ci` (or the package manager's frozen install). */
  readonly installCommand: string;
  /** The role GitHub Actions assumes in EXP. */
  readonly roleArn: string;
  /** The region of EXP. */
  readonly region: string;
  /** The training stack as `cdk deploy` selects it: its hierarchical id (`UseCase/Training`). */
  readonly trainingStackPath: string;
  /** The SageMaker pipeline. */
  readonly pipelineName: string;
  /** The artifact bucket of the pipeline (code, data, runs). */
  readonly artifactBucketName: string;
  /** The use-case name (role session names). */
  readonly useCaseName: string;
  /** The deployment stack in RES (named in the summary). */
  readonly deploymentStackName: string;
  /** The deployment pipeline's S3 source, which the workflow uploads the repository to; none with a CodeConnections source. */
  readonly deploymentSource?: DeploymentSourceUpload;
}

/** Where the workflow uploads the repository for the deployment pipeline in RES. @internal */
export interface DeploymentSourceUpload {
  /** The source bucket in RES. */
  readonly bucketName: string;
  /** The object key of the zip. */
  readonly objectKey: string;
  /** The role in RES that may write it (trusted by the EXP deploy role). */
  readonly writerRoleArn: string;
  /** The region of RES. */
  readonly region: string;
  /** The object key of the zip of `ml/`, which starts the use case's image build. */
  readonly imageSourceObjectKey: string;
  /** The image build pipeline in RES. */
  readonly imagePipelineName: string;
  /** The use case's image repository in RES. */
  readonly imageRepositoryName: string;
}

function setup(nodeVersion: string, installCommand: string): JobStep[] {
  return [
    { name: 'Check out', uses: 'actions/checkout@v4' },
    { name: 'Set up Node.js', uses: 'actions/setup-node@v4', with: { 'node-version': nodeVersion } },
    { name: 'Install dependencies', run: installCommand },
  ];
}

/**
 * `pull-request`: on every pull request, the build (synth of every stack, Jest with cdk-nag, eslint;
 * nothing may change in the work tree) and the ML checks (ruff, pytest, the pipeline on this runner).
 * @internal
 */
export function addPullRequestWorkflow(gh: github.GitHub, props: UseCaseWorkflowProps): github.GithubWorkflow {
  const workflow = new github.GithubWorkflow(gh, 'pull-request', {
    limitConcurrency: true,
    concurrencyOptions: { group: '${{ github.workflow }}-${{ github.ref }}', cancelInProgress: true },
  });
  workflow.on({ pullRequest: {}, workflowDispatch: {} });
  workflow.addJobs({
    build: {
      name: 'Build: synth, tests, cdk-nag, eslint',
      runsOn: ['ubuntu-latest'],
      permissions: { contents: JobPermission.READ },
      timeoutMinutes: 30,
      steps: [
        ...setup(props.nodeVersion, props.installCommand),
        { name: 'Build', run: 'npx projen build' },
        {
          // the architecture picture (docs/architecture.md, README.md) is refreshed by the build too;
          // a stale picture is no reason to fail a pull request
          name: 'The build changed no generated file (run npx projen and commit)',
          run: "git add --intent-to-add --all && git diff --exit-code -- . ':!docs/architecture.md' ':!README.md'",
        },
      ],
    },
    ml: {
      name: 'ML code: ruff, pytest, the pipeline locally',
      runsOn: ['ubuntu-latest'],
      permissions: { contents: JobPermission.READ },
      timeoutMinutes: 30,
      steps: [
        ...setup(props.nodeVersion, props.installCommand),
        {
          name: 'Set up Python',
          uses: 'actions/setup-python@v5',
          with: { 'python-version': props.pythonVersion, 'cache': 'pip', 'cache-dependency-path': 'ml/requirements*.txt' },
        },
        { name: 'Lint and test the ML code', run: 'npx projen ml:test' },
        { name: 'Run the pipeline locally on synthetic data', run: 'npx projen pipeline:local' },
      ],
    },
  });
  return workflow;
}

/**
 * `train`: on a push to the default branch, deploy the training stack to EXP through OIDC, upload the
 * ML code to the artifact bucket, and start the SageMaker pipeline (when the raw data is there). DEV, INT and PROD are never deployed from here: the deployment pipeline in RES
 * does that once a person approves the model version.
 * @internal
 */
export function addTrainingWorkflow(gh: github.GitHub, props: UseCaseWorkflowProps): github.GithubWorkflow {
  const workflow = new github.GithubWorkflow(gh, 'train', {
    limitConcurrency: true,
    concurrencyOptions: { group: '${{ github.workflow }}', cancelInProgress: false },
  });
  workflow.on({ push: { branches: [props.branch] }, workflowDispatch: {} });
  const bucket = '$ARTIFACT_BUCKET';
  workflow.addJobs({
    train: {
      name: 'Train in EXP: deploy the training stack, start the SageMaker pipeline (DEV, INT, PROD: the deployment pipeline in RES)',
      runsOn: ['ubuntu-latest'],
      permissions: { idToken: JobPermission.WRITE, contents: JobPermission.READ },
      // the image build in RES (build, scan, test, promote) can take most of an hour
      timeoutMinutes: 120,
      env: {
        AWS_REGION: props.region,
        TRAINING_STACK: props.trainingStackPath,
        PIPELINE_NAME: props.pipelineName,
        ARTIFACT_BUCKET: props.artifactBucketName,
      },
      steps: [
        ...setup(props.nodeVersion, props.installCommand),
        { name: 'Build: synth, tests, cdk-nag', run: 'npx projen build' },
        {
          name: 'Assume the GitHub deploy role in EXP (OIDC)',
          uses: 'aws-actions/configure-aws-credentials@v4',
          with: {
            'role-to-assume': props.roleArn,
            'aws-region': props.region,
            'role-session-name': `github-${props.useCaseName}-train`.slice(0, 64),
          },
        },
        ...(props.deploymentSource ? buildImage(props, props.deploymentSource) : []),
        props.deploymentSource
          ? {
            name: 'Deploy the training stack (EXP only)',
            // the digest through the environment: an expression in a run script would be code
            env: { IMAGE_DIGEST: '${{ steps.image.outputs.digest }}' },
            run: 'npx cdk deploy --app cdk.out --require-approval never --exclusively "$TRAINING_STACK" --parameters "ImageDigest=$IMAGE_DIGEST"',
          }
          // with a CodeConnections source the image build starts on the push itself; the stack keeps the digest of its last deployment
          : { name: 'Deploy the training stack (EXP only)', run: 'npx cdk deploy --app cdk.out --require-approval never --exclusively "$TRAINING_STACK"' },
        {
          name: 'Upload the ML code to the artifact bucket',
          run: [
            'tar --exclude=__pycache__ -czf sourcedir.tar.gz -C ml/src .',
            `aws s3 cp sourcedir.tar.gz "s3://${bucket}/code/sourcedir.tar.gz"`,
            `aws s3 cp ml/src "s3://${bucket}/code/" --recursive --exclude "*" --include "*.py" --exclude "*/__pycache__/*"`,
          ].join('\n'),
        },
        {
          // the deploy role may write code/ only: raw data comes from the data lake, not from CI
          id: 'data',
          name: 'Is there raw data?',
          run: [
            `if aws s3 ls "s3://${bucket}/data/raw/" | grep -q .; then`,
            '  echo "present=true" >> "$GITHUB_OUTPUT"',
            'else',
            '  echo "present=false" >> "$GITHUB_OUTPUT"',
            `  echo "::warning::s3://${bucket}/data/raw/ is empty, so the pipeline is not started. Put the raw CSV files there (for a first try, the synthetic data: npx projen ml:data, then aws s3 cp data/raw/welds.csv s3://${bucket}/data/raw/ with your own credentials) and run this workflow again."`,
            'fi',
          ].join('\n'),
        },
        {
          name: 'Start the SageMaker pipeline',
          if: "steps.data.outputs.present == 'true'",
          run: [
            'ARN=$(aws sagemaker start-pipeline-execution --pipeline-name "$PIPELINE_NAME" \\',
            '  --pipeline-execution-display-name "github-${GITHUB_RUN_ID}-${GITHUB_RUN_ATTEMPT}" \\',
            '  --pipeline-execution-description "commit ${GITHUB_SHA}" --query PipelineExecutionArn --output text)',
            'echo "Started $ARN"',
            '{',
            '  echo "### Training started"',
            '  echo "Pipeline \\`$PIPELINE_NAME\\` in EXP ($AWS_REGION): \\`$ARN\\`."',
            '  echo "When a new model version is approved in the model registry, the deployment pipeline in RES (stack \\`' + props.deploymentStackName + '\\`) deploys it to DEV, then, after an approval each, to INT and PROD. GitHub Actions deploys nothing beyond EXP."',
            '} >> "$GITHUB_STEP_SUMMARY"',
          ].join('\n'),
        },
        ...(props.deploymentSource ? uploadDeploymentSource(props.useCaseName, props.deploymentSource) : []),
      ],
    },
  });
  return workflow;
}

/**
 * The steps of `train` that give the training stack its image: from the EXP role into the source writer
 * role of RES; when `ml/` differs from the last build (its git tree hash, kept as a tag of `ml.zip`), the
 * zip of `ml/` to the image source object, whose new version starts the image build, then wait for that
 * execution and take the digest it promoted; otherwise the newest image of the repository. Then back to
 * the EXP role (OIDC again) for the deployment.
 */
function buildImage(props: UseCaseWorkflowProps, upload: DeploymentSourceUpload): JobStep[] {
  return [
    assumeSourceWriter(props.useCaseName, upload, 'image'),
    {
      id: 'image',
      name: 'The use case\'s image: build ml/Dockerfile in RES when ml/ changed, and take its digest',
      env: {
        SOURCE_BUCKET: upload.bucketName,
        IMAGE_SOURCE_KEY: upload.imageSourceObjectKey,
        IMAGE_PIPELINE: upload.imagePipelineName,
        IMAGE_REPOSITORY: upload.imageRepositoryName,
      },
      run: [
        'TREE="$(git rev-parse HEAD:ml)"',
        'BUILT="$(aws s3api get-object-tagging --bucket "$SOURCE_BUCKET" --key "$IMAGE_SOURCE_KEY" --query "TagSet[?Key==\'treehash\'].Value | [0]" --output text 2>/dev/null || true)"',
        'if [ "$TREE" != "$BUILT" ]; then',
        '  git archive --format=zip --output ml.zip HEAD:ml',
        '  VERSION="$(aws s3api put-object --bucket "$SOURCE_BUCKET" --key "$IMAGE_SOURCE_KEY" --body ml.zip --tagging "treehash=$TREE" --query VersionId --output text)"',
        '  echo "ml/ changed ($TREE): the image build $IMAGE_PIPELINE starts from version $VERSION"',
        '  EXECUTION=""',
        '  for _ in $(seq 1 150); do',
        '    sleep 20',
        '    read -r EXECUTION STATUS <<< "$(aws codepipeline list-pipeline-executions --pipeline-name "$IMAGE_PIPELINE" --max-items 25 \\',
        '      --query "pipelineExecutionSummaries[?sourceRevisions[?revisionId==\'$VERSION\']] | [0].[pipelineExecutionId,status]" --output text)"',
        '    case "$STATUS" in',
        '      Succeeded) break ;;',
        '      Failed|Stopped|Stopping|Superseded|Cancelled) echo "::error::the image build $EXECUTION of $IMAGE_PIPELINE ended $STATUS; see CodePipeline in RES"; exit 1 ;;',
        '    esac',
        '  done',
        '  if [ "${STATUS:-}" != Succeeded ]; then echo "::error::the image build of version $VERSION did not succeed within 50 minutes (last status: ${STATUS:-not started})"; exit 1; fi',
        '  DIGEST="$(aws codepipeline list-action-executions --pipeline-name "$IMAGE_PIPELINE" --filter "pipelineExecutionId=$EXECUTION" \\',
        '    --query "actionExecutionDetails[?stageName==\'Promote\'] | [0].output.outputVariables.IMAGE_DIGEST" --output text)"',
        'else',
        '  DIGEST="$(aws ecr describe-images --repository-name "$IMAGE_REPOSITORY" --filter tagStatus=TAGGED \\',
        '    --query "sort_by(imageDetails, &imagePushedAt)[-1].imageDigest" --output text)"',
        'fi',
        'case "$DIGEST" in sha256:*) ;; *) echo "::error::no image digest of $IMAGE_REPOSITORY (got \\"$DIGEST\\"); push a change of ml/ to build one"; exit 1 ;; esac',
        'echo "digest=$DIGEST" >> "$GITHUB_OUTPUT"',
        'echo "The pipeline and the models run $IMAGE_REPOSITORY@$DIGEST (ml/ at $TREE)" >> "$GITHUB_STEP_SUMMARY"',
      ].join('\n'),
    },
    {
      name: 'Assume the GitHub deploy role in EXP again (OIDC)',
      uses: 'aws-actions/configure-aws-credentials@v4',
      with: {
        'role-to-assume': props.roleArn,
        'aws-region': props.region,
        'role-session-name': `github-${props.useCaseName}-train`.slice(0, 64),
      },
    },
  ];
}

/** From the EXP deploy role into the source writer role of RES (configure-aws-credentials, chained). */
function assumeSourceWriter(useCaseName: string, upload: DeploymentSourceUpload, purpose: string): JobStep {
  return {
    name: `Assume the deployment source writer role in RES (chained from the EXP deploy role): ${purpose}`,
    uses: 'aws-actions/configure-aws-credentials@v4',
    with: {
      'role-to-assume': upload.writerRoleArn,
      'aws-region': upload.region,
      'role-chaining': true,
      'role-session-name': `github-${useCaseName}-${purpose}`.slice(0, 64),
    },
  };
}

/**
 * The last steps of `train` with an S3 deployment source: from the EXP deploy role into the source
 * writer role of RES, then the repository at this commit as a zip to the source object; its new version
 * starts the deployment pipeline (which deploys the latest approved model version with this code).
 */
function uploadDeploymentSource(useCaseName: string, upload: DeploymentSourceUpload): JobStep[] {
  return [
    assumeSourceWriter(useCaseName, upload, 'source'),
    {
      name: 'Upload the repository to the deployment pipeline\'s source (RES)',
      env: { DEPLOYMENT_SOURCE_BUCKET: upload.bucketName, DEPLOYMENT_SOURCE_KEY: upload.objectKey },
      run: [
        'git archive --format=zip --output source.zip HEAD',
        'aws s3 cp source.zip "s3://$DEPLOYMENT_SOURCE_BUCKET/$DEPLOYMENT_SOURCE_KEY"',
        'echo "The deployment pipeline in RES starts from s3://$DEPLOYMENT_SOURCE_BUCKET/$DEPLOYMENT_SOURCE_KEY (this commit)" >> "$GITHUB_STEP_SUMMARY"',
      ].join('\n'),
    },
  ];
}
