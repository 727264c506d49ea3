/**
 * Rewrites an ISNet ONNX model once, for speed. imgly's models compute in float16, which
 * onnxruntime's CPU kernels lack: it wraps nearly every node in Casts and converts the weights
 * again on every run. Here weights become float32 and the model's own Casts to float16 become
 * Casts to float32 (which onnxruntime then drops), and the model can be given another input size
 * (for video frames, segmented smaller). Only the few protobuf
 * fields involved are touched; every other byte is copied as it is.
 */

/** One protobuf field: its number, wire type and payload (without the length prefix). */
export interface Field {
  number: number;
  wireType: number;
  value: Uint8Array;
}

// onnx.proto field numbers.
const modelGraph = 7;
const graphNode = 1;
const nodeInput = 1;
const nodeOutput = 2;
const nodeOperator = 4;
const nodeAttribute = 5;
const attributeName = 1;
const attributeInteger = 3;
const graphInitializer = 5;
const graphInput = 11;
const graphOutput = 12;
const graphValueInfo = 13;
const valueInfoType = 2;
const typeTensor = 1;
const tensorTypeShape = 2;
const shapeDimension = 1;
const dimensionValue = 1;
const tensorDataType = 2;
const tensorInt32Data = 5;
const attributeTensor = 5;
const tensorRawData = 9;
const float32Type = 1;
const float16Type = 10;

export function readVarint(bytes: Uint8Array, offset: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  let position = offset;
  for (;;) {
    const byte = bytes[position++];
    if (byte === undefined) throw new Error('truncated protobuf varint');
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, position];
    scale *= 128;
  }
}

