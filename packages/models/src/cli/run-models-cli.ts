import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CliUsageError, MtError } from '@mt/protocol';
import { ModelManager } from '../manager/model-manager.js';

/** Where the CLI writes; injectable so tests run it in-process. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const usage = `Usage: mt-models [--store DIR] COMMAND

Commands:
  list                                   models, their versions and aliases
  show MODEL                             one model with every version
  import DIR --model ID --version V      import a model folder or file as a version
         [--framework F --task T --name N]   (registers the model when it is new)
  alias MODEL ALIAS VERSION              point an alias (e.g. production) at a version
  runs list [--experiment NAME]          experiment runs, newest first
  runs show RUN                          one run: params, latest metrics, lineage
  runs export RUN --format csv|json      a run's full metric history

The store is --store, else $MT_MODELS_HOME, else ~/.moderntensor/models.
Output is JSON (CSV for 'runs export --format csv'). Exit status: 0 on
success, 1 when the store refuses (unknown model, bad version, ...), 2 on bad usage.
`;

/**
 * Runs `mt-models` with `args` and returns the exit status.
 *
 * @example
 * ```ts
 * await runModelsCli(['--store', dir, 'import', './digits.onnx', '--model', 'digits', '--version', '1.0.0',
 *   '--framework', 'onnx', '--task', 'image-classification'], { stdout, stderr });
 * ```
 */
export async function runModelsCli(args: readonly string[], out: CliOutput): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        store: { type: 'string' },
        model: { type: 'string' },
        version: { type: 'string' },
        framework: { type: 'string' },
        task: { type: 'string' },
        name: { type: 'string' },
        experiment: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    out.stderr(`mt-models: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help || positionals.length === 0) {
    out.stdout(usage);
    return values.help ? 0 : 2;
  }
  const root = String(
    values.store ?? process.env.MT_MODELS_HOME ?? join(homedir(), '.moderntensor', 'models'),
  );
  let manager: ModelManager | undefined;
  try {
    manager = await ModelManager.open({ root });
    const text = await run(manager, positionals, values);
    out.stdout(text.endsWith('\n') ? text : `${text}\n`);
    return 0;
  } catch (error) {
    if (CliUsageError.isInstance(error)) {
      out.stderr(`mt-models: ${error.message}\n\n${usage}`);
      return 2;
    }
    const code = MtError.isInstance(error) ? `${error.code}: ` : '';
    out.stderr(`mt-models: ${code}${(error as Error).message}\n`);
    return 1;
  } finally {
    manager?.close();
  }
}

async function run(
  manager: ModelManager,
  [command, ...rest]: string[],
  values: Record<string, string | boolean | undefined>,
): Promise<string> {
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  const need = (value: string | boolean | undefined, what: string): string => {
    if (typeof value !== 'string' || value === '')
      throw new CliUsageError(`${command} needs ${what}`);
    return value;
  };
  switch (command) {
    case 'list':
      return json(
        manager.listModels().map(({ id, framework, taskType, versions, latest, aliases }) => ({
          id,
          framework,
          taskType,
          versions,
          latest,
          aliases,
        })),
      );
    case 'show': {
      const model = manager.getModel(need(rest[0], 'a MODEL'));
      return json({
        ...model,
        versionDetails: model.versions.map((v) => manager.getVersion(model.id, v)),
      });
    }
    case 'import': {
      const source = need(rest[0], 'a DIR (or file) to import');
      const id = need(values.model, '--model ID');
      const version = need(values.version, '--version V');
      if (!manager.listModels().some((m) => m.id === id)) {
        manager.registerModel({
          id,
          name: typeof values.name === 'string' ? values.name : id,
          framework: need(values.framework, '--framework for a new model'),
          taskType: need(values.task, '--task for a new model'),
        });
      }
      return json(await manager.addVersion(id, version, { path: source }));
    }
    case 'alias': {
      const [model, alias, version] = rest;
      manager.setAlias(need(model, 'MODEL'), need(alias, 'ALIAS'), need(version, 'VERSION'));
      return json(manager.getModel(model as string).aliases);
    }
    case 'runs': {
      const [sub, runId] = rest;
      if (sub === 'list') {
        const experiment = typeof values.experiment === 'string' ? values.experiment : undefined;
        return json(
          manager.experiments
            .listRuns(experiment === undefined ? {} : { experiment })
            .map(({ id, experiment: e, name, status, startedAt, metrics }) => ({
              id,
              experiment: e,
              name,
              status,
              startedAt,
              metrics,
            })),
        );
      }
      if (sub === 'show') return json(manager.experiments.getRun(need(runId, 'a RUN id')));
      if (sub === 'export') {
        const format = need(values.format, '--format csv|json');
        if (format !== 'csv' && format !== 'json')
          throw new CliUsageError(`--format must be csv or json, not '${format}'`);
        return manager.experiments.exportMetrics(need(runId, 'a RUN id'), format);
      }
      throw new CliUsageError(`unknown 'runs' subcommand '${sub ?? ''}'`);
    }
    default:
      throw new CliUsageError(`unknown command '${command}'`);
  }
}
