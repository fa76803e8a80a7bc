// Imported first by src/cli/main.ts, before anything can load React: without NODE_ENV=production
// React runs its development build, several times slower, and the TUI's rendering then costs the
// metadata server CPU on a small host (measured by bench/tui). A user's explicit NODE_ENV wins.
process.env['NODE_ENV'] ??= 'production';
export {};
