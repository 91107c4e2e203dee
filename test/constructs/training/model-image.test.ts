import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Framework, FrameworkImageOptions, ImageScope, ModelImage, Processor, SageMakerFrameworkImage } from '../../../src/constructs/training';
import { frameworkImagePython } from '../../../src/constructs/training/framework-image-python';

// The expected URIs are what the SageMaker Python SDK returns, from a venv with sagemaker-core==2.27.0
// (the pin of requirements-golden.txt):
//   from sagemaker.core import image_uris
//   image_uris.retrieve(framework=..., region=..., version=..., py_version=..., instance_type=..., image_scope=...)
// with the arguments in the comment of each row (instance_type ml.m5.xlarge for CPU, ml.g5.xlarge for GPU).
describe('ModelImage.fromFramework: the URIs of the SDK', () => {
  test.each<[string, FrameworkImageOptions, string, string | undefined]>([
    [
      "retrieve('sklearn', 'eu-central-1', '1.2-1', py_version='py3', instance_type='ml.m5.xlarge', image_scope='training')",
      { framework: Framework.SKLEARN, version: '1.2-1', region: 'eu-central-1' },
      '492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3', '3.9',
    ],
    [
      "retrieve('sklearn', 'eu-central-1', '1.4-2-py312', instance_type='ml.m5.xlarge', image_scope='inference')",
      { framework: Framework.SKLEARN, version: '1.4-2-py312', region: 'eu-central-1', scope: ImageScope.INFERENCE },
      '492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-py312-cpu-py3', '3.12',
    ],
    [
      "retrieve('xgboost', 'eu-central-1', '1.7-1', instance_type='ml.m5.xlarge', image_scope='training')",
      { framework: Framework.XGBOOST, version: '1.7-1', region: 'eu-central-1' },
      '492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-xgboost:1.7-1', '3.9',
    ],
    [
      "retrieve('xgboost', 'us-east-1', '1.7-1', instance_type='ml.g5.xlarge', image_scope='inference')",
      { framework: Framework.XGBOOST, version: '1.7-1', region: 'us-east-1', scope: ImageScope.INFERENCE, processor: Processor.GPU },
      '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1', '3.9',
    ],
    [
      "retrieve('pytorch', 'eu-central-1', '2.6.0', py_version='py312', instance_type='ml.g5.xlarge', image_scope='training')",
      { framework: Framework.PYTORCH, version: '2.6.0', region: 'eu-central-1', processor: Processor.GPU },
      '763104351884.dkr.ecr.eu-central-1.amazonaws.com/pytorch-training:2.6.0-gpu-py312', '3.12',
    ],
    [
      "retrieve('pytorch', 'eu-central-1', '2.6', py_version='py312', instance_type='ml.g5.xlarge', image_scope='training')",
      { framework: Framework.PYTORCH, version: '2.6', region: 'eu-central-1', processor: Processor.GPU, pythonVersion: 'py312' },
      '763104351884.dkr.ecr.eu-central-1.amazonaws.com/pytorch-training:2.6-gpu-py312', '3.12',
    ],
    [
      "retrieve('pytorch', 'af-south-1', '2.5.1', py_version='py311', instance_type='ml.m5.xlarge', image_scope='inference')",
      { framework: Framework.PYTORCH, version: '2.5.1', region: 'af-south-1', scope: ImageScope.INFERENCE, pythonVersion: '3.11' },
      '626614931356.dkr.ecr.af-south-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311', '3.11',
    ],
    [
      "retrieve('tensorflow', 'eu-west-1', '2.19.0', instance_type='ml.m5.xlarge', image_scope='inference')",
      { framework: Framework.TENSORFLOW, version: '2.19.0', region: 'eu-west-1', scope: ImageScope.INFERENCE },
      '763104351884.dkr.ecr.eu-west-1.amazonaws.com/tensorflow-inference:2.19.0-cpu', undefined,
    ],
    [
      "retrieve('tensorflow', 'eu-central-1', '2.20.0', py_version='py312', instance_type='ml.g5.xlarge', image_scope='inference')",
      { framework: Framework.TENSORFLOW, version: '2.20.0', region: 'eu-central-1', scope: ImageScope.INFERENCE, processor: Processor.GPU },
      '763104351884.dkr.ecr.eu-central-1.amazonaws.com/tensorflow-inference:2.20.0-gpu-py312', '3.12',
    ],
    [
      "retrieve('tensorflow', 'cn-north-1', '2.16.2', py_version='py310', instance_type='ml.m5.xlarge', image_scope='training')",
      { framework: Framework.TENSORFLOW, version: '2.16.2', region: 'cn-north-1' },
      '727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/tensorflow-training:2.16.2-cpu-py310', '3.10',
    ],
    [
      "retrieve('huggingface', 'eu-central-1', '4.49.0', base_framework_version='pytorch2.6.0', py_version='py312', instance_type='ml.m5.xlarge', image_scope='inference')",
      { framework: Framework.HUGGINGFACE, version: '4.49.0', region: 'eu-central-1', scope: ImageScope.INFERENCE },
      '763104351884.dkr.ecr.eu-central-1.amazonaws.com/huggingface-pytorch-inference:2.6.0-transformers4.49.0-cpu-py312-ubuntu22.04', '3.12',
    ],
    [
      "retrieve('huggingface', 'eu-central-1', '4.56.2', base_framework_version='pytorch2.8.0', py_version='py312', instance_type='ml.g5.xlarge', image_scope='training')",
      { framework: Framework.HUGGINGFACE, version: '4.56.2', region: 'eu-central-1' },
      '763104351884.dkr.ecr.eu-central-1.amazonaws.com/huggingface-pytorch-training:2.8.0-transformers4.56.2-gpu-py312-cu129-ubuntu22.04', '3.12',
    ],
    [
      "retrieve('huggingface', 'us-west-2', '4.49', base_framework_version='pytorch2.6.0', py_version='py312', instance_type='ml.g5.xlarge', image_scope='inference')",
      { framework: Framework.HUGGINGFACE, version: '4.49', region: 'us-west-2', scope: ImageScope.INFERENCE, processor: Processor.GPU },
      '763104351884.dkr.ecr.us-west-2.amazonaws.com/huggingface-pytorch-inference:2.6.0-transformers4.49.0-gpu-py312-cu124-ubuntu22.04', '3.12',
    ],
  ])('%s', (_call, options, uri, python) => {
    const image = ModelImage.fromFramework(options);
    expect(image.imageUri).toBe(uri);
    expect(image.pythonVersion).toBe(python);
    expect(frameworkImagePython(uri)).toBe(python);
  });

  test('the properties of a framework image', () => {
    const image = ModelImage.fromFramework({ framework: Framework.PYTORCH, version: '2.6', region: 'eu-central-1', processor: Processor.GPU });
    expect(image).toMatchObject({
      account: '763104351884',
      region: 'eu-central-1',
      repositoryName: 'pytorch-training',
      repositoryArn: 'arn:aws:ecr:eu-central-1:763104351884:repository/pytorch-training',
      tag: '2.6-gpu-py312',
      framework: Framework.PYTORCH,
      frameworkVersion: '2.6.0',
      processor: Processor.GPU,
      scope: ImageScope.TRAINING,
      pythonVersion: '3.12',
    });
    expect(image.digest).toBeUndefined();
    expect(ModelImage.SDK).toBe('sagemaker-core==2.27.0');
  });

  test('defaults: CPU where there is one, else the only processor; no processor where one image serves both', () => {
    expect(ModelImage.fromFramework({ framework: Framework.SKLEARN, version: '1.2-1', region: 'eu-central-1' }).processor).toBe(Processor.CPU);
    expect(ModelImage.fromFramework({ framework: Framework.HUGGINGFACE, version: '5.3.0', region: 'eu-central-1' }).processor).toBe(Processor.GPU);
    expect(ModelImage.fromFramework({ framework: Framework.XGBOOST, version: '3.0-5', region: 'eu-central-1' }).processor).toBeUndefined();
  });

  test('the newest Python by default, another one on request', () => {
    const options = { framework: Framework.TENSORFLOW, version: '1.15.5', region: 'eu-central-1' };
    expect(ModelImage.fromFramework(options).tag).toBe('1.15.5-cpu-py37');
    expect(ModelImage.fromFramework({ ...options, pythonVersion: '3.6' }).tag).toBe('1.15.5-cpu-py36');
  });

  test('the legacy SageMakerFrameworkImage.sklearn is the same image', () => {
    const legacy = SageMakerFrameworkImage.sklearn('eu-central-1');
    const image = ModelImage.fromFramework({ framework: Framework.SKLEARN, version: '1.2-1', region: 'eu-central-1' });
    expect(legacy.imageUri).toBe(image.imageUri);
    expect(legacy.repositoryArn).toBe(image.repositoryArn);
  });
});

