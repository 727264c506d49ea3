// Experiment: a static int8 QDQ model from the converted float32 ISNet, for onnxruntime's int8
// (VNNI) convolutions. Steps, each in a process of its own:
//   node quantize-experiment.mjs calibrate <fp32.onnx> <ranges.json>           activation ranges on the fixture photos
//   node quantize-experiment.mjs quantize <fp32.onnx> <ranges.json> <int8.onnx> [minmax|p3|p35|p4|p5]  (quantiles 1e-3 .. 1e-5)
//   node quantize-experiment.mjs measure <model.onnx> <masks-folder>           warm median of 5 at 1024², peak RSS, masks
//   node quantize-experiment.mjs table <fp32.onnx> <ranges.json> <src/local-model-int8-table.ts> <digest>
//   node quantize-experiment.mjs compare <masks-folder-a> <masks-folder-b>      IoU and mean alpha difference at 320 wide
// Bundled with esbuild first (Node 20 runs no TypeScript), from this folder:
//   esbuild quantize-experiment.mts --bundle --platform=node --format=esm --packages=external --outfile=.quantize-experiment.mjs
// QCALIB (calibrate) picks the photos, QSKIP (quantize) leaves matching activations in float32.
// src/local-model-int8-table.ts came from `calibrate` on all seven photos, then `table` (then biome
// check --write). Measured at 1024² on 2 AMD EPYC cores (VNNI), against the float32 model's masks:
//   float32                                   1533 ms
//   int8, min/max ranges                       486 ms  IoU 0.748, mean alpha difference up to 34 levels
//   int8, 1e-4 quantiles                       498 ms  IoU 0.991, up to 2.04 (chelsea)
//   int8, 1e-4 quantiles, decoder sums float   520 ms  IoU 0.997, up to 0.81 (the table)
//   the same, calibrated on 4 photos           521 ms  up to 1.87 on chelsea, held out
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import {
  decode,
  type Field,
  message,
  readFields,
  readVarint,
  varintField,
  writeFields,
} from '../src/local-model-conversion.js';

const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: onnxruntime-node's types are not needed for an experiment
const ort: any = require('onnxruntime-node');

// ---- protobuf: src/local-model-conversion.ts's ----
const encoder = new TextEncoder();
const text = (number: number, value: string) => message(number, encoder.encode(value));

// ---- the graph ----
interface Node {
  operator: string;
  name: string;
  inputs: string[];
  outputs: string[];
  /** Every other field (attributes, domain), as read. */
  rest: Field[];
}
function readNode(bytes: Uint8Array): Node {
  const fields = readFields(bytes);
  const texts = (number: number) =>
    fields.filter((field) => field.number === number).map((field) => decode(field.value));
  return {
    operator: texts(4)[0] ?? '',
    name: texts(3)[0] ?? '',
    inputs: texts(1),
    outputs: texts(2),
    rest: fields.filter((field) => ![1, 2, 3, 4].includes(field.number)),
  };
}
function writeNode(node: Node): Uint8Array {
  return writeFields([
    ...node.inputs.map((input) => text(1, input)),
    ...node.outputs.map((output) => text(2, output)),
    ...(node.name ? [text(3, node.name)] : []),
    text(4, node.operator),
    ...node.rest,
  ]);
}
const intAttribute = (name: string, value: number) =>
  message(5, writeFields([text(1, name), varintField(3, value), varintField(20, 2)]));

