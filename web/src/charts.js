// Time charts: counts per day/week/month stacked by QuadClass (the timeline), and the dyad
// chart (counts per period by QuadClass, with the mean Goldstein score as a line).
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController,
  LineElement, PointElement, Tooltip,
} from "chart.js";
import { QUAD_COLORS, QUAD_NAMES } from "./dom.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement,
  PointElement, Tooltip, Legend);
Chart.defaults.animation = false; // instant redraws; also keeps screenshots deterministic
Chart.defaults.font.family = "system-ui, sans-serif";

const DAY = 86400000;

function utc(d) {
  const [y, m, day] = d.split("-").map(Number);
  return Date.UTC(y, (m || 1) - 1, day || 1);
}
const iso = (t) => new Date(t).toISOString().slice(0, 10);

/** The start of the bucket holding date `d` (YYYY-MM-DD): the day, the Monday, or YYYY-MM. */
export function bucketOf(d, interval) {
  if (interval === "month") return d.slice(0, 7);
  if (interval === "week") {
    const t = utc(d);
    const dow = (new Date(t).getUTCDay() + 6) % 7; // Monday = 0
    return iso(t - dow * DAY);
  }
  return d.slice(0, 10);
}

function nextBucket(b, interval) {
  if (interval === "month") {
    const [y, m] = b.split("-").map(Number);
    return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
  }
  return iso(utc(b) + (interval === "week" ? 7 : 1) * DAY);
}

/** Day for short spans, week up to ~1.5 years, month beyond. */
export function autoInterval(dates) {
  if (!dates.length) return "day";
  const ts = dates.map(utc);
  const days = (Math.max(...ts) - Math.min(...ts)) / DAY;
  return days <= 120 ? "day" : days <= 550 ? "week" : "month";
}

/**
 * Count items per bucket and QuadClass. `rows` are {date: "YYYY-MM-DD", quad, weight?, goldstein?}.
 * Returns {labels, counts: {1..4, 0: [...]}, goldstein: [mean or null]} with empty buckets filled.
 */
export function bucketize(rows, interval) {
  const dated = rows.filter((r) => r.date && /^\d{4}-\d{2}-\d{2}/.test(r.date));
  if (!dated.length) return { labels: [], counts: {}, goldstein: [] };
  const keys = dated.map((r) => bucketOf(r.date, interval));
  const sorted = [...new Set(keys)].sort();
  const labels = [];
  for (let b = sorted[0]; b <= sorted[sorted.length - 1] && labels.length < 5000; b = nextBucket(b, interval)) {
    labels.push(b);
  }
  const index = new Map(labels.map((l, i) => [l, i]));
  const counts = {};
  const gSum = labels.map(() => 0);
  const gN = labels.map(() => 0);
  dated.forEach((r, i) => {
    const q = r.quad || 0;
    counts[q] = counts[q] || labels.map(() => 0);
    const j = index.get(keys[i]);
    counts[q][j] += r.weight || 1;
    if (typeof r.goldstein === "number") { gSum[j] += r.goldstein; gN[j] += 1; }
  });
  return { labels, counts, goldstein: gSum.map((s, j) => (gN[j] ? s / gN[j] : null)) };
}

/** The range [since, until] covered by bucket `b`. */
export function bucketRange(b, interval) {
  if (interval === "month") {
    const next = nextBucket(b, "month");
    return [`${b}-01`, iso(utc(`${next}-01`) - DAY)];
  }
  return [b, interval === "week" ? iso(utc(b) + 6 * DAY) : b];
}

function datasets(counts) {
  return Object.keys(counts).sort().map((q) => ({
    type: "bar", label: QUAD_NAMES[q] || "unclassified", data: counts[q],
    backgroundColor: QUAD_COLORS[q] || "#999", stack: "n", yAxisID: "y",
  }));
}

/**
 * A stacked bar timeline in `canvas`. `onPick(label)` is called with the clicked bucket.
 * Returns the Chart (call .destroy() when the view goes).
 */
