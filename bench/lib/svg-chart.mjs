/**
 * A line chart as an SVG document, with no dependencies: one line per series over a shared
 * x axis (log scale, as batch sizes are), y from 0.
 */

/**
 * @typedef {object} ChartSeries
 * @property {string} label
 * @property {Array<{ x: number, y: number }>} points in x order
 */

const WIDTH = 720;
const HEIGHT = 440;
const MARGIN = { top: 48, right: 170, bottom: 56, left: 76 };
const COLOURS = ["#1b6ac9", "#d9480f", "#2b8a3e", "#862e9c", "#5c5f66"];

/**
 * @param {string} text
 * @returns {string}
 */
function escapeXml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * A round step for about five y ticks.
 * @param {number} max
 * @returns {number}
 */
function tickStep(max) {
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const scaled = rough / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

/**
 * @param {{ title: string, xLabel: string, yLabel: string, series: readonly ChartSeries[] }} chart
 * @returns {string} the SVG document
 */
export function lineChartSvg({ title, xLabel, yLabel, series }) {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const maxY = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.y)));
  const step = tickStep(maxY);
  const top = Math.ceil(maxY / step) * step;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const lo = Math.log(xs[0] ?? 1);
  const hi = Math.log(xs[xs.length - 1] ?? 10);
  const xAt = (/** @type {number} */ x) =>
    MARGIN.left + (hi === lo ? plotW / 2 : ((Math.log(x) - lo) / (hi - lo)) * plotW);
  const yAt = (/** @type {number} */ y) => MARGIN.top + plotH - (y / top) * plotH;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" font-size="13">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="26" text-anchor="middle" font-size="16" font-weight="600">${escapeXml(title)}</text>`,
  ];
  for (let y = 0; y <= top + step / 2; y += step) {
    const py = yAt(y).toFixed(1);
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${py}" y2="${py}" stroke="#e5e7eb"/>`,
      `<text x="${MARGIN.left - 8}" y="${py}" text-anchor="end" dominant-baseline="middle">${Math.round(y).toLocaleString("en-US")}</text>`,
    );
  }
  for (const x of xs) {
    const px = xAt(x).toFixed(1);
    parts.push(
      `<line x1="${px}" x2="${px}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#f1f3f5"/>`,
      `<text x="${px}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${x}</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#495057"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#495057"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 14}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const path = s.points.map((p) => `${xAt(p.x).toFixed(1)},${yAt(p.y).toFixed(1)}`).join(" ");
    parts.push(`<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2.5"/>`);
    for (const p of s.points) {
      parts.push(
        `<circle cx="${xAt(p.x).toFixed(1)}" cy="${yAt(p.y).toFixed(1)}" r="3.5" fill="${colour}"><title>${escapeXml(`${s.label}, ${p.x}: ${Math.round(p.y)}`)}</title></circle>`,
      );
    }
    const ly = MARGIN.top + 10 + i * 22;
    const lx = MARGIN.left + plotW + 18;
    parts.push(
      `<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2.5"/>`,
      `<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${escapeXml(s.label)}</text>`,
    );
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