interface Tensor {
  name: string;
  dims: number[];
  type: number;
  raw: Uint8Array;
}
function readTensor(bytes: Uint8Array): Tensor {
  const fields = readFields(bytes);
  const dims: number[] = [];
  for (const field of fields.filter((entry) => entry.number === 1)) {
    if (field.wireType === 0) dims.push(readVarint(field.value, 0)[0]);
    else
      for (let offset = 0; offset < field.value.length; ) {
        const [value, next] = readVarint(field.value, offset);
        dims.push(value);
        offset = next;
      }
  }
  const raw = fields.find((field) => field.number === 9);
  const type = fields.find((field) => field.number === 2);
  return {
    name: decode(fields.find((field) => field.number === 8)?.value ?? new Uint8Array()),
    dims,
    type: type ? readVarint(type.value, 0)[0] : 0,
    raw: raw ? new Uint8Array(raw.value) : new Uint8Array(),
  };
}
const float32 = 1;
const uint8 = 2;
const int8 = 3;
const int32 = 6;
function writeTensor(name: string, dims: readonly number[], type: number, raw: ArrayBufferView): Uint8Array {
  return writeFields([
    ...dims.map((dim) => varintField(1, dim)),
    varintField(2, type),
    text(8, name),
    message(9, new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)),
  ]);
}

interface Graph {
  nodes: Node[];
  initializers: Map<string, Uint8Array>;
  /** The graph's other fields (inputs, outputs, name), as read. */
  rest: Field[];
}
function readModel(path: string): { model: Field[]; graph: Graph } {
  const model = readFields(readFileSync(path));
  const graphField = model.find((field) => field.number === 7);
  if (!graphField) throw new Error('no graph');
  const entries = readFields(graphField.value);
  const initializers = new Map<string, Uint8Array>();
  for (const entry of entries.filter((field) => field.number === 5))
    initializers.set(readTensor(entry.value).name, entry.value);
  return {
    model,
    graph: {
      nodes: entries.filter((field) => field.number === 1).map((field) => readNode(field.value)),
      initializers,
      rest: entries.filter((field) => field.number !== 1 && field.number !== 5 && field.number !== 13),
    },
  };
}
function writeModel(model: Field[], graph: Graph, extraOutputs: readonly string[] = []): Uint8Array {
  const floatType = writeFields([message(1, writeFields([varintField(1, float32)]))]);
  const graphBytes = writeFields([
    ...graph.nodes.map((node) => message(1, writeNode(node))),
    ...[...graph.initializers.values()].map((tensor) => message(5, tensor)),
    ...graph.rest,
    ...extraOutputs.map((name) => message(12, writeFields([text(1, name), message(2, floatType)]))),
  ]);
  return writeFields(model.map((field) => (field.number === 7 ? message(7, graphBytes) : field)));
}

const graphOutputs = (graph: Graph) =>
  graph.rest
    .filter((field) => field.number === 12)
    .map((field) =>
      decode(readFields(field.value).find((entry) => entry.number === 1)?.value ?? new Uint8Array()),
    );

/** The converted model's Casts are float32 to float32: removed, their consumers reading the Cast's input. */
function removeCasts(graph: Graph): void {
  const outputs = new Set(graphOutputs(graph));
  for (const cast of graph.nodes.filter((node) => node.operator === 'Cast')) {
    const from = cast.inputs[0] as string;
    const to = cast.outputs[0] as string;
    graph.nodes = graph.nodes.filter((node) => node !== cast);
    const [keep, drop] = outputs.has(to) ? [to, from] : [from, to];
    for (const node of graph.nodes) {
      node.inputs = node.inputs.map((input) => (input === drop ? keep : input));
      node.outputs = node.outputs.map((output) => (output === drop ? keep : output));
    }
  }
}

