// The GCE reproduction's convolutional network: a small stand-in for the paper's ResNets with
// their ingredients — 3×3 convolutions without bias, each followed by batch norm and ReLU, 2×2
// max pooling between stages, global average pooling and one linear classifier.
import { fail } from '../../device/errors.js';
import { ReLU } from '../../nn/layers/activation.js';
import { BatchNorm2d } from '../../nn/layers/batchnorm.js';
import { AvgPool2d, Conv2d, MaxPool2d } from '../../nn/layers/conv.js';
import { Linear } from '../../nn/layers/linear.js';
import { Flatten, Sequential } from '../../nn/layers/sequential.js';
import type { Module } from '../../nn/module.js';
import { fmt } from '../../tensor/shape.js';

/**
 * `shape` is one example's [channels, height, width]; `channels` the width of each stage (one
 * conv-BN-ReLU each, pooled by 2 after every stage but the last).
 */
export function experimentConvNet(shape: readonly number[], channels: readonly number[], classes: number, seed: number): Sequential {
  const [inChannels, height, width] = shape;
  if (shape.length !== 3) fail(`gce cnn: examples must be [channels, height, width], got ${fmt(shape)}; use the MLP for flat data`);
  if (!channels.length) fail('gce cnn: channels must name at least one stage width, e.g. [16, 32, 64]');
  const shrink = 2 ** (channels.length - 1);
  if (height! % shrink !== 0 || width! % shrink !== 0) {
    fail(`gce cnn: ${channels.length} stages halve the image ${channels.length - 1} times, so ${height}×${width} must be divisible by ${shrink}; use fewer stages`);
  }
  const layers: Module[] = [];
  channels.forEach((out, i) => {
    if (i > 0) layers.push(new MaxPool2d({ kernel: 2 }));
    layers.push(new Conv2d(i === 0 ? inChannels! : channels[i - 1]!, out, 3, { padding: 1, bias: false, init: 'he', seed: seed * 16 + i }));
    layers.push(new BatchNorm2d(out), new ReLU());
  });
  const last = channels[channels.length - 1]!;
  layers.push(
    new AvgPool2d({ kernel: [height! / shrink, width! / shrink] }),
    new Flatten(),
    new Linear(last, classes, { init: { gaussian: 1 / Math.sqrt(3 * last) }, seed: seed * 16 + channels.length }),
  );
  return new Sequential(...layers);
}
