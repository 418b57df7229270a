// Whole numbers with their thousands grouped ("12,500"), without Intl: the first Intl call of a page
// loads the browser's locale data, a long task the page's first screen need not wait for.

/** `n` rounded, its digits in groups of three with commas. */
export function grouped(n) {
  const digits = String(Math.abs(Math.round(n)));
  return `${n < 0 && Math.round(n) !== 0 ? '−' : ''}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}
