/** "1 unit", "5 units": a count with its noun, for the lines people read. */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
