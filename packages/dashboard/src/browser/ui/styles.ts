/** The page's whole stylesheet: light and dark from the same custom properties. */
export const STYLES = `
:root { color-scheme: light dark; --bg:#ffffff; --fg:#1b1f24; --muted:#57606a; --line:#d0d7de; --panel:#f6f8fa;
  --accent:#0550ae; --good:#1a7f37; --bad:#cf222e; --mid:#9a6700; --fill:#2f81f7; --focus:#0969da; }
:root[data-theme="dark"] { --bg:#0d1117; --fg:#e6edf3; --muted:#9da7b3; --line:#30363d; --panel:#161b22;
  --accent:#79c0ff; --good:#3fb950; --bad:#ff7b72; --mid:#d29922; --fill:#388bfd; --focus:#79c0ff; }
@media (prefers-color-scheme: dark) { :root:not([data-theme="light"]) { --bg:#0d1117; --fg:#e6edf3; --muted:#9da7b3;
  --line:#30363d; --panel:#161b22; --accent:#79c0ff; --good:#3fb950; --bad:#ff7b72; --mid:#d29922; --fill:#388bfd; --focus:#79c0ff; } }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, sans-serif; background:var(--bg); color:var(--fg); }
header { display:flex; gap:1rem; align-items:center; padding:.5rem 1rem; border-bottom:1px solid var(--line); background:var(--panel); flex-wrap:wrap; }
header h1 { font-size:1.1rem; margin:0; }
nav a { color:var(--fg); padding:.35rem .7rem; border-radius:6px; text-decoration:none; }
nav a[aria-current="page"] { background:var(--accent); color:var(--bg); }
.spacer { flex:1; }
main { padding:1rem; }
:focus-visible { outline:2px solid var(--focus); outline-offset:2px; }
table { border-collapse:collapse; width:100%; margin-bottom:1.5rem; }
th, td { text-align:left; padding:.35rem .5rem; border-bottom:1px solid var(--line); vertical-align:middle; }
thead th { color:var(--muted); font-weight:600; }
h2 { font-size:1rem; margin:1rem 0 .5rem; }
.good { color:var(--good); } .bad { color:var(--bad); } tr.warning td { color:var(--mid); }
.note { color:var(--mid); } .summary { color:var(--muted); }
.bar { position:relative; min-width:12rem; height:1.3rem; background:var(--panel); border:1px solid var(--line); border-radius:4px; overflow:hidden; }
.bar .fill { position:absolute; inset:0 auto 0 0; background:var(--fill); opacity:.45; }
.bar .fill.mid { background:var(--mid); } .bar .fill.high { background:var(--bad); }
.progress.complete .fill { background:var(--good); }
.bar-text { position:relative; padding:0 .4rem; font-size:12px; white-space:nowrap; }
button, input, select, textarea { font:inherit; color:var(--fg); background:var(--bg); border:1px solid var(--line); border-radius:6px; padding:.2rem .5rem; }
button { cursor:pointer; } button.primary { background:var(--accent); color:var(--bg); border-color:var(--accent); }
.actions { display:flex; gap:.3rem; flex-wrap:wrap; }
#notices { position:fixed; right:1rem; bottom:1rem; display:flex; flex-direction:column; gap:.5rem; max-width:40rem; z-index:10; }
.notice { display:flex; gap:.5rem; align-items:start; padding:.5rem .75rem; border-radius:6px; border:1px solid var(--line); background:var(--panel); }
.notice.refused { border-color:var(--bad); } .notice.ok { border-color:var(--good); }
.notice span { flex:1; white-space:pre-wrap; }
dialog { background:var(--bg); color:var(--fg); border:1px solid var(--line); border-radius:8px; min-width:24rem; max-width:90vw; }
dialog label { display:block; margin:.5rem 0; }
textarea.yaml { display:block; width:80vw; max-width:60rem; font-family:ui-monospace, monospace; font-size:12px; }
.dialog-buttons { display:flex; gap:.5rem; justify-content:flex-end; margin-top:1rem; }
.tabs { display:flex; gap:.3rem; margin-bottom:.5rem; flex-wrap:wrap; }
.tabs [aria-selected="true"] { background:var(--accent); color:var(--bg); border-color:var(--accent); }
.filters { display:flex; gap:1rem; flex-wrap:wrap; margin-bottom:.5rem; }
.vt { border:1px solid var(--line); border-radius:6px; }
.vt-viewport { height:calc(100vh - 14rem); min-height:20rem; overflow:auto; position:relative; contain:strict; }
.vt-body { position:relative; }
.vt-row { display:grid; grid-template-columns:var(--vt-columns); align-items:center; gap:.5rem; padding:0 .5rem; border-bottom:1px solid var(--line); }
.vt-body .vt-row { position:absolute; left:0; right:0; top:0; contain:layout style paint; }
.vt-head { color:var(--muted); font-weight:600; height:2rem; }
.vt-row > div { overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.vt-row button { padding:0 .4rem; }
dialog.panel { width:min(70rem, 92vw); }
pre.stream { height:60vh; overflow:auto; margin:.5rem 0; padding:.5rem; background:var(--panel); border:1px solid var(--line); border-radius:6px; font:12px/1.35 ui-monospace, monospace; white-space:pre-wrap; word-break:break-all; }
.stream-note { color:var(--muted); font-style:italic; }
.shell-input { display:flex; gap:.5rem; align-items:center; font-family:ui-monospace, monospace; }
.shell-input input { flex:1; font-family:ui-monospace, monospace; }
label.inline { display:inline-block; }
.charts { display:grid; grid-template-columns:repeat(auto-fill, minmax(18rem, 1fr)); gap:1rem; margin-bottom:1rem; }
figure.chart-box { margin:0; min-width:12rem; }
figure.chart-box figcaption { display:flex; gap:.5rem; font-size:12px; color:var(--muted); }
.chart-value { color:var(--fg); font-weight:600; } .chart-max { margin-left:auto; }
svg.chart { display:block; width:100%; height:4.5rem; background:var(--panel); border:1px solid var(--line); border-radius:4px; }
.chart-line { fill:none; stroke:var(--fill); stroke-width:2; } .chart-area { fill:var(--fill); opacity:.2; stroke:none; }
`;
