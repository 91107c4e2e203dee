// Prints, one JSON object a line, every image of the generated catalogue (framework, scope, version
// or alias, processor, Python; every region for the first image of each registry table, else
// eu-central-1, us-east-1 and cn-north-1 where listed; every region with --all-regions) with the arguments of the SDK's image_uris.retrieve that should
// return the same URI and the URI that ModelImage.fromFramework returns. Used by verify-sdk.sh.
import { FRAMEWORK_IMAGE_REGISTRIES, FRAMEWORK_IMAGES } from '../../src/constructs/training/framework-images.generated';
import { Framework, ImageScope, ModelImage, Processor } from '../../src/constructs/training/model-image';

const allRegions = process.argv.includes('--all-regions');
const tablesSeen = new Set<number>();
const SAMPLE_REGIONS = ['eu-central-1', 'us-east-1', 'cn-north-1'];

for (const [framework, byScope] of Object.entries(FRAMEWORK_IMAGES)) {
  for (const [scope, data] of Object.entries(byScope)) {
    const names = [...Object.keys(data.versions).map((v) => [v, v]), ...Object.entries(data.aliases)];
    for (const [version, resolved] of names) {
      const entry = data.versions[resolved];
      const processors = Object.keys(entry.p);
      for (const processor of processors.length ? processors : ['cpu', 'gpu']) {
        for (const pyToken of Object.keys(entry.y)) {
          const regions = Object.keys(FRAMEWORK_IMAGE_REGISTRIES[entry.a]);
          const sample = allRegions || !tablesSeen.has(entry.a) ? regions : regions.filter((r) => SAMPLE_REGIONS.includes(r));
          tablesSeen.add(entry.a);
          for (const region of sample) {
            const image = ModelImage.fromFramework({
              framework: framework as Framework,
              version,
              region,
              scope: scope as ImageScope,
              processor: processor as Processor,
              pythonVersion: pyToken || undefined,
            });
            const sdk: Record<string, string | null> = {
              framework,
              region,
              version,
              image_scope: scope,
              py_version: pyToken || null,
              instance_type: processor === 'gpu' ? 'ml.g5.xlarge' : 'ml.m5.xlarge',
            };
            if (entry.b) sdk.base_framework_version = `pytorch${entry.b}`;
            process.stdout.write(JSON.stringify({ sdk, uri: image.imageUri }) + '\n');
          }
        }
      }
    }
  }
}
