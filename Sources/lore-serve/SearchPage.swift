/// The search page `lore serve --http` shows at `/`: one self-contained document (no file or
/// address from elsewhere), results as you type, keyboard first.
enum SearchPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lore</title>
<style>
  :root { --fg: #1d2125; --dim: #66707a; --line: #dde1e5; --accent: #2f6fde; --mark: #ffe58a; --sel: #eef3fd; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #fafbfc; }
  main { max-width: 820px; margin: 0 auto; padding: 28px 20px 60px; }
  h1 { font-size: 20px; margin: 0 0 14px; letter-spacing: .02em; }
  h1 span { color: var(--dim); font-weight: 400; font-size: 14px; margin-left: 10px; }
  #q { width: 100%; font-size: 18px; padding: 11px 14px; border: 1px solid #c4cad1; border-radius: 8px; outline: none; background: #fff; }
  #q:focus { border-color: var(--accent); box-shadow: 0 0 0 3px rgba(47,111,222,.18); }
  #info { color: var(--dim); font-size: 13px; margin: 8px 2px 14px; min-height: 18px; }
  ol { list-style: none; margin: 0; padding: 0; }
  li.result { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; margin-bottom: 10px; cursor: pointer; }
  li.result.selected { border-color: var(--accent); background: var(--sel); }
  .title { font-weight: 600; }
  .where { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; color: var(--dim); margin: 2px 0 6px; }
  .score { float: right; color: var(--dim); font-size: 12px; }
  .snippet { white-space: pre-wrap; font-size: 14px; }
  mark { background: var(--mark); color: inherit; border-radius: 2px; padding: 0 1px; }
  pre.passage { white-space: pre-wrap; font: 13px/1.5 ui-monospace, "DejaVu Sans Mono", monospace; background: #f3f5f7;
                border-radius: 6px; padding: 10px 12px; margin: 8px 0 2px; }
  .error { color: #b3261e; }
  kbd { font: 11px ui-monospace, monospace; border: 1px solid #c4cad1; border-bottom-width: 2px; border-radius: 4px; padding: 0 4px; }
</style>
</head>
<body>
<main>
  <h1>Lore<span id="stats"></span></h1>
  <input id="q" type="search" placeholder="Ask your notes…" autocomplete="off" autofocus aria-label="Question"
         role="combobox" aria-expanded="false" aria-controls="results" aria-autocomplete="list">
  <div id="info" aria-live="polite"><kbd>↑</kbd> <kbd>↓</kbd> choose · <kbd>Enter</kbd> whole passage · <kbd>Esc</kbd> close, then clear</div>
  <ol id="results" role="listbox" aria-label="Passages"></ol>
</main>
<script>
(function () {
  "use strict";
  const q = document.getElementById("q"), list = document.getElementById("results"), info = document.getElementById("info");
  let timer = null, asked = 0, selected = -1, hits = [];

  function escapeHTML(s) {
    return s.replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }
  function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  // The snippet with the words that matched the question marked: matched in the text as written,
  // each piece escaped on its own (so a word such as "amp" or "39" never lands inside an entity).
  // A word of Chinese or Japanese is marked wherever it stands; others as whole words.
  const unspaced = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
  function highlight(text, words) {
    if (!words.length) return escapeHTML(text);
    const re = new RegExp(words.map(w => unspaced.test(w) ? escapeRegExp(w)
      : "(?<![\\p{L}\\p{N}])" + escapeRegExp(w) + "(?![\\p{L}\\p{N}])").join("|"), "gu");
    let out = "", last = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (!m[0].length) { re.lastIndex++; continue; }
      out += escapeHTML(text.slice(last, m.index)) + "<mark>" + escapeHTML(m[0]) + "</mark>";
      last = m.index + m[0].length;
    }
    return out + escapeHTML(text.slice(last));
  }
  function select(i) {
    const items = list.children;
    if (!items.length) { selected = -1; return; }
    selected = Math.max(0, Math.min(items.length - 1, i));
    for (let j = 0; j < items.length; j++) {
      items[j].classList.toggle("selected", j === selected);
      items[j].setAttribute("aria-selected", j === selected ? "true" : "false");
    }
    q.setAttribute("aria-activedescendant", items[selected].id);
    items[selected].scrollIntoView({ block: "nearest" });
  }
  function render(answer) {
    hits = answer.results;
    list.innerHTML = "";
    q.setAttribute("aria-expanded", hits.length ? "true" : "false");
    q.removeAttribute("aria-activedescendant");
    info.textContent = hits.length ? hits.length + (hits.length === 1 ? " passage" : " passages") + " in " + answer.took_ms.toFixed(1) + " ms"
                                   : "No passage matches this question.";
    hits.forEach((h, i) => {
      const li = document.createElement("li");
      li.className = "result";
      li.id = "result-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.innerHTML = '<span class="score">' + h.score.toFixed(3) + '</span><div class="title">' + escapeHTML(h.title) +
        '</div><div class="where">' + escapeHTML(h.source + ":" + h.lines[0] + "-" + h.lines[1]) +
        '</div><div class="snippet">' + highlight(h.snippet, h.matches) + "</div>";
      li.addEventListener("click", () => { select(i); toggle(i); });
      list.appendChild(li);
    });
    selected = -1;
    if (hits.length) select(0);
  }
  async function search() {
    const text = q.value.trim(), mine = ++asked;
    if (!text) {
      list.innerHTML = ""; hits = []; info.textContent = "";
      q.setAttribute("aria-expanded", "false"); q.removeAttribute("aria-activedescendant");
      return;
    }
    try {
      const r = await fetch("/api/search?k=10&q=" + encodeURIComponent(text));
      const body = await r.json();
      if (mine !== asked) return;           // a later question was asked meanwhile
      if (!r.ok) { list.innerHTML = ""; info.innerHTML = '<span class="error">' + escapeHTML(body.error) + "</span>"; return; }
      render(body);
    } catch (e) {
      if (mine === asked) info.innerHTML = '<span class="error">' + escapeHTML(String(e)) + "</span>";
    }
  }
  // The whole passage under result i, fetched from /api/get; a second time closes it.
  async function toggle(i) {
    const li = list.children[i], open = li.querySelector("pre.passage");
    if (open) { open.remove(); return; }
    const h = hits[i];
    const r = await fetch("/api/get?path=" + encodeURIComponent(h.source) + "&lines=" + h.lines[0] + "-" + h.lines[1]);
    const body = await r.json();
    const pre = document.createElement("pre");
    pre.className = "passage";
    pre.textContent = r.ok ? body.text : body.error;
    li.appendChild(pre);
  }
  q.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 150); });
  document.addEventListener("keydown", e => {
    if (e.key === "ArrowDown") { e.preventDefault(); select(selected + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); select(selected - 1); }
    else if (e.key === "Enter" && selected >= 0) { e.preventDefault(); toggle(selected); }
    else if (e.key === "Escape") {
      e.preventDefault();                   // the search box would clear itself on the first Escape
      const open = list.querySelectorAll("pre.passage");
      if (open.length) open.forEach(p => p.remove());
      else { q.value = ""; search(); }
      q.focus();
    }
  });
  fetch("/api/status").then(r => r.json()).then(s => {
    document.getElementById("stats").textContent = s.notes + " notes · " + s.passages + " passages";
  }).catch(() => {});
})();
</script>
</body>
</html>
"""#
}
