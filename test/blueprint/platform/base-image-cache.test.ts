/**
 * The image builds of RES reach their base image through an ECR pull-through cache of ECR Public (the
 * isolated VPC has no internet route): the rule, the build argument, and the build role's rights, which
 * end at the cache's prefix.
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, PlatformConfig } from '../../../src';
import { logicalIdOf, simulate, TemplatePolicies } from '../../helpers/iam-simulator';

const RES = '333333333333';
const app = new App();
const platform = new MlopsPlatform(app, 'Platform', { config: PlatformConfig.sample() });
const res = platform.res;
const t = Template.fromStack(res);
const cached = `arn:aws:ecr:eu-central-1:${RES}:repository/vwml-ecr-public/docker/library/python`;

test('one pull-through cache rule of ECR Public below the platform prefix, without upstream credentials', () => {
  t.resourceCountIs('AWS::ECR::PullThroughCacheRule', 1);
  t.hasResourceProperties('AWS::ECR::PullThroughCacheRule', {
    EcrRepositoryPrefix: 'vwml-ecr-public',
    UpstreamRegistry: 'ecr-public',
    UpstreamRegistryUrl: 'public.ecr.aws',
    CredentialArn: Match.absent(),
  });
  expect(res.baseImageCache.baseImageUri).toBe(`${RES}.dkr.ecr.eu-central-1.amazonaws.com/vwml-ecr-public/docker/library/python:3.11-slim`);
});

test('every image build passes the cached base image as BASE_IMAGE and logs in to the registry of RES', () => {
  const builds = Object.values(res.imageBuilds);
  expect(builds.length).toBe(3);
  for (const build of builds) {
    const project = t.toJSON().Resources[logicalIdOf(build.buildProject)];
    const env = project.Properties.Environment.EnvironmentVariables as Array<{ Name: string; Value: unknown }>;
    expect(env).toEqual(expect.arrayContaining([{ Name: 'BASE_IMAGE', Type: 'PLAINTEXT', Value: res.baseImageCache.baseImageUri }]));
  }
});

describe.each(Object.keys(res.imageBuilds))('the %s build role', (repository) => {
  const policies = TemplatePolicies.fromStack(res);
  const role = policies.rolePolicies(logicalIdOf(res.imageBuilds[repository].buildProject.role!));
  const request = (action: string, resource: string) => simulate({ ...role, principal: `arn:aws:iam::${RES}:role/build`, action, resource });

  test('may create the cached repository, import the upstream image and pull it', async () => {
    for (const action of ['ecr:CreateRepository', 'ecr:BatchImportUpstreamImage', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']) {
      expect(await request(action, cached)).toBe('Allowed');
    }
  });

  test('may not create or import repositories outside the cache prefix', async () => {
    expect(await request('ecr:CreateRepository', `arn:aws:ecr:eu-central-1:${RES}:repository/vwml-ml-training`)).toBe('ImplicitlyDenied');
    expect(await request('ecr:BatchImportUpstreamImage', `arn:aws:ecr:eu-central-1:${RES}:repository/other-cache/library/python`)).toBe('ImplicitlyDenied');
  });
});
