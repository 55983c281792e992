// Copies the repository's Circom templates (circuits/lib) into this package,
// so a user who installs only @mt/zkml can generate and compile circuits.
import { cpSync, rmSync } from 'node:fs';

const from = new URL('../../../circuits/lib/', import.meta.url);
const to = new URL('../circuits/', import.meta.url);
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true, filter: (path) => !path.endsWith('.test.ts') });
