/** Every flow of the reference app, in lifecycle order. */
import { MODEL_BUILD } from './model-build';
import { RELEASE } from './release';
import { SERVING } from './serving';
import { Flow } from '../engine/types';

/** The flows, in the order of a model's life. */
export const ALL_FLOWS: Flow[] = [MODEL_BUILD, RELEASE, SERVING];