describe('ModelImage.fromFramework: bad input names the field, the value and the choices', () => {
  const base = { framework: Framework.SKLEARN, version: '1.2-1', region: 'eu-central-1' };
  test.each<[string, FrameworkImageOptions, RegExp]>([
    ['unknown version', { ...base, version: '9.9-9' },
      /ModelImage.fromFramework: version "9.9-9" is not a sklearn training image version of sagemaker-core==2.27.0; use one of 0.20.0, 0.23-1, 1.0-1, 1.2-1, 1.4-2, 1.4-2-py312, 1.9-0$/],
    ['a version of the other scope', { ...base, version: '1.4-2', scope: ImageScope.INFERENCE },
      /version "1.4-2" is not a sklearn inference image version/],
    ['GPU of a CPU-only image', { ...base, processor: Processor.GPU },
      /processor "gpu" has no sklearn training 1.2-1 image; use one of cpu$/],
    ['CPU of a GPU-only image', { framework: Framework.HUGGINGFACE, version: '5.3.0', region: 'eu-central-1', processor: Processor.CPU },
      /processor "cpu" has no huggingface training 5.3.0 image; use one of gpu$/],
    ['unknown Python', { ...base, pythonVersion: '3.12' },
      /pythonVersion "3.12" has no sklearn training 1.2-1 image; use one of py3, 3.9$/],
    ['Python of an image whose Python the SDK does not state', { framework: Framework.TENSORFLOW, version: '2.19.0', region: 'eu-central-1', scope: ImageScope.INFERENCE, pythonVersion: '3.12' },
      /pythonVersion "3.12" has no tensorflow inference 2.19.0 image; use one of \(none\) \(the SDK states no Python version: omit pythonVersion\)$/],
    ['unknown region', { ...base, region: 'xx-nowhere-1' },
      /region "xx-nowhere-1" has no sklearn training 1.2-1 image; use one of af-south-1, .*eu-central-1, /],
    ['token region', { ...base, region: Stack.of(new Stack()).region },
      /region is a token; pass the literal region/],
    ['unknown framework', { ...base, framework: 'mxnet' as Framework },
      /framework "mxnet" is not known; use one of sklearn, xgboost, pytorch, tensorflow, huggingface$/],
  ])('%s', (_case, options, message) => {
    expect(() => ModelImage.fromFramework(options)).toThrow(message);
  });
});

