/** The web view's stylesheet. */
export const STYLE_CSS = String.raw`
:root { --bg: #0f1419; --panel: #182029; --fg: #e6e6e6; --dim: #8a96a3; --accent: #ffb454; --path: #ff5f56; --leaf: #39bae6; --branch: #c2d94c; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; justify-content: space-between; align-items: baseline; padding: 10px 16px; border-bottom: 1px solid #263140; }
h1 { font-size: 18px; margin: 0; } h1 span { color: var(--dim); font-weight: normal; font-size: 14px; }
h2 { font-size: 15px; margin: 0 0 8px; color: var(--accent); }
main { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; padding: 12px; }
section { background: var(--panel); border-radius: 6px; padding: 10px 12px; min-width: 0; }
#search-panel { grid-column: 1 / 3; }
form { display: flex; gap: 10px; flex-wrap: wrap; align-items: center; margin-bottom: 8px; }
input, select, button { font: inherit; background: #0b0f14; color: var(--fg); border: 1px solid #34404e; border-radius: 4px; padding: 3px 6px; }
button { cursor: pointer; background: #243140; }
#live { color: var(--dim); font-variant-numeric: tabular-nums; }
#live b { color: var(--fg); font-weight: 600; }
.tree .level { display: flex; flex-wrap: wrap; gap: 3px; margin: 6px 0; align-items: center; }
.tree .level-label { width: 70px; color: var(--dim); font-size: 12px; flex: none; }
.tree .node { min-width: 10px; height: 16px; padding: 0 3px; font-size: 10px; line-height: 16px; border-radius: 2px; cursor: pointer; color: #0b0f14; }
.tree .node.branch, .tree .node.root, .tree .node.internal { background: var(--branch); }
.tree .node.leaf { background: var(--leaf); }
.tree.dense .node { min-width: 4px; padding: 0; font-size: 0; }
.tree .node.on-path { background: var(--path); outline: 2px solid #fff; z-index: 1; font-size: 10px; padding: 0 3px; }
#path-result { min-height: 20px; color: var(--dim); }
#path-result .found { color: var(--leaf); } #path-result .missing { color: var(--path); }
.page-map { display: flex; flex-wrap: wrap; gap: 1px; }
.page-map .cell { width: 9px; height: 9px; cursor: pointer; }
.page-map .cell.bad { outline: 1px solid var(--path); }
.page-map .cell.selected { outline: 2px solid #fff; }
#page-legend span { display: inline-block; margin-right: 10px; font-size: 12px; }
#page-legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; }
#inspector table, #bench-result table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
#inspector td, #bench-result td, #bench-result th { padding: 1px 8px 1px 0; text-align: left; }
#bench-result td.num, #bench-result th.num { text-align: right; }
h3 { font-size: 13px; margin: 10px 0 4px; color: var(--dim); }
table.entries { font-size: 12px; max-height: 240px; display: block; overflow: auto; }
table.entries td.dim { color: var(--dim); }
a { color: var(--leaf); }
pre.hex { font: 11px/1.3 ui-monospace, monospace; max-height: 320px; overflow: auto; background: #0b0f14; padding: 6px; }
.hint, .error { color: var(--dim); } .error { color: var(--path); }
`;
