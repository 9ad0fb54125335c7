/**
 * A benchmark's command-line options: `--name value` pairs and bare `--flag`s.
 */

/** Options of this process's command line. */
export interface BenchArgs {
  /** Every argument after the script. */
  args: string[];
  /** The value after `--name`, if given. */
  opt(name: string): string | undefined;
  /** Whether `--name` is present. */
  flag(name: string): boolean;
}

/**
 * Reads the benchmark's options.
 *
 * @example
 * ```ts
 * const { opt } = benchArgs();
 * const rounds = Number(opt('rounds') ?? 2);
 * ```
 */
export function benchArgs(argv: readonly string[] = process.argv.slice(2)): BenchArgs {
  const args = [...argv];
  return {
    args,
    opt: (name) => {
      const i = args.indexOf(`--${name}`);
      return i >= 0 ? args[i + 1] : undefined;
    },
    flag: (name) => args.includes(`--${name}`),
  };
}