interface Plan {
  /** Tensors to calibrate, each with how: own range, or the range of another tensor. */
  calibrated: string[];
  /** Relus to fold into the Q after their Conv: Conv output name to Relu output name. */
  foldedRelus: Map<string, string>;
  /** MaxPool and Resize outputs: quantized with their input's parameters. */
  shared: Map<string, string>;
  /** Convs left in float32: the last (its logits go through a sigmoid to the mask). */
  floatConvs: Set<Node>;
}
function plan(graph: Graph): Plan {
  const consumers = new Map<string, Node[]>();
  for (const node of graph.nodes)
    for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node]);
  const convs = graph.nodes.filter((node) => node.operator === 'Conv');
  const floatConvs = new Set<Node>();
  const foldedRelus = new Map<string, string>();
  const calibrated: string[] = [];
  for (const conv of convs) {
    const output = conv.outputs[0] as string;
    const users = consumers.get(output) ?? [];
    if (users.length === 1 && users[0]?.operator === 'Relu') {
      foldedRelus.set(output, users[0].outputs[0] as string);
      calibrated.push(users[0].outputs[0] as string);
    } else if (users.some((user) => user.operator === 'Shape')) floatConvs.add(conv);
    else calibrated.push(output);
  }
  for (const node of graph.nodes)
    if (node.operator === 'Add' || node.operator === 'Concat') {
      // Concats of shapes (int64) are not activations.
      if (node.inputs.some((input) => graph.initializers.has(input))) continue;
      calibrated.push(node.outputs[0] as string);
    }
  const producers = new Map(
    graph.nodes.flatMap((node) => node.outputs.map((output) => [output, node] as const)),
  );
  const shared = new Map<string, string>();
  for (const node of graph.nodes)
    if (node.operator === 'MaxPool' || node.operator === 'Resize')
      shared.set(node.outputs[0] as string, node.inputs[0] as string);
  // Concat nodes of the Resize size computation take Slice/Constant outputs: not activations.
  const activation = (name: string) => {
    const producer = producers.get(name);
    return producer !== undefined && !['Slice', 'Constant', 'Shape'].includes(producer.operator);
  };
  return {
    calibrated: calibrated.filter((name) => {
      const producer = producers.get(name);
      if (producer?.operator === 'Concat') return producer.inputs.every(activation);
      return true;
    }),
    foldedRelus,
    shared,
    floatConvs,
  };
}

// ---- photos ----
const fixture = (name: string) => new URL(`../../testkit/fixtures/${name}`, import.meta.url);
const photos = [
  'astronaut.png',
  'chelsea.png',
  'coffee.png',
  'dogs.jpg',
  'groceries.jpg',
  'ruby_mug.jpg',
  'truck.jpg',
];
const size = 1024;
async function decodePhoto(name: string) {
  const { data, info } = await sharp(readFileSync(fixture(name)))
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { pixels: data, width: info.width, height: info.height };
}
async function inputOf(image: { pixels: Buffer; width: number; height: number }): Promise<Float32Array> {
  const pixels = await sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(size, size, { fit: 'fill' })
    .raw()
    .toBuffer();
  const plane = size * size;
  const tensor = new Float32Array(3 * plane);
  for (let pixel = 0, byte = 0; pixel < plane; pixel++, byte += 3) {
    tensor[pixel] = ((pixels[byte] as number) - 128) / 256;
    tensor[pixel + plane] = ((pixels[byte + 1] as number) - 128) / 256;
    tensor[pixel + 2 * plane] = ((pixels[byte + 2] as number) - 128) / 256;
  }
  return tensor;
}
const sessionOptions = {
  graphOptimizationLevel: 'all',
  enableCpuMemArena: true,
  enableMemPattern: false,
  extra: { session: { use_device_allocator_for_initializers: '1', intra_op: { allow_spinning: '0' } } },
};

