/**
 * The `train` workflow's image steps, run as GitHub Actions runs them (`bash -eo pipefail`), against a
 * stand-in `aws` CLI that answers like S3, CodePipeline and ECR: when ml/ changed since the last image
 * build, the zip of ml/ goes to the image source and the step waits for that build's digest; otherwise
 * it takes the newest image; a failed build stops the workflow before the training stack is deployed.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { javascript, Testing } from 'projen';
import * as YAML from 'yaml';
import { MlopsUseCaseProject } from '../../../src/project-types/usecase';

const PROMOTED = `sha256:${'1'.repeat(64)}`;
const NEWEST = `sha256:${'2'.repeat(64)}`;
const created: string[] = [];
afterAll(() => created.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function tmp(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

const out = Testing.synth(new MlopsUseCaseProject({
  name: 'weld-gun-pm', defaultReleaseBranch: 'main', cdkVersion: '2.257.0', packageManager: javascript.NodePackageManager.NPM, projenrcTs: true, outdir: tmp('usecase-'),
}));
const steps: any[] = YAML.parse(out['.github/workflows/train.yml']).jobs.train.steps;
const imageStep = steps.find((s) => s.id === 'image');

/** A stand-in `aws`: logs each call, keeps the ml.zip metadata in $STATE, answers from $BUILD_STATUSES. */
const FAKE_AWS = `#!/usr/bin/env bash
echo "aws $*" >> "$STATE/calls"
case "$1 $2" in
  "s3api get-object-tagging") [ -f "$STATE/treehash" ] && cat "$STATE/treehash" && exit 0; echo "NoSuchKey" >&2; exit 254 ;;
  "s3api put-object") for a in "$@"; do case "$a" in treehash=*) echo "\${a#treehash=}" > "$STATE/treehash" ;; esac; done; echo v42 ;;
  "codepipeline list-pipeline-executions")
    case "$*" in *"revisionId=='v42'"*) ;; *) echo "unexpected query: $*" >&2; exit 2 ;; esac
    n=$(cat "$STATE/polls" 2>/dev/null || echo 0); echo $((n + 1)) > "$STATE/polls"
    set -- $BUILD_STATUSES; shift "$n" 2>/dev/null || true; echo -e "exec-7\\t\${1:-InProgress}" ;;
  "codepipeline list-action-executions") case "$*" in *pipelineExecutionId=exec-7*) echo "${PROMOTED}" ;; *) echo None ;; esac ;;
  "ecr describe-images") echo "${NEWEST}" ;;
  *) echo "unexpected call: aws $*" >&2; exit 2 ;;
esac
`;

function repoWithMl(): string {
  const repo = tmp('repo-');
  fs.mkdirSync(path.join(repo, 'ml'));
  fs.writeFileSync(path.join(repo, 'ml', 'Dockerfile'), 'FROM scratch\n');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  git('init', '-q');
  git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'add', '.');
  git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '-m', 'ml');
  return repo;
}

function runImageStep(repo: string, state: string, statuses: string) {
  const bin = tmp('bin-');
  fs.writeFileSync(path.join(bin, 'aws'), FAKE_AWS, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'sleep'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const output = path.join(state, 'output');
  const summary = path.join(state, 'summary');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', imageStep.run], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...imageStep.env, PATH: `${bin}:${process.env.PATH}`, STATE: state, BUILD_STATUSES: statuses, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, HOME: state },
  });
  const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: read(output), calls: read(path.join(state, 'calls')), summary: read(summary) };
}

describe('train.yml: the use case\'s image before the training stack', () => {
  test('the order: EXP by OIDC, chained into the RES source writer, the image, EXP again, then the deploy with the digest', () => {
    const names = steps.map((s) => s.name);
    const at = (re: RegExp) => names.findIndex((n) => re.test(n));
    const writer = steps[at(/source writer role in RES .*: image/)];
    expect(writer.with).toEqual({
      'role-to-assume': 'arn:aws:iam::333333333333:role/vwml-weld-gun-pm-source-writer',
      'aws-region': 'eu-central-1',
      'role-chaining': true,
      'role-session-name': 'github-weld-gun-pm-image',
    });
    expect(imageStep.env).toEqual({
      SOURCE_BUCKET: 'vwml-weld-gun-pm-source-333333333333',
      IMAGE_SOURCE_KEY: 'ml.zip',
      IMAGE_PIPELINE: 'vwml-weld-gun-pm-image',
      IMAGE_REPOSITORY: 'vwml/usecase/weld-gun-pm',
    });
    const again = steps[at(/GitHub deploy role in EXP again/)];
    expect(again.with['role-to-assume']).toBe('arn:aws:iam::222222222222:role/vwml-weld-gun-pm-github');
    expect(again.with['role-chaining']).toBeUndefined();
    const deploy = steps[at(/Deploy the training stack/)];
    expect(deploy.env).toEqual({ IMAGE_DIGEST: '${{ steps.image.outputs.digest }}' });
    expect(deploy.run).toBe('npx cdk deploy --app cdk.out --require-approval never --exclusively "$TRAINING_STACK" --parameters "ImageDigest=$IMAGE_DIGEST"');
    const order = [at(/OIDC\)$/), at(/: image$/), at(/^The use case's image/), at(/EXP again/), at(/Deploy the training stack/)];
    expect(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]))).toBe(true);
  });

  test('ml/ changed: the zip of ml/ with its tree hash, then the digest the build of that version promoted', () => {
    const repo = repoWithMl();
    const state = tmp('state-');
    const r = runImageStep(repo, state, 'InProgress InProgress Succeeded');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.output).toBe(`digest=${PROMOTED}\n`);
    const tree = execFileSync('git', ['rev-parse', 'HEAD:ml'], { cwd: repo, encoding: 'utf8' }).trim();
    expect(fs.readFileSync(path.join(state, 'treehash'), 'utf8').trim()).toBe(tree);
    expect(r.calls).toContain('aws s3api put-object --bucket vwml-weld-gun-pm-source-333333333333 --key ml.zip --body ml.zip');
    expect(r.calls.match(/list-pipeline-executions/g)).toHaveLength(3);
    expect(r.calls).toContain('list-action-executions --pipeline-name vwml-weld-gun-pm-image --filter pipelineExecutionId=exec-7');
    expect(r.calls).not.toContain('describe-images');
    // the zip holds ml/'s content at its root, the build context of the image build
    expect(execFileSync('unzip', ['-Z1', path.join(repo, 'ml.zip')], { encoding: 'utf8' }).trim()).toBe('Dockerfile');
  });

  test('ml/ unchanged since the last build: no build, the newest image of the repository', () => {
    const repo = repoWithMl();
    const state = tmp('state-');
    fs.writeFileSync(path.join(state, 'treehash'), execFileSync('git', ['rev-parse', 'HEAD:ml'], { cwd: repo, encoding: 'utf8' }));
    const r = runImageStep(repo, state, '');
    expect(r.status).toBe(0);
    expect(r.output).toBe(`digest=${NEWEST}\n`);
    expect(r.calls).not.toContain('put-object');
    expect(r.calls).toContain('aws ecr describe-images --repository-name vwml/usecase/weld-gun-pm --filter tagStatus=TAGGED');
  });

  test('a failed image build stops the workflow, naming the execution; no digest is written', () => {
    const r = runImageStep(repoWithMl(), tmp('state-'), 'InProgress Failed');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('::error::the image build exec-7 of vwml-weld-gun-pm-image ended Failed');
    expect(r.output).toBe('');
  });
});
