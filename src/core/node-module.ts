// Node's built-in modules, for the few features that exist only in Node (reading and writing
// files, worker threads). The specifier goes through a variable so that bundlers for browsers
// and Workers leave the import alone instead of failing to resolve it: it runs only when such a
// feature is used, and then only where Node's modules exist.
export function nodeModule<T>(name: string): Promise<T> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ name) as Promise<T>;
}
