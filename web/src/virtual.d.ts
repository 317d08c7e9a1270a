// The build-time module of web/vite.config.ts: docs/results.json's summary (src/article/results-data.ts).
declare module "virtual:results-summary" {
  const summary: import("./article/results-data.js").ResultsSummary;
  export default summary;
}
