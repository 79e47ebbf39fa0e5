import { describe, expect, it } from 'vitest';
import {
  accuracy,
  averagePrecision,
  confusionMatrix,
  evaluate,
  f1,
  logLoss,
  precision,
  reliability,
  rocAuc,
  rocCurve,
  sensitivity,
  specificity,
} from '../../src/main/model/training/metrics';
import { createRandom } from '../../src/main/model/training/random';
import {
  sensitivityEstimate,
  thresholdForSensitivity,
  wilsonInterval,
} from '../../src/main/model/training/threshold';

// Eight images, four melanomas, with ties at 0.8 (one of each class) and 0.6 (one of each class).
const SCORES = [0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.4, 0.3];
const LABELS = [1, 1, 0, 1, 0, 1, 0, 0];
// Falling through the distinct scores, cumulative (tp, fp):
//   0.9 → (1, 0)   0.8 → (2, 1)   0.7 → (3, 1)   0.6 → (4, 2)   0.4 → (4, 3)   0.3 → (4, 4)

describe('ROC', () => {
  it('has one point per distinct score, tied scores forming one step', () => {
    // fpr = fp / 4, tpr = tp / 4; the first threshold is the top score + 1.
    expect(rocCurve(SCORES, LABELS)).toEqual([
      { fpr: 0, tpr: 0, threshold: 1.9 },
      { fpr: 0, tpr: 0.25, threshold: 0.9 },
      { fpr: 0.25, tpr: 0.5, threshold: 0.8 },
      { fpr: 0.25, tpr: 0.75, threshold: 0.7 },
      { fpr: 0.5, tpr: 1, threshold: 0.6 },
      { fpr: 0.75, tpr: 1, threshold: 0.4 },
      { fpr: 1, tpr: 1, threshold: 0.3 },
    ]);
  });

  it('drops only points inside a straight horizontal or vertical run', () => {
    // (0.75, 1) lies between (0.5, 1) and (1, 1) on tpr = 1; every other point turns a corner.
    const thresholds = rocCurve(SCORES, LABELS, { dropIntermediate: true }).map((p) => p.threshold);
    expect(thresholds).toEqual([1.9, 0.9, 0.8, 0.7, 0.6, 0.3]);
  });

  it('matches the example in scikit-learn’s roc_curve documentation', () => {
    const points = rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    expect(points.map((p) => p.fpr)).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(points.map((p) => p.tpr)).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(points.map((p) => p.threshold)).toEqual([1.8, 0.8, 0.4, 0.35, 0.1]);
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });

  it('has an AUC equal to the trapezoids and to Mann–Whitney with ties counted 1/2', () => {
    // Trapezoids between successive points: 0 + .25·(.25+.5)/2 + 0 + .25·(.75+1)/2 + .25·1 + .25·1
    //   = .09375 + .21875 + .25 + .25 = .8125.
    // Pairs (melanoma beats non-melanoma) of 16: 0.9 beats 4; 0.8 ties 0.8 and beats 3 → 3.5;
    //   0.7 beats 3; 0.6 ties 0.6 and beats 2 → 2.5. (4 + 3.5 + 3 + 2.5) / 16 = 13 / 16 = .8125.
    expect(rocAuc(SCORES, LABELS)).toBe(13 / 16);
  });

  it('agrees with a brute-force pairwise count on random data with many ties', () => {
    const random = createRandom(42);
    for (let trial = 0; trial < 20; trial++) {
      const n = 50 + random.int(200);
      // Scores on a grid of 21 values, so ties are common.
      const scores = Array.from({ length: n }, () => random.int(21) / 20);
      const labels = Array.from({ length: n }, () => (random.next() < 0.3 ? 1 : 0));
      let wins = 0;
      let pairs = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          if (labels[i] !== 1 || labels[j] !== 0) continue;
          pairs++;
          wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
        }
      expect(rocAuc(scores, labels)).toBeCloseTo(wins / pairs, 12);
    }
  });

  it('is undefined without both classes', () => {
    expect(rocAuc([0.2, 0.4], [1, 1])).toBeNaN();
    expect(rocCurve([0.2, 0.4], [0, 0])).toEqual([]);
  });
});

