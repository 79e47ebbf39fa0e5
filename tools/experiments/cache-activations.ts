/** Experiment: cut activations of every HAM10000 image, float32, in .cache/ (in-process, wasm). */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/main/model/tf-backend';
import { fileSystemHandler } from '../../src/main/model/fs-io-handler';
import { fusedForward } from '../../src/main/model/fused-forward';
import { imageToInput } from '../../src/main/model/preprocess';
import { toBatch } from '../../src/main/model/backbone';
import { readHam } from '../train-default/ham10000';

async function main(): Promise<void> {
  await initBackend('wasm');
  const cut = process.env.CUT ?? 'expanded_conv_13_project';
  const images = readHam(path.resolve('..', 'shared', 'data', 'ham10000'));
  const model = await tf.loadLayersModel(
    fileSystemHandler(path.resolve('resources/backbone/mobilenet_v2/model.json')),
  );
  const toCut = fusedForward(model, cut);
  const out = fs.openSync(path.resolve('.cache', `act-${cut}-${images.length}.f32`), 'w');
  const started = Date.now();
  const B = 16;
  let next = Promise.all(images.slice(0, B).map((i) => imageToInput(fs.readFileSync(i.file))));
  for (let s = 0; s < images.length; s += B) {
    const inputs = await next;
    next = Promise.all(images.slice(s + B, s + 2 * B).map((i) => imageToInput(fs.readFileSync(i.file))));
    const act = tf.tidy(() => toCut(toBatch(inputs)));
    const data = act.dataSync() as Float32Array;
    act.dispose();
    fs.writeSync(out, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    if ((s / B) % 50 === 0) console.log(s, ((s + B) / ((Date.now() - started) / 1000)).toFixed(1), 'img/s');
  }
  fs.closeSync(out);
}
void main();
