() => {
  // Runs once in the browser when the page loads. It makes the sketchpad live and draws the charts:
  // - Gradio's sketchpad starts (and returns after "clear") with no tool selected, ignoring strokes: pick the brush;
  // - with a change or input listener attached, the sketchpad encodes and uploads three full-size PNG layers
  //   after every stroke, which costs most of a second. So it gets no listener; this script takes a
  //   half-size PNG of the picture itself;
  // - while the pen moves (at the pace the server sets) and at each change of the drawing, that picture goes
  //   to the server's own `read_drawing` route, apart from Gradio's events; one request at a time: when the drawing
  //   changes while one is in flight, the drawing as it is when that answer is in goes next, so answers land
  //   in order, nothing stale after a newer one, and a busy server (or browser) gets fewer requests, not
  //   more; the answers (every network's chart) are drawn at once, and while the "Inside the CNN" view is open the
  //   same answer carries that view, drawn with them (so it follows the chart, nothing asked for it while closed),
  //   and once the visitor has trained a network on the Train tab, the answer carries its reading too;
  // - the answer to a finished drawing (stroke end, undo, clear) also carries the rest of the page (the verdict,
  //   the 28x28 inputs, the naive view): it goes, with the drawing, into the hidden #drawn textbox, whose change
  //   event hands it to those components in the browser (pageOutputs), so one request answers a drawing.
  // window.editor is Gradio's image editor object (not a public API): tests/test_browser.py fails if it moves.
  // While the pen moves, every answer says how long to wait (from asking) before the next live reading: `next_ms`,
  // longer while the server is busy (webpage/readings.py), so a crowd gets fewer live answers, never a late final
  // one. A busy server may also decline a live reading (its answer says `busy`): then the wait is from now.
  // The server shares its readings fairly among pages (webpage/fair_share.py): each request names this page
  // (`session_hash`), and one past the page's share gets 429 with Retry-After; then the page waits that long and
  // asks again, for the finished drawing too.
  const READ = new URL("read_drawing", location.href);  // the drawing's own route (webpage/drawing_route.py)
  let hooked = null;
  let drawing = false;
  let later = null;
  let asking = false;  // a reading is in flight
  let stale = false;  // the drawing has changed since it was asked for
  let quietUntil = 0;  // no live reading before this moment (the server's pace)
  let again = false;  // the finished drawing was refused (429): ask again at quietUntil
  const PAGE = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("");

  // A chart: ten bars in the order 0 to 9 that stay in place, the winner marked, each with its percentage;
  // for a number, one small chart per digit instead, in reading order (drawDigits). `#probabilities` shows the
  // default network's reading, `#article-model` the article's network's reading of the same inputs, with its answer
  // written above its bars, and `#your-model`, once the visitor has trained a network on the Train tab, that
  // network's reading the same way: three charts.
  const drawChart = (root, reading) => {
    const chart = root && root.querySelector(".bars");
    if (!chart) return;
    const digits = (reading && reading.digits) || [];
    const one = digits.length === 1 ? digits[0] : null;
    if (chart.querySelectorAll(".bar").length !== 10) {
      chart.innerHTML = [...Array(10).keys()].map((d) =>
        `<div class="bar" data-digit="${d}"><span class="digit">${d}</span>` +
        `<span class="track"><span class="fill"></span></span><span class="value"></span></div>`).join("");
    }
    chart.querySelectorAll(".bar").forEach((bar, d) => {
      const p = one ? one.probabilities[String(d)] : 0;
      bar.classList.toggle("top", Boolean(one) && one.digit === d);
      bar.querySelector(".fill").style.setProperty("--p", `${(100 * p).toFixed(1)}%`);
      bar.querySelector(".value").textContent = one ? `${Math.round(100 * p)} %` : "";
    });
    chart.classList.toggle("unsure", Boolean(one && one.unsure));
    chart.classList.toggle("number", digits.length > 1);
    drawDigits(chart, digits.length > 1 ? digits : []);
    chart.dataset.answer = one ? String(one.digit) : "";
    const answer = root.querySelector(".answer");
    if (answer) {
      const number = digits.map((d) => (d.unsure ? "?" : String(d.digit))).join("");
      answer.innerHTML = one ? `${number}<span class="percent">${Math.round(100 * one.confidence)} %</span>` : number;
      answer.dataset.number = reading ? reading.number : "";
    }
  };
  // A number's digits, each as a small chart of its own, in the ten bars' place (chart.css): ten columns 0 to 9 as
  // tall as their probabilities, the winner marked and written above (? when unsure).
  const drawDigits = (chart, digits) => {
    let row = chart.querySelector(".digit-charts");
    if (!row) {
      row = document.createElement("div");
      row.className = "digit-charts";
      chart.append(row);
    }
    row.innerHTML = digits.map((d, place) => {
      const columns = [...Array(10).keys()].map((k) => {
        const p = d.probabilities[String(k)];
        return `<span class="column${d.digit === k ? " top" : ""}" style="--p: ${(100 * p).toFixed(1)}%" ` +
          `title="${k}: ${Math.round(100 * p)} %"></span>`;
      }).join("");
      const axis = [...Array(10).keys()].map((k) => `<span>${k}</span>`).join("");
      return `<div class="digit-chart${d.unsure ? " unsure" : ""}" data-place="${place + 1}" ` +
        `data-answer="${d.unsure ? "?" : d.digit}"><div class="digit-answer">${d.unsure ? "?" : d.digit}` +
        `<span class="percent">${Math.round(100 * d.confidence)} %</span></div>` +
        `<div class="columns">${columns}</div><div class="axis">${axis}</div></div>`;
    }).join("");
  };
  window.showReading = (reading) => {
    drawChart(document.querySelector("#probabilities"), reading);
    drawChart(document.querySelector("#article-model"), reading && reading.article);
    drawChart(document.querySelector("#your-model"), reading && reading.yours);  // once the visitor has trained one
  };

  // The inside view (app.py's inside_view): each layer's picture in its box, the moved inputs' answers, the
  // strongest units' table; without pictures, the view is emptied.
  window.showInside = (inside) => {
    const pictures = (inside && inside.pictures) || {};
    document.querySelectorAll(".inside-picture").forEach((box) => {
      const src = pictures[box.dataset.view];
      let img = box.querySelector("img");
      if (!src) { if (img) img.remove(); return; }
      if (!img) img = box.appendChild(document.createElement("img"));
      img.src = src;
    });
    const moved = document.querySelector("#moved-answers .inside-moved");
    if (moved) moved.textContent = (inside && inside.moved) || "";
    const units = document.querySelector("#units .inside-units");
    if (!units) return;
    units.replaceChildren();
    const table = inside && inside.units;
    if (!table) return;
    const cells = (row, tag) => {
      const tr = document.createElement("tr");
      row.forEach((value) => { tr.appendChild(document.createElement(tag)).textContent = String(value); });
      return tr;
    };
    units.appendChild(document.createElement("p")).textContent = table.head;
    const grid = units.appendChild(document.createElement("table"));
    grid.appendChild(document.createElement("thead")).appendChild(cells(table.columns, "th"));
    const body = grid.appendChild(document.createElement("tbody"));
    table.rows.forEach((row) => body.appendChild(cells(row, "td")));
  };
  const insideOpen = () => {  // checkVisibility is recent (Safari 17.4): older browsers ask whether it is laid out
    const view = document.querySelector("#units");
    return Boolean(view && (view.checkVisibility ? view.checkVisibility() : view.offsetParent !== null));
  };

  const read = (given) => {  // the chart's reading of `given`, or of the drawing as it is now
    if (asking) { stale = true; return; }
    const drawn = given || picture();
    if (!drawn) return;
    asking = true;
    stale = false;
    const inside = insideOpen();
    const live = drawing;
    const asked = performance.now();
    const request = new XMLHttpRequest();  // one callback when the whole answer is in: no await per step
    request.open("POST", READ);
    request.setRequestHeader("Content-Type", "application/json");
    request.onload = () => {
      if (request.status === 429) {  // past this page's share: wait as asked, then ask again
        quietUntil = performance.now() + 1000 * (Number(request.getResponseHeader("Retry-After")) || 1);
        stale = true;
        again = !live;
        return;
      }
      if (request.status !== 200) {  // the server's one sentence on what went wrong, in the verdict's place
        if (!live) showPage({verdict: `### ${errorOf(request)}`}, null);  // the rest as it was
        return;
      }
      const answer = JSON.parse(request.responseText).data[0];
      quietUntil = (answer.busy ? performance.now() : asked) + (answer.next_ms || 0);
      if (answer.busy) return;  // a live reading the server had no time for: keep the chart, ask again later
      window.showReading(answer);
      if (answer.inside) window.showInside(answer.inside);
      if (answer.page) showPage(answer.page, answer.key);
    };
    request.onloadend = () => {
      asking = false;
      if (!stale) return;
      if (drawing) whileDrawing();  // the pen still moves: at the server's pace
      else if (again) {  // the finished drawing, refused: once the server's wait is over
        again = false;
        later = setTimeout(() => { later = null; read(); }, Math.max(0, quietUntil - performance.now()));
      } else read();  // the finished drawing: at once
    };
    // `drawing`: the pen is still moving, so the server reads without cutting touching strokes apart; `yours`: the
    // key of the network the visitor trained on the Train tab, if any
    const yours = document.querySelector("#your-model-key textarea");
    request.send(JSON.stringify({data: [drawn, inside, live, yours ? yours.value : ""], session_hash: PAGE}));
  };
  const errorOf = (request) => {
    try { return JSON.parse(request.responseText).error || request.statusText; } catch { return request.statusText; }
  };
  // A finished drawing's answer for the page's components (`page`: app.py's SHOWN), and the key the server gave the
  // drawing it answers (null for an empty canvas), which a correction or the inside view names: into #drawn, whose
  // change event runs pageOutputs in the browser.
  const showPage = (page, key) => {
    const box = document.querySelector("#drawn textarea");
    if (!box) return;
    box.value = JSON.stringify({...page, key: key === undefined ? null : key});
    box.dispatchEvent(new Event("input", {bubbles: true}));
  };
  window.pageOutputs = (text) => {  // an upload empties #drawn: then nothing (Gradio leaves an output undefined as is)
    if (!text) return [];
    const {key, ...page} = JSON.parse(text);  // the page's values in the order of its outputs (app.py's SHOWN)
    return Object.values(page);
  };
  // The drawing as the chart reads it: a half-size PNG (a data URL), or null before the editor is there.
  window.drawingPicture = () => {
    const editor = window.editor;
    if (!editor || !editor.app) return null;
    return editor.app.renderer.extract.canvas({target: editor.image_container, resolution: 0.5}).toDataURL("image/png");
  };
  const picture = () => {
    clearTimeout(later);
    later = null;
    return window.drawingPicture();
  };
  const whileDrawing = () => {  // the next live reading, when its time comes (looked at again then: an answer
    if (!drawing || later) return;  // may have arrived meanwhile and put it off)
    const wait = quietUntil - performance.now();
    if (wait <= 0) read();
    else later = setTimeout(() => { later = null; whileDrawing(); }, wait);
  };
  const changed = () => {
    const p = picture();
    if (p) read(p);
  };
  addEventListener("pointerdown", (event) => {
    drawing = Boolean(event.target.closest && event.target.closest("#sketchpad canvas"));
  }, true);
  addEventListener("pointermove", whileDrawing, true);
  addEventListener("pointerup", () => { drawing = false; }, true);
  const watch = () => {
    const root = document.querySelector("#sketchpad");
    const brush = root && root.querySelector("button[aria-label='Brush']");
    if (brush && root.textContent.match(/select the draw tool/i)) brush.click();
    if (window.editor && window.editor !== hooked) {
      hooked = window.editor;
      hooked.on("change", changed);
    }
  };
  window.showReading(null);  // the empty bars from the start: the charts keep their height, nothing below them moves
  const title = document.querySelector("#intro h1");  // the page's heading, in the browser's language
  if (title) document.title = `${title.textContent} · mnist-cnn`;
  new MutationObserver(watch).observe(document.body, {childList: true, subtree: true, characterData: true});
  watch();
}