describe('ModelImage.fromRegistry', () => {
  const ARN = 'arn:aws:ecr:eu-central-1:111122223333:repository/usecase-a/ml';
  const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

  test('a literal digest', () => {
    const image = ModelImage.fromRegistry(ARN, DIGEST);
    expect(image.imageUri).toBe(`111122223333.dkr.ecr.eu-central-1.amazonaws.com/usecase-a/ml@${DIGEST}`);
    expect(image).toMatchObject({ repositoryArn: ARN, account: '111122223333', region: 'eu-central-1', repositoryName: 'usecase-a/ml', digest: DIGEST });
    expect(image.tag).toBeUndefined();
    expect(image.pythonVersion).toBeUndefined();
    expect(image.framework).toBeUndefined();
    expect(frameworkImagePython(image.imageUri)).toBeUndefined();
  });

  test('a China region', () => {
    const image = ModelImage.fromRegistry('arn:aws-cn:ecr:cn-north-1:111122223333:repository/ml', DIGEST);
    expect(image.imageUri).toBe(`111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/ml@${DIGEST}`);
    expect(image.repositoryArn).toBe('arn:aws-cn:ecr:cn-north-1:111122223333:repository/ml');
  });

  test('a token digest (a CfnParameter) is used as it is', () => {
    const stack = new Stack();
    const digest = new CfnParameter(stack, 'ImageDigest').valueAsString;
    const image = ModelImage.fromRegistry(ARN, digest);
    expect(stack.resolve(image.imageUri)).toEqual({
      'Fn::Join': ['', ['111122223333.dkr.ecr.eu-central-1.amazonaws.com/usecase-a/ml@', { Ref: 'ImageDigest' }]],
    });
  });

  test.each([
    ['sha256:abc', /digest "sha256:abc" is not an image digest; write sha256: and 64 lowercase hex digits/],
    ['latest', /digest "latest" is not an image digest/],
    [`sha256:${'0123456789ABCDEF'.repeat(4)}`, /is not an image digest/],
  ])('bad digest %s', (digest, message) => {
    expect(() => ModelImage.fromRegistry(ARN, digest)).toThrow(message);
  });

  test.each([
    'arn:aws:s3:::bucket',
    'arn:aws:ecr:eu-central-1:1111:repository/ml',
    'arn:aws:ecr:eu-central-1:111122223333:repository/ML',
    '111122223333.dkr.ecr.eu-central-1.amazonaws.com/ml',
  ])('bad repository ARN %s', (arn) => {
    expect(() => ModelImage.fromRegistry(arn, DIGEST)).toThrow(/repositoryArn ".*" is not an ECR repository ARN; write arn:aws:ecr:<region>:<account>:repository\/<name>/);
  });

  test('a token repository ARN fails with the fix', () => {
    const stack = new Stack();
    expect(() => ModelImage.fromRegistry(new CfnParameter(stack, 'Arn').valueAsString, DIGEST)).toThrow(/repositoryArn is a token; pass the literal ARN/);
  });
});

describe('frameworkImagePython', () => {
  test.each<[string, string | undefined]>([
    // any region and registry account of the catalogue
    ['141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3', '3.9'],
    ['450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-scikit-learn:1.0-1-cpu-py3', '3.8'],
    ['763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-gpu-py311', '3.11'],
    // unknown: an account that does not publish the image in that region, an unknown tag, an image by digest, another registry
    ['763104351884.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3', undefined],
    ['492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py39', undefined],
    [`492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-scikit-learn@sha256:${'0'.repeat(64)}`, undefined],
    ['python:3.11-slim', undefined],
    // known image, Python not stated by the SDK nor the sourced table
    ['492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-scikit-learn:0.20.0-cpu-py3', undefined],
  ])('%s -> %s', (uri, python) => {
    expect(frameworkImagePython(uri)).toBe(python);
  });
});
