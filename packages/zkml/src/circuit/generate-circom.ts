import type { CircuitPlan, PlannedLayer } from './circuit-plan.js';

/** Terms per statement: circom2 crashes on one very long linear expression. */
const TERMS_PER_STATEMENT = 16;

function field(value: bigint): string {
  return value < 0n ? `-${-value}` : `${value}`;
}

function shiftTemplate(layer: PlannedLayer, scaleBits: number): string {
  return layer.relu
    ? `ShiftReLU(${layer.accBits}, ${scaleBits})`
    : `SignedShift(${layer.accBits}, ${scaleBits})`;
}

/** `acc = b + Σ W·x` written out with the weights as constants: linear, so no constraints. */
function constantDense(layer: PlannedLayer, l: number, input: string): string[] {
  const lines: string[] = [];
  layer.weights.forEach((row, o) => {
    lines.push(`    acc = ${field(layer.bias[o] ?? 0n)};`);
    const terms = row.flatMap((w, i) => (w === 0n ? [] : [`${field(w)} * ${input}[${i}]`]));
    for (let start = 0; start < terms.length; start += TERMS_PER_STATEMENT) {
      lines.push(`    acc += ${terms.slice(start, start + TERMS_PER_STATEMENT).join(' + ')};`);
    }
    lines.push(`    shift${l}[${o}].in <== acc;`);
  });
  return lines;
}

function privateDense(layer: PlannedLayer, l: number, input: string): string[] {
  return [
    `    component dense${l} = DensePrivate(${layer.inputSize}, ${layer.outputSize});`,
    `    dense${l}.x <== ${input};`,
    `    dense${l}.weights <== w${l};`,
    `    dense${l}.bias <== b${l};`,
    `    for (var o = 0; o < ${layer.outputSize}; o++) shift${l}[o].in <== dense${l}.acc[o];`,
  ];
}

function commitment(plan: CircuitPlan): string[] {
  if (plan.mode === 'public') {
    return [
      '    // The weights are constants of this circuit; this is their commitment.',
      `    modelHash <== ${plan.modelHash};`,
    ];
  }
  const lines: string[] = [];
  plan.layers.forEach((layer, l) => {
    const count = layer.inputSize * layer.outputSize;
    lines.push(
      `    component weightHash${l} = PackedPoseidon(${count}, ${layer.weightBits});`,
      `    for (var o = 0; o < ${layer.outputSize}; o++) for (var i = 0; i < ${layer.inputSize}; i++) weightHash${l}.in[o * ${layer.inputSize} + i] <== w${l}[o][i];`,
      `    component biasHash${l} = PackedPoseidon(${layer.outputSize}, ${layer.biasBits});`,
      `    biasHash${l}.in <== b${l};`,
    );
  });
  lines.push(`    component model = Poseidon(${plan.layers.length * 2});`);
  plan.layers.forEach((_, l) => {
    lines.push(
      `    model.inputs[${2 * l}] <== weightHash${l}.hash;`,
      `    model.inputs[${2 * l + 1}] <== biasHash${l}.hash;`,
    );
  });
  lines.push('    modelHash <== model.out;');
  return lines;
}

/**
 * Writes the Circom source of a planned model. It includes the templates in
 * `circuits/lib` (`fixed_point`, `argmax`, `packed_poseidon`, `dense`) and
 * circomlib, so compile it with both folders on the include path.
 *
 * Signals: private input `x` (and, in private mode, `w<l>`, `b<l>`); public
 * outputs, in this order, `logits[outputSize]`, `predicted`, `modelHash`
 * (the weights' commitment) and `inputHash` (a packed Poseidon hash of `x`,
 * so the input stays one public signal however large it is).
 */
export function generateCircom(plan: CircuitPlan): string {
  const s = plan.scaleBits;
  const last = plan.layers.length - 1;
  const body: string[] = [];
  body.push(`    signal input x[${plan.inputSize}];`);
  if (plan.mode === 'private') {
    plan.layers.forEach((layer, l) => {
      body.push(
        `    signal input w${l}[${layer.outputSize}][${layer.inputSize}];`,
        `    signal input b${l}[${layer.outputSize}];`,
      );
    });
  }
  body.push(
    `    signal output logits[${plan.outputSize}];`,
    '    signal output predicted;',
    '    signal output modelHash;',
    '    signal output inputHash;',
    '',
    '    // Range-checks every input value and hashes them all into one public signal.',
    `    component inputCommitment = PackedPoseidon(${plan.inputSize}, ${plan.inputBits});`,
    '    inputCommitment.in <== x;',
    '    inputHash <== inputCommitment.hash;',
    '',
    '    var acc;',
  );
  let input = 'x';
  plan.layers.forEach((layer, l) => {
    body.push(
      '',
      `    // Layer ${l}: ${layer.inputSize} -> ${layer.outputSize}${layer.relu ? ', ReLU' : ''}; accumulator within ${layer.accBits} bits.`,
      `    component shift${l}[${layer.outputSize}];`,
      `    for (var o = 0; o < ${layer.outputSize}; o++) shift${l}[o] = ${shiftTemplate(layer, s)};`,
      ...(plan.mode === 'public' ? constantDense(layer, l, input) : privateDense(layer, l, input)),
      `    signal h${l}[${layer.outputSize}];`,
      `    for (var o = 0; o < ${layer.outputSize}; o++) h${l}[o] <== shift${l}[o].out;`,
    );
    input = `h${l}`;
  });
  body.push(
    '',
    `    logits <== h${last};`,
    `    component best = Argmax(${plan.outputSize}, ${plan.argmaxBits});`,
    '    best.in <== logits;',
    '    predicted <== best.index;',
    '',
    ...commitment(plan),
  );
  const includes = [
    'fixed_point',
    'argmax',
    'packed_poseidon',
    ...(plan.mode === 'private' ? ['dense'] : []),
  ];
  return [
    'pragma circom 2.1.0;',
    '',
    `// Generated by @mt/zkml: a ${plan.mode}-weight fixed-point MLP at scale 2^${s}.`,
    '',
    ...includes.map((name) => `include "${name}.circom";`),
    '',
    'template Model() {',
    ...body,
    '}',
    '',
    'component main = Model();',
    '',
  ].join('\n');
}
