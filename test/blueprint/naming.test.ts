import { KeyPurpose, PlatformAccount, PlatformConfig, PlatformNames } from '../../src';

describe('PlatformNames', () => {
  const names = new PlatformNames(PlatformConfig.sample());

  test('cross-account names and ARNs are computed from the configuration', () => {
    expect(names.platformStackName(PlatformAccount.EXP)).toBe('vwml-platform-exp');
    expect(names.eventBusName).toBe('vwml-model-events');
    expect(names.eventBusArn).toBe('arn:aws:events:eu-central-1:333333333333:event-bus/vwml-model-events');
    expect(names.permissionsBoundaryArn(PlatformAccount.PROD)).toBe('arn:aws:iam::666666666666:policy/vwml-PermissionsBoundary');
    expect(names.keyAlias(KeyPurpose.ML)).toBe('alias/vwml/ml');
    expect(names.parameterName('vpc-id')).toBe('/vwml/platform/vpc-id');
    expect(names.repositoryUri('sklearn-inference')).toBe('333333333333.dkr.ecr.eu-central-1.amazonaws.com/vwml/sklearn-inference');
    expect(names.toolkitStackName).toBe('vwml-cdk-toolkit');
  });

  test('China regions get the China partition and ECR domain', () => {
    const props = PlatformConfig.sample().toJson();
    props.accounts.res.region = 'cn-north-1';
    const cn = new PlatformNames(PlatformConfig.fromObject(props));
    expect(cn.eventBusArn).toBe('arn:aws-cn:events:cn-north-1:333333333333:event-bus/vwml-model-events');
    expect(cn.repositoryUri('x')).toBe('333333333333.dkr.ecr.cn-north-1.amazonaws.com.cn/vwml/x');
  });
});