describe('average precision', () => {
  it('sums recall steps times precision, as scikit-learn does', () => {
    // At 0.9: recall .25 (+.25), precision 1/1; at 0.8: +.25, 2/3; at 0.7: +.25, 3/4; at 0.6: +.25, 4/6.
    // .25 · (1 + 2/3 + 3/4 + 2/3) = (12 + 8 + 9 + 8) / 48 = 37/48.
    expect(averagePrecision(SCORES, LABELS)).toBeCloseTo(37 / 48, 15);
    // scikit-learn's own documentation example: 0.83 (= .5 · 1 + .5 · 2/3).
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(5 / 6, 15);
  });
});

describe('sample weights', () => {
  it('count as copies in AUC, average precision, confusion matrix and log loss', () => {
    const weights = [1, 2, 1, 1, 3, 1, 0, 1];
    const copies = (values: number[]): number[] => values.flatMap((v, i) => Array(weights[i]).fill(v));
    const [s, l] = [copies(SCORES), copies(LABELS)];
    expect(rocAuc(SCORES, LABELS, weights)).toBeCloseTo(rocAuc(s, l), 15);
    expect(averagePrecision(SCORES, LABELS, weights)).toBeCloseTo(averagePrecision(s, l), 15);
    expect(confusionMatrix(SCORES, LABELS, 0.6, weights)).toEqual(confusionMatrix(s, l, 0.6));
    expect(logLoss(SCORES, LABELS, weights)).toBeCloseTo(logLoss(s, l), 15);
  });
});

describe('at a threshold', () => {
  it('counts score >= threshold as positive', () => {
    // Flagged at 0.6: 0.9 0.8 0.8 0.7 0.6 0.6 → tp 4 (0.9, 0.8, 0.7, 0.6), fp 2 (0.8, 0.6); 0.4 0.3 → tn 2.
    const c = confusionMatrix(SCORES, LABELS, 0.6);
    expect(c).toEqual({ tp: 4, fp: 2, tn: 2, fn: 0 });
    expect([sensitivity(c), specificity(c), precision(c), f1(c), accuracy(c)]).toEqual([
      1, // 4 / 4
      0.5, // 2 / 4
      4 / 6,
      0.8, // 2·4 / (2·4 + 2 + 0)
      0.75, // 6 / 8
    ]);
    // At 0.7 the tied pair at 0.6 drops out: tp 3, fp 1, tn 3, fn 1; every rate is 3/4.
    const d = confusionMatrix(SCORES, LABELS, 0.7);
    expect(d).toEqual({ tp: 3, fp: 1, tn: 3, fn: 1 });
    expect([sensitivity(d), specificity(d), precision(d), f1(d), accuracy(d)]).toEqual([
      0.75, 0.75, 0.75, 0.75, 0.75,
    ]);
  });
});

