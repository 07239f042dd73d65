/** What the fakes' command lines share: `--flag value` parsing, Ctrl-C/SIGTERM clean-up, exit codes. */

/**
 * Applies `flags[arg](value)` to each `--flag value` and `switches[arg]()` to each bare `--switch`; `--help`
 * prints `usage` and returns false (nothing to start). Anything else is an error that quotes the usage.
 */
export function readFlags(argv: string[], usage: string, flags: Record<string, (value: string) => void>, switches: Record<string, () => void> = {}): boolean {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(usage);
      return false;
    }
    if (switches[arg]) switches[arg]();
    else if (flags[arg]) {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value\n${usage}`);
      flags[arg](value);
    } else throw new Error(`unknown argument ${arg}\n${usage}`);
  }
  return true;
}

/** On SIGINT or SIGTERM: says `message`, runs `stop` (which removes what the fake made), exits 0 (1 if stop failed). */
export function stopOnSignals(stop: () => Promise<void>, message: string): void {
  const onSignal = (): void => {
    console.log(message);
    stop().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

/** Runs a CLI's `main`; a failure to start is its message and exit code 2. */
export function runCli(main: (argv: string[]) => Promise<void>): void {
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(error.message);
    process.exit(2);
  });
}