// ---- calibration ----
interface Range {
  min: number;
  max: number;
  /** Per photo: [low, high] quantiles at 1e-3, 3e-4, 1e-4 and 1e-5 of the values. */
  quantiles: number[][];
}
function quantilesOf(data: Float32Array, min: number, max: number): number[] {
  const bins = 4096;
  const histogram = new Float64Array(bins);
  const width = (max - min) / bins || 1;
  for (let index = 0; index < data.length; index++) {
    const bin = Math.min(bins - 1, Math.floor(((data[index] as number) - min) / width));
    histogram[bin] = (histogram[bin] as number) + 1;
  }
  const at = (fraction: number, fromTop: boolean) => {
    const target = data.length * fraction;
    let count = 0;
    for (let step = 0; step < bins; step++) {
      const bin = fromTop ? bins - 1 - step : step;
      count += histogram[bin] as number;
      if (count >= target) return fromTop ? min + (bin + 1) * width : min + bin * width;
    }
    return fromTop ? max : min;
  };
  return [1e-3, 3e-4, 1e-4, 1e-5].flatMap((fraction) => [at(fraction, false), at(fraction, true)]);
}
async function calibrate(modelPath: string, rangesPath: string) {
  const { model, graph } = readModel(modelPath);
  removeCasts(graph);
  const { calibrated } = plan(graph);
  const bytes = writeModel(model, graph, calibrated);
  const session = await ort.InferenceSession.create(bytes, sessionOptions);
  const ranges: Record<string, Range> = {};
  // QCALIB: a comma-separated subset of the photos to calibrate on (to hold the others out).
  for (const name of process.env.QCALIB?.split(',') ?? photos) {
    const input = await inputOf(await decodePhoto(name));
    const results = await session.run(
      { input: new ort.Tensor('float32', input, [1, 3, size, size]) },
      calibrated,
    );
    for (const tensor of calibrated) {
      const data = results[tensor].data as Float32Array;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let index = 0; index < data.length; index++) {
        const value = data[index] as number;
        if (value < min) min = value;
        if (value > max) max = value;
      }
      const range = ranges[tensor] ?? { min, max, quantiles: [] };
      ranges[tensor] = range;
      range.min = Math.min(range.min, min);
      range.max = Math.max(range.max, max);
      range.quantiles.push(quantilesOf(data, min, max));
    }
    console.error(`calibrated on ${name}`);
  }
  writeFileSync(rangesPath, JSON.stringify(ranges));
}

