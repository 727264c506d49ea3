/**
 * Makes a converted float32 ISNet model (see local-model-conversion.ts) an int8 one, for CPUs
 * with VNNI: onnxruntime fuses QuantizeLinear/DequantizeLinear pairs around the convolutions
 * into its int8 kernels (QLinearConv, QLinearAdd, QLinearConcat, MaxPool on bytes), about three
 * times as fast as float32 there. The format is onnxruntime's static "QDQ" one:
 * - every activation named in the table (scale and zero point, calibrated beforehand on photos,
 *   see bench/quantize-experiment.mts) is quantized to uint8 and back where it is produced;
 * - a MaxPool's or Resize's output shares its input's parameters, so that they run on bytes;
 * - a Conv followed only by a Relu whose output is in the table loses the Relu: the uint8
 *   quantization from zero clamps as it did;
 * - a Conv whose input and output are both quantized gets int8 weights (symmetric, one scale per
 *   output channel) and int32 biases (at input scale times weight scale). Other Convs, and every
 *   tensor not in the table, stay float32: the final convolution's logits, and the decoder's
 *   residual sums, which the mask's soft edges are most sensitive to.
 */
import {
  decode,
  type GraphNode,
  message,
  readFields,
  readNode,
  readVarint,
  text,
  varintField,
  writeFields,
  writeNode,
} from './local-model-conversion.js';

/** Each quantized activation's uint8 scale and zero point, by tensor name. */
export type ActivationTable = Readonly<Record<string, readonly [scale: number, zeroPoint: number]>>;

// onnx.proto field numbers.
const modelGraph = 7;
const graphNode = 1;
const graphInitializer = 5;
const graphOutput = 12;
const nodeAttribute = 5;
const attributeName = 1;
const attributeInteger = 3;
const attributeType = 20;
const attributeTypeInteger = 2;
const tensorDimensions = 1;
const tensorDataType = 2;
const tensorName = 8;
const tensorRawData = 9;
const valueInfoName = 1;
const float32Type = 1;
const uint8Type = 2;
const int8Type = 3;
const int32Type = 6;

interface Tensor {
  dimensions: number[];
  raw: Uint8Array;
}

function readTensor(bytes: Uint8Array): Tensor {
  const fields = readFields(bytes);
  const dimensions: number[] = [];
  for (const field of fields.filter((entry) => entry.number === tensorDimensions)) {
    if (field.wireType === 0) dimensions.push(readVarint(field.value, 0)[0]);
    else
      for (let offset = 0; offset < field.value.length; ) {
        const [value, next] = readVarint(field.value, offset);
        dimensions.push(value);
        offset = next;
      }
  }
  const type = fields.find((field) => field.number === tensorDataType);
  if (!type || readVarint(type.value, 0)[0] !== float32Type) throw new Error('a float32 weight was expected');
  const raw = fields.find((field) => field.number === tensorRawData);
  if (!raw) throw new Error('weights were expected in raw_data');
  // Copied: aligned for a Float32Array.
  return { dimensions, raw: new Uint8Array(raw.value) };
}

