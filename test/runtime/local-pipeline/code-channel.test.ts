/**
 * Script mode with network isolation, as the SageMaker Python SDK and `PredictiveMaintenancePipeline`
 * write it: the source archive is an input channel (`code`, or whichever channel
 * `sagemaker_submit_directory` points into), whose S3 URI names the code, not data. Locally that
 * channel is the code directory. And `--python` as a relative path (a project's venv).
 */
import * as fs from 'fs';
import * as path from 'path';
import { cleanUp, cli, pipelineLocal, project, PYTHON, sampleDefinition } from './helpers';

afterAll(cleanUp);

/** The sample definition with the source archive delivered as the channel `channel`. */
function withCodeChannel(channel: string, submitDirectory: string): any {
  const definition = sampleDefinition();
  const train = definition.Steps.find((s: any) => s.Name === 'Train');
  train.Arguments.HyperParameters.sagemaker_submit_directory = JSON.stringify(submitDirectory);
  train.Arguments.InputDataConfig.push({
    ChannelName: channel,
    DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://test-bucket/code/sourcedir.tar.gz', S3DataDistributionType: 'FullyReplicated' } },
  });
  return definition;
}

test('a channel named code holding sourcedir.tar.gz is the code directory (without virtual environments), not data', async () => {
  const p = project(withCodeChannel('code', '/opt/ml/input/data/code/sourcedir.tar.gz'));
  fs.mkdirSync(path.join(p.dir, 'code', '.venv', 'bin'), { recursive: true });
  fs.writeFileSync(path.join(p.dir, 'code', '.venv', 'bin', 'python'), '');
  const result = await pipelineLocal(p);
  expect(result.stderr).toMatch(/\[2\/6\] Train \(Training\) \.\.\. ok in/);
  expect(result.code).toBe(0);
  const channel = path.join(p.workdir, 'Train', 'opt', 'ml', 'input', 'data', 'code');
  expect(fs.readdirSync(channel).sort()).toEqual(['evaluate.py', 'preprocess.py', 'train.py']);
  const env = JSON.parse(fs.readFileSync(path.join(p.workdir, 'Train', 'opt', 'ml', 'model', 'env.json'), 'utf-8')).env;
  expect(env.SM_CHANNELS).toBe('["train","code"]');
});

test('the channel that sagemaker_submit_directory points into is code, whatever its name', async () => {
  const p = project(withCodeChannel('source', '/opt/ml/input/data/source/sourcedir.tar.gz'));
  const result = await pipelineLocal(p);
  expect(result.code).toBe(0);
  expect(fs.readdirSync(path.join(p.workdir, 'Train', 'opt', 'ml', 'input', 'data', 'source')).sort()).toEqual(['evaluate.py', 'preprocess.py', 'train.py']);
});

test('any other channel with an S3 URI is still data: missing data fails the step with where to put it', async () => {
  const p = project(withCodeChannel('extra', 's3://test-bucket/code/sourcedir.tar.gz'));
  const result = await pipelineLocal(p);
  expect(result.code).toBe(5);
  expect(result.stderr).toContain('channel "extra": s3://test-bucket/code/sourcedir.tar.gz is not on this machine: put the data at');
});

test('--python with a relative path (a project venv) is resolved against the current directory, not the step folders', async () => {
  const p = project();
  fs.mkdirSync(path.join(p.dir, 'venv', 'bin'), { recursive: true });
  fs.symlinkSync(PYTHON, path.join(p.dir, 'venv', 'bin', 'python'));
  const result = await cli(p.dir, ['pipeline', 'local', '--definition', 'pipeline-definition.json', '--code-dir', 'code', '--python', 'venv/bin/python']);
  expect(result.stderr).not.toContain('not found on this machine');
  expect(result.code).toBe(0);
});
