import { CfnMapping, Fn, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { urlSuffixOfRegion } from '../core/iam-findings';

/** The repository of SageMaker Model Monitor's built-in analyzer (data quality and model quality). */
export const ANALYZER_REPOSITORY = 'sagemaker-model-monitor-analyzer';

/**
 * The SageMaker-owned registry account of the analyzer image per region: the `model-monitor` image
 * URI configuration of the SageMaker Python SDK (image_uri_config/model-monitor.json, version ""),
 * cross-checked with the "Docker Registry Paths and Example Code" pages of the SageMaker developer
 * guide (e.g. 048819808253 for eu-central-1, 590183933784 for eu-central-2). Regions missing here
 * need `ModelMonitorProps.analyzerImageUri`.
 */
const ANALYZER_REGISTRIES: Record<string, string> = {
  'af-south-1': '875698925577',
  'ap-east-1': '001633400207',
  'ap-northeast-1': '574779866223',
  'ap-northeast-2': '709848358524',
  'ap-northeast-3': '990339680094',
  'ap-south-1': '126357580389',
  'ap-southeast-1': '245545462676',
  'ap-southeast-2': '563025443158',
  'ap-southeast-3': '669540362728',
  'ca-central-1': '536280801234',
  'cn-north-1': '453000072557',
  'cn-northwest-1': '453252182341',
  'eu-central-1': '048819808253',
  'eu-central-2': '590183933784',
  'eu-north-1': '895015795356',
  'eu-south-1': '933208885752',
  'eu-south-2': '437450045455',
  'eu-west-1': '468650794304',
  'eu-west-2': '749857270468',
  'eu-west-3': '680080141114',
  'il-central-1': '843974653677',
  'me-central-1': '588750061953',
  'me-south-1': '607024016150',
  'sa-east-1': '539772159869',
  'us-east-1': '156813124566',
  'us-east-2': '777275614652',
  'us-west-1': '890145073186',
  'us-west-2': '159807026194',
};

/**
 * The regions whose analyzer image this library knows.
 * @internal
 */
export function knownAnalyzerRegions(): string[] {
  return Object.keys(ANALYZER_REGISTRIES).sort();
}

/**
 * The URI of the built-in analyzer image in the stack's region. A literal region must be known
 * (otherwise the error names the override); for an environment-agnostic stack the account comes from
 * a CloudFormation mapping, resolved at deploy time.
 * @internal
 */
export function analyzerImageUri(scope: Construct): string {
  const stack = Stack.of(scope);
  const region = stack.region;
  if (!Token.isUnresolved(region)) {
    const account = ANALYZER_REGISTRIES[region];
    if (!account) {
      throw new Error(
        `ModelMonitor ${scope.node.path}: no SageMaker Model Monitor analyzer image is known for region ${region} (known: ${knownAnalyzerRegions().join(', ')}); set analyzerImageUri to the image of your region, <account>.dkr.ecr.${region}.amazonaws.com/${ANALYZER_REPOSITORY}, from the SageMaker "Docker Registry Paths" page`,
      );
    }
    const suffix = urlSuffixOfRegion(region);
    return `${account}.dkr.ecr.${region}.${suffix}/${ANALYZER_REPOSITORY}`;
  }
  const id = 'ModelMonitorAnalyzerRegistries';
  const mapping =
    (stack.node.tryFindChild(id) as CfnMapping | undefined) ??
    new CfnMapping(stack, id, { mapping: Object.fromEntries(Object.entries(ANALYZER_REGISTRIES).map(([r, a]) => [r, { account: a }])) });
  return Fn.join('', [mapping.findInMap(Stack.of(scope).region, 'account'), '.dkr.ecr.', region, '.', stack.urlSuffix, `/${ANALYZER_REPOSITORY}`]);
}
