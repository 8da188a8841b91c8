/**
 * Command-line entry point of the DIM trainer:
 *
 *   npx tsx apps/trainer/src/cli.ts train --dataset cifar10 --subset 5000 --epochs 2
 *   npx tsx apps/trainer/src/cli.ts search --checkpoint runs/<run> --index 7
 *   npx tsx apps/trainer/src/cli.ts embed --checkpoint runs/<run>   (stores embeddings in the database)
 *   npx tsx apps/trainer/src/cli.ts search --run latest --image-id 7
 *   npx tsx apps/trainer/src/cli.ts worker   (trains runs queued in the database)
 *
 * Results go to stdout as one JSON line, logs to stderr. Exit codes: 0 success, 1 a
 * failure while running, 2 an invalid command line or missing input, 130 stopped by an
 * interrupt after saving a checkpoint.
 */
import { Command, CommanderError, Option } from 'commander';

import { createEmbedCommand, runEmbed } from './commands/embed';
import { createSearchCommand, runSearch } from './commands/search';
import { createTrainCommand, runTrain } from './commands/train';
import { createWorkerCommand, runWorker } from './commands/worker';
import { createLogger, LOG_LEVELS, type Logger, type LogLevelName } from './logger';
import { choiceOption, UsageError } from './options';

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

function buildProgram(getLogger: () => Logger): Command {
  const program = new Command('trainer')
    .description('Train Deep InfoMax image embeddings and search images by embedding distance.')
    .addOption(
      new Option('--log-level <level>', 'minimum level of the log lines written to stderr')
        .argParser(choiceOption('--log-level', LOG_LEVELS))
        .default(process.env.LOG_LEVEL ?? 'info'),
    )
    .exitOverride()
    .showHelpAfterError('(run with --help for the list of options)');

  program.addCommand(createTrainCommand((options, command) => runTrain(options, command, getLogger())).exitOverride());
  program.addCommand(createSearchCommand((options) => runSearch(options, getLogger())).exitOverride());
  program.addCommand(createEmbedCommand((options) => runEmbed(options, getLogger())).exitOverride());
  program.addCommand(createWorkerCommand((options) => runWorker(options, getLogger())).exitOverride());
  return program;
}

async function main(argv: readonly string[]): Promise<number> {
  // `npm run trainer` starts in the package folder; run from where the user typed the
  // command so that relative paths such as --out mean what they expect.
  if (process.env.npm_lifecycle_event === 'trainer' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

  let logger: Logger | undefined;
  const getLogger = () => (logger ??= createLogger(program.opts<{ logLevel: LogLevelName }>().logLevel));
  const program = buildProgram(getLogger);

  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed the message (or the help text, with exit code 0).
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    getLogger().fatal({ err: error }, `Failed: ${(error as Error).message ?? String(error)}`);
    return EXIT_FAILURE;
  }
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(EXIT_FAILURE);
  },
);
