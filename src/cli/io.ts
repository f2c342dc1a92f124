// What a subcommand may do to the outside world; the CLI passes real streams and files, tests
// pass in-memory ones.
export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (path: string) => Promise<string>;
  readStdin: () => Promise<string>;
}

export interface Command {
  summary: string;
  run: (argv: string[], io: CliIO) => Promise<number>;
}
