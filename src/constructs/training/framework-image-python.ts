// The AWS framework image catalogue as the runtime needs it: no aws-cdk-lib here, so that the
// runtime bundle (esbuild) can import it without the CDK.
import { FRAMEWORK_IMAGE_REGISTRIES, FRAMEWORK_IMAGES, FrameworkImageVersionData } from './framework-images.generated';

/**
 * The image tag as the SDK's `image_uris.retrieve` builds it (`_format_tag`, the Hugging Face prefix):
 * the requested version (an alias stays an alias), except for Hugging Face (`<pytorch>-transformers<resolved>`).
 * @internal
 */
export function frameworkImageTag(framework: string, requestedVersion: string, resolvedVersion: string, entry: FrameworkImageVersionData,
  processor: string | undefined, pyToken: string): string {
  const prefix = framework === 'huggingface' ? `${entry.b}-transformers${resolvedVersion}` : requestedVersion;
  const containerVersion = processor ? entry.p[processor] : '';
  return [prefix, processor, pyToken, containerVersion].filter((x) => x).join('-');
}

interface CatalogueImage {
  readonly python: string;
  readonly registries: { readonly [region: string]: string };
}

let catalogueIndex: Map<string, CatalogueImage> | undefined;

/** `<repository>:<tag>` of every image of the catalogue (every version and alias, processor, Python). */
function catalogue(): Map<string, CatalogueImage> {
  if (catalogueIndex) return catalogueIndex;
  const index = new Map<string, CatalogueImage>();
  for (const [framework, byScope] of Object.entries(FRAMEWORK_IMAGES)) {
    for (const data of Object.values(byScope)) {
      const names: Array<[string, string]> = [
        ...Object.keys(data.versions).map((v): [string, string] => [v, v]),
        ...Object.entries(data.aliases),
      ];
      for (const [requested, resolved] of names) {
        const entry = data.versions[resolved];
        const processors = Object.keys(entry.p);
        for (const processor of processors.length ? processors : [undefined]) {
          for (const [pyToken, python] of Object.entries(entry.y)) {
            const key = `${entry.r}:${frameworkImageTag(framework, requested, resolved, entry, processor, pyToken)}`;
            index.set(key, { python, registries: FRAMEWORK_IMAGE_REGISTRIES[entry.a] });
          }
        }
      }
    }
  }
  catalogueIndex = index;
  return index;
}

const IMAGE_URI = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+):([^:@/]+)$/;

/**
 * The Python minor version (e.g. `3.9`) of an AWS framework image of the catalogue, recognised by its
 * URI (any region and registry account the SDK lists for it); undefined for any other image (an image
 * by digest, another registry or repository, an unknown tag) and where the Python is not known.
 *
 * The local pipeline runner uses it to refuse a framework image whose Python is older than the code needs.
 * @internal
 */
export function frameworkImagePython(imageUri: string): string | undefined {
  const m = IMAGE_URI.exec(imageUri);
  if (!m) return undefined;
  const [, account, region, repository, tag] = m;
  const image = catalogue().get(`${repository}:${tag}`);
  if (!image || image.registries[region] !== account) return undefined;
  return image.python || undefined;
}
