/**
 * Messages between the library side and the model process. Both ends run our own code, and messages
 * travel by structured clone (child_process 'advanced' serialization, or Electron's utilityProcess),
 * so typed arrays cross as they are.
 */
import type { TrainOptions, TrainResult, CurvePoint } from '../training/head';
import type { TopLocation } from '../network/top-file';
import type { ActivationMap, LinearHead } from '../network/class-activation';
import type {
  ActivationCacheRequest,
  DeepJobProgress,
  TopTrainingOutcome,
  TopTrainingRequest,
} from '../training/deep-job';
import type { DeepEpoch } from '../training/train-top';

/** What the model process is set up with: where the backbone is and which backend to prefer. */
export interface ModelProcessConfig {
  backboneDir: string;
  /** 'auto' or a backend name; the environment variable TRIAGE_BACKEND overrides it. */
  backend: string;
  /** A deep-retrained model's fine-tuned top (its folder and manifest), used in place of the shipped one. */
  fineTunedTop?: TopLocation;
}

export interface BackendReport {
  name: string;
  /** Why this backend: the reasons the better ones were passed over. */
  reason: string;
  backboneVersion: string;
}

export type HeadTrainingRequest = Omit<TrainOptions, 'onEpoch' | 'signal'>;

export type ModelRequest =
  | { kind: 'init'; requestId: number; config: ModelProcessConfig }
  | { kind: 'embed'; requestId: number; images: Array<{ imageId: number; path: string }> }
  | { kind: 'train-head'; requestId: number; options: HeadTrainingRequest }
  /** The class-activation map of `head` on one image; an image that cannot be read fails the request. */
  | { kind: 'explain'; requestId: number; image: { imageId: number; path: string }; head: LinearHead }
  /** Deep retraining: activations at the cut cached to a file, then the top fine-tuned on such files. */
  | { kind: 'cache-activations'; requestId: number; request: ActivationCacheRequest }
  | { kind: 'train-top'; requestId: number; request: TopTrainingRequest }
  | { kind: 'cancel'; requestId: number };

export type ModelMessage =
  | { kind: 'ready'; requestId: number; report: BackendReport }
  | { kind: 'embedded'; requestId: number; imageId: number; vector: Float32Array }
  | { kind: 'image-error'; requestId: number; imageId: number; path: string; message: string }
  | { kind: 'epoch'; requestId: number; point: CurvePoint }
  | { kind: 'trained'; requestId: number; result: TrainResult }
  | { kind: 'explained'; requestId: number; imageId: number; map: ActivationMap }
  | { kind: 'deep-epoch'; requestId: number; point: DeepEpoch }
  | { kind: 'deep-progress'; requestId: number; progress: DeepJobProgress }
  | { kind: 'deep-trained'; requestId: number; outcome: TopTrainingOutcome }
  | { kind: 'done'; requestId: number }
  | { kind: 'error'; requestId: number; message: string; cancelled: boolean };