export function timelineChart(canvas, rows, interval, { onPick, yLabel = "count" } = {}) {
  const { labels, counts } = bucketize(rows, interval);
  return new Chart(canvas, {
    data: { labels, datasets: datasets(counts) },
    options: {
      responsive: true, maintainAspectRatio: false,
      scales: {
        x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: yLabel }, ticks: { precision: 0 } },
      },
      plugins: { legend: { position: "bottom" } },
      onClick: (ev, elements) => {
        if (onPick && elements.length) onPick(labels[elements[0].index]);
      },
    },
  });
}

/** The dyad chart: stacked counts per period by QuadClass and the mean Goldstein score (right axis). */
export function dyadChart(canvas, rows, interval) {
  const { labels, counts, goldstein } = bucketize(rows, interval);
  return new Chart(canvas, {
    data: {
      labels,
      datasets: [
        ...datasets(counts),
        { type: "line", label: "mean Goldstein", data: goldstein, yAxisID: "g", borderColor: "#333",
          backgroundColor: "#333", spanGaps: true, pointRadius: 3, tension: 0 },
      ],
    },
    options: {
      responsive: true, maintainAspectRatio: false,
      scales: {
        x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: "events" }, ticks: { precision: 0 } },
        g: { position: "right", min: -10, max: 10, title: { display: true, text: "mean Goldstein" },
          grid: { drawOnChartArea: false } },
      },
      plugins: { legend: { position: "bottom" } },
    },
  });
}

const QUAD_KEYS = ["verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict"];

/**
 * The relations chart of a dyad report (/dyads/{a}/{b}): per period, A→B counts by QuadClass
 * above the axis and B→A below it, with each direction's mean Goldstein score as a line.
 * `onPick(period)` is called with the clicked period of the report.
 */
export function relationsChart(canvas, report, { onPick } = {}) {
  const labels = report.periods.map((p) => p.period);
  const bars = [];
  QUAD_KEYS.forEach((k, i) => {
    const q = i + 1;
    bars.push({ type: "bar", label: QUAD_NAMES[q], data: report.periods.map((p) => p.a_to_b[k]),
      backgroundColor: QUAD_COLORS[q], stack: "n", yAxisID: "y" });
    bars.push({ type: "bar", label: `${QUAD_NAMES[q]} (${report.b}→${report.a})`,
      data: report.periods.map((p) => -p.b_to_a[k]), backgroundColor: `${QUAD_COLORS[q]}99`,
      borderColor: QUAD_COLORS[q], borderWidth: 1, stack: "n", yAxisID: "y", reverseLegend: true });
  });
  const line = (dir, label, color, dash) => ({
    type: "line", label, data: report.periods.map((p) => p[dir].goldstein_mean), yAxisID: "g",
    borderColor: color, backgroundColor: color, borderDash: dash, spanGaps: true, pointRadius: 3, tension: 0,
  });
  return new Chart(canvas, {
    data: {
      labels,
      datasets: [...bars,
        line("a_to_b", `mean Goldstein ${report.a}→${report.b}`, "#222", []),
        line("b_to_a", `mean Goldstein ${report.b}→${report.a}`, "#777", [5, 4])],
    },
    options: {
      responsive: true, maintainAspectRatio: false,
      scales: {
        x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: { stacked: true, title: { display: true, text: `events: ${report.a}→${report.b} up, ${report.b}→${report.a} down` },
          ticks: { precision: 0, callback: (v) => Math.abs(v) } },
        g: { position: "right", min: -10, max: 10, title: { display: true, text: "Goldstein" }, grid: { drawOnChartArea: false } },
      },
      onClick: (ev, elements) => {
        if (onPick && elements.length) onPick(report.periods[elements[0].index]);
      },
      plugins: {
        legend: { position: "bottom", labels: { filter: (item, data) => !data.datasets[item.datasetIndex].reverseLegend } },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${c.dataset.type === "line" ? c.raw : Math.abs(c.raw)}` } },
      },
    },
  });
}
