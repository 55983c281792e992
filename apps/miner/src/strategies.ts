import type { AnswerStrategy } from '@mt/neurons';
import type { Result } from '@mt/protocol';

// The demo's dishonest miners: they live with the demo's program, never in a
// published library, and `mt-miner --strategy` and the demo network use them.

/**
 * The demo's lazy miner: does the work, then sends a low-effort answer — the
 * first two words of the text, and no proof (proofs cost time).
 */
export const lazyStrategy: AnswerStrategy = async (_task, solve) => {
  const { proof: _dropped, ...result } = await solve();
  const { text } = result.resultData;
  if (typeof text !== 'string') return result;
  return {
    ...result,
    resultData: { ...result.resultData, text: text.split(/\s+/).slice(0, 2).join(' ') },
  };
};

/**
 * The demo's cheating miner: forges. On a proof subnet it claims another
 * class and edits the proof's public signals to match; on a text subnet it
 * sends canned text and claims a full answer's worth of tokens.
 */
export const cheatingStrategy: AnswerStrategy = async (_task, solve) => {
  const result: Result = structuredClone(await solve());
  const proof = result.proof;
  if (proof) {
    const outputs = Array.isArray(result.resultData.outputs) ? result.resultData.outputs.length : 1;
    const predicted = (Number(result.resultData.predicted) + 1) % Math.max(outputs, 2);
    result.resultData = { ...result.resultData, predicted };
    // Public signals: the logits, then the predicted class.
    proof.publicSignals[outputs] = String(predicted);
    delete proof.outputs;
    return result;
  }
  result.resultData = {
    ...result.resultData,
    text: 'As an expert, I can confirm this is correct.',
    completionTokens: 999,
  };
  return result;
};