function writeTensor(name: string, dimensions: readonly number[], type: number, data: ArrayBufferView) {
  return writeFields([
    ...dimensions.map((dimension) => varintField(tensorDimensions, dimension)),
    varintField(tensorDataType, type),
    text(tensorName, name),
    message(tensorRawData, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
  ]);
}

const axisZero = message(
  nodeAttribute,
  writeFields([
    text(attributeName, 'axis'),
    varintField(attributeInteger, 0),
    varintField(attributeType, attributeTypeInteger),
  ]),
);

/** The converted model's Casts are float32 to float32: dropped, their consumers reading the Cast's input. */
function removeCasts(nodes: GraphNode[], outputs: ReadonlySet<string>): GraphNode[] {
  let kept = nodes;
  for (const cast of nodes.filter((node) => node.operator === 'Cast')) {
    const from = cast.inputs[0] ?? '';
    const to = cast.outputs[0] ?? '';
    kept = kept.filter((node) => node !== cast);
    // A graph output keeps its name: its producer takes it.
    const [keep, drop] = outputs.has(to) ? [to, from] : [from, to];
    for (const node of kept) {
      node.inputs = node.inputs.map((input) => (input === drop ? keep : input));
      node.outputs = node.outputs.map((output) => (output === drop ? keep : output));
    }
  }
  return kept;
}

/** One Conv's weights as int8 per output channel and its bias as int32, each behind a DequantizeLinear. */
function quantizeConvolution(
  conv: GraphNode,
  inputScale: number,
  initializers: Map<string, Uint8Array>,
  added: GraphNode[],
): void {
  const [, weightName = '', biasName] = conv.inputs;
  const weightBytes = initializers.get(weightName);
  if (!weightBytes) throw new Error(`no weights ${weightName}`);
  const weight = readTensor(weightBytes);
  const floats = new Float32Array(weight.raw.buffer, 0, weight.raw.byteLength / 4);
  const channels = weight.dimensions[0] ?? 1;
  const perChannel = floats.length / channels;
  const scales = new Float32Array(channels);
  const quantized = new Int8Array(floats.length);
  for (let channel = 0; channel < channels; channel++) {
    const start = channel * perChannel;
    let largest = 0;
    for (let index = start; index < start + perChannel; index++)
      largest = Math.max(largest, Math.abs(floats[index] ?? 0));
    const scale = largest / 127 || 1;
    scales[channel] = scale;
    for (let index = start; index < start + perChannel; index++)
      quantized[index] = Math.round((floats[index] ?? 0) / scale);
  }
  const dequantized = (
    name: string,
    dimensions: readonly number[],
    type: number,
    data: ArrayBufferView,
    scale: Float32Array,
  ) => {
    const zero = type === int8Type ? new Int8Array(channels) : new Int32Array(channels);
    initializers.delete(name);
    initializers.set(`${name}_quantized`, writeTensor(`${name}_quantized`, dimensions, type, data));
    initializers.set(`${name}_scale`, writeTensor(`${name}_scale`, [channels], float32Type, scale));
    initializers.set(`${name}_zero`, writeTensor(`${name}_zero`, [channels], type, zero));
    added.push({
      operator: 'DequantizeLinear',
      inputs: [`${name}_quantized`, `${name}_scale`, `${name}_zero`],
      outputs: [name],
      rest: [axisZero],
    });
  };
  dequantized(weightName, weight.dimensions, int8Type, quantized, scales);
  if (biasName) {
    const biasBytes = initializers.get(biasName);
    if (!biasBytes) throw new Error(`no bias ${biasName}`);
    const bias = readTensor(biasBytes);
    const biasFloats = new Float32Array(bias.raw.buffer, 0, bias.raw.byteLength / 4);
    const biasScales = scales.map((scale) => scale * inputScale);
    const biasQuantized = Int32Array.from(biasFloats, (value, index) =>
      Math.round(value / (biasScales[index] ?? 1)),
    );
    dequantized(biasName, [channels], int32Type, biasQuantized, biasScales);
  }
}

/** The model (converted to float32) as a QDQ int8 model; throws when the table names a tensor it lacks. */
export function quantizeModel(model: Uint8Array, activations: ActivationTable): Uint8Array {
  return writeFields(
    readFields(model).map((field) => {
      if (field.number !== modelGraph) return field;
      const entries = readFields(field.value);
      const outputs = new Set(
        entries
          .filter((entry) => entry.number === graphOutput)
          .map((entry) =>
            decode(
              readFields(entry.value).find((part) => part.number === valueInfoName)?.value ??
                new Uint8Array(),
            ),
          ),
      );
      const initializers = new Map<string, Uint8Array>();
      for (const entry of entries.filter((candidate) => candidate.number === graphInitializer)) {
        const name = readFields(entry.value).find((part) => part.number === tensorName);
        initializers.set(name ? decode(name.value) : '', entry.value);
      }
      let nodes = removeCasts(
        entries.filter((entry) => entry.number === graphNode).map((entry) => readNode(entry.value)),
        outputs,
      );
      const parameters = new Map(Object.entries(activations));
      const consumers = new Map<string, GraphNode[]>();
      for (const node of nodes)
        for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node]);
      // Relus folded into their Conv's quantization.
      const folded = new Set<GraphNode>();
      for (const conv of nodes.filter((node) => node.operator === 'Conv')) {
        const users = consumers.get(conv.outputs[0] ?? '') ?? [];
        const relu = users[0];
        if (users.length !== 1 || relu?.operator !== 'Relu' || !parameters.has(relu.outputs[0] ?? ''))
          continue;
        folded.add(relu);
        conv.outputs = [relu.outputs[0] ?? ''];
      }
      nodes = nodes.filter((node) => !folded.has(node));
      // MaxPool and Resize outputs share their input's parameters (in graph order or not).
      for (let changed = true; changed; ) {
        changed = false;
        for (const node of nodes) {
          const source = parameters.get(node.inputs[0] ?? '');
          const output = node.outputs[0] ?? '';
          if (
            (node.operator === 'MaxPool' || node.operator === 'Resize') &&
            source &&
            !parameters.has(output)
          ) {
            parameters.set(output, source);
            changed = true;
          }
        }
      }
      const added: GraphNode[] = [];
      const graphInputs = new Set(
        entries
          .filter((entry) => entry.number === 11)
          .map((entry) =>
            decode(
              readFields(entry.value).find((part) => part.number === valueInfoName)?.value ??
                new Uint8Array(),
            ),
          ),
      );
      for (const [name, [scale, zeroPoint]] of parameters) {
        initializers.set(
          `${name}_scale`,
          writeTensor(`${name}_scale`, [], float32Type, Float32Array.of(scale)),
        );
        initializers.set(
          `${name}_zero`,
          writeTensor(`${name}_zero`, [], uint8Type, Uint8Array.of(zeroPoint)),
        );
        // The producer writes `<name>_float`; quantized and back, every consumer reads `<name>` as before.
        // A graph input has no producer: its consumers read `<name>_dequantized` instead.
        let source = `${name}_float`;
        let target = name;
        if (graphInputs.has(name)) {
          source = name;
          target = `${name}_dequantized`;
          for (const node of nodes)
            node.inputs = node.inputs.map((input) => (input === name ? target : input));
        } else {
          const producer = nodes.find((node) => node.outputs.includes(name));
          if (!producer) throw new Error(`the model has no tensor ${name} to quantize`);
          producer.outputs = producer.outputs.map((output) => (output === name ? source : output));
        }
        added.push(
          {
            operator: 'QuantizeLinear',
            inputs: [source, `${name}_scale`, `${name}_zero`],
            outputs: [`${name}_quantized`],
            rest: [],
          },
          {
            operator: 'DequantizeLinear',
            inputs: [`${name}_quantized`, `${name}_scale`, `${name}_zero`],
            outputs: [target],
            rest: [],
          },
        );
      }
      for (const conv of nodes.filter((node) => node.operator === 'Conv')) {
        const data = (conv.inputs[0] ?? '').replace(/_dequantized$/, '');
        const output = (conv.outputs[0] ?? '').replace(/_float$/, '');
        const input = parameters.get(data);
        if (input && parameters.has(output)) quantizeConvolution(conv, input[0], initializers, added);
      }
      const graph = [
        ...[...nodes, ...added].map((node) => message(graphNode, writeNode(node))),
        ...[...initializers.values()].map((tensor) => message(graphInitializer, tensor)),
        ...entries.filter((entry) => entry.number !== graphNode && entry.number !== graphInitializer),
      ];
      return message(modelGraph, writeFields(graph));
    }),
  );
}

/** Whether onnxruntime's int8 convolutions are fast and exact here: x86 with VNNI (u8 x s8 without saturation). */
export function hasVnni(cpuFlags: string): boolean {
  return /(?:^|\s)(?:avx512_vnni|avx_vnni)(?:\s|$)/.test(cpuFlags);
}