describe('calibration', () => {
  it('bins scores in tenths and weighs each bin’s gap by its share', () => {
    const { ece, bins } = reliability(SCORES, LABELS);
    // Bins (count, mean predicted, observed): 0.3 → (1, .3, 0); 0.4 → (1, .4, 0); 0.6 → (2, .6, .5);
    // 0.7 → (1, .7, 1); 0.8 → (2, .8, .5); 0.9 → (1, .9, 1).
    expect(bins.map((b) => b.count)).toEqual([0, 0, 0, 1, 1, 0, 2, 1, 2, 1]);
    expect(bins[6]).toEqual({ lower: 0.6, upper: 0.7, count: 2, meanPredicted: 0.6, observedRate: 0.5 });
    expect(bins[0]).toEqual({ lower: 0, upper: 0.1, count: 0, meanPredicted: null, observedRate: null });
    // (1·.3 + 1·.4 + 2·.1 + 1·.3 + 2·.3 + 1·.1) / 8 = 1.9 / 8.
    expect(ece).toBeCloseTo(1.9 / 8, 12);
  });

  it('puts a score of exactly 1 in the last bin', () => {
    expect(reliability([1, 0], [1, 0]).bins.map((b) => b.count)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('has the log loss of the mean cross-entropy', () => {
    // Melanomas at .9 .8 .7 .6 cost −ln p; the others at .8 .6 .4 .3 cost −ln(1 − p).
    const expected =
      -(
        Math.log(0.9) +
        Math.log(0.8) +
        Math.log(0.7) +
        Math.log(0.6) +
        Math.log(0.2) +
        Math.log(0.4) +
        Math.log(0.6) +
        Math.log(0.7)
      ) / 8;
    expect(logLoss(SCORES, LABELS)).toBeCloseTo(expected, 14);
    expect(logLoss(SCORES, LABELS)).toBeCloseTo(0.573654, 6);
    // A certain mistake is clipped, not infinite: −ln(1e−15).
    expect(logLoss([0], [1])).toBeCloseTo(34.539, 3);
  });
});

describe('evaluate', () => {
  it('gathers everything in one object that survives JSON', () => {
    const result = evaluate(SCORES, LABELS, 0.6);
    expect(result).toMatchObject({
      count: 8,
      positives: 4,
      negatives: 4,
      threshold: 0.6,
      rocAuc: 13 / 16,
      confusion: { tp: 4, fp: 2, tn: 2, fn: 0 },
      sensitivity: 1,
      specificity: 0.5,
      f1: 0.8,
      accuracy: 0.75,
    });
    expect(result.prAuc).toBeCloseTo(37 / 48, 15);
    expect(result.roc).toHaveLength(6);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('reports undefined metrics as null', () => {
    const result = evaluate([0.1, 0.2], [0, 0], 0.5);
    expect(result).toMatchObject({ rocAuc: null, prAuc: null, sensitivity: null, precision: null, roc: [] });
    expect(result.specificity).toBe(1);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('rejects mismatched or malformed input', () => {
    expect(() => evaluate([0.5], [1, 0], 0.5)).toThrow(/1 scores but 2 labels/);
    expect(() => evaluate([0.5, NaN], [1, 0], 0.5)).toThrow(/NaN/);
    expect(() => evaluate([0.5, 0.2], [1, 2], 0.5)).toThrow(/not 0 or 1/);
    expect(() => logLoss([1.5], [1])).toThrow(/not a probability/);
  });
});

// The operating threshold (threshold.ts), on the same eight images.

describe('thresholdForSensitivity', () => {
  it('is the highest melanoma score that still catches the target share', () => {
    // 0.95 of 4 melanomas needs all 4: the lowest, 0.6. Non-melanomas below 0.6: 0.4, 0.3 → 2/4.
    expect(thresholdForSensitivity(SCORES, LABELS)).toEqual({
      threshold: 0.6,
      sensitivity: 1,
      specificity: 0.5,
    });
    // 0.75 needs 3: 0.9, 0.8, 0.7. Below 0.7: 0.6, 0.4, 0.3 → 3/4. 0.74 gives the same; 0.76 needs all 4.
    expect(thresholdForSensitivity(SCORES, LABELS, { target: 0.75 })).toEqual({
      threshold: 0.7,
      sensitivity: 0.75,
      specificity: 0.75,
    });
    expect(thresholdForSensitivity(SCORES, LABELS, { target: 0.74 }).threshold).toBe(0.7);
    expect(thresholdForSensitivity(SCORES, LABELS, { target: 0.76 }).threshold).toBe(0.6);
  });

  it('counts weighted melanomas by their weight', () => {
    // The melanoma at 0.9 weighs 3 of a total 3 + 1 + 1 + 1 = 6: it alone reaches 0.5.
    const weights = [3, 1, 1, 1, 1, 1, 1, 1];
    expect(thresholdForSensitivity(SCORES, LABELS, { target: 0.5, weights })).toEqual({
      threshold: 0.9,
      sensitivity: 0.5,
      specificity: 1,
    });
    // Unweighted, 0.5 of 4 needs two: 0.9 and 0.8.
    expect(thresholdForSensitivity(SCORES, LABELS, { target: 0.5 }).threshold).toBe(0.8);
  });

  it('catches tied melanomas together', () => {
    // A third is wanted, but one of the two tied at 0.5 cannot be caught alone: both are, 2/3.
    const result = thresholdForSensitivity([0.5, 0.5, 0.4], [1, 1, 1], { target: 0.3 });
    expect(result.threshold).toBe(0.5);
    expect(result.sensitivity).toBe(2 / 3);
    expect(result.specificity).toBeNaN();
  });

  it('returns a Float32Array score exactly, so that score >= threshold holds for it', () => {
    const scores = Float32Array.from([0.9, 0.7, 0.3]);
    const { threshold } = thresholdForSensitivity(scores, [1, 1, 0], { target: 1 });
    expect(threshold).toBe(scores[1]);
    expect(scores[1]! >= threshold).toBe(true);
  });

  it('needs melanomas', () => {
    expect(() => thresholdForSensitivity([0.2], [0])).toThrow(/no melanomas/);
    expect(() => thresholdForSensitivity([0.2], [1], { weights: [0] })).toThrow(/no melanomas/);
    expect(() => thresholdForSensitivity([0.2], [1], { target: 1.5 })).toThrow(/target/);
  });
});

describe('wilsonInterval', () => {
  it('matches the closed form', () => {
    // z = 1.96, n = 10, p = 0.9: centre (p + z²/2n) / (1 + z²/n) = 1.09207 / 1.38415 = 0.78899,
    // half-width z / (1 + z²/n) · √(p(1−p)/n + z²/4n²) = 1.41601 · 0.13639 = 0.19314.
    const nine = wilsonInterval(9, 10);
    expect(nine.lower).toBeCloseTo(0.59585, 5);
    expect(nine.upper).toBeCloseTo(0.98212, 5);
    // p = 1: centre 0.86123, half-width 1.41601 · √(z²/400) = 0.13877 → [0.72247, 1].
    const ten = wilsonInterval(10, 10);
    expect(ten.lower).toBeCloseTo(0.72247, 5);
    expect(ten.upper).toBeCloseTo(1, 12);
    expect(wilsonInterval(0, 0)).toEqual({ lower: 0, upper: 1 });
  });
});

describe('sensitivityEstimate', () => {
  it('counts the melanomas of a subset and gives their Wilson interval', () => {
    // The clinic's own images: 0.7 (melanoma), 0.6 (melanoma), 0.4. At 0.7 one of the two is caught.
    const clinic = [false, false, false, true, false, true, true, false];
    const estimate = sensitivityEstimate(SCORES, LABELS, 0.7, clinic);
    expect(estimate).toMatchObject({ positives: 2, detected: 1, sensitivity: 0.5 });
    // Wilson for 1 of 2: centre 0.5, half-width 0.40547.
    expect(estimate.lower).toBeCloseTo(0.09453, 5);
    expect(estimate.upper).toBeCloseTo(0.90547, 5);
    // Without a mask: all four melanomas, three caught at 0.7.
    expect(sensitivityEstimate(SCORES, LABELS, 0.7)).toMatchObject({ positives: 4, detected: 3 });
  });

  it('says nothing is known without melanomas', () => {
    const none = sensitivityEstimate(SCORES, LABELS, 0.7, [0, 0, 1, 0, 0, 0, 0, 1]);
    expect(none).toEqual({ positives: 0, detected: 0, sensitivity: null, lower: 0, upper: 1 });
  });
});
