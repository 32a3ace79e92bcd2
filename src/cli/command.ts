/** What every CLI command is, and the errors that end one with a chosen exit code. */

export interface CliContext {
  env: NodeJS.ProcessEnv;
  /** `--verbose`: stack traces on errors, the SDK's own log lines. */
  verbose: boolean;
  /** Writes one block of output (a newline is added) to stdout. */
  out(text: string): void;
}

export interface Command {
  /** One or two words as typed: `replay`, `payment show`. */
  name: string;
  /** One line for the tool's own help. */
  summary: string;
  /** The full text of `<command> --help`. */
  help: string;
  /** The arguments after the command's name, `--help` and `--verbose` already taken out. */
  run(args: string[], ctx: CliContext): Promise<number>;
}

/** An expected failure: printed as one `error:` line, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command line itself is wrong; exit code 2, as usual for usage errors. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}
