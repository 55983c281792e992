// The page that checks one proof from files a reader drops on it, with no
// server: it works from file://. It needs the circuit's two public files
// (circuit.json, verification_key.json) and a proof, or a round's evidence
// (the task's data and the proof, as the dashboard records it), which also
// gives the input the proof must be about.
import { describeCause, jsonValueSchema, parseJson } from '@mt/protocol';
import { BrowserProofVerifier, InvalidZkmlInputError, type Verdict } from '@mt/zkml/browser';

interface Dropped {
  circuit?: string;
  verificationKey?: string;
  proof?: unknown;
  input?: unknown;
}

const dropped: Dropped = {};

/**
 * The most a dropped file may hold before it is read. A circuit's two files,
 * a proof and a round's evidence are kilobytes; a file may still come from a
 * peer, so a huge one is refused by its size, unread.
 */
const MAX_DROPPED_BYTES = 16 * 1024 * 1024;
const $ = (id: string) => document.getElementById(id) as HTMLElement;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Files are told apart by what they hold, so their names do not matter. */
function classify(name: string, text: string): string {
  const value = parseJson(text, jsonValueSchema, { typeName: name });
  if (isObject(value) && typeof value.format === 'string') {
    dropped.circuit = text;
    return 'circuit';
  }
  if (isObject(value) && 'protocol' in value && 'curve' in value) {
    // Kept as text: proofs name the SHA-256 of the key file's exact bytes.
    dropped.verificationKey = text;
    return 'verification key';
  }
  if (isObject(value) && 'proof' in value && isObject(value.taskData)) {
    dropped.proof = value.proof;
    dropped.input = value.taskData.input;
    return 'evidence (proof and input)';
  }
  if (isObject(value) && 'publicSignals' in value) {
    dropped.proof = value;
    return 'proof';
  }
  if (Array.isArray(value) || (isObject(value) && Array.isArray(value.input))) {
    dropped.input = Array.isArray(value) ? value : value.input;
    return 'input';
  }
  throw new InvalidZkmlInputError(
    name,
    'is none of circuit.json, verification_key.json, a proof, evidence or an input',
  );
}

function show(verdict: Verdict | { error: string }) {
  const out = $('verdict');
  if ('error' in verdict) {
    out.dataset.code = 'error';
    out.textContent = verdict.error;
  } else if (verdict.valid) {
    out.dataset.code = 'valid';
    out.textContent = `valid: the proof holds and predicts class ${verdict.predicted}`;
  } else {
    out.dataset.code = verdict.code;
    out.textContent = `invalid (${verdict.code}): ${verdict.reason}`;
  }
}

async function add(files: FileList | null) {
  const list = $('loaded');
  for (const file of Array.from(files ?? [])) {
    try {
      if (file.size > MAX_DROPPED_BYTES)
        throw new InvalidZkmlInputError(
          file.name,
          `is ${file.size} bytes, more than the ${MAX_DROPPED_BYTES} a circuit's files, a proof or evidence take; it was not read`,
        );
      const kind = classify(file.name, await file.text());
      list.append(
        Object.assign(document.createElement('li'), { textContent: `${file.name}: ${kind}` }),
      );
    } catch (error) {
      show({ error: describeCause(error) });
      return;
    }
  }
  const { circuit, verificationKey, proof, input } = dropped;
  if (!circuit || !verificationKey || proof === undefined) {
    $('verdict').dataset.code = 'waiting';
    $('verdict').textContent = 'Waiting for circuit.json, verification_key.json and a proof.';
    return;
  }
  try {
    const verifier = await BrowserProofVerifier.fromFiles({ circuit, verificationKey });
    show(
      await verifier.check(proof, input === undefined ? {} : { input: input as readonly number[] }),
    );
  } catch (error) {
    show({ error: describeCause(error) });
  }
}

const picker = $('files') as HTMLInputElement;
picker.addEventListener('change', () => add(picker.files));
const zone = $('drop');
zone.addEventListener('dragover', (event) => event.preventDefault());
zone.addEventListener('drop', (event) => {
  event.preventDefault();
  add(event.dataTransfer?.files ?? null);
});
$('reset').addEventListener('click', () => {
  for (const key of Object.keys(dropped)) delete dropped[key as keyof Dropped];
  $('loaded').replaceChildren();
  show({ error: 'Cleared.' });
});
