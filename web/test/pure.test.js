// Tests of the dashboard's pure functions (node's own test runner: `npm test`). What needs a
// page (maps, charts, the DOM) is tested in a real browser by tests/test_dashboard.py.
import assert from "node:assert/strict";
import { test } from "node:test";
import { autoInterval, bucketize, bucketOf, bucketRange } from "../src/charts.js";
import { actorLabel, safeHref, segments } from "../src/dom.js";

test("segments cut the text at every span boundary, overlaps shared", () => {
  const a = { start: 2, end: 8, id: "a" };
  const b = { start: 5, end: 10, id: "b" };
  const got = segments(12, [a, b]).map((s) => [s.start, s.end, s.spans.map((x) => x.id).join("")]);
  assert.deepEqual(got, [[0, 2, ""], [2, 5, "a"], [5, 8, "ab"], [8, 10, "b"], [10, 12, ""]]);
});

test("segments ignore spans outside the text, empty or not integers", () => {
  const got = segments(5, [{ start: 3, end: 9 }, { start: 2, end: 2 }, { start: -1, end: 2 }, { start: "1", end: 3 }]);
  assert.deepEqual(got.map((s) => [s.start, s.end, s.spans.length]), [[0, 5, 0]]);
  assert.deepEqual(segments(0, []), []);
});

test("safeHref keeps in-page routes and http(s), refuses other schemes", () => {
  globalThis.location = { href: "http://127.0.0.1:8000/" };
  assert.equal(safeHref("#/case/x"), "#/case/x");
  assert.equal(safeHref("https://example.org/a"), "https://example.org/a");
  assert.equal(safeHref("javascript:alert(1)"), "#");
  assert.equal(safeHref("data:text/html,<b>x</b>"), "#");
});

test("actorLabel joins code and name, trimmed", () => {
  assert.equal(actorLabel({ country: "UGA", sector: "COP", text: " Ugandan police" }), "UGA COP (Ugandan police)");
  assert.equal(actorLabel({ country: "PAK", sector: null, name: null, text: "" }), "PAK");
  assert.equal(actorLabel(null), "?");
});

test("weeks start on Monday, months are YYYY-MM", () => {
  assert.equal(bucketOf("2024-08-22", "week"), "2024-08-19"); // a Thursday
  assert.equal(bucketOf("2024-08-19", "week"), "2024-08-19");
  assert.equal(bucketOf("2024-08-25", "week"), "2024-08-19"); // Sunday
  assert.equal(bucketOf("2024-08-22", "month"), "2024-08");
  assert.deepEqual(bucketRange("2024-02", "month"), ["2024-02-01", "2024-02-29"]);
  assert.deepEqual(bucketRange("2024-12-30", "week"), ["2024-12-30", "2025-01-05"]);
});

test("bucketize counts per bucket and QuadClass, with empty buckets between", () => {
  const rows = [
    { date: "2024-01-30", quad: 4, goldstein: -10 },
    { date: "2024-01-31", quad: 4, goldstein: -8 },
    { date: "2024-03-02", quad: 1, goldstein: 3 },
    { date: null, quad: 1 },
  ];
  const { labels, counts, goldstein } = bucketize(rows, "month");
  assert.deepEqual(labels, ["2024-01", "2024-02", "2024-03"]);
  assert.deepEqual(counts[4], [2, 0, 0]);
  assert.deepEqual(counts[1], [0, 0, 1]);
  assert.deepEqual(goldstein, [-9, null, 3]);
});

test("the interval follows the span of dates", () => {
  assert.equal(autoInterval(["2024-01-01", "2024-03-01"]), "day");
  assert.equal(autoInterval(["2024-01-01", "2024-12-01"]), "week");
  assert.equal(autoInterval(["2021-01-01", "2024-12-01"]), "month");
});
