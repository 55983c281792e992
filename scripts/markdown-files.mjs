// The Markdown people read, for the checks that read the docs: the root
// READMEs and guides, each package's and app's README, and docs/ (not the
// generated API pages).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every such file under `root`, as absolute paths. */
export function markdownFiles(root) {
  const files = ['README.md', 'CONTRIBUTING.md', 'BENCHMARKS.md'].map((f) => join(root, f));
  for (const group of ['packages', 'apps'])
    for (const name of readdirSync(join(root, group)))
      files.push(join(root, group, name, 'README.md'));
  const walk = (dir) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (entry !== 'api') walk(path);
      } else if (entry.endsWith('.md')) files.push(path);
    }
  };
  walk(join(root, 'docs'));
  return files.filter((file) => existsSync(file));
}