export function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  if (rest < 0) {
    // A negative int64 (an axis of -1): two's complement over 10 bytes.
    let big = BigInt.asUintN(64, BigInt(rest));
    while (big >= 0x80n) {
      bytes.push(Number(big & 0x7fn) | 0x80);
      big >>= 7n;
    }
    bytes.push(Number(big));
    return bytes;
  }
  while (rest >= 0x80) {
    bytes.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

export function readFields(bytes: Uint8Array): Field[] {
  const fields: Field[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const [tag, afterTag] = readVarint(bytes, offset);
    const number = Math.floor(tag / 8);
    const wireType = tag % 8;
    let start = afterTag;
    let end: number;
    if (wireType === 0) end = readVarint(bytes, afterTag)[1];
    else if (wireType === 1) end = afterTag + 8;
    else if (wireType === 5) end = afterTag + 4;
    else if (wireType === 2) {
      const [length, afterLength] = readVarint(bytes, afterTag);
      start = afterLength;
      end = afterLength + length;
    } else throw new Error(`unsupported protobuf wire type ${wireType}`);
    fields.push({ number, wireType, value: bytes.subarray(start, end) });
    offset = end;
  }
  return fields;
}

export function writeFields(fields: readonly Field[]): Uint8Array {
  const heads = fields.map((field) => [
    ...varint(field.number * 8 + field.wireType),
    ...(field.wireType === 2 ? varint(field.value.length) : []),
  ]);
  const size = fields.reduce(
    (total, field, index) => total + (heads[index]?.length ?? 0) + field.value.length,
    0,
  );
  const output = new Uint8Array(size);
  let offset = 0;
  fields.forEach((field, index) => {
    const head = heads[index] ?? [];
    output.set(head, offset);
    output.set(field.value, offset + head.length);
    offset += head.length + field.value.length;
  });
  return output;
}

export const message = (number: number, value: Uint8Array): Field => ({ number, wireType: 2, value });
export const varintField = (number: number, value: number): Field => ({
  number,
  wireType: 0,
  value: Uint8Array.from(varint(value)),
});

/** Every float16 bit pattern as a float32: one table, then one lookup per weight. */
let halfTable: Float32Array | undefined;
function halfToFloat(): Float32Array {
  if (halfTable) return halfTable;
  halfTable = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const fraction = bits & 0x3ff;
    halfTable[bits] =
      exponent === 0
        ? sign * 2 ** -14 * (fraction / 1024)
        : exponent === 31
          ? fraction
            ? Number.NaN
            : sign * Number.POSITIVE_INFINITY
          : sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return halfTable;
}

/** A float16 initializer as float32, its data moved to raw_data. Others are returned unchanged. */
function widenTensor(tensor: Uint8Array): Uint8Array {
  const fields = readFields(tensor);
  const type = fields.find((field) => field.number === tensorDataType);
  if (!type || readVarint(type.value, 0)[0] !== float16Type) return tensor;
  const raw = fields.find((field) => field.number === tensorRawData);
  let halves: Uint16Array;
  if (raw) {
    // Copied to an aligned buffer; raw_data is little-endian, as is every platform onnxruntime-node ships for.
    halves = new Uint16Array(new Uint8Array(raw.value).buffer);
  } else {
    // Without raw_data, float16 values sit in int32_data, packed, one bit pattern per varint.
    const values: number[] = [];
    for (const field of fields.filter((candidate) => candidate.number === tensorInt32Data)) {
      for (let offset = 0; offset < field.value.length; ) {
        const [bits, next] = readVarint(field.value, offset);
        values.push(bits);
        offset = next;
      }
    }
    halves = Uint16Array.from(values);
  }
  const table = halfToFloat();
  const floats = new Float32Array(halves.length);
  for (let index = 0; index < halves.length; index++) floats[index] = table[halves[index] ?? 0] ?? 0;
  const bytes = new Uint8Array(floats.buffer);
  const kept = fields.filter(
    (field) =>
      field.number !== tensorDataType && field.number !== tensorRawData && field.number !== tensorInt32Data,
  );
  return writeFields([...kept, varintField(tensorDataType, float32Type), message(tensorRawData, bytes)]);
}

/** An NCHW input or output with its height and width scaled from the traced size to `size`. */
function scaleSpatialDimensions(valueInfo: Uint8Array, size: ModelSize): Uint8Array {
  const rewrite = (bytes: Uint8Array, number: number, change: (inner: Uint8Array) => Uint8Array) =>
    writeFields(
      readFields(bytes).map((field) =>
        field.number === number && field.wireType === 2 ? message(number, change(field.value)) : field,
      ),
    );
  const scaled = (dimension: Uint8Array, to: number) => {
    const value = readFields(dimension).find((field) => field.number === dimensionValue);
    if (!value) return dimension;
    const traced = readVarint(value.value, 0)[0];
    return writeFields([varintField(dimensionValue, Math.round((traced * to) / tracedSize))]);
  };
  return rewrite(valueInfo, valueInfoType, (type) =>
    rewrite(type, typeTensor, (tensorType) =>
      rewrite(tensorType, tensorTypeShape, (shape) => {
        const fields = readFields(shape);
        if (fields.filter((field) => field.number === shapeDimension).length !== 4) return shape;
        let index = 0;
        return writeFields(
          fields.map((field) => {
            if (field.number !== shapeDimension) return field;
            index++;
            if (index === 3) return message(shapeDimension, scaled(field.value, size.height));
            if (index === 4) return message(shapeDimension, scaled(field.value, size.width));
            return field;
          }),
        );
      }),
    ),
  );
}

export const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A Cast to float16 (the model's own, around Resize and its input) made a Cast to float32. */
function castToFloat(node: Uint8Array): Uint8Array {
  const fields = readFields(node);
  const operator = fields.find((field) => field.number === nodeOperator);
  if (!operator || decode(operator.value) !== 'Cast') return node;
  return writeFields(
    fields.map((field) => {
      if (field.number !== nodeAttribute) return field;
      const attribute = readFields(field.value);
      const name = attribute.find((entry) => entry.number === attributeName);
      if (!name || decode(name.value) !== 'to') return field;
      return message(
        nodeAttribute,
        writeFields(
          attribute.map((entry) =>
            entry.number === attributeInteger && readVarint(entry.value, 0)[0] === float16Type
              ? varintField(attributeInteger, float32Type)
              : entry,
          ),
        ),
      );
    }),
  );
}

const encoder = new TextEncoder();
export const text = (number: number, value: string) => message(number, encoder.encode(value));

export interface GraphNode {
  operator: string;
  inputs: string[];
  outputs: string[];
  /** Every other field (name, attributes, domain), as read. */
  rest: Field[];
}

export function readNode(bytes: Uint8Array): GraphNode {
  const fields = readFields(bytes);
  const texts = (number: number) =>
    fields.filter((field) => field.number === number).map((field) => decode(field.value));
  return {
    operator: texts(nodeOperator)[0] ?? '',
    inputs: texts(nodeInput),
    outputs: texts(nodeOutput),
    rest: fields.filter((field) => ![nodeInput, nodeOutput, nodeOperator].includes(field.number)),
  };
}

export function writeNode(node: GraphNode): Uint8Array {
  return writeFields([
    ...node.inputs.map((input) => text(nodeInput, input)),
    ...node.outputs.map((output) => text(nodeOutput, output)),
    text(nodeOperator, node.operator),
    ...node.rest,
  ]);
}

/**
 * The Constants holding each Resize's target height and width. The export traced
 * `interpolate(size=target.shape[2:])` into Concat(Slice(Shape(source)), Constant): sizes fixed
 * for a 1024x1024 input, which must follow the input's size.
 */
function resizeTargets(nodes: readonly GraphNode[]): Set<string> {
  const producers = new Map(nodes.flatMap((node) => node.outputs.map((output) => [output, node] as const)));
  const targets = new Set<string>();
  for (const node of nodes) {
    if (node.operator !== 'Resize') continue;
    const sizes = producers.get(node.inputs[3] ?? '');
    const constant = sizes?.operator === 'Concat' ? producers.get(sizes.inputs[1] ?? '') : undefined;
    if (constant?.operator === 'Constant' && constant.outputs[0]) targets.add(constant.outputs[0]);
  }
  return targets;
}

/** A Constant's int64 [height, width], scaled from the 1024x1024 it was traced at to `size`. */
function scaleTarget(node: Uint8Array, size: ModelSize): Uint8Array {
  return writeFields(
    readFields(node).map((field) => {
      if (field.number !== nodeAttribute) return field;
      const attribute = readFields(field.value).map((entry) => {
        if (entry.number !== attributeTensor) return entry;
        const tensor = readFields(entry.value).map((part) => {
          if (part.number !== tensorRawData || part.value.length !== 16) return part;
          const values = new BigInt64Array(new Uint8Array(part.value).buffer);
          const scaled = BigInt64Array.from([
            BigInt(Math.round((Number(values[0]) * size.height) / tracedSize)),
            BigInt(Math.round((Number(values[1]) * size.width) / tracedSize)),
          ]);
          return message(tensorRawData, new Uint8Array(scaled.buffer));
        });
        return message(attributeTensor, writeFields(tensor));
      });
      return message(nodeAttribute, writeFields(attribute));
    }),
  );
}

/** The one output the engine reads: ISNet's final mask. */
const mainOutput = 'output';

// onnx.proto: TensorProto.name, ValueInfoProto.name.
const tensorNameField = 8;
const valueInfoName = 1;
const tensorName = (tensor: Uint8Array) => {
  const name = readFields(tensor).find((field) => field.number === tensorNameField);
  return name ? decode(name.value) : '';
};

/**
 * The graph with `output` as its only output and without the nodes and weights only other
 * outputs need. ISNet exports its side masks and six decoder feature maps as outputs too:
 * onnxruntime plans every graph output to live until the run ends, where it could otherwise
 * reuse their memory, and computes the side heads even when only `output` is fetched (measured
 * at 1024x1024: about 300 MB less peak memory and 5% faster without them). A model without an
 * output named `output`, or with subgraphs, is left as it is.
 */
function keepOnlyMainOutput(graph: readonly Field[]): Field[] {
  const nameOf = (valueInfo: Uint8Array) => {
    const name = readFields(valueInfo).find((field) => field.number === valueInfoName);
    return name ? decode(name.value) : '';
  };
  const outputs = graph.filter((entry) => entry.number === graphOutput);
  if (!outputs.some((entry) => nameOf(entry.value) === mainOutput)) return [...graph];
  // Walks back from the output through the nodes producing each value it needs (the export
  // does not list its nodes in order).
  const producers = new Map<string, Field>();
  for (const entry of graph) {
    if (entry.number !== graphNode) continue;
    const node = readNode(entry.value);
    // Subgraphs read values of this graph without naming them as inputs: left as they are.
    if (['If', 'Loop', 'Scan'].includes(node.operator)) return [...graph];
    for (const output of node.outputs) producers.set(output, entry);
  }
  const kept = new Set<Field>();
  const needed = new Set<string>();
  const pending = [mainOutput];
  for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
    needed.add(value);
    const producer = producers.get(value);
    if (!producer || kept.has(producer)) continue;
    kept.add(producer);
    pending.push(...readNode(producer.value).inputs);
  }
  return graph.filter((entry) => {
    if (entry.number === graphNode) return kept.has(entry);
    if (entry.number === graphInitializer) return needed.has(tensorName(entry.value));
    if (entry.number === graphOutput) return nameOf(entry.value) === mainOutput;
    return true;
  });
}

/** The size the model was exported for. Other sizes must be multiples of 64 (six halvings). */
const tracedSize = 1024;

export interface ModelSize {
  height: number;
  width: number;
}

/** The model with float32 weights, working at `size` (see the module comment). */
export function convertModel(model: Uint8Array, size: ModelSize): Uint8Array {
  if (size.height % 64 !== 0 || size.width % 64 !== 0)
    throw new Error(`the model's size must be a multiple of 64, got ${size.height}x${size.width}`);
  return writeFields(
    readFields(model).map((field) => {
      if (field.number !== modelGraph) return field;
      const entries = readFields(field.value);
      const targets = resizeTargets(
        entries.filter((entry) => entry.number === graphNode).map((entry) => readNode(entry.value)),
      );
      const graph = entries
        // Intermediate shapes were recorded for 1024x1024: onnxruntime infers them again.
        .filter((entry) => entry.number !== graphValueInfo)
        .map((entry) => {
          if (entry.number === graphInitializer) return message(graphInitializer, widenTensor(entry.value));
          if (entry.number === graphNode) {
            const node = readNode(entry.value);
            if (targets.has(node.outputs[0] ?? '')) return message(graphNode, scaleTarget(entry.value, size));
            return message(graphNode, castToFloat(entry.value));
          }
          if (entry.number === graphInput || entry.number === graphOutput)
            return message(entry.number, scaleSpatialDimensions(entry.value, size));
          return entry;
        });
      return message(modelGraph, writeFields(keepOnlyMainOutput(graph)));
    }),
  );
}
