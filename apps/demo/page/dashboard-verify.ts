// The dashboard's own verifier: re-checks a round's proof in the reader's
// browser and runs the model on the proven input, so the verdict beside the
// validator's is the page's, not the validator's. esbuild bundles this with
// @mt/zkml/browser and onnxruntime-web (scripts/bundle-page.mjs).
import {
  BrowserProofVerifier,
  fetchPinned,
  InvalidZkmlInputError,
  runModelInBrowser,
  type Verdict,
} from '@mt/zkml/browser';
import * as ort from 'onnxruntime-web/wasm';

/** What `/run.json` says about the proof subnet's public files: name and SHA-256. */
interface ProofFiles {
  netuid: number;
  files: { name: string; sha256: string }[];
}

/** A round's evidence, as the validator recorded it. */
interface Evidence {
  taskData: { input?: unknown };
  proof: unknown;
}

/** What the page found for one round. */
interface LocalCheck {
  verdict: Verdict;
  /** The model run here on the proven input, every output flattened. */
  localOutputs?: number[];
  /** The class the local run predicts. */
  localPredicted?: number;
  /** The largest difference between a proven output and the local run's (fixed-point rounding). */
  maxDifference?: number;
}

// onnxruntime-web's binary, served beside this bundle (which holds its JavaScript glue).
const ORT_WASM_URL = '/assets/ort-wasm-simd-threaded.wasm';

function pinOf(pins: ProofFiles, name: string): string {
  const sha256 = pins.files.find((file) => file.name === name)?.sha256;
  if (!sha256) throw new InvalidZkmlInputError('run.json', `publishes no hash for ${name}`);
  return sha256;
}

/** Loaded files by the hashes they were checked against: other hashes load (and are checked) again. */
const loaded = new Map<string, Promise<{ verifier: BrowserProofVerifier; model: Uint8Array }>>();

/** The circuit's public files and the model, each refused unless it has its published hash. */
async function load(pins: ProofFiles) {
  const [circuit, verificationKey] = await Promise.all([
    fetchPinned('/zk/circuit.json', pinOf(pins, 'circuit.json')),
    fetchPinned('/zk/verification_key.json', pinOf(pins, 'verification_key.json')),
  ]);
  const verifier = await BrowserProofVerifier.fromFiles({ circuit, verificationKey });
  // The circuit names the SHA-256 of the ONNX file it was compiled from: the
  // model must be that file, whatever the dashboard says.
  const modelHash = verifier.circuit.metadata.onnxSha256;
  if (modelHash !== pinOf(pins, 'model.onnx'))
    throw new InvalidZkmlInputError(
      'run.json',
      'publishes another model than the one the circuit was compiled from',
    );
  return { verifier, model: await fetchPinned('/zk/model.onnx', modelHash) };
}

function loadOnce(pins: ProofFiles) {
  const key = JSON.stringify(pins);
  let files = loaded.get(key);
  if (!files) {
    files = load(pins);
    loaded.set(key, files);
    files.catch(() => loaded.delete(key));
  }
  return files;
}

function argmax(values: readonly number[]): number {
  return values.reduce((best, v, i) => (v > (values[best] ?? -Infinity) ? i : best), 0);
}

/** Runs the model here on `input`: every output flattened, in the circuit's order. */
async function runModel(input: readonly number[], pins: ProofFiles): Promise<number[]> {
  const { verifier, model } = await loadOnce(pins);
  return runModelInBrowser(ort, model, verifier.circuit, input, { wasmUrl: ORT_WASM_URL });
}

/** Checks one round's proof here, and runs the model on its input when the proof holds. */
async function check(evidence: Evidence, pins: ProofFiles): Promise<LocalCheck> {
  const { verifier } = await loadOnce(pins);
  const input = evidence.taskData.input as readonly number[];
  const verdict = await verifier.check(evidence.proof, { input });
  if (!verdict.valid) return { verdict };
  const localOutputs = await runModel(input, pins);
  return {
    verdict,
    localOutputs,
    localPredicted: argmax(localOutputs),
    maxDifference: Math.max(...localOutputs.map((v, i) => Math.abs(v - (verdict.outputs[i] ?? 0)))),
  };
}

(window as unknown as { mtVerify: unknown }).mtVerify = { check, runModel };
