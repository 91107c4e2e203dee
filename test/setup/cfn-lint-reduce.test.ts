/**
 * scripts/cfn-lint-reduce.py: each distinct resource is linted once, in a template that still holds
 * everything it refers to, so the reduction never creates findings of its own (a broken Ref) nor drops a
 * resource cfn-lint has not seen.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../helpers/runtime-bundle';

const PYTHON = path.join(REPO_ROOT, '.venv', 'bin', 'python');
const CFN_LINT = path.join(REPO_ROOT, '.venv', 'bin', 'cfn-lint');

const key = { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: { Version: '2012-10-17', Statement: [] } } };
const bucket = (keyRef: string) => ({
  Type: 'AWS::S3::Bucket',
  Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyRef, 'Arn'] } } }] } },
});
const topic = { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'alarms' } };

function reduce(templates: Record<string, unknown>): { out: Record<string, any>; summary: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-reduce-'));
  const src = path.join(dir, 'src');
  const out = path.join(dir, 'out');
  fs.mkdirSync(src);
  for (const [name, t] of Object.entries(templates)) fs.writeFileSync(path.join(src, `${name}.template.json`), JSON.stringify(t));
  const summary = execFileSync(PYTHON, [path.join(REPO_ROOT, 'scripts', 'cfn-lint-reduce.py'), src, out], { encoding: 'utf8' });
  const result = Object.fromEntries(fs.readdirSync(out).map((f) => [f.replace('.template.json', ''), JSON.parse(fs.readFileSync(path.join(out, f), 'utf8'))]));
  return { out: result, summary };
}

describe('cfn-lint-reduce', () => {
  test('a resource seen before is dropped unless a new one refers to it; templates with nothing new are not written', () => {
    const { out, summary } = reduce({
      a: { Resources: { Key: key, Data: bucket('Key') }, Outputs: { DataName: { Value: { Ref: 'Data' } } } },
      // the same two resources (other metadata, another asset hash) and a new topic: only the topic is new
      b: {
        Resources: { Key: { ...key, Metadata: { 'aws:cdk:path': 'B/Key' } }, Data: bucket('Key'), Alarms: topic },
        Outputs: { DataName: { Value: { Ref: 'Data' } }, Topic: { Value: { Ref: 'Alarms' } } },
      },
      // nothing new at all
      c: { Resources: { Key: key } },
      // a new bucket refers to the known key: the key stays, so that the reference resolves
      d: { Resources: { Key: key, Logs: { ...bucket('Key'), Properties: { ...bucket('Key').Properties, BucketName: 'logs' } } } },
    });
    expect(Object.keys(out).sort()).toEqual(['a', 'b', 'd']);
    expect(Object.keys(out.a.Resources).sort()).toEqual(['Data', 'Key']);
    expect(Object.keys(out.b.Resources)).toEqual(['Alarms']);
    // an output whose reference is gone is dropped with it
    expect(out.b.Outputs).toEqual({ Topic: { Value: { Ref: 'Alarms' } } });
    expect(Object.keys(out.d.Resources).sort()).toEqual(['Key', 'Logs']);
    expect(summary).toMatch(/4 templates with 8 resources -> 3 templates with 5 resources \(4 distinct resources/);
  });

  test('the same resource referring to a resource of another type counts as new', () => {
    const { out } = reduce({
      a: { Resources: { Target: key, Data: bucket('Target') } },
      b: { Resources: { Target: topic, Data: bucket('Target') } },
    });
    expect(Object.keys(out.b.Resources).sort()).toEqual(['Data', 'Target']);
  });

  test('the reduced templates lint as the originals do: no finding of their own, the original\'s errors kept', () => {
    const { out } = reduce({
      a: { Resources: { Key: key, Data: bucket('Key') } },
      b: { Resources: { Key: key, Data: bucket('Key'), Broken: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: { 'Fn::GetAtt': ['Key', 'NoSuchAttribute'] } } } } },
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-reduce-lint-'));
    for (const [name, t] of Object.entries(out)) fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(t));
    const lint = (file: string) => {
      try {
        execFileSync(CFN_LINT, ['--format', 'parseable', '--non-zero-exit-code', 'error', '--', path.join(dir, file)], { encoding: 'utf8' });
        return '';
      } catch (e) {
        return String((e as { stdout?: string }).stdout);
      }
    };
    expect(lint('a.json')).toBe('');
    expect(lint('b.json')).toMatch(/E1010.*NoSuchAttribute|NoSuchAttribute.*E1010/);
  }, 60_000);
});
