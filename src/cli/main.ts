#!/usr/bin/env node
/**
 * `pix-recovery` (`npm run cli -- …`): the operator's command line. Each command is a
 * module in ./commands; this file only dispatches and turns every failure into one
 * `error: <reason>` line on stderr and a non-zero exit code.
 */
import { ConfigError } from '../config';
import { loadDotEnv } from '../config/dotenv';
import { CliError, UsageError, type CliContext } from './command';
import { COMMANDS, findCommand } from './commands';
import { oneLine } from './options';

const TOOL = 'pix-recovery';

function toolHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `Usage: ${TOOL} <command> [options]`,
    '',
    'Operator tools for the PIX recovery service. Settings come from the same environment',
    'variables as the service (see README.md, "Configuration").',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options for every command:',
    '  -h, --help   help for the tool or the command',
    '  --verbose    stack traces on errors, and the Temporal SDK log lines',
    '',
    `Run "${TOOL} <command> --help" for a command's options.`,
  ].join('\n');
}

/** Flags that mean the same for every command; they stop at a `--`, like parseArgs' own. */
function splitGlobalFlags(argv: string[]): { rest: string[]; help: boolean; verbose: boolean } {
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  const global = (arg: string, i: number) => i < end && ['--help', '-h', '--verbose'].includes(arg);
  const flags = argv.filter(global);
  return {
    rest: argv.filter((arg, i) => !global(arg, i)),
    help: flags.includes('--help') || flags.includes('-h'),
    verbose: flags.includes('--verbose'),
  };
}

async function main(argv: string[], ctx: CliContext, help: boolean): Promise<number> {
  const [first, ...others] = argv;
  if (first === 'help') return main(others, ctx, true);
  if (first === undefined) {
    if (help) return print(ctx, toolHelp());
    throw new UsageError(
      `no command given; commands: ${COMMANDS.map((c) => c.name).join(', ')} (see ${TOOL} --help)`,
    );
  }
  const found = findCommand(argv);
  if (found) return help ? print(ctx, found.command.help) : found.command.run(found.args, ctx);
  // A group's first word alone (`payment`): its commands' help, or what may follow it.
  const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
  if (group.length > 0 && help) return print(ctx, group.map((c) => c.help).join('\n\n'));
  if (group.length > 0) {
    const typed =
      others[0] === undefined
        ? `"${first}" needs a subcommand`
        : `unknown command "${first} ${others[0]}"`;
    throw new UsageError(`${typed}; try: ${group.map((c) => c.name).join(', ')}`);
  }
  throw new UsageError(
    `unknown command "${first}"; commands: ${COMMANDS.map((c) => c.name).join(', ')} (see ${TOOL} --help)`,
  );
}

function print(ctx: CliContext, text: string): number {
  ctx.out(text);
  return 0;
}

/** One line, always: a config error names every bad variable on it. */
function describeError(err: unknown): { line: string; exitCode: number } {
  if (err instanceof ConfigError) {
    const issues = err.issues.map((i) => `${i.variable}: ${i.message}`).join('; ');
    return { line: `invalid configuration: ${issues}`, exitCode: 2 };
  }
  if (err instanceof CliError) return { line: oneLine(err.message), exitCode: err.exitCode };
  return { line: oneLine(err instanceof Error ? err.message : String(err)), exitCode: 1 };
}

/** Waits for stdout and stderr to drain (pipes can be asynchronous) before exiting. */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

/**
 * A reader that went away (`pix-recovery … | head -1`) is not a failure of the command: the
 * rest of the output is dropped and the command still does its work (a webhook still posts).
 */
let stdoutClosed = false;
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  stdoutClosed = true;
});

const { rest, help, verbose } = splitGlobalFlags(process.argv.slice(2));
loadDotEnv();
const context: CliContext = {
  env: process.env,
  verbose,
  out: (text) => {
    if (!stdoutClosed) process.stdout.write(`${text}\n`);
  },
};

main(rest, context, help).then(exit, (err: unknown) => {
  const { line, exitCode } = describeError(err);
  process.stderr.write(`error: ${line}\n`);
  if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  exit(exitCode);
});
