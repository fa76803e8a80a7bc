/**
 * The state letter (field 3: R, S, D, Z, X, …) of a `/proc/<pid>/stat` or `/proc/<pid>/task/<tid>/stat`
 * line. It follows the parenthesised command name, which may itself hold spaces or parentheses, so it
 * is found from the LAST `)`. Pure: callers read the file.
 */
export function procStatState(stat: string): string {
  const end = stat.lastIndexOf(')');
  return stat.slice(end + 2, end + 3);
}