// ---- quantization ----
interface Parameters {
  scale: number;
  zeroPoint: number;
}
function uint8Parameters(min: number, max: number): Parameters {
  const low = Math.min(0, min);
  const high = Math.max(0, max);
  const scale = (high - low) / 255 || 1;
  return { scale, zeroPoint: Math.max(0, Math.min(255, Math.round(-low / scale))) };
}
function quantize(modelPath: string, rangesPath: string, outputPath: string, method: string) {
  const ranges: Record<string, Range> = JSON.parse(readFileSync(rangesPath, 'utf8'));
  const { model, graph } = readModel(modelPath);
  removeCasts(graph);
  const { calibrated, foldedRelus, shared, floatConvs } = plan(graph);
  const parameters = new Map<string, Parameters>();
  // The input is exact in uint8: (pixel - 128) / 256.
  parameters.set('input', { scale: 1 / 256, zeroPoint: 128 });
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  for (const name of calibrated) {
    const range = ranges[name];
    if (!range) throw new Error(`no range for ${name}`);
    const index = ({ p3: 0, p35: 2, p4: 4, p5: 6 } as Record<string, number>)[method] ?? 4;
    const [min, max] =
      method === 'minmax'
        ? [range.min, range.max]
        : [
            mean(range.quantiles.map((q) => q[index] as number)),
            mean(range.quantiles.map((q) => q[index + 1] as number)),
          ];
    parameters.set(name, uint8Parameters(min, max));
  }
  // QSKIP: a regular expression of activations left in float32 (their Convs too), to find sensitive layers.
  const skip = process.env.QSKIP ? new RegExp(process.env.QSKIP) : undefined;
  if (skip) for (const name of [...parameters.keys()]) if (skip.test(name)) parameters.delete(name);
  for (const [conv, relu] of [...foldedRelus]) if (!parameters.has(relu)) foldedRelus.delete(conv);
  const sharedOf = (name: string): Parameters | undefined => {
    const own = parameters.get(name);
    if (own) return own;
    const source = shared.get(name);
    return source ? sharedOf(source) : undefined;
  };
  for (const [output, input] of shared) {
    const found = sharedOf(input);
    if (found) parameters.set(output, found);
  }
  const added: Node[] = [];
  const scalar = (name: string, { scale, zeroPoint }: Parameters) => {
    graph.initializers.set(
      `${name}_scale`,
      writeTensor(`${name}_scale`, [], float32, Float32Array.of(scale)),
    );
    graph.initializers.set(`${name}_zero`, writeTensor(`${name}_zero`, [], uint8, Uint8Array.of(zeroPoint)));
  };
  // Activations: the producer writes `<name>__f`, Q then DQ give `<name>` back to every consumer.
  const relus = new Set(foldedRelus.values());
  const producers = new Map(
    graph.nodes.flatMap((node) => node.outputs.map((output) => [output, node] as const)),
  );
  graph.nodes = graph.nodes.filter(
    (node) => !(node.operator === 'Relu' && relus.has(node.outputs[0] as string)),
  );
  for (const [conv, relu] of foldedRelus) {
    const node = producers.get(conv) as Node;
    node.outputs = [relu];
  }
  let inputDequantized = 'input';
  for (const [name, values] of parameters) {
    scalar(name, values);
    if (name === 'input') {
      inputDequantized = 'input__dq';
      added.push(
        {
          operator: 'QuantizeLinear',
          name: 'input_Q',
          inputs: ['input', 'input_scale', 'input_zero'],
          outputs: ['input__q'],
          rest: [],
        },
        {
          operator: 'DequantizeLinear',
          name: 'input_DQ',
          inputs: ['input__q', 'input_scale', 'input_zero'],
          outputs: ['input__dq'],
          rest: [],
        },
      );
      continue;
    }
    const producer = graph.nodes.find((node) => node.outputs.includes(name));
    if (!producer) throw new Error(`no producer for ${name}`);
    producer.outputs = producer.outputs.map((output) => (output === name ? `${name}__f` : output));
    added.push(
      {
        operator: 'QuantizeLinear',
        name: `${name}_Q`,
        inputs: [`${name}__f`, `${name}_scale`, `${name}_zero`],
        outputs: [`${name}__q`],
        rest: [],
      },
      {
        operator: 'DequantizeLinear',
        name: `${name}_DQ`,
        inputs: [`${name}__q`, `${name}_scale`, `${name}_zero`],
        outputs: [name],
        rest: [],
      },
    );
  }
  for (const node of graph.nodes)
    node.inputs = node.inputs.map((input) => (input === 'input' ? inputDequantized : input));
  // Weights: int8, symmetric, per output channel; biases int32 at input scale times weight scale.
  for (const conv of graph.nodes.filter((node) => node.operator === 'Conv')) {
    if (floatConvs.has(conv)) continue;
    const [data, weightName, biasName] = conv.inputs as [string, string, string | undefined];
    const inputParameters = parameters.get(data === 'input__dq' ? 'input' : data);
    const output = (conv.outputs[0] as string).replace(/__f$/, '');
    if (!inputParameters || !parameters.has(output)) continue;
    const weight = readTensor(graph.initializers.get(weightName) as Uint8Array);
    const floats = new Float32Array(weight.raw.buffer, weight.raw.byteOffset, weight.raw.byteLength / 4);
    const channels = weight.dims[0] as number;
    const perChannel = floats.length / channels;
    const scales = new Float32Array(channels);
    const quantized = new Int8Array(floats.length);
    for (let channel = 0; channel < channels; channel++) {
      let largest = 0;
      for (let index = 0; index < perChannel; index++)
        largest = Math.max(largest, Math.abs(floats[channel * perChannel + index] as number));
      const scale = largest / 127 || 1;
      scales[channel] = scale;
      for (let index = 0; index < perChannel; index++)
        quantized[channel * perChannel + index] = Math.round(
          (floats[channel * perChannel + index] as number) / scale,
        );
    }
    graph.initializers.delete(weightName);
    graph.initializers.set(`${weightName}_q`, writeTensor(`${weightName}_q`, weight.dims, int8, quantized));
    graph.initializers.set(
      `${weightName}_scale`,
      writeTensor(`${weightName}_scale`, [channels], float32, scales),
    );
    graph.initializers.set(
      `${weightName}_zero`,
      writeTensor(`${weightName}_zero`, [channels], int8, new Int8Array(channels)),
    );
    added.push({
      operator: 'DequantizeLinear',
      name: `${weightName}_DQ`,
      inputs: [`${weightName}_q`, `${weightName}_scale`, `${weightName}_zero`],
      outputs: [weightName],
      rest: [intAttribute('axis', 0)],
    });
    if (biasName) {
      const bias = readTensor(graph.initializers.get(biasName) as Uint8Array);
      const biasFloats = new Float32Array(bias.raw.buffer, bias.raw.byteOffset, bias.raw.byteLength / 4);
      const biasScales = scales.map((scale) => scale * inputParameters.scale);
      const biasQuantized = Int32Array.from(biasFloats, (value, index) =>
        Math.round(value / (biasScales[index] as number)),
      );
      graph.initializers.delete(biasName);
      graph.initializers.set(`${biasName}_q`, writeTensor(`${biasName}_q`, bias.dims, int32, biasQuantized));
      graph.initializers.set(
        `${biasName}_scale`,
        writeTensor(`${biasName}_scale`, [channels], float32, biasScales),
      );
      graph.initializers.set(
        `${biasName}_zero`,
        writeTensor(`${biasName}_zero`, [channels], int32, new Int32Array(channels)),
      );
      added.push({
        operator: 'DequantizeLinear',
        name: `${biasName}_DQ`,
        inputs: [`${biasName}_q`, `${biasName}_scale`, `${biasName}_zero`],
        outputs: [biasName],
        rest: [intAttribute('axis', 0)],
      });
    }
  }
  graph.nodes.push(...added);
  writeFileSync(outputPath, writeModel(model, graph));
  console.error(
    `quantized: ${parameters.size} activations, ${added.length} Q/DQ nodes, float convs ${floatConvs.size}`,
  );
}

