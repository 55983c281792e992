import { homedir } from 'node:os';
import { join } from 'node:path';
import { type CliRunner, type Command, defineCli, jsonOption, Option, printResult } from '@mt/cli';
import { CliUsageError } from '@mt/protocol';
import { packageVersion } from '@mt/protocol/node';
import { ModelManager } from '../manager/model-manager.js';

/**
 * `mt-models`: the model registry and experiment runs from the command line.
 * The store is `--store`, else `$MT_MODELS_HOME`, else `~/.moderntensor/models`.
 * Output is a readable table, JSON with `--json` (CSV for `runs export`).
 *
 * @example
 * ```ts
 * await runModelsCli(['--store', dir, 'import', './digits.onnx', '--model', 'digits', '--version', '1.0.0',
 *   '--framework', 'onnx', '--task', 'image-classification'], processIo);
 * ```
 */
export const runModelsCli: CliRunner = defineCli(
  {
    name: 'mt-models',
    version: () => packageVersion(new URL('../../package.json', import.meta.url)),
    description: 'The model registry and experiment tracking.',
  },
  (program, cli) => {
    program.option(
      '--store <dir>',
      'the store (default $MT_MODELS_HOME, then ~/.moderntensor/models)',
    );
    // Opens the store for one command and closes it after, whatever happens.
    const withStore = async (work: (manager: ModelManager) => Promise<unknown> | unknown) => {
      const { store } = program.opts<{ store?: string }>();
      const root =
        store ?? process.env.MT_MODELS_HOME ?? join(homedir(), '.moderntensor', 'models');
      const manager = await ModelManager.open({ root });
      try {
        return await work(manager);
      } finally {
        manager.close();
      }
    };
    const print = (value: unknown, options: { json?: boolean }, columns?: readonly string[]) =>
      cli.io.stdout(
        printResult(value, { json: options.json === true, ...(columns ? { columns } : {}) }),
      );

    command(program, 'list', 'models, their versions and aliases').action(
      async (options: { json?: boolean }) => {
        const models = await withStore((manager) =>
          manager.listModels().map(({ id, framework, taskType, versions, latest, aliases }) => ({
            id,
            framework,
            taskType,
            versions,
            latest,
            aliases,
          })),
        );
        print(models, options);
      },
    );

    command(program, 'show', 'one model with every version')
      .argument('<model>', 'the model id')
      .action(async (id: string, options: { json?: boolean }) => {
        const shown = await withStore((manager) => {
          const model = manager.getModel(id);
          return {
            ...model,
            versionDetails: model.versions.map((v) => manager.getVersion(model.id, v)),
          };
        });
        print(shown, options);
      });

    command(
      program,
      'import',
      'import a model folder or file as a version (registering a new model)',
    )
      .argument('<path>', 'the folder or file')
      .requiredOption('--model <id>', 'the model id')
      .requiredOption('--version <version>', 'the semver version')
      .option('--framework <framework>', 'for a new model: onnx, transformers.js, ...')
      .option('--task <task>', 'for a new model: its task type')
      .option('--name <name>', 'for a new model: a display name (default the id)')
      .action(
        async (
          path: string,
          options: {
            model: string;
            version: string;
            framework?: string;
            task?: string;
            name?: string;
            json?: boolean;
          },
        ) => {
          const version = await withStore((manager) => {
            if (!manager.listModels().some((m) => m.id === options.model)) {
              if (options.framework === undefined || options.task === undefined)
                throw new CliUsageError(`'${options.model}' is new: give --framework and --task`);
              manager.registerModel({
                id: options.model,
                name: options.name ?? options.model,
                framework: options.framework,
                taskType: options.task,
              });
            }
            return manager.addVersion(options.model, options.version, { path });
          });
          print(version, options);
        },
      );

    command(program, 'alias', 'point an alias (e.g. production) at a version')
      .argument('<model>')
      .argument('<alias>')
      .argument('<version>')
      .action(
        async (model: string, alias: string, version: string, options: { json?: boolean }) => {
          const aliases = await withStore((manager) => {
            manager.setAlias(model, alias, version);
            return manager.getModel(model).aliases;
          });
          print(aliases, options);
        },
      );

    const runs = program.command('runs').description('experiment runs');
    command(runs, 'list', 'runs, newest first')
      .option('--experiment <name>', 'only this experiment')
      .action(async (options: { experiment?: string; json?: boolean }) => {
        const listed = await withStore((manager) =>
          manager.experiments
            .listRuns(options.experiment === undefined ? {} : { experiment: options.experiment })
            .map(({ id, experiment, name, status, startedAt, metrics }) => ({
              id,
              experiment,
              name,
              status,
              startedAt,
              metrics,
            })),
        );
        print(listed, options);
      });
    command(runs, 'show', 'one run: params, latest metrics, lineage')
      .argument('<run>', 'the run id')
      .action(async (id: string, options: { json?: boolean }) => {
        print(await withStore((manager) => manager.experiments.getRun(id)), options);
      });
    runs
      .command('export')
      .description("a run's full metric history")
      .argument('<run>', 'the run id')
      .addOption(
        new Option('--format <format>', 'csv or json')
          .choices(['csv', 'json'])
          .makeOptionMandatory(),
      )
      .action(async (id: string, options: { format: 'csv' | 'json' }) => {
        const text = (await withStore((manager) =>
          manager.experiments.exportMetrics(id, options.format),
        )) as string;
        cli.io.stdout(text.endsWith('\n') ? text : `${text}\n`);
      });
  },
);

function command(parent: Command, name: string, description: string): Command {
  return jsonOption(parent.command(name).description(description));
}
