// How figures are written in tables: few significant digits, units in the column titles.

/** A whole number grouped by thousands: 12 345. */
export function formatCount(value) {
  if (!Number.isFinite(value)) return '–';
  return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** Operations (or requests) per second: whole numbers from 100 up, a few decimals below. */
export function formatRate(value) {
  if (!Number.isFinite(value)) return '–';
  if (value >= 100) return formatCount(value);
  return value.toFixed(value >= 10 ? 1 : 2);
}

/** A duration or size with three significant digits (0.0123, 1.23, 123, 12 300). */
export function formatAmount(value) {
  if (!Number.isFinite(value)) return '–';
  if (value === 0) return '0';
  if (Math.abs(value) >= 1000) return formatCount(value);
  return Number(value.toPrecision(3)).toString();
}

/** A ratio as 1.23x. */
export function formatRatio(value) {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : '–';
}