/**
 * The table src/local-model-quantization.ts reads, as a module: the input's exact parameters, then every
 * calibrated activation's (quantiles at 1e-4, averaged over the photos) but the decoder's residual sums
 * (graph_output_cast_*), left in float32.
 */
function table(modelPath: string, rangesPath: string, outputPath: string, digest: string) {
  const ranges: Record<string, Range> = JSON.parse(readFileSync(rangesPath, 'utf8'));
  const { graph } = readModel(modelPath);
  removeCasts(graph);
  const { calibrated } = plan(graph);
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const entries: Record<string, [number, number]> = { input: [1 / 256, 128] };
  for (const name of calibrated) {
    if (/^graph_output_cast/.test(name)) continue;
    const range = ranges[name] as Range;
    const { scale, zeroPoint } = uint8Parameters(
      mean(range.quantiles.map((q) => q[4] as number)),
      mean(range.quantiles.map((q) => q[5] as number)),
    );
    entries[name] = [Number(scale.toPrecision(6)), zeroPoint];
  }
  writeFileSync(
    outputPath,
    `// Generated by bench/quantize-experiment.mts (\`table\`) from the testkit photos: do not edit.
/** uint8 scale and zero point of each quantized activation of imgly's medium ISNet (see local-model-quantization.ts). */
export const isnetMediumActivations = {
  /** The first 16 hex digits of the original model's SHA-256: the table holds for that model only. */
  model: '${digest}',
  activations: ${JSON.stringify(entries)} as Record<string, readonly [number, number]>,
};
`,
  );
}

