// The progress line the long-running subcommands redraw on standard error.

/** `[#####.....]` for a fraction in [0, 1]. */
export function bar(fraction: number, width = 30): string {
  const fill = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}]`;
}

/** 75 → "1m15s", 4000 → "1h06m". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = Math.floor(seconds % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s).padStart(2, '0')}s`;
}
