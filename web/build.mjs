// Builds the dashboard into src/eventwatch/web/static/ (served by `eventwatch serve` at /).
// Everything the page needs at run time is in that folder: no CDN, no fonts or tiles from elsewhere.
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "src", "eventwatch", "web", "static");
const watch = process.argv.includes("--watch");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
copyFileSync(join(here, "src", "index.html"), join(out, "index.html"));
// Country outlines (Natural Earth 1:50m, TopoJSON): fetched by the map from the same origin.
copyFileSync(join(here, "node_modules", "world-atlas", "countries-50m.json"), join(out, "countries-50m.json"));
// Swagger UI for the API's /docs page, served from here too (FastAPI's default page loads it from a CDN).
mkdirSync(join(out, "docs-assets"));
for (const f of ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE", "NOTICE"]) {
  copyFileSync(join(here, "node_modules", "swagger-ui-dist", f), join(out, "docs-assets", f));
}

const options = {
  entryPoints: { app: join(here, "src", "main.js"), style: join(here, "src", "style.css") },
  bundle: true,
  format: "esm",
  minify: !watch,
  sourcemap: true,
  target: ["es2022"],
  outdir: out,
  loader: { ".png": "file", ".svg": "file" },
  assetNames: "assets/[name]-[hash]",
  legalComments: "linked", // third-party licences kept beside the bundle
  logLevel: "info",
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
