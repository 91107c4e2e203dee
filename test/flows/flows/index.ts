/** Every flow of the reference app, in lifecycle order. */
import { GITHUB_DEPLOY } from './github';
import { IMAGE_BUILD } from './image-build';
import { MODEL_BUILD } from './model-build';
import { RELEASE } from './release';
import { RETRAINING } from './retraining';
import { SERVICE_CATALOG } from './service-catalog';
import { SERVING } from './serving';
import { STUDIO } from './studio';
import { USECASE_IMAGE } from './usecase-image';
import { Flow } from '../engine/types';

/** The flows, in the order of a model's life. */
export const ALL_FLOWS: Flow[] = [STUDIO, MODEL_BUILD, RELEASE, ...SERVING, RETRAINING, IMAGE_BUILD, USECASE_IMAGE, SERVICE_CATALOG, GITHUB_DEPLOY];
