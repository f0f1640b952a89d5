/** The web view's page. Served at `/`; loads /style.css and the ES module /app.js. */
export const INDEX_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PhotonDB playground</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header>
  <h1>PhotonDB <span id="db-path"></span></h1>
  <div id="live" aria-live="polite"><span id="live-state">connecting…</span></div>
</header>
<main>
  <section id="search-panel">
    <h2>B-tree</h2>
    <form id="search">
      <label>table <select id="table"></select></label>
      <label>key <input id="key" autocomplete="off" placeholder="user:000042"></label>
      <button id="find" type="submit">Find path</button>
    </form>
    <div id="path-result"></div>
    <div id="tree" class="tree"></div>
  </section>
  <section id="pages-panel">
    <h2>Page map</h2>
    <div id="page-legend"></div>
    <div id="page-map" class="page-map"></div>
  </section>
  <section id="inspector-panel">
    <h2>Page inspector</h2>
    <div id="inspector"><p class="hint">Click a page in the map or a node in the tree.</p></div>
  </section>
  <section id="bench-panel">
    <h2>Bench</h2>
    <form id="bench-form">
      <label>ops <input id="bench-n" type="number" value="2000" min="1" max="200000"></label>
      <label>workloads <input id="bench-workloads" value="fillseq,fillrandom,readrandom,readseq,scan,overwrite,fillsync"></label>
      <button id="bench-run" type="submit">Run</button>
    </form>
    <div id="bench-result"></div>
  </section>
</main>
<script type="module" src="/app.js"></script>
</body>
</html>
`;
