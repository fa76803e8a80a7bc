/**
 * Pure layout: how many lines each pane gets and which columns fit, from the terminal size.
 * The whole frame is `rows - 1` lines, always: Ink clears the screen when a frame reaches the
 * terminal height, and a frame of stable height is what lets Ink rewrite it without flicker.
 */

/** Lines every view spends on the header and the footer. */
const FRAME_CHROME = 2;
/** Lines the dashboard body spends on anything but rows: two pane titles, two column headers. */
const PANE_CHROME = 4;

export interface FrameLayout {
  width: number;
  /** Lines between the header and the footer, the same for every view. */
  bodyHeight: number;
  /** Dashboard: instance rows and request rows (without titles and column headers). */
  instanceRows: number;
  requestRows: number;
  /** Detail: lines of the console tail and of the request list (without titles). */
  detailConsoleRows: number;
  detailRequestRows: number;
}

/** Detail body lines besides the console and request rows: info, error, stages/served block (8), three titles/headers. */
const DETAIL_CHROME = 1 + 1 + 8 + 3;

export function frameLayout(columns: number, rows: number): FrameLayout {
  const width = Math.max(40, columns - 1);
  const bodyHeight = Math.max(PANE_CHROME + 2, rows - 1 - FRAME_CHROME);
  const available = bodyHeight - PANE_CHROME;
  const instanceRows = Math.max(1, Math.floor(available * 0.4));
  const detailRows = Math.max(2, bodyHeight - DETAIL_CHROME);
  const detailConsoleRows = Math.max(1, Math.floor(detailRows / 2));
  return {
    width,
    bodyHeight,
    instanceRows,
    requestRows: available - instanceRows,
    detailConsoleRows,
    detailRequestRows: Math.max(1, detailRows - detailConsoleRows),
  };
}

export interface ColumnSpec<K extends string> {
  key: K;
  title: string;
  /** Minimum width; flexible columns share what is left over. */
  width: number;
  /** Lower numbers survive on narrow terminals. */
  priority: number;
  /** Share of the spare width this column takes (weight); absent means fixed width. */
  flex?: number;
  alignRight?: boolean;
}

export interface Column<K extends string> {
  key: K;
  title: string;
  width: number;
  alignRight: boolean;
}

/**
 * Keeps the columns that fit in `width` (one space between columns), by priority, in their
 * declared order, and shares the spare width among the flexible ones by weight.
 */
export function fitColumns<K extends string>(specs: readonly ColumnSpec<K>[], width: number): Column<K>[] {
  const byPriority = [...specs].sort((a, b) => a.priority - b.priority);
  const kept = new Set<ColumnSpec<K>>();
  let used = 0;
  for (const spec of byPriority) {
    const cost = spec.width + (kept.size === 0 ? 0 : 1);
    if (used + cost > width) continue;
    kept.add(spec);
    used += cost;
  }
  const chosen = specs.filter((s) => kept.has(s));
  const totalWeight = chosen.reduce((sum, s) => sum + (s.flex ?? 0), 0);
  const spare = width - used;
  const extras = chosen.map((s) => (totalWeight === 0 ? 0 : Math.floor((spare * (s.flex ?? 0)) / totalWeight)));
  // What rounding left over goes to the heaviest flexible column.
  const heaviest = chosen.reduce((best, s, i) => ((s.flex ?? 0) > (chosen[best]?.flex ?? 0) ? i : best), 0);
  if (totalWeight > 0) extras[heaviest] = (extras[heaviest] ?? 0) + spare - extras.reduce((a, b) => a + b, 0);
  return chosen.map((s, i) => ({ key: s.key, title: s.title, width: s.width + (extras[i] ?? 0), alignRight: s.alignRight === true }));
}