// ---- measurement ----
async function measure(modelPath: string, masksFolder: string) {
  mkdirSync(masksFolder, { recursive: true });
  const session = await ort.InferenceSession.create(modelPath, {
    ...sessionOptions,
    optimizedModelFilePath: `${masksFolder}/optimized.onnx`,
    logSeverityLevel: 3,
  });
  const run = async (input: Float32Array) =>
    (await session.run({ input: new ort.Tensor('float32', input, [1, 3, size, size]) }, ['output'])).output
      .data as Float32Array;
  const images = await Promise.all(photos.map(decodePhoto));
  for (const [index, name] of photos.entries()) {
    const image = images[index] as { pixels: Buffer; width: number; height: number };
    const prediction = await run(await inputOf(image));
    const mask = Buffer.alloc(size * size);
    new Uint8ClampedArray(mask.buffer, mask.byteOffset, mask.length).set(
      prediction.map((value) => value * 255),
    );
    // As the engine refines it (src/local-segmentation.ts), then as the quality test reads it: 320 wide.
    const full = await sharp(mask, { raw: { width: size, height: size, channels: 1 } })
      .resize(image.width, image.height, { fit: 'fill', kernel: 'linear' })
      .blur(0.6)
      .linear(255 / 223, (-16 * 255) / 223)
      .extractChannel(0)
      .raw()
      .toBuffer();
    const small = await sharp(full, { raw: { width: image.width, height: image.height, channels: 1 } })
      .resize({ width: 320 })
      .extractChannel(0)
      .raw()
      .toBuffer();
    writeFileSync(`${masksFolder}/${name}.raw`, small);
  }
  const truck = await inputOf(
    images[photos.indexOf('truck.jpg')] as { pixels: Buffer; width: number; height: number },
  );
  await run(truck);
  const times: number[] = [];
  for (let index = 0; index < 5; index++) {
    const started = performance.now();
    await run(truck);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      model: modelPath,
      medianMs: Math.round(times[2] as number),
      times: times.map(Math.round),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
}

const referenceMasks = new Map<string, Buffer>();
async function compare(first: string, second: string) {
  for (const name of photos)
    referenceMasks.set(
      name,
      await sharp(
        new URL(`../test/reference-masks/${name.replace(/\.\w+$/, '')}.png`, import.meta.url).pathname,
      )
        .extractChannel(0)
        .raw()
        .toBuffer(),
    );
  const rows = photos.map((name) => {
    const a = readFileSync(`${first}/${name}.raw`);
    const b =
      second === 'reference' ? (referenceMasks.get(name) as Buffer) : readFileSync(`${second}/${name}.raw`);
    let intersection = 0;
    let union = 0;
    let total = 0;
    for (let index = 0; index < a.length; index++) {
      const x = a[index] as number;
      const y = b[index] as number;
      if (x >= 128 && y >= 128) intersection++;
      if (x >= 128 || y >= 128) union++;
      total += Math.abs(x - y);
    }
    return {
      name,
      iou: Number((intersection / union).toFixed(4)),
      meanDifference: Number((total / a.length).toFixed(2)),
    };
  });
  console.log(JSON.stringify(rows));
  console.log(
    JSON.stringify({
      minIou: Math.min(...rows.map((row) => row.iou)),
      maxMeanDifference: Math.max(...rows.map((row) => row.meanDifference)),
    }),
  );
}

const [command, ...args] = process.argv.slice(2) as [string, ...string[]];
if (command === 'calibrate') await calibrate(args[0] as string, args[1] as string);
else if (command === 'quantize')
  quantize(args[0] as string, args[1] as string, args[2] as string, args[3] ?? 'minmax');
else if (command === 'table')
  table(args[0] as string, args[1] as string, args[2] as string, args[3] as string);
else if (command === 'measure') await measure(args[0] as string, args[1] as string);
else if (command === 'compare') await compare(args[0] as string, args[1] as string);
else throw new Error(`unknown command ${command}`);
