// The GCE reproduction's convolutional network: a small stand-in for the paper's ResNets built
// from their ingredients — 3×3 convolutions without bias, each followed by batch norm and ReLU —
// with 2×2 max pooling after every stage and one linear classifier on the flattened features.
// (Global average pooling, as the ResNets end, learnt too slowly at two or three stages: a
// two-stage version stayed near chance after 30 steps where this one does not.)
import { fail } from '../../device/errors.js';
import { ReLU } from '../../nn/layers/activation.js';
import { BatchNorm2d } from '../../nn/layers/batchnorm.js';
import { Conv2d, MaxPool2d } from '../../nn/layers/conv.js';
import { Linear } from '../../nn/layers/linear.js';
import { Flatten, Sequential } from '../../nn/layers/sequential.js';
import type { Module } from '../../nn/module.js';
import { fmt } from '../../tensor/shape.js';

/**
 * `shape` is one example's [channels, height, width]; `channels` the width of each stage (one
 * conv-BN-ReLU and a 2×2 max pool each).
 */
export function experimentConvNet(shape: readonly number[], channels: readonly number[], classes: number, seed: number): Sequential {
  if (shape.length !== 3) fail(`gce cnn: examples must be [channels, height, width], got ${fmt(shape)}; use the MLP for flat data`);
  if (!channels.length) fail('gce cnn: channels must name at least one stage width, e.g. [16, 32]');
  let [c, h, w] = shape as [number, number, number];
  const layers: Module[] = [];
  channels.forEach((out, i) => {
    if (h < 2 || w < 2) fail(`gce cnn: ${channels.length} stages pool a ${shape[1]}×${shape[2]} image below 1×1; use fewer stages`);
    layers.push(new Conv2d(c, out, 3, { padding: 1, bias: false, init: 'he', seed: seed * 16 + i }), new BatchNorm2d(out), new ReLU(), new MaxPool2d({ kernel: 2 }));
    [c, h, w] = [out, Math.floor(h / 2), Math.floor(w / 2)];
  });
  const features = c * h * w;
  layers.push(new Flatten(), new Linear(features, classes, { init: { gaussian: 1 / Math.sqrt(3 * features) }, seed: seed * 16 + channels.length }));
  return new Sequential(...layers);
}
