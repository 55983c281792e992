/** Topics the built-in prompts draw from. */
export const TOPICS = [
  'decentralized machine learning',
  'zero-knowledge proofs',
  'consensus between validators',
  'the history of the printing press',
  'how bees find flowers',
  'renewable energy storage',
  'the rules of chess',
  'why the sky is blue',
] as const;

const templates = [
  { upTo: 0.34, text: (topic: string) => `Write one sentence about ${topic}.`, tokens: 16 },
  {
    upTo: 0.67,
    text: (topic: string) => `Explain ${topic} to a curious student in a short paragraph.`,
    tokens: 32,
  },
  {
    upTo: 1,
    text: (topic: string) => `Give the strongest argument for and against ${topic}, then conclude.`,
    tokens: 48,
  },
];

/**
 * The prompt for a difficulty in [0, 1]: harder tasks ask for more reasoning
 * and allow more new tokens.
 */
export function promptFor(
  difficulty: number,
  topicIndex: number,
): { prompt: string; topic: string; maxNewTokens: number } {
  const topic = TOPICS[Math.abs(Math.trunc(topicIndex)) % TOPICS.length] ?? TOPICS[0];
  const template = templates.find((t) => difficulty <= t.upTo) ?? templates[templates.length - 1];
  return { prompt: template?.text(topic) ?? topic, topic, maxNewTokens: template?.tokens ?? 16 };
}
