/**
 * A linear function of the pooled features: a head with its standardisation folded in (see head.ts's
 * foldStandardisation). What the class-activation map reads and what deep retraining trains with the top.
 */
export interface LinearHead {
  weights: Float32Array;
  bias: number;
}
