export type ImageFormat = 'svg' | 'png';

/** The format a plot path asks for: `--format` when given, else PNG for a name ending in .png. */
export function plotFormat(path: string, format?: string): ImageFormat {
  if (format === 'svg' || format === 'png') return format;
  return path.toLowerCase().endsWith('.png') ? 'png' : 'svg';
}

/**
 * SVG to PNG with resvg (a Rust rasteriser shipped as a prebuilt per-platform
 * npm package, no download at install), loaded only when a PNG is asked for.
 * Text uses the system's fonts.
 */
export async function svgToPng(svg: string): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  // Twice the SVG's size: sharp on high-density screens and in documents.
  return new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, background: 'white', font: { loadSystemFonts: true } }).render().asPng();
}
